"""The cross-references as an SSSOM mapping set (``mappings.sssom.tsv``, SSSOM 1.0 TSV).

One row per reified ``skos:*Match`` axiom of the graph: the subject and its label, the SKOS predicate,
the external CURIE and the label it has in its source, ``semapv:ManualMappingCuration``, the curator's
note in ``comment``, and where the identifier was seen (``spasmkg:verifiedIn``) in ``other`` as
``where_seen=SOURCE``, as in the curation tables (``ontology/curation/mappings/*.sssom.tsv``). (An
SSSOM extension slot would be cleaner, but sssom-py 0.4 drops extension columns when it reads a file;
``other`` survives.) Set metadata (id, version, licence, creator) come from the ontology header.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spasmkg.namespaces import SKOS, SPASMKG, XREF_PREFIXES, curie
from spasmkg.release.meta import ReleaseInfo

if TYPE_CHECKING:
    import rdflib

JUSTIFICATION = "semapv:ManualMappingCuration"
MAPPING_SET_ID = "https://w3id.org/spasmkg/mappings.sssom.tsv"
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "comment",
    "other",
)
MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")


def _cell(text: object) -> str:
    """A TSV cell: tabs and line breaks become spaces (SSSOM TSV has no quoting)."""
    return " ".join(str(text).split()) if text is not None else ""


def _label(g: rdflib.Graph, node: rdflib.term.Node) -> str:
    """The English (or untagged) rdfs:label of a node, the smallest if several."""
    from rdflib.namespace import RDFS

    labels = [str(x) for x in g.objects(node, RDFS.label) if getattr(x, "language", None) in (None, "en")]
    return min(labels, default="")


def _other(seen: str) -> str:
    """The ``other`` cell: ``where_seen=SOURCE`` (``|`` separates pairs in SSSOM, so it cannot occur)."""
    return f"where_seen={_cell(seen).replace('|', '/')}" if seen else ""


def sssom_tsv(g: rdflib.Graph, info: ReleaseInfo) -> bytes:
    """The mapping set as SSSOM TSV (YAML metadata block in ``#`` lines, then the table), sorted."""
    import rdflib
    from rdflib.namespace import OWL, RDF, RDFS

    rows: dict[tuple[str, str, str], dict[str, str]] = {}
    matches = {rdflib.URIRef(SKOS + m) for m in MATCHES}
    verified_in = rdflib.URIRef(SPASMKG + "verifiedIn")
    note_of = rdflib.URIRef(SKOS + "editorialNote")
    for ax in g.subjects(RDF.type, OWL.Axiom):
        p = g.value(ax, OWL.annotatedProperty)
        s, o = g.value(ax, OWL.annotatedSource), g.value(ax, OWL.annotatedTarget)
        if p not in matches or s is None or o is None or (s, p, o) not in g:
            continue
        key = (curie(str(s)), "skos:" + str(p)[len(SKOS) :], curie(str(o)))
        row = {
            "subject_id": key[0],
            "subject_label": _cell(_label(g, s)),
            "predicate_id": key[1],
            "object_id": key[2],
            "object_label": _cell(min(map(str, g.objects(ax, RDFS.label)), default="")),
            "mapping_justification": JUSTIFICATION,
            "comment": _cell(min(map(str, g.objects(ax, note_of)), default="")),
            "other": _other(min(map(str, g.objects(ax, verified_in)), default="")),
        }
        if key not in rows or tuple(row.values()) < tuple(rows[key].values()):  # one row per mapping
            rows[key] = row
    from spasmkg.namespaces import PREFIXES

    used = {r["object_id"].split(":", 1)[0] for r in rows.values()}
    curie_map = {"skr": PREFIXES["skr"], "skos": SKOS, "semapv": "https://w3id.org/semapv/vocab/"}
    curie_map |= {p: XREF_PREFIXES[p] for p in sorted(used) if p in XREF_PREFIXES}
    header = [
        "curie_map:",
        *(f"  {p}: {ns}" for p, ns in sorted(curie_map.items())),
        f"mapping_set_id: {MAPPING_SET_ID}",
        f"mapping_set_version: {_yaml(info.version)}",
        f"mapping_set_title: {_yaml('spasmkg cross-references')}",
        "mapping_set_description: "
        + _yaml(
            "Cross-references from spasmkg concepts to public vocabularies, curated by hand; each external "
            "identifier was seen in the primary source named in each row's other column (where_seen=...)."
        ),
        f"license: {info.license}",
        "creator_label:",
        *(f"  - {_yaml(c)}" for c in (info.creators or ("spasmkg contributors",))),
    ]
    if "modified" in info.dates:
        header.append(f"publication_date: {info.dates['modified'][:10]}")
    lines = ["#" + line for line in header]
    lines.append("\t".join(COLUMNS))
    for key in sorted(rows):
        lines.append("\t".join(rows[key][c] for c in COLUMNS))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    import json

    return json.dumps(text, ensure_ascii=False)
