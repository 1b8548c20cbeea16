"""The release's ``kgx/`` files: KGX TSV with Biolink categories and predicates, made by
:mod:`spasmkg.network.kgx` (the same rows as ``spasmkg network export -F kgx [--inferred]``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from spasmkg.network.kgx import BIOLINK_VERSION, KGX_EDGE_COLUMNS, KGX_NODE_COLUMNS, kgx_rows

__all__ = ["BIOLINK_VERSION", "kgx_files"]


def _tsv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def kgx_files(data: Sequence[str] = (), *, inferred: bool = True) -> dict[str, bytes]:
    """``kgx/nodes.tsv`` and ``kgx/edges.tsv`` (asserted edges, each with its quotes) and, with
    ``inferred``, ``kgx/inferred_edges.tsv``: the edges the reasoner derives (``logical_entailment``,
    ``automated_agent``, no quote). ``kgx validate -i tsv nodes.tsv edges.tsv [inferred_edges.tsv]``."""
    from spasmkg.network.graph import to_networkx

    nodes, edges = kgx_rows(to_networkx(data, inferred=inferred))
    out = {
        "kgx/nodes.tsv": _tsv(KGX_NODE_COLUMNS, nodes),
        "kgx/edges.tsv": _tsv(KGX_EDGE_COLUMNS, [e for e in edges if e["knowledge_level"] == "knowledge_assertion"]),
    }
    if inferred:
        entailed = [e for e in edges if e["knowledge_level"] == "logical_entailment"]
        out["kgx/inferred_edges.tsv"] = _tsv(KGX_EDGE_COLUMNS, entailed)
    return out
