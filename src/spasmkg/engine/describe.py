"""Describing the graph: one concept with its facts and evidence (``show``) and counts (``stats``)."""

from __future__ import annotations

from typing import Any, TypedDict

from spasmkg.engine import execute as engine
from spasmkg.engine.evidence import AXIOM_EVIDENCE, collect
from spasmkg.engine.lookup import label_index
from spasmkg.engine.store import DataArg
from spasmkg.namespaces import SPASMKG, curie

__all__ = [
    "CLAIM_CATEGORIES",
    "ClassCount",
    "Concept",
    "ConceptEdge",
    "EvidenceCoverage",
    "Stats",
    "TypeClaim",
    "Xref",
    "show",
    "stats",
]


class Xref(TypedDict):
    relation: str  # exactMatch, closeMatch, relatedMatch, narrowMatch, broadMatch
    iri: str
    curie: str


class ConceptEdge(TypedDict):
    direction: str  # "out" (the concept is the subject) or "in"
    predicate: str  # CURIE
    predicateLabel: str
    other: str  # IRI of the other end
    otherLabel: str
    evidence: list[dict[str, Any]]  # Evidence.as_dict(): quote, start, end, support, hedges, note, prefix, suffix


class TypeClaim(TypedDict):
    """One asserted type of a concept and its evidence, as :class:`ConceptEdge` has for an edge.

    ``evidence`` is empty where no ``owl:Axiom`` reifies the typing (types of the ontology's own
    individuals, of quantitative guidance, or entailed by a reasoner in ``--data``): nothing is invented.
    """

    type: str  # IRI of the class
    label: str
    evidence: list[dict[str, Any]]  # Evidence.as_dict(), as in ConceptEdge


class Concept(TypedDict):
    """What :func:`show` returns (also ``spasmkg show -F json``)."""

    iri: str
    curie: str
    label: str
    types: list[str]  # labels of typeClaims, in IRI order (kept for callers from before typeClaims)
    typeClaims: list[TypeClaim]  # each asserted type with the evidence of the typing
    synonyms: list[str]
    definition: str | None
    xrefs: list[Xref]
    edges: list[ConceptEdge]


class ClassCount(TypedDict):
    label: str
    count: int


class EvidenceCoverage(TypedDict):
    assertions: int
    with_evidence: int
    coverage: float


class Stats(TypedDict):
    """What :func:`stats` returns (also ``spasmkg stats -F json``)."""

    triples: int
    classes: dict[str, ClassCount]
    properties: dict[str, int]
    evidence: EvidenceCoverage
    support: dict[str, dict[str, int]]


_SHOW_EDGES = f"""
SELECT ?dir ?p ?other ?ax ?quote ?start ?end ?prefix ?suffix ?eco ?note ?hedge WHERE {{
  {{ ?this ?p ?other . BIND("out" AS ?dir) BIND(?this AS ?src) BIND(?other AS ?tgt) }}
  UNION {{ ?other ?p ?this . BIND("in" AS ?dir) BIND(?other AS ?src) BIND(?this AS ?tgt) }}
  ?p a owl:ObjectProperty . FILTER(isIRI(?other))
  OPTIONAL {{ {AXIOM_EVIDENCE} }}
}} ORDER BY ?dir ?p ?other ?start
"""

#: The concept's own types (those of the spasmkg: vocabulary) with the evidence of each typing, if reified.
_SHOW_TYPES = f"""
SELECT ?tgt ?ax ?quote ?start ?end ?prefix ?suffix ?eco ?note ?hedge WHERE {{
  VALUES ?p {{ rdf:type }}
  ?this ?p ?tgt . FILTER(isIRI(?tgt) && STRSTARTS(STR(?tgt), STR(spasmkg:))) BIND(?this AS ?src)
  OPTIONAL {{ {AXIOM_EVIDENCE} }}
}} ORDER BY ?tgt ?start
"""

