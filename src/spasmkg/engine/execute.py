"""The query engine: pyoxigraph over the shipped graph (plus ``--data`` files).

Design (see README, "Architecture"):

* pyoxigraph answers every SPARQL query (named or ad hoc). rdflib is not imported on this path.
* The store comes from :mod:`spasmkg.engine.store`: in memory for the shipped graph, an on-disk cache
  keyed by content hash for big ``--data`` inputs.
* Queries run in a worker thread (pyoxigraph releases the GIL), so a timeout can stop waiting;
  the CLI then exits. Results are bounded by a row limit. :func:`bounded` runs any other work
  (resolving terms, rendering the output) under the same time and memory bounds, so the CLI
  counts everything after loading the graph against ``--timeout`` and ``SPASMKG_MAX_QUERY_MB``.
* The store is read-only by construction: only SPARQL queries (never updates) are evaluated, and
  ``SERVICE`` is refused before evaluation (see :mod:`spasmkg.engine.sparqlcheck`).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from spasmkg.engine.store import open_store
from spasmkg.errors import InputError, QueryError, QueryMemoryExceeded, QueryTimeout
from spasmkg.io.guards import wait_bounded
from spasmkg.io.limits import MAX_QUERY_MEMORY_GROWTH
from spasmkg.text import brief

if TYPE_CHECKING:
    import pyoxigraph

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_TIMEOUT",
    "Result",
    "ResultKind",
    "bounded",
    "check_timeout",
    "memory_limit",
    "py_value",
    "run",
]

DEFAULT_TIMEOUT = 10.0
DEFAULT_LIMIT = 10_000

T = TypeVar("T")

#: What a query returns: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE).
ResultKind = Literal["select", "ask", "graph"]


def check_timeout(timeout: float | None) -> float | None:
    """Refuse a timeout that would switch the bound off (``nan``, ``inf``, ``1e400``) or is not positive."""
    if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
        raise InputError(f"--timeout must be a finite number of seconds above 0, not {timeout!r}")
    return timeout


def memory_limit() -> int:
    """Bytes a query may add to the resident memory: ``SPASMKG_MAX_QUERY_MB`` (MiB) or 2 GiB.

    A value that is not a finite positive number is an error (``inf`` would switch the bound off).
    """
    raw = os.environ.get("SPASMKG_MAX_QUERY_MB", "").strip()
    if not raw:
        return MAX_QUERY_MEMORY_GROWTH
    try:
        mb = float(raw)
    except ValueError:
        mb = math.nan
    if not (math.isfinite(mb) and 0 < mb <= 2**40):
        raise InputError(f"SPASMKG_MAX_QUERY_MB must be a number of MiB above 0, not {raw[:40]!r}")
    return int(mb * 2**20)


def bounded(work: Callable[[], T], *, timeout: float | None, what: str = "query") -> T:
    """Run ``work()`` in a worker thread under the time and memory bounds of a query.

    Returns its value or re-raises its exception; raises :class:`QueryTimeout` after ``timeout``
    seconds and :class:`QueryMemoryExceeded` when resident memory grew by more than
    :func:`memory_limit`. A stopped worker is not killed (native code cannot be interrupted):
    the CLI exits at once; in the API it runs on in the background until it ends.
    """
    check_timeout(timeout)
    limit = memory_limit()
    box: dict[str, Any] = {}

    def run_work() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=run_work, name=f"spasmkg-{what}", daemon=True)
    worker.start()
    stop = wait_bounded(worker, timeout, max_growth=limit)
    if stop == "memory":
        raise QueryMemoryExceeded(
            f"{what} stopped: it needed over {limit // 2**20} MiB of memory "
            "(narrow it, add LIMIT, or raise SPASMKG_MAX_QUERY_MB)"
        )
    if stop == "timeout":
        raise QueryTimeout(f"{what} stopped after {timeout:g} s (raise the limit with --timeout)")
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


@dataclass
class Result:
    """The answer of a query: ``rows`` hold plain Python values (IRIs as ``str``)."""

    kind: ResultKind
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

    from spasmkg.engine.sparqlcheck import check_query
    from spasmkg.namespaces import ALL_PREFIXES

    check_timeout(timeout)
    check_query(query_text)
    if bindings:
        from spasmkg.engine.catalog import inject_values

        query_text = inject_values(query_text, {k: str(v) for k, v in bindings.items()})
    st = store if store is not None else open_store(data)
    started = time.perf_counter()

    def work() -> Result:
        try:
            res = st.query(query_text, prefixes=ALL_PREFIXES)
            if isinstance(res, pyoxigraph.QueryBoolean):
                return Result("ask", boolean=bool(res))
            if isinstance(res, pyoxigraph.QuerySolutions):
                cols = [v.value for v in res.variables]
                rows: list[dict[str, Any]] = []
                truncated = False
                for sol in res:
                    if limit is not None and len(rows) >= limit:
                        truncated = True
                        break
                    rows.append({c: py_value(sol[c]) for c in cols})
                return Result("select", columns=cols, rows=rows, truncated=truncated)
            triples: list[tuple[Any, Any, Any]] = []
            truncated = False
            for t in res:
                if limit is not None and len(triples) >= limit:
                    truncated = True
                    break
                triples.append((t.subject, t.predicate, t.object))
            return Result("graph", triples=triples, truncated=truncated)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {brief(str(exc))}") from None
        except Exception as exc:
            raise QueryError(f"query failed: {brief(str(exc))}") from None

    result = bounded(work, timeout=timeout)
    result.elapsed = time.perf_counter() - started
    return result
