"""Render query results as table, csv, tsv, json or markdown (strings; nothing printed here).

Human formats (table, markdown) show every value through :func:`terminal_safe`, so a label from a
``--data`` file cannot move the cursor, retitle the window or reorder the rows a reader sees;
machine formats (csv, tsv, json) keep values exact.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any, Literal, get_args

from spasmkg.namespaces import curie
from spasmkg.text import terminal_safe

if TYPE_CHECKING:
    from spasmkg.engine.execute import Result

__all__ = ["MACHINE_FORMATS", "RESULT_FORMATS", "ResultFormat", "cell", "render", "terminal_safe"]

#: The formats a query result renders to (one list: the CLI's ``-F`` choices come from here).
ResultFormat = Literal["table", "csv", "tsv", "json", "markdown"]
RESULT_FORMATS: tuple[ResultFormat, ...] = get_args(ResultFormat)
#: Formats for programs: values kept exact (no terminal escaping, no CURIE shortening in json).
MACHINE_FORMATS: tuple[ResultFormat, ...] = ("csv", "tsv", "json")


def cell(value: Any) -> str:
    """Display form of a value: IRIs as CURIEs, None as empty.

    >>> cell("https://w3id.org/spasmkg/resource/driving")
    'skr:driving'
    >>> cell(None)
    ''
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return curie(value)
    return str(value)


def render(result: Result, fmt: str) -> str:
    """Render a result; never truncates cells (red flags must be shown whole)."""
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"boolean": result.boolean}) + "\n"
        return ("yes" if result.boolean else "no") + "\n"
    if result.kind == "graph":
        from spasmkg.engine.execute import Result, py_value

        rows = [{"subject": py_value(s), "predicate": py_value(p), "object": py_value(o)} for s, p, o in result.triples]
        result = Result("select", columns=["subject", "predicate", "object"], rows=rows, truncated=result.truncated)
    cols = result.columns
    if fmt == "json":
        return (
            json.dumps(
                {"columns": cols, "rows": result.rows, "truncated": result.truncated},
                ensure_ascii=False,
                indent=2,
                default=str,
            )
            + "\n"
        )
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(cols)
        for row in result.rows:
            w.writerow(["" if row.get(c) is None else row.get(c) for c in cols])
        return buf.getvalue()
    cols = [terminal_safe(c, multiline=False) for c in cols]
    if fmt == "markdown":
        esc = [
            [terminal_safe(cell(row.get(c)).replace("|", "\\|").replace("\n", " ")) for c in result.columns]
            for row in result.rows
        ]
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(r) + " |" for r in esc]
        return "\n".join(lines) + "\n"
    table = [[terminal_safe(cell(row.get(c)), multiline=False) for c in result.columns] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in table]) for i, c in enumerate(cols)]
    sep = "  "
    lines = [sep.join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()]
    lines.append(sep.join("-" * w for w in widths))
    lines += [sep.join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in table]
    lines.append(
        f"({len(table)} row{'s' if len(table) != 1 else ''}{', truncated: raise --limit' if result.truncated else ''})"
    )
    return "\n".join(lines) + "\n"
