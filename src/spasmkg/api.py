"""The Python API: everything the CLI does, as functions that return values.

>>> import spasmkg
>>> r = spasmkg.query("contraindicated-while-driving")
>>> "muscle relaxants" in {row["treatmentLabel"] for row in r.rows}
True
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg import catalog, engine
from spasmkg.engine import Result
from spasmkg.evidence import AXIOM_EVIDENCE, collect
from spasmkg.namespaces import SPASMKG, curie
from spasmkg.store import input_files, open_store

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

    from spasmkg.lookup import LabelIndex, Match

DataArg = Sequence[Path | str]


def store(data: DataArg = ()) -> pyoxigraph.Store:
    """The read-only pyoxigraph store of the shipped graph merged with ``data`` files."""
    return open_store(tuple(str(d) for d in data))


_INDEXES: dict[int, LabelIndex] = {}


def label_index(data: DataArg = ()) -> LabelIndex:
    """Labels and synonyms of the graph, for resolving terms (memoised per store)."""
    from spasmkg.lookup import LabelIndex

    st = store(data)
    if id(st) not in _INDEXES:
        _INDEXES[id(st)] = LabelIndex(st)
    return _INDEXES[id(st)]


def resolve(term: str, data: DataArg = ()) -> str:
    """IRI of a concept given as CURIE, IRI, label or synonym (case-insensitive)."""
    return label_index(data).resolve(term)


def query(
    name: str,
    params: dict[str, str] | None = None,
    *,
    data: DataArg = (),
    timeout: float | None = engine.DEFAULT_TIMEOUT,
    limit: int | None = engine.DEFAULT_LIMIT,
    engine_name: str = "oxigraph",
    **kwparams: str,
) -> Result:
    """Run a named query. Parameters are bound as RDF terms (labels resolved to IRIs)."""
    q = catalog.get(name)
    twice = sorted(set(params or {}) & set(kwparams))
    if twice:
        raise engine.QueryError(f"parameter {twice[0]!r} is given more than once; give each parameter once")
    values = {**(params or {}), **kwparams}
    catalog.parse_params(q, [f"{k}={v}" for k, v in values.items()])
    bindings = bind_params(q, values, data)
    text = bound_text(q.text, bindings)
    if engine_name == "rdflib":
        result = sparql_rdflib(text, data=data)
    else:
        result = engine.run(text, data=data, timeout=timeout, limit=None if q.critical else limit)
    result.medical = q.medical
    return result


def bound_text(text: str, bindings: dict[str, tuple[str, str]]) -> str:
    """The query text with parameters pre-bound as RDF terms (serialised and escaped by pyoxigraph)."""
    import pyoxigraph

    from spasmkg.catalog import inject_values

    terms = {
        k: str(pyoxigraph.NamedNode(v)) if kind == "iri" else str(pyoxigraph.Literal(v))
        for k, (kind, v) in bindings.items()
    }
    return inject_values(text, terms)


def bind_params(q: catalog.NamedQuery, values: dict[str, str], data: DataArg = ()) -> dict[str, tuple[str, str]]:
    """Resolve parameter values to ("iri", IRI) or ("literal", text) pairs."""
    out: dict[str, tuple[str, str]] = {}
    for key, value in values.items():
        p = q.param(key)
        assert p is not None
        if p.type == "string":
            out[key] = ("literal", value)
        elif p.type == "class":
            iri = _exact(value, data, classes=True)
            out[key] = ("iri", iri or label_index(data).resolve(value, classes=True, what=f"{key} (a class)"))
        else:
            iri = _exact(value, data, classes=False)
            out[key] = ("iri", iri or label_index(data).resolve(value, what=key))
    return out


_EXACT = """
SELECT DISTINCT ?s WHERE {
  { ?s rdfs:label ?l } UNION { ?s skos:altLabel ?l } UNION { ?s skos:hiddenLabel ?l }
  FILTER(isIRI(?s) && LCASE(STR(?l)) = ?key)
  OPTIONAL { ?s a owl:Class BIND(true AS ?cls) }
  FILTER(BOUND(?cls) = ?classes)
} LIMIT 2
"""


def _exact(value: str, data: DataArg, *, classes: bool) -> str | None:
    """The one concept whose CURIE, IRI, label or synonym equals ``value`` (case-insensitive), else None.

    A fast path for parameters: one query instead of building the full label index, which is still
    used for prefixes, ambiguity and suggestions.
    """
    import pyoxigraph

    from spasmkg.lookup import normalise
    from spasmkg.namespaces import expand

    iri = expand(value)
    if iri is not None:
        return None  # CURIEs/IRIs are checked against the index (existence, kind)
    key = normalise(value)
    if not key or "'" in key:
        return None  # curly/straight quote folding is the index's job
    bindings = {"key": pyoxigraph.Literal(key), "classes": pyoxigraph.Literal(classes)}
    rows = engine.run(_EXACT, data=data, bindings=bindings, limit=None).rows
    return str(rows[0]["s"]) if len(rows) == 1 else None


def sparql(
    text: str,
    *,
    data: DataArg = (),
    timeout: float | None = engine.DEFAULT_TIMEOUT,
    limit: int | None = engine.DEFAULT_LIMIT,
    writable: bool = False,
) -> Result:
    """Run an ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over the graph.

    Updates are refused unless ``writable=True``, in which case they run on a private
    in-memory copy (returned as ``result.triples`` of the changed graph), never on the shipped files.
    """
    from spasmkg.sparqlcheck import check_query

    form = check_query(text, allow_update=writable)
    if form == "UPDATE":
        import pyoxigraph

        from spasmkg.namespaces import ALL_PREFIXES

        copy = pyoxigraph.Store()
        copy.extend(store(data))
        try:
            copy.update(text, prefixes=ALL_PREFIXES)
        except SyntaxError as exc:
            raise engine.QueryError(f"SPARQL syntax error: {' '.join(str(exc).split())}") from None
        return Result("graph", triples=[(q.subject, q.predicate, q.object) for q in copy])
    return engine.run(text, data=data, timeout=timeout, limit=limit)


def load(inferred: bool = False, data: DataArg = ()) -> rdflib.Graph:
    """The graph (ontology + knowledge + ``data``) as an rdflib Graph, cached within the process."""
    return _load(inferred, tuple(str(d) for d in data))


@cache
def _load(inferred: bool, data: tuple[str, ...]) -> rdflib.Graph:
    from spasmkg.inputs import merge_named_graphs
    from spasmkg.rdfio import parse_files

    g = parse_files(input_files(data))
    merge_named_graphs(g)  # TriG/N-Quads: named graphs merged, as on the query path
    if inferred:
        add_inferred(g, data)
    return g


def add_inferred(g: rdflib.Graph, data: tuple[str, ...] = ()) -> None:
    """Add the materialised entailments, each marked by an owl:Axiom with spasmkg:derivedBy."""
    import rdflib
    from rdflib.namespace import OWL, RDF

    from spasmkg.reason import cached_materialise

    m = cached_materialise(g, data)
    derived_by = rdflib.URIRef(SPASMKG + "derivedBy")
    for t in sorted(m.derivations):
        s, p, o = (rdflib.URIRef(x) for x in t)
        d = m.derivations[t]
        g.add((s, p, o))
        ax = rdflib.BNode()
        g.add((ax, RDF.type, OWL.Axiom))
        g.add((ax, OWL.annotatedSource, s))
        g.add((ax, OWL.annotatedProperty, p))
        g.add((ax, OWL.annotatedTarget, o))
        g.add((ax, derived_by, rdflib.Literal(f"{d.rule}: {d.axiom}")))


def sparql_rdflib(text: str, *, bindings: dict[str, tuple[str, str]] | None = None, data: DataArg = ()) -> Result:
    """Evaluate with rdflib instead of pyoxigraph (used to check both engines agree).

    No network on this path either: the text check (:func:`spasmkg.sparqlcheck.check_query`, which
    also reads the query with its ``\\u`` escapes expanded, as rdflib does) runs first, then the
    query is parsed once and its algebra, the very object rdflib evaluates, is searched for
    ``SERVICE`` before evaluation. rdflib has no switch to turn ``SERVICE`` off (only the
    process-wide ``CUSTOM_EVALS`` hook), so the refusal is made on what it would evaluate.
    ``FROM`` graphs are never fetched (``SPARQL_LOAD_GRAPHS = False``).
    """
    import rdflib
    import rdflib.plugins.sparql as rsparql

    from spasmkg.namespaces import ALL_PREFIXES
    from spasmkg.sparqlcheck import check_query

    check_query(text)
    try:
        prepared = rsparql.prepareQuery(text, initNs=ALL_PREFIXES)
    except Exception as exc:  # pyparsing and rdflib raise many types
        raise engine.QueryError(f"SPARQL syntax error: {' '.join(str(exc).split())[:300]}") from None
    if algebra_has(prepared.algebra, "ServiceGraphPattern"):
        raise engine.QueryError("SERVICE clauses are refused: spasmkg never opens network connections")
    rsparql.SPARQL_LOAD_GRAPHS = False
    g = load(data=data)
    init = {k: rdflib.URIRef(v) if kind == "iri" else rdflib.Literal(v) for k, (kind, v) in (bindings or {}).items()}
    res = g.query(prepared, initBindings=init)
    if res.type == "ASK":
        return Result("ask", boolean=bool(res.askAnswer))
    if res.type in ("CONSTRUCT", "DESCRIBE"):
        return Result("graph", triples=list(res.graph or []))
    cols = [str(v) for v in res.vars or []]
    rows = [{c: _rdflib_value(r[c]) for c in cols} for r in res]  # type: ignore[call-overload,index]
    return Result("select", columns=cols, rows=rows)


def algebra_has(node: Any, name: str) -> bool:
    """True if an rdflib SPARQL algebra tree contains a part called ``name`` (e.g. ``ServiceGraphPattern``)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    todo, seen = [node], set()
    while todo:
        n = todo.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, CompValue):
            if n.name == name:
                return True
            todo.extend(n.values())
        elif isinstance(n, dict):
            todo.extend(n.values())
        elif isinstance(n, list | tuple | set | frozenset):
            todo.extend(n)
    return False


