"""Namespaces and CURIE prefixes used across spasmkg (plain strings, no rdflib import)."""

from __future__ import annotations

__all__ = [
    "ALL_PREFIXES",
    "DCTERMS",
    "EVIDENCE_PREFIXES",
    "OA",
    "OBO",
    "OWL",
    "PREFIXES",
    "RDF",
    "RDFS",
    "SH",
    "SKE",
    "SKOS",
    "SKR",
    "SPASMKG",
    "XREF_PREFIXES",
    "XSD",
    "curie",
    "expand",
]

SPASMKG = "https://w3id.org/spasmkg/"
SKR = "https://w3id.org/spasmkg/resource/"
SKE = "https://w3id.org/spasmkg/evidence/"
OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
SH = "http://www.w3.org/ns/shacl#"
OA = "http://www.w3.org/ns/oa#"
OBO = "http://purl.obolibrary.org/obo/"

#: Prefixes of the project itself and of the W3C vocabularies it uses.
PREFIXES: dict[str, str] = {
    "spasmkg": SPASMKG,
    "skr": SKR,
    "ske": SKE,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "oa": OA,
}

#: Evidence types (Evidence & Conclusion Ontology) used on claim axioms; not a cross-reference vocabulary.
EVIDENCE_PREFIXES: dict[str, str] = {"ECO": OBO + "ECO_"}

#: External vocabularies (bioregistry prefix spelling) and the IRI each CURIE expands to.
XREF_PREFIXES: dict[str, str] = {
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "MAXO": "http://purl.obolibrary.org/obo/MAXO_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_",
    "SYMP": "http://purl.obolibrary.org/obo/SYMP_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "RXNORM": "http://purl.bioontology.org/ontology/RXNORM/",
}

ALL_PREFIXES: dict[str, str] = {
    **PREFIXES,
    **{k.lower(): v for k, v in XREF_PREFIXES.items()},
    **{k.lower(): v for k, v in EVIDENCE_PREFIXES.items()},
}


def curie(iri: str) -> str:
    """Shorten an IRI to a CURIE when a known prefix matches.

    >>> curie("https://w3id.org/spasmkg/resource/heavy_lifting")
    'skr:heavy_lifting'
    >>> curie("http://purl.obolibrary.org/obo/HP_0003394")
    'HP:0003394'
    >>> curie("http://purl.obolibrary.org/obo/ECO_0000305")
    'ECO:0000305'
    """
    best = ""
    best_prefix = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, best_prefix = ns, prefix
    for prefix, ns in (*XREF_PREFIXES.items(), *EVIDENCE_PREFIXES.items()):
        if iri.startswith(ns) and len(ns) > len(best):
            best, best_prefix = ns, prefix
    if not best:
        return iri
    return f"{best_prefix}:{iri[len(best) :]}"


def expand(curie_or_iri: str) -> str | None:
    """Expand a CURIE with a known prefix to an IRI; return IRIs unchanged; else None.

    >>> expand("skr:driving")
    'https://w3id.org/spasmkg/resource/driving'
    >>> expand("HP:0003394")
    'http://purl.obolibrary.org/obo/HP_0003394'
    """
    text = curie_or_iri.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if text.startswith(("http://", "https://", "urn:")):
        return text
    if ":" not in text:
        return None
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES:
        return PREFIXES[prefix] + local
    if prefix.upper() in XREF_PREFIXES:
        return XREF_PREFIXES[prefix.upper()] + local
    if prefix.upper() in EVIDENCE_PREFIXES:
        return EVIDENCE_PREFIXES[prefix.upper()] + local
    return None
