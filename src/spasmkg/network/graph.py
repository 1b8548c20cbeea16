"""The graph as a networkx ``MultiDiGraph`` (one home for building it, its categories and its undirected view).

Nodes are the medical concepts (individuals of ``spasmkg:MedicalConcept``), keyed by IRI (or by the
CLI's CURIE); evidence nodes, the source document, quantitative guidance and urgency levels are left
out. Each asserted object-property edge between two concepts becomes one edge keyed by its predicate
CURIE, carrying the verbatim evidence quotes of its reifying ``owl:Axiom``. The data come from
pyoxigraph through :func:`spasmkg.engine.execute.run`; only ``inferred=True`` reads the rdflib graph
(the materialiser works on it).

networkx is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, overload

from spasmkg.engine import execute as engine
from spasmkg.engine.evidence import AXIOM_EVIDENCE, collect
from spasmkg.errors import InputError
from spasmkg.namespaces import SPASMKG, curie
from spasmkg.text import terminal_safe

if TYPE_CHECKING:
    import networkx as nx

    from spasmkg.engine.store import DataArg

__all__ = [
    "CATEGORY_OF_CLASS",
    "CATEGORY_ORDER",
    "CATEGORY_PRIORITY",
    "arrow",
    "category_rank",
    "display_category",
    "edges_between",
    "node_ref",
    "resolve_node",
    "shown",
    "to_networkx",
    "undirected",
]

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


@overload
def to_networkx(
    data: DataArg = (), *, curies: bool = False, simple: Literal[False] = False, inferred: bool = False
) -> nx.MultiDiGraph: ...
@overload
def to_networkx(
    data: DataArg = (), *, curies: bool = False, simple: Literal[True], inferred: bool = False
) -> nx.DiGraph: ...
@overload
def to_networkx(data: DataArg = (), *, curies: bool = False, simple: bool, inferred: bool = False) -> nx.DiGraph: ...
def to_networkx(
    data: DataArg = (), *, curies: bool = False, simple: bool = False, inferred: bool = False
) -> nx.DiGraph:
    """The medical concepts and their asserted edges (with evidence) as a ``networkx.MultiDiGraph``.

    Node id: the concept IRI (``curies=True``: its CURIE, the id the CLI, GraphML and KGX print).
    Node attributes: ``label``, ``curie``, ``iri``, ``category`` (the most specific display category),
    ``categories`` (all of them), ``types`` (labels of the asserted classes), ``synonyms``,
    ``definition``, ``xrefs`` and, for red flags, ``urgency``.
    Edge key: the predicate CURIE. Edge attributes: ``predicate``, ``predicate_label`` and
    ``evidence``, a list of ``{"quote", "start", "end", "support", "hedges", "note", "prefix", "suffix"}``
    (offsets into the corpus; ``support`` is ``stated`` or ``inferred``, i.e. a curator's inference).

    ``inferred=True`` adds the edges the ontology entails (the materialiser of
    :mod:`spasmkg.reason.rules`: inverses, symmetry, transitivity, property chains) between two
    concepts: ``inferred=True``, ``rule``, ``axiom``, ``premises`` (the triples it was derived from,
    predicates as CURIEs) and ``evidence=[]`` (no quote of their own: follow the premises). Asserted
    edges then carry ``inferred=False``, and nodes ``inferred_types`` (labels of the classes entailed
    beyond the asserted ones; ``category`` stays the asserted one).

    ``simple=True`` returns a ``networkx.DiGraph`` (what centrality algorithms such as
    ``eigenvector_centrality`` need): the parallel edges between two concepts are merged into one
    with ``predicates`` and ``predicate_labels`` (sorted), ``evidence`` (``evidence[i]`` is the list
    of ``predicates[i]``), ``weight`` (how many edges were merged: ``degree(weight="weight")`` equals the
    MultiDiGraph's degree) and, with ``inferred=True``, ``inferred`` and ``rules`` (``""`` for an asserted
    edge). ``nx.eigenvector_centrality`` on it follows the arrows; use ``.to_undirected()`` to ignore them.

    >>> g = to_networkx()
    >>> g.has_edge("https://w3id.org/spasmkg/resource/back_muscle_spasm",
    ...            "https://w3id.org/spasmkg/resource/rest", key="spasmkg:treatedBy")
    True
    >>> to_networkx(curies=True, simple=True).edges["skr:back_muscle_spasm", "skr:rest"]["predicates"]
    ['spasmkg:treatedBy']
    """
    g = _asserted(data)
    if inferred:
        _add_inferred(g, data)
    if curies:
        g = _keyed_by_curie(g)
    return _simple(g, inferred=inferred) if simple else g


def _asserted(data: DataArg) -> nx.MultiDiGraph:
    """The MultiDiGraph of the asserted edges, keyed by IRI (the default of :func:`to_networkx`)."""
    import networkx as nx

    from spasmkg.engine.lookup import label_index

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


def _add_inferred(g: nx.MultiDiGraph, data: DataArg) -> None:
    """Add the entailed edges between two nodes of ``g`` (and ``inferred_types`` on the nodes)."""
    from spasmkg.engine.lookup import label_index
    from spasmkg.reason.graph import load
    from spasmkg.reason.rules import TYPE, cached_materialise

    files = tuple(str(d) for d in data)
    m = cached_materialise(load(data=files), files)
    idx = label_index(data)
    for _, _, attrs in g.edges(data=True):
        attrs["inferred"] = False
    entailed_types: dict[str, set[str]] = {}
    edges = []
    for (s, p, o), d in m.derivations.items():
        if s not in g:
            continue
        if p == TYPE:
            entailed_types.setdefault(s, set()).add(idx.label(o))
        elif o in g and not g.has_edge(s, o, key=curie(p)):
            edges.append((curie(s), curie(p), curie(o), s, p, o, d))
    for node, attrs in g.nodes(data=True):
        attrs["inferred_types"] = sorted(entailed_types.get(node, set()) - set(attrs["types"]))
    for _, key, _, s, p, o, d in sorted(edges, key=lambda e: e[:3]):
        g.add_edge(
            s,
            o,
            key=key,
            predicate=key,
            predicate_label=idx.label(p),
            evidence=[],
            inferred=True,
            rule=d.rule,
            axiom=d.axiom,
            premises=[(ps, curie(pp), po) for ps, pp, po in d.premises],
        )


def _keyed_by_curie(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``g`` with its nodes keyed by CURIE (also in edge ``premises``); InputError if two concepts share one."""
    import networkx as nx

    key = {n: a["curie"] for n, a in g.nodes(data=True)}
    if len(set(key.values())) < len(key):
        seen: dict[str, str] = {}
        for n, c in key.items():
            if c in seen:
                raise InputError(
                    f"{shown(seen[c])} and {shown(n)} have the same CURIE {shown(c)}: "
                    "use curies=False (IRIs as node ids)"
                )
            seen[c] = n
    out = nx.MultiDiGraph()
    out.graph.update(g.graph)
    out.add_nodes_from((key[n], a) for n, a in g.nodes(data=True))
    for u, v, k, a in g.edges(keys=True, data=True):
        if "premises" in a:
            a = {**a, "premises": [(curie(ps), pp, curie(po)) for ps, pp, po in a["premises"]]}
        out.add_edge(key[u], key[v], key=k, **a)
    return out


def _simple(g: nx.MultiDiGraph, *, inferred: bool) -> nx.DiGraph:
    """The DiGraph of ``g``: parallel edges merged, their attributes kept as lists in predicate order."""
    import networkx as nx

    out = nx.DiGraph()
    out.graph.update(g.graph)
    out.add_nodes_from(g.nodes(data=True))
    merged: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for u, v, a in g.edges(data=True):
        merged.setdefault((u, v), []).append(a)
    for (u, v), edges in merged.items():
        edges = sorted(edges, key=lambda a: a["predicate"])
        attrs: dict[str, Any] = {
            "predicates": [a["predicate"] for a in edges],
            "predicate_labels": [a["predicate_label"] for a in edges],
            "evidence": [a["evidence"] for a in edges],
            "weight": len(edges),
        }
        if inferred:
            attrs["inferred"] = [a["inferred"] for a in edges]
            attrs["rules"] = [a.get("rule", "") for a in edges]
        out.add_edge(u, v, **attrs)
    return out


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
    from spasmkg.engine.lookup import label_index

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
    """``back muscle spasm --treated by--> rest`` (labels made safe to print, see :func:`shown`)."""
    return f"{shown(edge['subjectLabel'])} --{shown(edge['predicateLabel'])}--> {shown(edge['objectLabel'])}"


def shown(value: Any) -> str:
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