def _rdflib_value(term: Any) -> Any:
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.Literal):
        import pyoxigraph

        dt = pyoxigraph.NamedNode(str(term.datatype)) if term.datatype else None
        lit = pyoxigraph.Literal(str(term), datatype=dt) if dt else pyoxigraph.Literal(str(term))
        return engine.py_value(lit)
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return str(term)


def search(text: str, *, limit: int = 10, data: DataArg = ()) -> list[Match]:
    """Concepts whose label or synonym matches ``text``, best first."""
    return label_index(data).search(text, limit=limit, classes=False)


_SHOW_EDGES = f"""
SELECT ?dir ?p ?other ?ax ?quote ?start ?end ?prefix ?suffix ?eco ?note ?hedge WHERE {{
  {{ ?this ?p ?other . BIND("out" AS ?dir) BIND(?this AS ?src) BIND(?other AS ?tgt) }}
  UNION {{ ?other ?p ?this . BIND("in" AS ?dir) BIND(?other AS ?src) BIND(?this AS ?tgt) }}
  ?p a owl:ObjectProperty . FILTER(isIRI(?other))
  OPTIONAL {{ {AXIOM_EVIDENCE} }}
}} ORDER BY ?dir ?p ?other ?start
"""

_SHOW_FACTS = """
SELECT ?kind ?value WHERE {
  { ?this a ?value . FILTER(STRSTARTS(STR(?value), STR(spasmkg:))) BIND("type" AS ?kind) }
  UNION { ?this skos:altLabel ?value BIND("synonym" AS ?kind) }
  UNION { ?this skos:definition ?value BIND("definition" AS ?kind) }
  UNION { ?this ?xp ?value .
          VALUES ?xp { skos:exactMatch skos:closeMatch skos:relatedMatch skos:narrowMatch skos:broadMatch }
          BIND(CONCAT("xref:", STRAFTER(STR(?xp), "#")) AS ?kind) }
} ORDER BY ?kind ?value
"""


