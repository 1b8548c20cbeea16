"""The graph as a networkx ``MultiDiGraph``: summary, explanation paths, neighbourhoods, GraphML/KGX export.

Nodes are the medical concepts (individuals of ``spasmkg:MedicalConcept``), keyed by IRI; evidence
nodes, the source document, quantitative guidance and urgency levels are left out. Each asserted
object-property edge between two concepts becomes one edge keyed by its predicate CURIE, carrying
the verbatim evidence quotes of its reifying ``owl:Axiom``. The data come from pyoxigraph through
:func:`spasmkg.engine.run` (rdflib is not used).

networkx is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg import engine
from spasmkg.evidence import AXIOM_EVIDENCE, collect
from spasmkg.namespaces import SPASMKG, curie
from spasmkg.safety import InputError, terminal_safe

if TYPE_CHECKING:
    import networkx as nx

    from spasmkg.api import DataArg

#: Display categories, most specific first: a concept typed with several of them shows the first.
CATEGORY_PRIORITY: tuple[str, ...] = (
    "red flag",
    "treatment",
    "cause",
    "risk factor",
    "symptom",
    "precaution",
    "diagnostic procedure",
    "recommendation",
    "condition",
    "activity",
    "body region",
)

#: The top-level classes under spasmkg:MedicalConcept and their display category.
CATEGORY_OF_CLASS: dict[str, str] = {
    SPASMKG + "RedFlag": "red flag",
    SPASMKG + "Treatment": "treatment",
    SPASMKG + "Cause": "cause",
    SPASMKG + "RiskFactor": "risk factor",
    SPASMKG + "Symptom": "symptom",
    SPASMKG + "Precaution": "precaution",
    SPASMKG + "DiagnosticProcedure": "diagnostic procedure",
    SPASMKG + "Recommendation": "recommendation",
    SPASMKG + "Condition": "condition",
    SPASMKG + "Activity": "activity",
    SPASMKG + "BodyRegion": "body region",
}

#: Order in which categories are listed (summaries, legends, drawings): from causes to care.
CATEGORY_ORDER: tuple[str, ...] = (
    "condition",
    "cause",
    "risk factor",
    "activity",
    "symptom",
    "red flag",
    "body region",
    "diagnostic procedure",
    "treatment",
    "precaution",
    "recommendation",
)

#: Conservative Biolink categories (KGX export); anything else is biolink:NamedThing.
BIOLINK_CATEGORY: dict[str, str] = {
    "condition": "biolink:DiseaseOrPhenotypicFeature",
    "symptom": "biolink:PhenotypicFeature",
    "treatment": "biolink:Treatment",
    "body region": "biolink:AnatomicalEntity",
    "activity": "biolink:Activity",
}

#: Biolink predicates only where the meaning is the same (KGX ``biolink_predicate`` column).
BIOLINK_PREDICATE: dict[str, str] = {
    "spasmkg:causes": "biolink:causes",
    "spasmkg:causedBy": "biolink:caused_by",
    "spasmkg:treatedBy": "biolink:treated_by",
    "spasmkg:treats": "biolink:treats",
    "spasmkg:hasSymptom": "biolink:has_phenotype",
    "spasmkg:symptomOf": "biolink:phenotype_of",
}

KGX_NODE_COLUMNS: tuple[str, ...] = (
    "id",
    "category",
    "name",
    "description",
    "synonym",
    "xref",
    "provided_by",
    "spasmkg_category",
    "spasmkg_types",
)
KGX_EDGE_COLUMNS: tuple[str, ...] = (
    "id",
    "subject",
    "predicate",
    "object",
    "biolink_predicate",
    "primary_knowledge_source",
    "knowledge_level",
    "agent_type",
    "supporting_text",
    "supporting_text_offsets",
)
KNOWLEDGE_SOURCE = "infores:spasmkg"

_NODES = """
SELECT DISTINCT ?s ?t WHERE {
  ?s a ?t . ?t rdfs:subClassOf* spasmkg:MedicalConcept .
  FILTER(isIRI(?s) && isIRI(?t))
}
"""
_TOP_CLASSES = """
SELECT DISTINCT ?c ?top WHERE {
  ?top rdfs:subClassOf spasmkg:MedicalConcept . ?c rdfs:subClassOf* ?top .
  FILTER(isIRI(?c) && isIRI(?top))
}
"""
_FACTS = """
SELECT ?s ?kind ?value WHERE {
  ?s a/rdfs:subClassOf* spasmkg:MedicalConcept .
  { ?s skos:altLabel ?value BIND("synonym" AS ?kind) }
  UNION { ?s skos:definition ?value BIND("definition" AS ?kind) }
  UNION { ?s skos:exactMatch ?value BIND("xref" AS ?kind) }
  UNION { ?s spasmkg:hasUrgency ?value BIND("urgency" AS ?kind) }
  FILTER(isIRI(?s))
}
"""
_EDGES = f"""
SELECT ?s ?p ?o ?ax ?quote ?start ?end ?prefix ?suffix ?eco ?note ?hedge WHERE {{
  ?p a owl:ObjectProperty . ?s ?p ?o .
  FILTER(isIRI(?s) && isIRI(?o))
  BIND(?s AS ?src) BIND(?o AS ?tgt)
  OPTIONAL {{ {AXIOM_EVIDENCE} }}
}}
"""


def _rows(text: str, data: DataArg) -> list[dict[str, Any]]:
    return engine.run(text, data=data, limit=None, timeout=None).rows


def to_networkx(data: DataArg = ()) -> nx.MultiDiGraph:
    """The medical concepts and their asserted edges (with evidence) as a ``networkx.MultiDiGraph``.

    Node id: the concept IRI. Node attributes: ``label``, ``curie``, ``iri``, ``category`` (the most
    specific display category), ``categories`` (all of them), ``types`` (labels of the asserted
    classes), ``synonyms``, ``definition``, ``xrefs`` and, for red flags, ``urgency``.
    Edge key: the predicate CURIE. Edge attributes: ``predicate``, ``predicate_label`` and
    ``evidence``, a list of ``{"quote", "start", "end", "support", "hedges", "note", "prefix", "suffix"}``
    (offsets into the corpus; ``support`` is ``stated`` or ``inferred``).

    >>> g = to_networkx()
    >>> g.has_edge("https://w3id.org/spasmkg/resource/back_muscle_spasm",
    ...            "https://w3id.org/spasmkg/resource/rest", key="spasmkg:treatedBy")
    True
    """
    import networkx as nx

    from spasmkg.api import label_index

    idx = label_index(data)
    top_of: dict[str, set[str]] = {}
    for row in _rows(_TOP_CLASSES, data):
        top_of.setdefault(row["c"], set()).add(row["top"])
    asserted: dict[str, set[str]] = {}
    for row in _rows(_NODES, data):
        asserted.setdefault(row["s"], set()).add(row["t"])
    facts: dict[str, dict[str, list[str]]] = {}
    for row in _rows(_FACTS, data):
        facts.setdefault(row["s"], {}).setdefault(row["kind"], []).append(row["value"])

    g = nx.MultiDiGraph(name="spasmkg")
    for iri in sorted(asserted, key=curie):
        classes = asserted[iri]
        cats = {_category(top, idx.label(top)) for c in classes for top in top_of.get(c, ())}
        if not cats:  # typed with spasmkg:MedicalConcept only
            cats = {"medical concept"}
        f = facts.get(iri, {})
        attrs: dict[str, Any] = {
            "label": idx.label(iri),
            "curie": curie(iri),
            "iri": iri,
            "category": display_category(cats),
            "categories": sorted(cats, key=category_rank),
            "types": sorted({idx.label(c) for c in classes}),
            "synonyms": sorted(set(f.get("synonym", []))),
            "definition": min(f["definition"]) if f.get("definition") else "",
            "xrefs": sorted({curie(x) for x in f.get("xref", [])}),
        }
        if f.get("urgency"):
            attrs["urgency"] = idx.label(min(f["urgency"]))
        g.add_node(iri, **attrs)

    edges = collect((r for r in _rows(_EDGES, data) if r["s"] in g and r["o"] in g), key=("s", "p", "o"))
    for s, p, o in sorted(edges, key=lambda k: (curie(k[0]), curie(k[1]), curie(k[2]))):
        g.add_edge(
            s,
            o,
            key=curie(p),
            predicate=curie(p),
            predicate_label=idx.label(p),
            evidence=[ev.as_dict() for ev in edges[(s, p, o)]],
        )
    return g


def _category(top: str, label: str) -> str:
    return CATEGORY_OF_CLASS.get(top, label)


def category_rank(category: str) -> int:
    """Position of a category in :data:`CATEGORY_ORDER` (unknown ones last)."""
    return CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else len(CATEGORY_ORDER)


def display_category(categories: Iterable[str]) -> str:
    """The most specific of a concept's categories (see :data:`CATEGORY_PRIORITY`).

    >>> display_category(["symptom", "red flag"])
    'red flag'
    >>> display_category(["condition", "cause"])
    'cause'
    """
    cats = sorted(categories)
    for c in CATEGORY_PRIORITY:
        if c in cats:
            return c
    return cats[0] if cats else "medical concept"


# ---------------------------------------------------------------- resolving terms


def resolve_node(g: nx.MultiDiGraph, term: str, data: DataArg = ()) -> str:
    """The node for a CURIE, IRI, label or synonym; InputError if it names no concept of the graph."""
    from spasmkg.api import label_index

    iri = label_index(data).resolve(term)
    if iri not in g:
        raise InputError(f"{term!r} ({curie(iri)}) is not a medical concept of the graph")
    return iri


def node_ref(g: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """A short description of a node: iri, curie, label, category."""
    a = g.nodes[node]
    return {"iri": node, "curie": a["curie"], "label": a["label"], "category": a["category"]}


def _edge_record(g: nx.MultiDiGraph, u: str, v: str, key: str) -> dict[str, Any]:
    a = g.edges[u, v, key]
    return {
        "subject": g.nodes[u]["curie"],
        "subjectLabel": g.nodes[u]["label"],
        "predicate": a["predicate"],
        "predicateLabel": a["predicate_label"],
        "object": g.nodes[v]["curie"],
        "objectLabel": g.nodes[v]["label"],
        "evidence": [dict(e) for e in a["evidence"]],
    }


def edges_between(g: nx.MultiDiGraph, a: str, b: str) -> list[dict[str, Any]]:
    """Every edge between ``a`` and ``b`` in either direction, in their real direction (sorted)."""
    out = []
    for u, v in ((a, b), (b, a)):
        if g.has_edge(u, v):
            out += [_edge_record(g, u, v, k) for k in sorted(g[u][v])]
        if a == b:
            break
    return out


def arrow(edge: dict[str, Any]) -> str:
    """``back muscle spasm --treated by--> rest`` (labels made safe to print, see :func:`_text`)."""
    return f"{_text(edge['subjectLabel'])} --{_text(edge['predicateLabel'])}--> {_text(edge['objectLabel'])}"


def _text(value: Any) -> str:
    """A label or quote for the text views: on one line, control and bidi characters shown escaped
    (a label from ``--data`` must not move the cursor or fake a line)."""
    return terminal_safe(str(value), multiline=False)


def undirected(g: nx.MultiDiGraph, nodes: Iterable[str] | None = None) -> nx.Graph:
    """The simple undirected view of ``g`` (or of its subgraph on ``nodes``, in that order): one edge per
    pair of distinct concepts linked in either direction by any predicate; self-loops dropped.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph([("a", "b", "p"), ("b", "a", "q"), ("b", "b", "r"), ("c", "b", "p")])
    >>> sorted(undirected(g).edges()), sorted(undirected(g, ["a", "b"]).nodes())
    ([('a', 'b'), ('b', 'c')], ['a', 'b'])
    """
    import networkx as nx

    simple = nx.Graph()
    if nodes is None:
        simple.add_nodes_from(g.nodes)
        simple.add_edges_from((u, v) for u, v in g.edges() if u != v)
        return simple
    keep = list(nodes)
    simple.add_nodes_from(keep)
    simple.add_edges_from((u, v) for u, v in g.subgraph(keep).edges() if u != v)
    return simple


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
        lines.append(f"  {_text(c):20} {v['nodes']:5d}  {v['edges']:5d}")
    lines += ["", "edges per predicate:"]
    lines += [f"  {n:5d}  {_text(p)}" for p, n in s["predicates"].items()]
    for cat, title in (("cause", "causes"), ("treatment", "treatments")):
        ranked = s["most_connected"][cat]
        w = max([len(_text(r["label"])) for r in ranked] + [len(title) + 15])
        lines += ["", f"  {'most connected ' + title + ':':{w}}  degree  betweenness"]
        for r in ranked:
            lines.append(f"  {_text(r['label']):{w}}  {r['degree']:6d}  {r['betweenness']:11.4f}  {_text(r['curie'])}")
    comp = s["components"]
    sizes = ", ".join(str(n) for n in comp["sizes"][:12]) + (", ..." if len(comp["sizes"]) > 12 else "")
    lines += ["", f"connected components (weak): {comp['count']}  (sizes: {sizes})"]
    for members in comp["minor"]:
        lines.append("  apart from the main component: " + ", ".join(_text(m["label"]) for m in members))
    if s["isolated"]:
        lines += ["", f"warning: {len(s['isolated'])} isolated concept(s) with no edge (curation gap):"]
        lines += [f"  {_text(m['curie'])}  {_text(m['label'])}  [{_text(m['category'])}]" for m in s["isolated"]]
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
    head = f"{_text(a['label'])} ({_text(a['curie'])}) to {_text(b['label'])} ({_text(b['curie'])})"
    if not paths:
        return f"{head}: no path within {max_length} hop{'s' if max_length != 1 else ''}\n"
    lines = [f"{head}: {len(paths)} path(s), shortest first", ""]
    for i, path in enumerate(paths, 1):
        chain = " — ".join(_text(x) for x in [path[0]["from"]["label"], *(hop["to"]["label"] for hop in path)])
        lines.append(f"path {i} ({len(path)} hop{'s' if len(path) > 1 else ''}): {chain}")
        for hop in path:
            for e in hop["edges"]:
                lines.append(f"  {arrow(e)}")
                lines += ["      " + _quote_line(ev) for ev in e["evidence"]]
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


def _quote_line(ev: dict[str, Any]) -> str:
    """``"quote" [start:end]``, flagged when a curator inferred the claim or the quote hedges it."""
    flags = [] if ev.get("support", "stated") == "stated" else ["curator inference"]
    flags += [f"hedged: {_text(repr(h))}" for h in ev.get("hedges", ())]
    return f'"{_text(ev["quote"])}" [{ev["start"]}:{ev["end"]}]' + (f" ({'; '.join(flags)})" if flags else "")


def neighbours_text(result: dict[str, Any], *, evidence: bool = False) -> str:
    c = result["concept"]
    lines = [f"{_text(c['label'])} ({_text(c['curie'])}) [{_text(c['category'])}]"]
    for level in result["levels"]:
        items = level["concepts"]
        lines += ["", f"distance {level['distance']}: {len(items)} concept(s)"]
        for item in items:
            lines.append(f"  [{_text(item['category'])}] {_text(item['label'])}  ({_text(item['curie'])})")
            for e in item["via"]:
                lines.append(f"      {arrow(e)}")
                if evidence:
                    lines += ["          " + _quote_line(ev) for ev in e["evidence"]]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- export


def _sorted_edges(g: nx.MultiDiGraph) -> list[tuple[str, str, str]]:
    return sorted(g.edges(keys=True), key=lambda e: (g.nodes[e[0]]["curie"], e[2], g.nodes[e[1]]["curie"]))


def edge_id(subject: str, predicate: str, obj: str) -> str:
    """A stable edge id (the same in GraphML and KGX): ``urn:spasmkg:edge:`` + 16 hex digits of SHA-256.

    >>> edge_id("skr:heavy_lifting", "spasmkg:causes", "skr:back_muscle_spasm")[:17]
    'urn:spasmkg:edge:'
    """
    return "urn:spasmkg:edge:" + hashlib.sha256(f"{subject} {predicate} {obj}".encode()).hexdigest()[:16]


def graphml_text(g: nx.MultiDiGraph) -> str:
    """GraphML with scalar attributes (lists joined with ``|``, evidence as JSON text); sorted, deterministic.

    Node ids are CURIEs; edge ids are :func:`edge_id` (unique), the predicate CURIE is an attribute.
    """
    import json

    import networkx as nx

    out = nx.MultiDiGraph(name="spasmkg")
    for n in sorted(g.nodes, key=lambda n: g.nodes[n]["curie"]):
        a = g.nodes[n]
        out.add_node(
            a["curie"],
            iri=n,
            label=a["label"],
            category=a["category"],
            categories="|".join(a["categories"]),
            types="|".join(a["types"]),
            synonyms="|".join(a["synonyms"]),
            definition=a["definition"],
            xrefs="|".join(a["xrefs"]),
            urgency=a.get("urgency", ""),
        )
    for u, v, k in _sorted_edges(g):
        a = g.edges[u, v, k]
        out.add_edge(
            g.nodes[u]["curie"],
            g.nodes[v]["curie"],
            key=edge_id(g.nodes[u]["curie"], k, g.nodes[v]["curie"]),
            predicate=a["predicate"],
            predicate_label=a["predicate_label"],
            evidence_count=len(a["evidence"]),
            quote=a["evidence"][0]["quote"] if a["evidence"] else "",
            evidence=json.dumps(a["evidence"], ensure_ascii=False, sort_keys=True),
        )
    return "\n".join(nx.generate_graphml(out, encoding="utf-8", prettyprint=True)) + "\n"


def biolink_category(attrs: dict[str, Any]) -> str:
    """A conservative Biolink category for a node: drug, drug class, then the first of treatment,
    symptom, condition, body region, activity among its categories; else biolink:NamedThing."""
    types = set(attrs["types"])
    if "drug" in types:
        return "biolink:Drug"
    if "drug class" in types:
        return "biolink:ChemicalEntity"
    for category in ("treatment", "symptom", "condition", "body region", "activity"):
        if category in attrs["categories"]:
            return BIOLINK_CATEGORY[category]
    return "biolink:NamedThing"


def kgx_rows(g: nx.MultiDiGraph) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The KGX node and edge records (TSV columns, multi-valued fields joined with ``|``), sorted."""
    nodes = []
    for n in sorted(g.nodes, key=lambda n: g.nodes[n]["curie"]):
        a = g.nodes[n]
        nodes.append(
            {
                "id": a["curie"],
                "category": biolink_category(a),
                "name": a["label"],
                "description": a["definition"],
                "synonym": "|".join(a["synonyms"]),
                "xref": "|".join(a["xrefs"]),
                "provided_by": KNOWLEDGE_SOURCE,
                "spasmkg_category": a["category"],
                "spasmkg_types": "|".join(a["types"]),
            }
        )
    edges = []
    for u, v, k in _sorted_edges(g):
        a = g.edges[u, v, k]
        s, o = g.nodes[u]["curie"], g.nodes[v]["curie"]
        edges.append(
            {
                "id": edge_id(s, k, o),
                "subject": s,
                "predicate": k,
                "object": o,
                "biolink_predicate": BIOLINK_PREDICATE.get(k, ""),
                "primary_knowledge_source": KNOWLEDGE_SOURCE,
                "knowledge_level": "knowledge_assertion",
                "agent_type": "manual_agent",
                "supporting_text": "|".join(e["quote"] for e in a["evidence"]),
                "supporting_text_offsets": "|".join(f"{e['start']}-{e['end']}" for e in a["evidence"]),
            }
        )
    return nodes, edges


