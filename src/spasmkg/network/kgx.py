"""Network exports: GraphML (networkx) and KGX TSV (nodes.tsv/edges.tsv with Biolink 4.4 categories and
predicates; the spasmkg predicate in ``original_predicate``; node ids the exact match Biolink knows, if any).

The KGX writer is home-made: the ``kgx`` library is heavy for two TSV files (code review 2026-11-30)."""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg.errors import InputError

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "BIOLINK_CATEGORY",
    "BIOLINK_PREDICATE",
    "BIOLINK_VERSION",
    "FALLBACK_PREDICATE",
    "KGX_EDGE_COLUMNS",
    "KGX_NODE_COLUMNS",
    "KNOWLEDGE_SOURCE",
    "biolink_category",
    "biolink_predicate",
    "edge_id",
    "export",
    "export_paths",
    "graphml_text",
    "kgx_paths",
    "kgx_rows",
    "node_ids",
]


#: Biolink model release the tables were checked against (``biolink-model`` on PyPI).
BIOLINK_VERSION = "4.4.6"

KNOWLEDGE_SOURCE = "infores:spasmkg"

#: spasmkg predicate -> Biolink predicate (same direction). Where Biolink has no predicate with the
#: same meaning the edge is ``biolink:related_to`` and ``original_predicate`` keeps the meaning.
BIOLINK_PREDICATE: dict[str, str] = {
    "spasmkg:causes": "biolink:causes",
    "spasmkg:causedBy": "biolink:caused_by",
    "spasmkg:aggravates": "biolink:exacerbates_condition",
    "spasmkg:aggravatedBy": "biolink:condition_exacerbated_by",
    "spasmkg:hasSymptom": "biolink:has_phenotype",
    "spasmkg:symptomOf": "biolink:phenotype_of",
    "spasmkg:hasRiskFactor": "biolink:condition_predisposed_by",
    "spasmkg:riskFactorFor": "biolink:predisposes_to_condition",
    "spasmkg:treatedBy": "biolink:treated_by",
    "spasmkg:treats": "biolink:treats",
    "spasmkg:preventedBy": "biolink:has_preventative_intervention",
    "spasmkg:prevents": "biolink:preventative_for_condition",
    "spasmkg:memberOfDrugClass": "biolink:member_of",
    "spasmkg:hasDrugClassMember": "biolink:has_member",
    "spasmkg:contraindicatedDuring": "biolink:contraindicated_in",
    "spasmkg:contraindicates": "biolink:has_contraindication",
    "spasmkg:locatedIn": "biolink:located_in",
    "spasmkg:specializes": "biolink:subclass_of",
    "spasmkg:generalizes": "biolink:superclass_of",
    "spasmkg:diagnosedBy": "biolink:is_diagnosed_by",
    "spasmkg:diagnoses": "biolink:diagnoses",
    "spasmkg:detects": "biolink:diagnoses",
    "spasmkg:precedes": "biolink:precedes",
}
FALLBACK_PREDICATE = "biolink:related_to"

#: Display category -> Biolink category, most specific first (see :func:`biolink_category`).
BIOLINK_CATEGORY: dict[str, str] = {
    "treatment": "biolink:Treatment",
    "symptom": "biolink:PhenotypicFeature",
    "condition": "biolink:DiseaseOrPhenotypicFeature",
    "diagnostic procedure": "biolink:Procedure",
    "body region": "biolink:AnatomicalEntity",
    "activity": "biolink:Activity",
}

#: Vocabularies whose CURIE may replace a spasmkg id, per Biolink category, in Biolink's order of
#: preference (its ``id_prefixes``); categories without id_prefixes use :data:`ANY_PREFIXES`.
ID_PREFIXES: dict[str, tuple[str, ...]] = {
    "biolink:DiseaseOrPhenotypicFeature": ("MONDO", "DOID", "HP", "MESH"),
    "biolink:PhenotypicFeature": ("HP", "MESH"),
    "biolink:AnatomicalEntity": ("UBERON", "MESH"),
    "biolink:ChemicalEntity": ("CHEBI", "MESH"),
    "biolink:Drug": ("CHEBI", "MESH"),
    "biolink:Procedure": ("MAXO",),
}
ANY_PREFIXES: tuple[str, ...] = ("MONDO", "DOID", "HP", "UBERON", "CHEBI", "MAXO", "MESH")

