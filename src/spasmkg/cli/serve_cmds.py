"""serve, publish."""

from __future__ import annotations

import click

from spasmkg.cli.common import data_of, data_option


def _need_serve_extra() -> None:
    """One line, not a traceback, when the web stack of ``spasmkg[serve]`` is not installed."""
    import importlib.util

    from spasmkg.errors import InputError

    missing = [m for m in ("starlette", "uvicorn") if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(f"spasmkg serve needs {', '.join(missing)}: pip install 'spasmkg[serve]'")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True, help="Port (0: any free port).")
@click.option("--inferred", is_flag=True, help="Also serve what the reasoner derives.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1.0, max=3600.0),
    default=10.0,
    show_default=True,
    help="Seconds each query may take (503 after it).",
)
@click.option(
    "--max-result-mb",
    type=click.IntRange(1, 4096),
    default=64,
    show_default=True,
    help="Largest result served (507 above it; add a LIMIT).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Query worker processes, each holding the graph in memory [default: one per core, 2 to 8].",
)
@data_option
@click.pass_context
def serve_cmd(
    ctx: click.Context,
    host: str,
    port: int,
    inferred: bool,
    timeout: float,
    max_result_mb: int,
    workers: int | None,
    data: tuple[str, ...],
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/query, with a query page at /.

    SERVICE, LOAD, updates and Graph Store writes are refused (4xx) before anything runs.
    Stop with Ctrl-C or SIGTERM. Not medical advice.
    """
    _need_serve_extra()
    from spasmkg.serve.server import serve

    serve(
        host=host,
        port=port,
        data=data_of(ctx, data),
        inferred=inferred,
        timeout=timeout,
        max_result_mb=max_result_mb,
        workers=workers,
    )


@click.command("publish")
@click.option("--store", "store_url", required=True, metavar="URL", help="Graph Store endpoint (SPARQL 1.1 GSP).")
@click.option("--graph", "graph_iri", required=True, metavar="IRI", help="Named graph to replace (PUT).")
@click.option("--inferred", is_flag=True, help="Also upload what the reasoner derives.")
@click.option("--user", default=None, help="User name for HTTP Basic or Digest authentication.")
@click.option(
    "--password-env", default=None, metavar="VAR", help="Environment variable holding the password (never logged)."
)
@click.option("--netrc", "use_netrc", is_flag=True, help="Take user and password for the store's host from ~/.netrc.")
@click.option(
    "--count-endpoint",
    default=None,
    metavar="URL",
    help="SPARQL query endpoint used to count the triples read back (default: read the graph back by GSP GET).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1.0, max=3600.0),
    default=120.0,
    show_default=True,
    help="Seconds each HTTP request may take.",
)
@data_option
@click.pass_context
def publish_cmd(
    ctx: click.Context,
    store_url: str,
    graph_iri: str,
    inferred: bool,
    user: str | None,
    password_env: str | None,
    use_netrc: bool,
    count_endpoint: str | None,
    timeout: float,
    data: tuple[str, ...],
) -> None:
    """Upload the graph to a SPARQL 1.1 store (Graph Store Protocol PUT replaces GRAPH), read it back
    and compare the triple counts (exit 1 if they differ). Opens the network to --store's host only."""
    from spasmkg.serve.publish import credentials, publish

    auth = credentials(store_url, user=user, password_env=password_env, use_netrc=use_netrc)
    report = publish(
        store_url,
        graph_iri,
        data=data_of(ctx, data),
        inferred=inferred,
        auth=auth,
        timeout=timeout,
        count_endpoint=count_endpoint,
    )
    click.echo(report.line())
    if not report.same:
        ctx.exit(1)


COMMANDS = [serve_cmd, publish_cmd]