def _tsv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def kgx_paths(prefix: Path) -> tuple[Path, Path]:
    """``PREFIX_nodes.tsv`` and ``PREFIX_edges.tsv`` (``DIR/nodes.tsv`` ... when ``prefix`` is a folder)."""
    prefix = Path(prefix)
    if prefix.is_dir():
        return prefix / "nodes.tsv", prefix / "edges.tsv"
    return prefix.with_name(prefix.name + "_nodes.tsv"), prefix.with_name(prefix.name + "_edges.tsv")


def export(g: nx.MultiDiGraph, fmt: str, output: Path | str) -> list[Path]:
    """Write ``graphml`` (one file) or ``kgx`` (two TSV files); return the paths written.

    Files are produced in memory first and written with :func:`spasmkg.safety.atomic_write_many`:
    the KGX nodes and edges files are replaced together or not at all, and a failure leaves the
    existing files untouched. For kgx, ``output`` is a path prefix or an existing folder (``DIR/``).
    """
    from spasmkg.safety import atomic_write_many

    paths = export_paths(fmt, output)
    if fmt == "graphml":
        texts = [graphml_text(g)]
    else:
        nodes, edges = kgx_rows(g)
        texts = [_tsv(KGX_NODE_COLUMNS, nodes), _tsv(KGX_EDGE_COLUMNS, edges)]
    atomic_write_many({path: text.encode("utf-8") for path, text in zip(paths, texts, strict=True)})
    return paths


def export_paths(fmt: str, output: Path | str) -> list[Path]:
    """The files :func:`export` writes for ``output``, checked (InputError before any work is done)."""
    from spasmkg.safety import output_target

    raw = str(output)
    if fmt == "graphml":
        output_target(raw)  # refuses 'DIR/', a folder, a missing folder, a symlink loop
        return [Path(raw)]
    if fmt != "kgx":
        raise InputError(f"unknown network export format {fmt!r}; choose graphml or kgx")
    if raw.endswith("/") and not Path(raw).is_dir():
        raise InputError(f"cannot write {raw!r}: folder {raw!r} does not exist")
    paths = list(kgx_paths(Path(raw)))
    for path in paths:
        output_target(path)
    return paths