KGX_NODE_COLUMNS: tuple[str, ...] = (
    "id",
    "category",
    "name",
    "description",
    "synonym",
    "xref",
    "iri",
    "provided_by",
    "spasmkg_category",
    "spasmkg_types",
)
KGX_EDGE_COLUMNS: tuple[str, ...] = (
    "id",
    "subject",
    "predicate",
    "object",
    "original_subject",
    "original_predicate",
    "original_object",
    "primary_knowledge_source",
    "knowledge_level",
    "agent_type",
    "supporting_text",
    "supporting_text_offsets",
)


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

    Works on what :func:`spasmkg.network.graph.to_networkx` returns (IRI or CURIE keys);
    ``nx.write_graphml`` cannot write its list attributes. Node ids are CURIEs; edge ids are
    :func:`edge_id` (unique), the predicate CURIE is an attribute. With ``inferred=True`` every edge says
    whether it is entailed (``inferred``), and an entailed one by which ``rule`` and ``axiom`` from which
    ``premises`` (JSON list of CURIE triples); nodes carry ``inferred_types``.
    """
    import json

    import networkx as nx

    from spasmkg.namespaces import curie as to_curie

    with_inference = any("inferred" in a for _, _, a in g.edges(data=True))
    out = nx.MultiDiGraph(name="spasmkg")
    for n in sorted(g.nodes, key=lambda n: g.nodes[n]["curie"]):
        a = g.nodes[n]
        extra = {"inferred_types": "|".join(a.get("inferred_types", []))} if with_inference else {}
        out.add_node(
            a["curie"],
            iri=a["iri"],
            label=a["label"],
            category=a["category"],
            categories="|".join(a["categories"]),
            types="|".join(a["types"]),
            synonyms="|".join(a["synonyms"]),
            definition=a["definition"],
            xrefs="|".join(a["xrefs"]),
            urgency=a.get("urgency", ""),
            **extra,
        )
    for u, v, k in _sorted_edges(g):
        a = g.edges[u, v, k]
        entailed: dict[str, Any] = {}
        if with_inference:
            premises = [[to_curie(s), p, to_curie(o)] for s, p, o in a.get("premises", [])]
            entailed = {
                "inferred": bool(a.get("inferred")),
                "rule": a.get("rule", ""),
                "axiom": a.get("axiom", ""),
                "premises": json.dumps(premises, ensure_ascii=False),
            }
        out.add_edge(
            g.nodes[u]["curie"],
            g.nodes[v]["curie"],
            key=edge_id(g.nodes[u]["curie"], k, g.nodes[v]["curie"]),
            predicate=a["predicate"],
            predicate_label=a["predicate_label"],
            evidence_count=len(a["evidence"]),
            quote=a["evidence"][0]["quote"] if a["evidence"] else "",
            evidence=json.dumps(a["evidence"], ensure_ascii=False, sort_keys=True),
            **entailed,
        )
    return "\n".join(nx.generate_graphml(out, encoding="utf-8", prettyprint=True)) + "\n"


def biolink_category(attrs: dict[str, Any]) -> str:
    """A conservative Biolink category: drug, drug class, then the first of :data:`BIOLINK_CATEGORY`
    among the node's display categories; else ``biolink:NamedThing``."""
    types = set(attrs["types"])
    if "drug" in types:
        return "biolink:Drug"
    if "drug class" in types:
        return "biolink:ChemicalEntity"
    for category, biolink in BIOLINK_CATEGORY.items():
        if category in attrs["categories"]:
            return biolink
    return "biolink:NamedThing"