def show(term: str, *, data: DataArg = ()) -> dict[str, Any]:
    """One concept with its types, synonyms, definition, cross-references and edges with evidence."""
    import pyoxigraph

    idx = label_index(data)
    iri = idx.resolve(term)
    this = {"this": pyoxigraph.NamedNode(iri)}
    facts = engine.run(_SHOW_FACTS, data=data, bindings=this, limit=None)
    edges = engine.run(_SHOW_EDGES, data=data, bindings=this, limit=None)
    out: dict[str, Any] = {
        "iri": iri,
        "curie": curie(iri),
        "label": idx.label(iri),
        "types": [],
        "synonyms": [],
        "definition": None,
        "xrefs": [],
        "edges": [],
    }
    for row in facts.rows:
        kind, value = row["kind"], row["value"]
        if kind == "type":
            out["types"].append(idx.label(value))
        elif kind == "synonym":
            out["synonyms"].append(value)
        elif kind == "definition":
            out["definition"] = value
        else:
            out["xrefs"].append({"relation": kind.split(":", 1)[1], "iri": value, "curie": curie(value)})
    grouped = collect(edges.rows, key=("dir", "p", "other"))
    out["edges"] = [
        {
            "direction": direction,
            "predicate": curie(p),
            "predicateLabel": idx.label(p),
            "other": other,
            "otherLabel": idx.label(other),
            "evidence": [ev.as_dict() for ev in evs],
        }
        for (direction, p, other), evs in sorted(grouped.items(), key=lambda kv: (kv[0][0], curie(kv[0][1]), kv[0][2]))
    ]
    return out


