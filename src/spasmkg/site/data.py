"""What the static site shows, read from the graph through the engine layer (never the CLI or the API).

Everything returned here is plain data (dicts, lists, strings, numbers), sorted, so the pages
rendered from it are the same bytes for the same graph.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from spasmkg.engine import catalog
from spasmkg.engine.describe import Concept, Stats, show, stats
from spasmkg.engine.evidence import URGENCY_WORDS
from spasmkg.engine.execute import run
from spasmkg.engine.named import query
from spasmkg.engine.store import DataArg
from spasmkg.namespaces import OBO, SKR, SPASMKG, XREF_PREFIXES, curie
from spasmkg.network.graph import CATEGORY_ORDER, to_networkx

#: Urgency level IRI -> rank (1 = most urgent), as ``search`` orders red flags.
URGENCY_RANK: dict[str, int] = {iri: i + 1 for i, iri in enumerate(URGENCY_WORDS)}

#: Where a cross-reference CURIE prefix is looked up: ``{}`` is the local id. OBO terms resolve at
#: their PURL; MeSH and RxNorm at NLM's browsers (the graph's own IRIs for them are not web pages).
RESOLVERS: dict[str, str] = {
    **{p: ns + "{}" for p, ns in XREF_PREFIXES.items() if ns.startswith(OBO)},
    "MESH": "https://meshb.nlm.nih.gov/record/ui?ui={}",
    "RXNORM": "https://mor.nlm.nih.gov/RxNav/search?searchBy=RXCUI&searchTerm={}",
    "ECO": OBO + "ECO_{}",
}

_SAFE_ID = re.compile(r"[A-Za-z0-9_.-]+")
_SLUG_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


def resolver_url(iri: str) -> str | None:
    """A web page for an external identifier (CURIE resolver), or the IRI if it is http(s); else None.

    >>> resolver_url("http://id.nlm.nih.gov/mesh/D013035")
    'https://meshb.nlm.nih.gov/record/ui?ui=D013035'
    >>> resolver_url("http://purl.obolibrary.org/obo/HP_0003394")
    'http://purl.obolibrary.org/obo/HP_0003394'
    >>> resolver_url("javascript:alert(1)") is None
    True
    """
    short = curie(iri)
    prefix, _, local = short.partition(":")
    if prefix in RESOLVERS and local and _SAFE_ID.fullmatch(local):
        return RESOLVERS[prefix].format(local)
    if iri.startswith(("http://", "https://")) and not any(c in iri for c in "\"'<> \\"):
        return iri
    return None


def slugs(iris: Sequence[str]) -> dict[str, str]:
    """A file name stem for each IRI: its local name where that is safe and unique (also ignoring case,
    for case-insensitive file systems), else a readable part plus a hash of the IRI.

    >>> slugs(["https://w3id.org/spasmkg/resource/heavy_lifting", "urn:x:Heavy Lifting"])["urn:x:Heavy Lifting"]
    'Heavy-Lifting-7b828994'
    """
    out: dict[str, str] = {}
    taken: set[str] = set()
    for iri in sorted(iris):
        local = re.split(r"[/#:]", iri)[-1]
        base = _SLUG_CHARS.sub("-", local).strip("-")[:60]
        slug = base
        if not base or base != local or base.lower() in taken:
            slug = f"{base or 'concept'}-{hashlib.sha256(iri.encode()).hexdigest()[:8]}"
        taken.add(slug.lower())
        out[iri] = slug
    return out


def anchor(iri: str) -> str:
    """The fragment id of an ontology term on the reference page (``Cause``, ``skos-definition``).

    >>> anchor("https://w3id.org/spasmkg/RedFlag"), anchor("http://purl.obolibrary.org/obo/ECO_0000303")
    ('RedFlag', 'ECO-0000303')
    """
    local = iri[len(SPASMKG) :] if iri.startswith(SPASMKG) and "/" not in iri[len(SPASMKG) :] else curie(iri)
    return _SLUG_CHARS.sub("-", local).strip("-") or "term-" + hashlib.sha256(iri.encode()).hexdigest()[:8]


@dataclass
class SiteData:
    """Everything the pages show."""

    concepts: list[dict[str, Any]] = field(default_factory=list)
    queries: list[dict[str, Any]] = field(default_factory=list)
    ontology: dict[str, Any] = field(default_factory=dict)
    stats: Stats | None = None
    categories: list[str] = field(default_factory=list)


_LAY_TERMS = "SELECT DISTINCT ?s ?l WHERE { ?s skos:hiddenLabel ?l . FILTER(isIRI(?s)) } ORDER BY ?s ?l"


def collect(data: DataArg = ()) -> tuple[SiteData, Any]:
    """Read every concept, named query, the ontology and the counts; return them and the networkx graph."""
    g = to_networkx(data)
    site = SiteData()
    site.ontology = ontology(data)
    term_labels = {t["iri"]: t["label"] for t in site.ontology["terms"]}
    concept_iris = sorted(g.nodes)
    slug_of = slugs(concept_iris)
    lay: dict[str, list[str]] = {}
    for row in run(_LAY_TERMS, data=data, limit=None).rows:
        lay.setdefault(row["s"], []).append(row["l"])
    for iri in concept_iris:
        page = show(iri, data=data)
        node = g.nodes[iri]
        site.concepts.append(_concept(iri, page, node, slug_of, term_labels, lay.get(iri, [])))
    present = {c["category"] for c in site.concepts}
    site.categories = [c for c in CATEGORY_ORDER if c in present] + sorted(present - set(CATEGORY_ORDER))
    site.queries = [_query(q, data, slug_of) for q in sorted(catalog.named_queries().values(), key=_qname)]
    site.stats = stats(data=data)
    return site, g


def _qname(q: catalog.NamedQuery) -> str:
    return q.name


def _concept(
    iri: str,
    page: Concept,
    node: dict[str, Any],
    slug_of: dict[str, str],
    term_labels: dict[str, str],
    lay_terms: list[str],
) -> dict[str, Any]:
    slug = slug_of[iri]
    edges: dict[str, list[dict[str, Any]]] = {"out": [], "in": []}
    urgency: dict[str, Any] | None = None
    for e in page["edges"]:
        other = e["other"]
        target: str | None = None
        if other in slug_of:
            target = f"concepts/{slug_of[other]}.html"
        elif other in term_labels:
            target = f"ontology.html#{anchor(other)}"
        pred_iri = SPASMKG + e["predicate"].split(":", 1)[1] if e["predicate"].startswith("spasmkg:") else ""
        edge = {
            "predicate": e["predicate"],
            "predicateLabel": e["predicateLabel"],
            "predicateHref": f"ontology.html#{anchor(pred_iri)}" if pred_iri in term_labels else None,
            "other": other,
            "otherCurie": curie(other),
            "otherLabel": e["otherLabel"],
            "otherHref": target,
            "evidence": e["evidence"],
        }
        edges[e["direction"]].append(edge)
        if e["direction"] == "out" and e["predicate"] == "spasmkg:hasUrgency" and other in URGENCY_RANK:
            best = urgency is None or URGENCY_RANK[other] < urgency["rank"]
            if best:
                supports = sorted({ev["support"] for ev in e["evidence"]})
                urgency = {
                    "iri": other,
                    "rank": URGENCY_RANK[other],
                    "words": URGENCY_WORDS[other],
                    "support": supports,
                    "href": target,
                }
    xrefs = [
        {"relation": x["relation"], "curie": x["curie"], "iri": x["iri"], "url": resolver_url(x["iri"])}
        for x in page["xrefs"]
    ]
    return {
        "iri": iri,
        "curie": page["curie"],
        "label": page["label"],
        "slug": slug,
        "path": f"concepts/{slug}.html",
        "picture": f"concepts/{slug}.svg",
        "category": node.get("category") or "other",
        "types": sorted(
            (
                {
                    "iri": t["type"],
                    "label": term_labels.get(t["type"], curie(t["type"])),
                    "href": f"ontology.html#{anchor(t['type'])}",
                    "evidence": t["evidence"],
                }
                for t in page["typeClaims"]
            ),
            key=lambda t: (t["label"], t["iri"]),
        ),
        "synonyms": sorted(page["synonyms"]),
        "layTerms": sorted(set(lay_terms) - set(page["synonyms"])),
        "definition": page["definition"],
        "xrefs": sorted(xrefs, key=lambda x: (x["relation"], x["curie"])),
        "edgesOut": edges["out"],
        "edgesIn": edges["in"],
        "urgency": urgency,
        "redFlag": urgency is not None or any(t["type"] == SPASMKG + "RedFlag" for t in page["typeClaims"]),
        "inGraph": iri.startswith(SKR),
    }


def _query(q: catalog.NamedQuery, data: DataArg, slug_of: dict[str, str]) -> dict[str, Any]:
    """Run a named query for the site, every row: required parameters take their documented example."""
    bound = {p.name: p.example for p in q.params if p.required}
    shown = [{"name": p.name, "value": p.example, "doc": p.doc} for p in q.params if p.required]
    result = query(q.name, bound, data=data, limit=None)
    rows = [[_cell(row.get(c), slug_of) for c in result.columns] for row in result.rows]
    return {
        "name": q.name,
        "summary": q.summary,
        "medical": q.medical,
        "params": [
            {"name": p.name, "type": p.type, "required": p.required, "example": p.example, "doc": p.doc}
            for p in q.params
        ],
        "bound": shown,
        "columns": result.columns,
        "rows": rows,
        "text": q.text,
        "path": f"queries/{q.name}.html",
        "command": "spasmkg query " + q.name + "".join(f' -p {b["name"]}="{b["value"]}"' for b in shown),
    }


def _cell(value: Any, slug_of: dict[str, str]) -> dict[str, Any]:
    """A result cell: its text, and the concept page it links to (for an IRI of a concept)."""
    if value is None:
        return {"text": "", "href": None, "title": None}
    if isinstance(value, str) and value.startswith(("http://", "https://", "urn:")):
        href = f"concepts/{slug_of[value]}.html" if value in slug_of else None
        return {"text": curie(value), "href": href, "title": value}
    return {"text": str(value), "href": None, "title": None}


_ONTOLOGY_HEADER = """
SELECT ?p ?v WHERE { ?o a owl:Ontology ; ?p ?v . FILTER(!isBlank(?v)) } ORDER BY ?p ?v
"""
_TERMS = """
SELECT ?t ?kind ?label ?def ?comment WHERE {
  VALUES (?k ?kind ?rank) { (owl:Class "class" 1) (owl:ObjectProperty "object property" 2)
    (owl:DatatypeProperty "datatype property" 3) (owl:AnnotationProperty "annotation property" 4)
    (owl:NamedIndividual "individual" 5) }
  ?t a ?k . FILTER(isIRI(?t))
  FILTER(?kind != "individual" || !(STRSTARTS(STR(?t), STR(skr:)) || STRSTARTS(STR(?t), STR(ske:))))
  FILTER(?kind != "annotation property" || EXISTS { ?t rdfs:label ?anyLabel })
  OPTIONAL { ?t rdfs:label ?label } OPTIONAL { ?t skos:definition ?def } OPTIONAL { ?t rdfs:comment ?comment }
} ORDER BY ?rank ?t
"""
_TERM_LINKS = """
SELECT ?t ?rel ?v WHERE {
  VALUES ?rel { rdfs:subClassOf rdfs:subPropertyOf rdfs:domain rdfs:range owl:inverseOf owl:disjointWith rdf:type
                owl:equivalentClass }
  { ?t ?rel ?v . FILTER(isIRI(?v)) }
  UNION { ?t ?rel ?x . ?x owl:unionOf/rdf:rest*/rdf:first ?v }
  UNION { ?t ?rel ?x . ?x owl:oneOf/rdf:rest*/rdf:first ?v }
  FILTER(isIRI(?t))
} ORDER BY ?t ?rel ?v
"""
_CHAINS = """
SELECT ?t ?a ?b WHERE { ?t owl:propertyChainAxiom ?l . ?l rdf:first ?a ; rdf:rest/rdf:first ?b } ORDER BY ?t ?a ?b
"""
_DISJOINT = """
SELECT ?t ?v WHERE {
  ?d a owl:AllDisjointClasses ; owl:members ?m .
  ?m rdf:rest*/rdf:first ?t . ?m rdf:rest*/rdf:first ?v . FILTER(?t != ?v)
} ORDER BY ?t ?v
"""
_REL_WORDS = {
    "rdfs:subClassOf": "subclass of",
    "rdfs:subPropertyOf": "subproperty of",
    "rdfs:domain": "domain",
    "rdfs:range": "range",
    "owl:inverseOf": "inverse of",
    "owl:disjointWith": "disjoint with",
    "rdf:type": "type",
    "owl:equivalentClass": "one of / equivalent to",
}


def ontology(data: DataArg = ()) -> dict[str, Any]:
    """Classes, properties and named individuals of the ontology, with labels, definitions and axioms."""
    header: dict[str, list[str]] = {}
    for row in run(_ONTOLOGY_HEADER, data=data, limit=None).rows:
        header.setdefault(curie(row["p"]), []).append(str(row["v"]))
    terms: dict[str, dict[str, Any]] = {}
    for row in run(_TERMS, data=data, limit=None).rows:
        t = terms.setdefault(
            row["t"],
            {
                "iri": row["t"],
                "curie": curie(row["t"]),
                "anchor": anchor(row["t"]),
                "kind": row["kind"],
                "label": row["label"] or curie(row["t"]),
                "definition": row["def"],
                "comment": row["comment"],
                "links": {},
            },
        )
        t["definition"] = t["definition"] or row["def"]
    links: dict[str, dict[str, set[str]]] = {}
    for row in run(_TERM_LINKS, data=data, limit=None).rows:
        if row["t"] in terms and isinstance(row["v"], str) and not row["v"].startswith("_:"):
            word = _REL_WORDS[curie(row["rel"])]
            if word == "type" and row["v"].startswith("http://www.w3.org/"):
                continue
            links.setdefault(row["t"], {}).setdefault(word, set()).add(row["v"])
    for row in run(_DISJOINT, data=data, limit=None).rows:
        if row["t"] in terms:
            links.setdefault(row["t"], {}).setdefault("disjoint with", set()).add(row["v"])
    chains: dict[str, list[list[str]]] = {}
    for row in run(_CHAINS, data=data, limit=None).rows:
        chains.setdefault(row["t"], []).append([row["a"], row["b"]])

    def ref(iri: str) -> dict[str, Any]:
        known = terms.get(iri)
        return {
            "label": known["label"] if known else curie(iri),
            "curie": curie(iri),
            "href": f"#{known['anchor']}" if known else None,
        }

    for iri, t in terms.items():
        t["links"] = {word: [ref(v) for v in sorted(vs)] for word, vs in sorted(links.get(iri, {}).items())}
        t["chains"] = [[ref(a), ref(b)] for a, b in chains.get(iri, [])]
    ordered = sorted(terms.values(), key=lambda t: (t["kind"], t["label"].lower(), t["iri"]))
    return {"header": header, "terms": ordered}


def search_index(site: SiteData) -> list[dict[str, Any]]:
    """The client-side search index: one small record per concept."""
    return [
        {
            "l": c["label"],
            "s": c["synonyms"] + c["layTerms"],
            "i": c["curie"],
            "c": c["category"],
            "u": c["path"],
            "r": c["urgency"]["rank"] if c["urgency"] else 0,
            "w": c["urgency"]["words"] if c["urgency"] else "",
        }
        for c in site.concepts
    ]
