"""The query engine: pyoxigraph over the shipped graph (plus ``--data`` files), cached on disk.

Design (see README, "Architecture"):

* pyoxigraph answers every SPARQL query (named or ad hoc). rdflib is not imported on this path.
* The store comes from :mod:`spasmkg.store`: in memory for the shipped graph, an on-disk cache
  keyed by content hash for big ``--data`` inputs.
* Queries run in a worker thread (pyoxigraph releases the GIL), so a timeout can stop waiting;
  the CLI then exits. Results are bounded by a row limit.
* The store is read-only by construction: only SPARQL queries (never updates) are evaluated, and
  ``SERVICE`` is refused before evaluation (see :mod:`spasmkg.sparqlcheck`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg.safety import InputError, SpasmkgError, brief, query_memory_limit, wait_bounded
from spasmkg.store import open_store

if TYPE_CHECKING:
    import pyoxigraph

DEFAULT_TIMEOUT = 10.0
DEFAULT_LIMIT = 10_000


class QueryTimeout(SpasmkgError):
    """The query did not finish within its time limit (exit 2)."""


class QueryError(InputError):
    """The query text is not valid SPARQL or is refused (exit 2)."""


@dataclass
class Result:
    """The answer of a query: ``rows`` hold plain Python values (IRIs as ``str``)."""

    kind: str  # "select" | "ask" | "graph"
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Any, Any, Any]] = field(default_factory=list)
    truncated: bool = False
    medical: bool = False
    elapsed: float = 0.0

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)

    def to_dataframe(self) -> Any:
        """Return the rows as a ``pandas.DataFrame`` (needs the ``pandas`` extra)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise InputError("to_dataframe() needs pandas: pip install 'spasmkg[pandas]'") from exc
        return pd.DataFrame(self.rows, columns=self.columns)


def py_value(term: Any) -> Any:
    """Convert a pyoxigraph term to a plain Python value (IRI -> str, typed literal -> int/Decimal/bool/str)."""
    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return term.value
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, pyoxigraph.Literal):
        dt = term.datatype.value
        v = term.value
        try:
            if dt.endswith(("#integer", "#nonNegativeInteger", "#int", "#long", "#positiveInteger")):
                return int(v)
            if dt.endswith("#decimal"):
                from decimal import Decimal  # here, not at import: _decimal costs ~4 ms per process

                d = Decimal(v)
                return int(d) if d == d.to_integral_value() else float(d)
            if dt.endswith(("#double", "#float")):
                return float(v)
            if dt.endswith("#boolean"):
                return v in ("true", "1")
        except (ValueError, ArithmeticError):
            return v
        return v
    return str(term)


def run(
    query_text: str,
    *,
    data: Sequence[Path | str] = (),
    bindings: dict[str, Any] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    limit: int | None = DEFAULT_LIMIT,
    store: pyoxigraph.Store | None = None,
) -> Result:
    """Evaluate a checked, read-only SPARQL query with pyoxigraph.

    ``bindings`` maps variable names to pyoxigraph terms; they are pre-bound with a ``VALUES``
    block of terms serialised by pyoxigraph (escaped N-Triples syntax), so user text never
    becomes query syntax.
    """
    import pyoxigraph

    from spasmkg.namespaces import ALL_PREFIXES
    from spasmkg.sparqlcheck import check_query

    check_query(query_text)
    if bindings:
        from spasmkg.catalog import inject_values

        query_text = inject_values(query_text, {k: str(v) for k, v in bindings.items()})
    st = store if store is not None else open_store(data)
    box: dict[str, Any] = {}
    started = time.perf_counter()

    def work() -> None:
        try:
            res = st.query(query_text, prefixes=ALL_PREFIXES)
            if isinstance(res, pyoxigraph.QueryBoolean):
                box["result"] = Result("ask", boolean=bool(res))
            elif isinstance(res, pyoxigraph.QuerySolutions):
                cols = [v.value for v in res.variables]
                rows: list[dict[str, Any]] = []
                truncated = False
                for sol in res:
                    if limit is not None and len(rows) >= limit:
                        truncated = True
                        break
                    rows.append({c: py_value(sol[c]) for c in cols})
                box["result"] = Result("select", columns=cols, rows=rows, truncated=truncated)
            else:
                triples: list[tuple[Any, Any, Any]] = []
                truncated = False
                for t in res:
                    if limit is not None and len(triples) >= limit:
                        truncated = True
                        break
                    triples.append((t.subject, t.predicate, t.object))
                box["result"] = Result("graph", triples=triples, truncated=truncated)
        except SyntaxError as exc:
            box["error"] = QueryError(f"SPARQL syntax error: {brief(str(exc))}")
        except Exception as exc:
            box["error"] = QueryError(f"query failed: {brief(str(exc))}")

    worker = threading.Thread(target=work, name="spasmkg-query", daemon=True)
    worker.start()
    stop = wait_bounded(worker, timeout)
    if stop == "memory":
        raise QueryTimeout(
            f"query stopped: it needed over {query_memory_limit() // 2**20} MiB of memory (narrow it or add LIMIT)"
        )
    if stop == "timeout":
        raise QueryTimeout(f"query stopped after {timeout:g} s (raise the limit with --timeout)")
    if "error" in box:
        raise box["error"]
    result: Result = box["result"]
    result.elapsed = time.perf_counter() - started
    return result
