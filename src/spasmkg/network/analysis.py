"""Network analysis of the concept graph: summary (degrees, centrality, components), explanation
paths between two concepts, neighbourhoods with their evidence."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import TYPE_CHECKING, Any

from spasmkg.errors import InputError

if TYPE_CHECKING:
    import networkx as nx


from spasmkg.engine.evidence import Evidence
from spasmkg.network.graph import arrow, category_rank, edges_between, node_ref, shown, undirected

# ---------------------------------------------------------------- summary


def summary(g: nx.MultiDiGraph, *, top: int = 10) -> dict[str, Any]:
    """Counts per category and predicate, the most connected causes and treatments, components, isolates."""
    import networkx as nx

    betweenness = nx.betweenness_centrality(undirected(g), normalized=True)

    cats = sorted({c for _, c in g.nodes(data="category")}, key=lambda c: (category_rank(c), c))
    per_category: dict[str, dict[str, int]] = {}
    for c in cats:
        members = {n for n, a in g.nodes(data=True) if a["category"] == c}
        edges = sum(1 for u, v in g.edges() if u in members or v in members)
        per_category[c] = {"nodes": len(members), "edges": edges}
    per_predicate = dict(sorted(Counter(k for _, _, k in g.edges(keys=True)).items()))

    def ranking(category: str) -> list[dict[str, Any]]:
        members = [n for n, a in g.nodes(data=True) if category in a["categories"]]
        rows = [
            {**node_ref(g, n), "degree": g.degree(n), "betweenness": round(betweenness.get(n, 0.0), 4)} for n in members
        ]
        rows.sort(key=lambda r: (-r["degree"], -r["betweenness"], r["label"]))
        return rows[:top]

    components = sorted(
        (sorted(c, key=lambda n: g.nodes[n]["label"]) for c in nx.weakly_connected_components(g)),
        key=lambda c: (-len(c), g.nodes[c[0]]["label"]),
    )
    isolated = sorted((n for n in g.nodes if g.degree(n) == 0), key=lambda n: g.nodes[n]["label"])
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "categories": per_category,
        "predicates": per_predicate,
        "most_connected": {"cause": ranking("cause"), "treatment": ranking("treatment")},
        "components": {
            "count": len(components),
            "sizes": [len(c) for c in components],
            "minor": [[node_ref(g, n) for n in c] for c in components[1:] if len(c) > 1],
        },
        "isolated": [node_ref(g, n) for n in isolated],
    }


def summary_text(s: dict[str, Any]) -> str:
    lines = [f"concepts: {s['nodes']}   edges: {s['edges']}", "", "per category:        nodes  edges"]
    for c, v in s["categories"].items():
        lines.append(f"  {shown(c):20} {v['nodes']:5d}  {v['edges']:5d}")
    lines += ["", "edges per predicate:"]
    lines += [f"  {n:5d}  {shown(p)}" for p, n in s["predicates"].items()]
    for cat, title in (("cause", "causes"), ("treatment", "treatments")):
        ranked = s["most_connected"][cat]
        w = max([len(shown(r["label"])) for r in ranked] + [len(title) + 15])
        lines += ["", f"  {'most connected ' + title + ':':{w}}  degree  betweenness"]
        for r in ranked:
            lines.append(f"  {shown(r['label']):{w}}  {r['degree']:6d}  {r['betweenness']:11.4f}  {shown(r['curie'])}")
    comp = s["components"]
    sizes = ", ".join(str(n) for n in comp["sizes"][:12]) + (", ..." if len(comp["sizes"]) > 12 else "")
    lines += ["", f"connected components (weak): {comp['count']}  (sizes: {sizes})"]
    for members in comp["minor"]:
        lines.append("  apart from the main component: " + ", ".join(shown(m["label"]) for m in members))
    if s["isolated"]:
        lines += ["", f"warning: {len(s['isolated'])} isolated concept(s) with no edge (curation gap):"]
        lines += [f"  {shown(m['curie'])}  {shown(m['label'])}  [{shown(m['category'])}]" for m in s["isolated"]]
    else:
        lines += ["", "isolated concepts: none"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- paths and neighbours


def find_paths(
    g: nx.MultiDiGraph, source: str, target: str, *, max_length: int = 4, limit: int = 5
) -> list[list[dict[str, Any]]]:
    """Explanation paths from ``source`` to ``target``, shortest first, at most ``max_length`` hops.

    Edges are traversed in both directions; each hop lists the edges between its two concepts in
    their real direction, with evidence. Paths of equal length are ordered by their labels.
    """
    import networkx as nx

    if source == target:
        raise InputError("FROM and TO are the same concept")
    found: list[list[str]] = []
    try:
        for path in nx.shortest_simple_paths(undirected(g), source, target):
            hops = len(path) - 1
            if hops > max_length or (len(found) >= limit and hops > len(found[-1]) - 1) or len(found) >= 1000:
                break
            found.append(path)
    except nx.NetworkXNoPath:
        pass
    found.sort(key=lambda p: (len(p), [g.nodes[n]["label"] for n in p]))
    return [
        [
            {"from": node_ref(g, a), "to": node_ref(g, b), "edges": edges_between(g, a, b)}
            for a, b in itertools.pairwise(p)
        ]
        for p in found[:limit]
    ]


def paths_text(g: nx.MultiDiGraph, source: str, target: str, paths: list[list[dict[str, Any]]], max_length: int) -> str:
    a, b = g.nodes[source], g.nodes[target]
    head = f"{shown(a['label'])} ({shown(a['curie'])}) to {shown(b['label'])} ({shown(b['curie'])})"
    if not paths:
        return f"{head}: no path within {max_length} hop{'s' if max_length != 1 else ''}\n"
    lines = [f"{head}: {len(paths)} path(s), shortest first", ""]
    for i, path in enumerate(paths, 1):
        chain = " — ".join(shown(x) for x in [path[0]["from"]["label"], *(hop["to"]["label"] for hop in path)])
        lines.append(f"path {i} ({len(path)} hop{'s' if len(path) > 1 else ''}): {chain}")
        for hop in path:
            for e in hop["edges"]:
                lines.append(f"  {arrow(e)}")
                lines += ["      " + Evidence.from_dict(ev).one_line() for ev in e["evidence"]]
                if not e["evidence"]:
                    lines.append("      (no evidence)")
        lines.append("")
    return "\n".join(lines)


def neighbours(g: nx.MultiDiGraph, node: str, *, depth: int = 1) -> dict[str, Any]:
    """Concepts within ``depth`` hops of ``node`` (edges in either direction), by distance.

    Each neighbour lists the edges that link it to concepts one hop nearer to ``node``.
    """
    import networkx as nx

    if depth < 1:
        raise InputError("depth must be at least 1")
    simple = undirected(g)
    dist = nx.single_source_shortest_path_length(simple, node, cutoff=depth)
    levels: list[dict[str, Any]] = []
    for d in range(1, depth + 1):
        ring = sorted(
            (n for n, k in dist.items() if k == d),
            key=lambda n: (category_rank(g.nodes[n]["category"]), g.nodes[n]["label"]),
        )
        items = []
        for n in ring:
            nearer = sorted((m for m in simple[n] if dist.get(m) == d - 1), key=lambda m: g.nodes[m]["label"])
            items.append({**node_ref(g, n), "via": [e for m in nearer for e in edges_between(g, m, n)]})
        levels.append({"distance": d, "concepts": items})
    return {"concept": node_ref(g, node), "depth": depth, "levels": levels}


def neighbours_text(result: dict[str, Any], *, evidence: bool = False) -> str:
    c = result["concept"]
    lines = [f"{shown(c['label'])} ({shown(c['curie'])}) [{shown(c['category'])}]"]
    for level in result["levels"]:
        items = level["concepts"]
        lines += ["", f"distance {level['distance']}: {len(items)} concept(s)"]
        for item in items:
            lines.append(f"  [{shown(item['category'])}] {shown(item['label'])}  ({shown(item['curie'])})")
            for e in item["via"]:
                lines.append(f"      {arrow(e)}")
                if evidence:
                    lines += ["          " + Evidence.from_dict(ev).one_line() for ev in e["evidence"]]
    return "\n".join(lines) + "\n"