_STATS = """
SELECT ?cls (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?cls a owl:Class . FILTER(isIRI(?cls))
  ?s a/rdfs:subClassOf* ?cls .
} GROUP BY ?cls ORDER BY ?cls
"""
_STATS_PROPS = """
SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?p a owl:ObjectProperty . FILTER(isIRI(?s) && isIRI(?o)) }
GROUP BY ?p ORDER BY ?p
"""
# An OPTIONAL join on the evidence axioms, not a per-row EXISTS (which pyoxigraph evaluates once
# per edge: quadratic, 10 s at 70 k triples; see bench/).
_STATS_EVIDENCE = """
SELECT (COUNT(*) AS ?edges) (COUNT(?has) AS ?withEvidence) WHERE {
  { ?s ?p ?o . ?p a owl:ObjectProperty . FILTER(STRSTARTS(STR(?s), STR(skr:)) && STRSTARTS(STR(?o), STR(skr:))) }
  UNION { ?s a ?o . BIND(rdf:type AS ?p) ?o rdfs:subClassOf* spasmkg:MedicalConcept .
          FILTER(STRSTARTS(STR(?s), STR(skr:))) }
  OPTIONAL { SELECT DISTINCT ?s ?p ?o (1 AS ?has) WHERE {
    ?ax owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ; spasmkg:hasEvidence ?ev } }
}
"""


_STATS_SUPPORT = """
SELECT ?p ?eco (COUNT(?ax) AS ?n) WHERE { ?ax spasmkg:hasEvidence ?ev ; owl:annotatedProperty ?p .
  OPTIONAL { ?ax spasmkg:evidenceType ?eco } } GROUP BY ?p ?eco
"""

#: Claim category of each predicate, for the trust table of ``stats`` (README "How much to trust a claim").
CLAIM_CATEGORIES: dict[str, str] = {
    "rdf:type": "typing",
    "spasmkg:causes": "causes",
    "spasmkg:aggravates": "causes",
    "spasmkg:hasSymptom": "symptoms",
    "spasmkg:hasRiskFactor": "risk factors",
    "spasmkg:treatedBy": "treatments",
    "spasmkg:preventedBy": "treatments",
    "spasmkg:recommends": "recommendations",
    "spasmkg:discourages": "recommendations",
    "spasmkg:conflictsWith": "conflicts",
    "spasmkg:hasPrecaution": "precautions",
    "spasmkg:contraindicatedDuring": "precautions",
    "spasmkg:redFlagFor": "red flags",
    "spasmkg:hasUrgency": "care levels",
    "spasmkg:suggests": "red flags",
    "spasmkg:hasGuidance": "quantities",
    "spasmkg:memberOfDrugClass": "drug classes",
}


def _support_counts(data: DataArg) -> dict[str, dict[str, int]]:
    from spasmkg.evidence import SUPPORT

    out: dict[str, dict[str, int]] = {}
    for r in engine.run(_STATS_SUPPORT, data=data, limit=None).rows:
        p = r["p"].replace("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "rdf:type")
        category = CLAIM_CATEGORIES.get(curie(p), "other (location, hierarchy, diagnosis)")
        counts = out.setdefault(category, {"stated": 0, "inferred": 0, "ungraded": 0})
        counts[SUPPORT.get(r["eco"] or "", "ungraded")] += int(r["n"])
    return dict(sorted(out.items()))


def stats(*, data: DataArg = ()) -> dict[str, Any]:
    """Counts per class and per property, and how many asserted edges and typings carry evidence."""
    idx = label_index(data)
    classes = engine.run(_STATS, data=data, limit=None)
    props = engine.run(_STATS_PROPS, data=data, limit=None)
    ev = engine.run(_STATS_EVIDENCE, data=data, limit=None).rows[0]
    total = int(ev["edges"] or 0)
    with_ev = int(ev["withEvidence"] or 0)
    triples = engine.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", data=data, limit=None).rows[0]["n"]
    return {
        "triples": triples,
        "classes": {
            curie(r["cls"]): {"label": idx.label(r["cls"]), "count": r["n"]}
            for r in classes.rows
            if r["cls"].startswith(SPASMKG)
        },
        "properties": {curie(r["p"]): r["n"] for r in props.rows},
        "evidence": {
            "assertions": total,
            "with_evidence": with_ev,
            "coverage": round(with_ev / total, 4) if total else 1.0,
        },
        "support": _support_counts(data),
    }
