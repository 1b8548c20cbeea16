"""queries, query, sparql."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from spasmkg.cli.common import data_of, data_option, emit, format_option, limits_option

RESULT_FORMATS = ("table", "csv", "tsv", "json", "markdown")


@click.command("queries")
@click.option("--all", "show_all", is_flag=True, help="Also list the QC (*-violation) queries.")
@format_option(("table", "json"), "table")
def queries_cmd(show_all: bool, fmt: str) -> None:
    """List the named queries: name, summary, parameters (read from each .rq header)."""
    from spasmkg import catalog

    items = list(catalog.named_queries().values())
    if show_all:
        items += list(catalog.qc_queries().values())
    if fmt == "json":
        out = [
            {
                "name": q.name,
                "summary": q.summary,
                "role": q.role,
                "params": [
                    {"name": p.name, "type": p.type, "required": p.required, "example": p.example, "description": p.doc}
                    for p in q.params
                ],
            }
            for q in items
        ]
        click.echo(json.dumps(out, indent=2))
        return
    width = max(len(q.name) for q in items)
    for q in items:
        click.echo(f"{q.name.ljust(width)}  {q.summary}")
        for p in q.params:
            click.echo(f"{'':{width}}    --param {p.name}=...  {p.describe()}{' -- ' + p.doc if p.doc else ''}")


def _run_and_print(ctx: click.Context, run, fmt: str, medical: bool, output: Path | None = None) -> None:  # type: ignore[no-untyped-def]
    from spasmkg.formatting import MACHINE_FORMATS, render

    result = run()
    emit(render(result, fmt), medical=medical or result.medical, machine=fmt in MACHINE_FORMATS, output=output)


@click.command("query")
@click.argument("name")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A query parameter; a label or synonym is accepted where a concept is expected.",
)
@format_option(RESULT_FORMATS, "table")
@limits_option
@data_option
@click.pass_context
def query_cmd(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    fmt: str,
    timeout: float,
    limit: int,
    no_limit: bool,
    data: tuple[str, ...],
) -> None:
    """Run the named query NAME (see 'spasmkg queries')."""
    from spasmkg import api, catalog

    q = catalog.get(name)
    values = catalog.parse_params(q, list(params))
    _run_and_print(
        ctx,
        lambda: api.query(name, values, data=data_of(ctx, data), timeout=timeout, limit=None if no_limit else limit),
        fmt,
        q.medical,
    )


@click.command("sparql")
@click.argument("query_text", required=False, metavar="QUERY")
@click.option(
    "-f",
    "--file",
    "file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the query from FILE ('-' for stdin).",
)
@format_option(RESULT_FORMATS, "table")
@limits_option
@data_option
@click.pass_context
def sparql_cmd(
    ctx: click.Context,
    query_text: str | None,
    file: Path | None,
    fmt: str,
    timeout: float,
    limit: int,
    no_limit: bool,
    data: tuple[str, ...],
) -> None:
    """Run an ad-hoc read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE). Updates are refused."""
    from spasmkg import api
    from spasmkg.safety import InputError

    if (query_text is None) == (file is None):
        raise InputError("give a QUERY or -f FILE (one of them)")
    if file is not None:
        try:
            query_text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"{file}: no such file") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{file}: invalid UTF-8 at byte {exc.start}") from None
        except OSError as exc:
            raise InputError(f"{file}: {exc.strerror}") from None
    assert query_text is not None
    text = query_text
    _run_and_print(
        ctx,
        lambda: api.sparql(text, data=data_of(ctx, data), timeout=timeout, limit=None if no_limit else limit),
        fmt,
        medical=True,
    )


COMMANDS = [queries_cmd, query_cmd, sparql_cmd]
