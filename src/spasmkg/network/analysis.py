"""Network analysis of the concept graph: summary (degrees, centrality, components), explanation
paths between two concepts, neighbourhoods with their evidence."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import TYPE_CHECKING, Any

from spasmkg.errors import InputError

if TYPE_CHECKING:
    import networkx as nx


from spasmkg.network.graph import category_rank, edges_between, node_ref, undirected

__all__ = ["find_paths", "neighbours", "summary"]

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
