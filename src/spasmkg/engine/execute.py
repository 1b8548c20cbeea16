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
from spasmkg.namespaces import curie
from spasmkg.text import NOTICE, brief, terminal_safe

if TYPE_CHECKING:
    import pyoxigraph

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_TIMEOUT",
    "HTML_MAX_ROWS",
    "NOTICE",
    "Result",
    "ResultKind",
    "bounded",
    "check_timeout",
    "display_value",
    "memory_limit",
    "py_value",
    "run",
]

DEFAULT_TIMEOUT = 10.0
DEFAULT_LIMIT = 10_000

#: Most rows :meth:`Result.to_html` shows of a result that is not medical (medical results are shown whole).
HTML_MAX_ROWS = 500

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


def display_value(value: Any) -> Any:
    """``value`` with an IRI shortened to the CURIE the CLI prints (other values unchanged).

    >>> display_value("https://w3id.org/spasmkg/resource/driving"), display_value(3), display_value(None)
    ('skr:driving', 3, None)
    """
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return curie(value)
    return value


@dataclass(repr=False)
class Result:
    """The answer of a query: ``rows`` hold plain Python values (IRIs as ``str``).

    In Jupyter it renders as an HTML table (IRIs as CURIEs, values escaped) that ends with the
    not-medical-advice line when ``medical`` is set, as the CLI does.
    """

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

    def __repr__(self) -> str:
        """A one-line summary: ``Result(select, 18 rows, columns=[redFlag, redFlagLabel, ...], medical)``."""
        if self.kind == "ask":
            parts = [str(self.boolean)]
        elif self.kind == "graph":
            parts = [f"{len(self.triples)} triple{'' if len(self.triples) == 1 else 's'}"]
        else:
            shown = [brief(terminal_safe(c, multiline=False), 40) for c in self.columns[:6]]
            more = ", ..." if len(self.columns) > 6 else ""
            parts = [f"{len(self.rows)} row{'' if len(self.rows) == 1 else 's'}", f"columns=[{', '.join(shown)}{more}]"]
        parts += [flag for flag, on in (("truncated", self.truncated), ("medical", self.medical)) if on]
        return f"Result({self.kind}, {', '.join(parts)})"

    def to_dataframe(self, *, curies: bool = False) -> Any:
        """Return the rows as a ``pandas.DataFrame`` (needs the ``pandas`` extra).

        ``curies=True`` shortens IRIs to the CURIEs the CLI prints (``skr:heavy_lifting``), the same
        node keys as ``to_networkx(curies=True)``; other values are unchanged.
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise InputError("to_dataframe() needs pandas: pip install 'spasmkg[pandas]'") from exc
        rows = self.rows
        if curies:
            rows = [{c: display_value(v) for c, v in row.items()} for row in rows]
        return pd.DataFrame(rows, columns=self.columns)

    def to_html(self, *, curies: bool = True, max_rows: int | None = HTML_MAX_ROWS) -> str:
        """The result as an HTML table, every value escaped (what Jupyter shows).

        IRIs are shown as CURIEs (``curies=False``: in full), with the full IRI as the cell's tooltip.
        Control, bidi and invisible characters are shown as their escapes, as in the CLI. A medical
        result is shown whole and ends with :data:`NOTICE`; other results show at most ``max_rows`` rows.
        """
        from html import escape

        def text(value: Any) -> str:
            return escape(terminal_safe("" if value is None else str(value), multiline=False), quote=True)

        def td(value: Any) -> str:
            if isinstance(value, str) and value.startswith(("http://", "https://")):
                return f'<td title="{text(value)}">{text(display_value(value) if curies else value)}</td>'
            return f"<td>{text(value)}</td>"

        out = ['<div class="spasmkg-result">']
        if self.kind == "ask":
            out.append(f"<p><strong>{'yes' if self.boolean else 'no'}</strong></p>")
        else:
            columns, rows = self.columns, self.rows
            noun = "row"
            if self.kind == "graph":
                columns, noun = ["subject", "predicate", "object"], "triple"
                rows = [dict(zip(columns, map(py_value, t), strict=True)) for t in self.triples]
            limit = None if self.medical else max_rows
            shown_rows = rows if limit is None else rows[:limit]
            out.append('<table class="dataframe">')
            out.append("<thead><tr>" + "".join(f"<th>{text(c)}</th>" for c in columns) + "</tr></thead>")
            out.append("<tbody>")
            out += ["<tr>" + "".join(td(row.get(c)) for c in columns) + "</tr>" for row in shown_rows]
            out.append("</tbody></table>")
            count = f"{len(rows)} {noun}{'' if len(rows) == 1 else 's'}"
            if len(shown_rows) < len(rows):
                count += f", the first {len(shown_rows)} shown (all in .rows or .to_dataframe())"
            if self.truncated:
                count += ", truncated at the row limit: raise limit="
            out.append(f"<p>({count})</p>")
        if self.medical:
            out.append(f'<p class="spasmkg-notice"><strong>{escape(NOTICE)}</strong></p>')
        out.append("</div>")
        return "\n".join(out) + "\n"

    def _repr_html_(self) -> str:
        """Jupyter's rich display: :meth:`to_html` with its defaults."""
        return self.to_html()


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
