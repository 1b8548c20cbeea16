"""Network exports: GraphML (networkx) and KGX TSV (nodes.tsv/edges.tsv with Biolink categories).

The KGX writer is home-made: the ``kgx`` library is heavy for two TSV files (code review 2026-11-30)."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg.errors import InputError

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "BIOLINK_CATEGORY",
    "BIOLINK_PREDICATE",
    "KGX_EDGE_COLUMNS",
    "KGX_NODE_COLUMNS",
    "KNOWLEDGE_SOURCE",
    "biolink_category",
    "edge_id",
    "export",
    "export_paths",
    "graphml_text",
    "kgx_paths",
    "kgx_rows",
]


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
