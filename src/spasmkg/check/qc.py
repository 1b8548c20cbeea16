"""The ``qc`` check: every ``queries/qc/*-violation.rq`` query returns no rows.

The queries run on the validation store (pyoxigraph, the query engine of the tool); each is a
linear scan or join (2.8 s for 100 copies of the graph). The lexical side table of
:mod:`spasmkg.check.shacl_sparql` is in a named graph, which the queries (default graph) do not see.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from spasmkg.check.report import Check, violation
from spasmkg.namespaces import curie

if TYPE_CHECKING:
    import pyoxigraph as ox

#: Rows shown per query (the count of the rest is not computed).
ROW_LIMIT = 100


def check_qc(store: ox.Store) -> Check:
    """Run every QC query on ``store``."""
    from spasmkg.engine import catalog
    from spasmkg.engine.execute import run

    started = time.perf_counter()
    violations: list[dict[str, Any]] = []
    queries = catalog.qc_queries()
    for name, q in queries.items():
        res = run(q.text, store=store, limit=ROW_LIMIT, timeout=None)  # shipped, trusted queries
        for row in res.rows:
            shown = ", ".join(f"{k}={curie(str(v))}" for k, v in row.items() if v is not None)
            nodes = [str(v) for v in row.values() if v is not None and "://" in str(v)]
            violations.append(violation(f"{name}: {shown}", nodes, query=name))
    summary = f"{len(queries)} QC queries" + (f"; {len(violations)} row(s) returned" if violations else ", no rows")
    return Check("qc", not violations, summary, violations, time.perf_counter() - started)
