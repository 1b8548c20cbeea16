"""Text views of the network commands' results (presentation lives in the CLI; the analysis in
:mod:`spasmkg.network.analysis` returns values). Every label is shown through
:func:`spasmkg.network.graph.shown`: one line, no control or bidi characters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spasmkg.engine.evidence import Evidence
from spasmkg.network.graph import arrow, shown

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["neighbours_text", "paths_text", "summary_text"]


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
