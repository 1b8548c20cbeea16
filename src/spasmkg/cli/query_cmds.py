"""queries, query, sparql."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from spasmkg.cli.common import data_of, data_option, emit, format_option, limits_option
from spasmkg.engine.formatting import RESULT_FORMATS

if TYPE_CHECKING:
    from spasmkg.engine.execute import Result


#: Largest query file ``sparql -f`` reads (bytes); the SERVICE/update check reads ~0.5 MiB/s.
MAX_QUERY_FILE_BYTES = 4 * 1024 * 1024


@click.command("queries")
@click.option("--all", "show_all", is_flag=True, help="Also list the QC (*-violation) queries.")
@format_option(("table", "json"), "table")
def queries_cmd(show_all: bool, fmt: str) -> None:
    """List the named queries: name, summary, parameters (read from each .rq header)."""
    from spasmkg.engine import catalog

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


def _run_and_print(
    run: Callable[[], Result], fmt: str, medical: bool, *, timeout: float, data: tuple[str, ...]
) -> None:
    """Load the graph, then resolve, query and render under one time and memory bound; print.

    ``--timeout`` and ``SPASMKG_MAX_QUERY_MB`` cover everything after the graph is loaded (loading
    is bounded by the input size limits): resolving labels, the query, and rendering the output,
    which for wide rows can need several times the memory of the rows themselves.
    """
    from spasmkg import api
    from spasmkg.engine.execute import bounded, check_timeout
    from spasmkg.engine.formatting import MACHINE_FORMATS, render

    check_timeout(timeout)
    api.store(data)

    def work() -> tuple[bool, str]:
        result = run()
        return result.medical, render(result, fmt)

    result_medical, text = bounded(work, timeout=timeout, what="query")
    emit(text, medical=medical or result_medical, machine=fmt in MACHINE_FORMATS)


def _read_query_file(file: Path, timeout: float) -> str:
    """The text of ``sparql -f FILE``: size-capped; a FIFO or device is read under ``--timeout``."""
    import os
    import stat

    from spasmkg.engine.execute import bounded
    from spasmkg.errors import InputError, QueryTimeout

    cap = MAX_QUERY_FILE_BYTES
    try:
        if str(file) == "-":
            text = sys.stdin.read(cap + 1)
            if len(text) > cap:
                raise InputError(f"the query on standard input is over the {cap // 2**20} MiB limit")
            return text
        st = os.stat(file)
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"{file}: is a folder, not a query file")
        if stat.S_ISREG(st.st_mode) and st.st_size > cap:
            raise InputError(f"{file}: query file is {st.st_size / 2**20:.1f} MiB, over the {cap // 2**20} MiB limit")

        def read() -> bytes:
            with open(file, "rb") as fh:
                return fh.read(cap + 1)

        if stat.S_ISREG(st.st_mode):
            raw = read()
        else:  # a FIFO, a pipe or a device: open() and read() may block for ever
            try:
                raw = bounded(read, timeout=timeout, what=f"reading {file}")
            except QueryTimeout:
                raise InputError(f"{file}: nothing to read after {timeout:g} s (not a regular file)") from None
        if len(raw) > cap:
            raise InputError(f"{file}: query is over the {cap // 2**20} MiB limit")
        return raw.decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"{file}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{file}: invalid UTF-8 at byte {exc.start}") from None
    except OSError as exc:
        raise InputError(f"{file}: {exc.strerror or exc}") from None


def endpoint_options(f: Callable[..., None]) -> Callable[..., None]:
    """``--endpoint URL`` and ``--graph IRI``: run on a remote SPARQL 1.1 endpoint instead."""
    f = click.option(
        "--graph",
        "graphs",
        multiple=True,
        metavar="IRI",
        help="With --endpoint: the named graph holding spasmkg (sent as default-graph-uri; repeatable).",
    )(f)
    f = click.option(
        "--endpoint",
        default=None,
        metavar="URL",
        help="Run on this SPARQL 1.1 endpoint instead of the local graph (opens the network to its host only).",
    )(f)
    return f


def _run_remote_and_print(
    endpoint: str,
    text: str,
    fmt: str,
    medical: bool,
    *,
    timeout: float,
    limit: int | None,
    graphs: tuple[str, ...],
    require_graph: bool,
) -> None:
    """Run on the endpoint under ``--timeout``; print as a local result is printed."""
    from spasmkg.engine.execute import bounded, check_timeout
    from spasmkg.engine.formatting import MACHINE_FORMATS, render
    from spasmkg.engine.remote import run_remote

    check_timeout(timeout)

    def work() -> str:
        result = run_remote(
            endpoint, text, timeout=timeout, limit=limit, default_graphs=graphs, require_graph=require_graph
        )
        return render(result, fmt)

    out = bounded(work, timeout=timeout + 1.0, what="query")
    emit(out, medical=medical, machine=fmt in MACHINE_FORMATS)


def _no_data_with_endpoint(endpoint: str | None, data: tuple[str, ...]) -> None:
    from spasmkg.errors import InputError

    if endpoint is not None and data:
        raise InputError("--data files are not sent to an endpoint; upload them with 'spasmkg publish --data FILE'")


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
@endpoint_options
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
    endpoint: str | None,
    graphs: tuple[str, ...],
    data: tuple[str, ...],
) -> None:
    """Run the named query NAME (see 'spasmkg queries'), locally or on a remote --endpoint."""
    from spasmkg import api
    from spasmkg.engine import catalog

    q = catalog.get(name)
    values = catalog.parse_params(q, list(params))
    all_data = data_of(ctx, data)
    _no_data_with_endpoint(endpoint, all_data)
    if endpoint is not None:
        from spasmkg.engine.named import bind_params, bound_text

        # parameters are resolved against the shipped graph and bound as terms, as locally
        text = catalog.standalone_text(bound_text(q.text, bind_params(q, values)))
        _run_remote_and_print(
            endpoint,
            text,
            fmt,
            q.medical,
            timeout=timeout,
            limit=None if (no_limit or q.critical) else limit,
            graphs=graphs,
            require_graph=True,
        )
        return
    _run_and_print(
        lambda: api.query(name, values, data=all_data, timeout=timeout, limit=None if no_limit else limit),
        fmt,
        q.medical,
        timeout=timeout,
        data=all_data,
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
@endpoint_options
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
    endpoint: str | None,
    graphs: tuple[str, ...],
    data: tuple[str, ...],
) -> None:
    """Run an ad-hoc read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE). Updates are refused."""
    from spasmkg import api
    from spasmkg.engine.execute import check_timeout
    from spasmkg.errors import InputError

    if (query_text is None) == (file is None):
        raise InputError("give a QUERY or -f FILE (one of them)")
    check_timeout(timeout)
    if file is not None:
        query_text = _read_query_file(file, timeout)
    assert query_text is not None
    text = query_text
    all_data = data_of(ctx, data)
    _no_data_with_endpoint(endpoint, all_data)
    if endpoint is not None:
        from spasmkg.engine.catalog import standalone_text

        # the project's prefixes stay predeclared: PREFIX lines are added for those used, not declared
        _run_remote_and_print(
            endpoint,
            standalone_text(text),
            fmt,
            True,
            timeout=timeout,
            limit=None if no_limit else limit,
            graphs=graphs,
            require_graph=False,
        )
        return
    _run_and_print(
        lambda: api.sparql(text, data=all_data, timeout=timeout, limit=None if no_limit else limit),
        fmt,
        medical=True,
        timeout=timeout,
        data=all_data,
    )


COMMANDS = [queries_cmd, query_cmd, sparql_cmd]