def biolink_predicate(predicate: str) -> str:
    """The Biolink predicate CURIE for a spasmkg predicate CURIE (``biolink:related_to`` if none fits)."""
    return BIOLINK_PREDICATE.get(predicate, FALLBACK_PREDICATE)


def node_ids(g: nx.MultiDiGraph) -> dict[str, str]:
    """Node IRI -> KGX id: the exact match in the category's most preferred vocabulary, else the
    spasmkg CURIE. An external id that two nodes would share is used by neither (no merging)."""
    chosen: dict[str, str] = {}
    for n, a in g.nodes(data=True):
        by_prefix = {x.split(":", 1)[0]: x for x in sorted(a["xrefs"], reverse=True)}
        for prefix in ID_PREFIXES.get(biolink_category(a), ANY_PREFIXES):
            if prefix in by_prefix:
                chosen[n] = by_prefix[prefix]
                break
    shared = {x for x, k in Counter(chosen.values()).items() if k > 1}
    return {n: chosen[n] if chosen.get(n) not in shared and n in chosen else g.nodes[n]["curie"] for n in g.nodes}


def kgx_rows(g: nx.MultiDiGraph) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The KGX node and edge records (multi-valued fields joined with ``|``), sorted.

    ``predicate`` is the Biolink predicate (:data:`BIOLINK_PREDICATE`), ``original_predicate`` /
    ``original_subject`` / ``original_object`` the spasmkg CURIEs; node ids are from :func:`node_ids`.
    Edges marked ``inferred=True`` (``to_networkx(inferred=True)``) are ``logical_entailment`` /
    ``automated_agent`` with no supporting text; the others ``knowledge_assertion`` / ``manual_agent``.
    """
    ids = node_ids(g)
    nodes = []
    for n in sorted(g.nodes, key=lambda n: (ids[n], g.nodes[n]["curie"])):
        a = g.nodes[n]
        nodes.append(
            {
                "id": ids[n],
                "category": biolink_category(a),
                "name": a["label"],
                "description": a["definition"],
                "synonym": "|".join(a["synonyms"]),
                "xref": "|".join(x for x in a["xrefs"] if x != ids[n]),
                "iri": a["iri"],
                "provided_by": KNOWLEDGE_SOURCE,
                "spasmkg_category": a["category"],
                "spasmkg_types": "|".join(a["types"]),
            }
        )
    edges = []
    for u, v, k in g.edges(keys=True):
        a = g.edges[u, v, k]
        edges.append(_edge(g, ids, u, k, v, None if a.get("inferred") else a["evidence"]))
    edges.sort(key=lambda e: (e["original_subject"], e["original_predicate"], e["original_object"]))
    return nodes, edges


def _edge(
    g: nx.MultiDiGraph, ids: dict[str, str], u: str, k: str, v: str, evidence: list[dict[str, Any]] | None
) -> dict[str, str]:
    s, o = g.nodes[u]["curie"], g.nodes[v]["curie"]
    manual = evidence is not None
    return {
        "id": edge_id(s, k, o),
        "subject": ids[u],
        "predicate": biolink_predicate(k),
        "object": ids[v],
        "original_subject": s,
        "original_predicate": k,
        "original_object": o,
        "primary_knowledge_source": KNOWLEDGE_SOURCE,
        "knowledge_level": "knowledge_assertion" if manual else "logical_entailment",
        "agent_type": "manual_agent" if manual else "automated_agent",
        "supporting_text": "|".join(e["quote"] for e in evidence or ()),
        "supporting_text_offsets": "|".join(f"{e['start']}-{e['end']}" for e in evidence or ()),
    }


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

    Files are produced in memory first and written with :func:`spasmkg.io.atomic.atomic_write_many`:
    the KGX nodes and edges files are replaced together or not at all, and a failure leaves the
    existing files untouched. For kgx, ``output`` is a path prefix or an existing folder (``DIR/``).
    """
    from spasmkg.io.atomic import atomic_write_many

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
    from spasmkg.io.atomic import output_target

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