_SHOW_FACTS = """
SELECT ?kind ?value WHERE {
  { ?this skos:altLabel ?value BIND("synonym" AS ?kind) }
  UNION { ?this skos:definition ?value BIND("definition" AS ?kind) }
  UNION { ?this ?xp ?value .
          VALUES ?xp { skos:exactMatch skos:closeMatch skos:relatedMatch skos:narrowMatch skos:broadMatch }
          BIND(CONCAT("xref:", STRAFTER(STR(?xp), "#")) AS ?kind) }
} ORDER BY ?kind ?value
"""


def show(term: str, *, data: DataArg = ()) -> Concept:
    """One concept with its types, synonyms, definition, cross-references and edges, each type and edge
    with its evidence."""
    import pyoxigraph

    idx = label_index(data)
    iri = idx.resolve(term)
    this = {"this": pyoxigraph.NamedNode(iri)}
    facts = engine.run(_SHOW_FACTS, data=data, bindings=this, limit=None)
    typings = engine.run(_SHOW_TYPES, data=data, bindings=this, limit=None)
    edges = engine.run(_SHOW_EDGES, data=data, bindings=this, limit=None)
    out = Concept(
        iri=iri,
        curie=curie(iri),
        label=idx.label(iri),
        types=[],
        typeClaims=[],
        synonyms=[],
        definition=None,
        xrefs=[],
        edges=[],
    )
    for row in facts.rows:
        kind, value = row["kind"], row["value"]
        if kind == "synonym":
            out["synonyms"].append(value)
        elif kind == "definition":
            out["definition"] = value
        else:
            out["xrefs"].append(Xref(relation=kind.split(":", 1)[1], iri=value, curie=curie(value)))
    out["typeClaims"] = [
        TypeClaim(type=t, label=idx.label(t), evidence=[ev.as_dict() for ev in evs])
        for (t,), evs in sorted(collect(typings.rows, key=("tgt",)).items())
    ]
    out["types"] = [c["label"] for c in out["typeClaims"]]
    grouped = collect(edges.rows, key=("dir", "p", "other"))
    out["edges"] = [
        ConceptEdge(
            direction=direction,
            predicate=curie(p),
            predicateLabel=idx.label(p),
            other=other,
            otherLabel=idx.label(other),
            evidence=[ev.as_dict() for ev in evs],
        )
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
    from spasmkg.engine.evidence import SUPPORT

    out: dict[str, dict[str, int]] = {}
    for r in engine.run(_STATS_SUPPORT, data=data, limit=None).rows:
        p = r["p"].replace("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "rdf:type")
        category = CLAIM_CATEGORIES.get(curie(p), "other (location, hierarchy, diagnosis)")
        counts = out.setdefault(category, {"stated": 0, "inferred": 0, "ungraded": 0})
        counts[SUPPORT.get(r["eco"] or "", "ungraded")] += int(r["n"])
    return dict(sorted(out.items()))


def stats(*, data: DataArg = ()) -> Stats:
    """Counts per class and per property, and how many asserted edges and typings carry evidence."""
    idx = label_index(data)
    classes = engine.run(_STATS, data=data, limit=None)
    props = engine.run(_STATS_PROPS, data=data, limit=None)
    ev = engine.run(_STATS_EVIDENCE, data=data, limit=None).rows[0]
    total = int(ev["edges"] or 0)
    with_ev = int(ev["withEvidence"] or 0)
    triples = engine.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", data=data, limit=None).rows[0]["n"]
    return Stats(
        triples=int(triples),
        classes={
            curie(r["cls"]): ClassCount(label=idx.label(r["cls"]), count=int(r["n"]))
            for r in classes.rows
            if r["cls"].startswith(SPASMKG)
        },
        properties={curie(r["p"]): int(r["n"]) for r in props.rows},
        evidence=EvidenceCoverage(
            assertions=total,
            with_evidence=with_ev,
            coverage=round(with_ev / total, 4) if total else 1.0,
        ),
        support=_support_counts(data),
    )
