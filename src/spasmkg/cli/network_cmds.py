"""network summary|paths|neighbours|export, draw.

Each command runs under ``--timeout`` (default :data:`NETWORK_TIMEOUT` seconds): building the graph,
the analysis or layout and writing the output stop there with exit 2 (``network summary`` on 6,000
concepts and 24,000 edges took 142 s; betweenness is O(nodes x edges)).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from spasmkg.cli.common import data_of, data_option, emit, format_option, output_path, timeout_option

#: Default time limit (seconds) of the network commands and draw; the shipped graph needs 1-5 s.
NETWORK_TIMEOUT = 60.0


@click.group("network")
def network_group() -> None:
    """Network analysis of the concepts and their edges (networkx): summary, paths, neighbours, export."""


@network_group.command("summary")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many of the most connected causes and treatments to list.",
)
@format_option(("text", "json"), "text")
@timeout_option(NETWORK_TIMEOUT, "the analysis")
@data_option
@click.pass_context
def summary_cmd(ctx: click.Context, top: int, fmt: str, timeout: float, data: tuple[str, ...]) -> None:
    """Concepts and edges per category, most connected causes and treatments (degree, betweenness),
    connected components and isolated concepts (a curation warning)."""
    from spasmkg.cli import network_text
    from spasmkg.io.guards import time_limit
    from spasmkg.network import analysis as network_analysis
    from spasmkg.network import graph as network_graph

    with time_limit(timeout, "network summary"):
        s = network_analysis.summary(network_graph.to_networkx(data_of(ctx, data)), top=top)
    if fmt == "json":
        emit(json.dumps(s, indent=2, ensure_ascii=False) + "\n", machine=True)
        return
    emit(network_text.summary_text(s))


@network_group.command("paths")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option(
    "--max-length", type=click.IntRange(min=1, max=12), default=4, show_default=True, help="Longest path, in hops."
)
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True, help="Most paths to show.")
@format_option(("text", "json"), "text")
@timeout_option(NETWORK_TIMEOUT, "the search")
@data_option
@click.pass_context
def paths_cmd(
    ctx: click.Context,
    source: str,
    target: str,
    max_length: int,
    limit: int,
    fmt: str,
    timeout: float,
    data: tuple[str, ...],
) -> None:
    """Explanation paths between two concepts, shortest first, each hop with its relation and quotes.

    Edges are followed in either direction but printed in their real direction
    (back muscle spasm --treated by--> rest). FROM and TO may be CURIEs, labels or synonyms.
    """
    from spasmkg.cli import network_text
    from spasmkg.io.guards import time_limit
    from spasmkg.network import analysis as network_analysis
    from spasmkg.network import graph as network_graph

    d = data_of(ctx, data)
    with time_limit(timeout, "network paths"):
        g = network_graph.to_networkx(d)
        a, b = network_graph.resolve_node(g, source, d), network_graph.resolve_node(g, target, d)
        paths = network_analysis.find_paths(g, a, b, max_length=max_length, limit=limit)
    if fmt == "json":
        out = {
            "from": network_graph.node_ref(g, a),
            "to": network_graph.node_ref(g, b),
            "max_length": max_length,
            "paths": paths,
        }
        emit(json.dumps(out, indent=2, ensure_ascii=False) + "\n", machine=True)
        return
    emit(network_text.paths_text(g, a, b, paths, max_length), medical=bool(paths))


@network_group.command("neighbours")
@click.argument("term")
@click.option(
    "--depth", type=click.IntRange(min=1, max=6), default=1, show_default=True, help="How many hops out from TERM."
)
@click.option("--evidence", is_flag=True, help="Print the quote(s) under each edge.")
@format_option(("text", "json"), "text")
@timeout_option(NETWORK_TIMEOUT, "the search")
@data_option
@click.pass_context
def neighbours_cmd(
    ctx: click.Context, term: str, depth: int, evidence: bool, fmt: str, timeout: float, data: tuple[str, ...]
) -> None:
    """The concepts within --depth hops of TERM, by distance, with the edges that reach them."""
    from spasmkg.cli import network_text
    from spasmkg.io.guards import time_limit
    from spasmkg.network import analysis as network_analysis
    from spasmkg.network import graph as network_graph

    d = data_of(ctx, data)
    with time_limit(timeout, "network neighbours"):
        g = network_graph.to_networkx(d)
        result = network_analysis.neighbours(g, network_graph.resolve_node(g, term, d), depth=depth)
    if fmt == "json":
        emit(json.dumps(result, indent=2, ensure_ascii=False) + "\n", machine=True)
        return
    emit(network_text.neighbours_text(result, evidence=evidence), medical=True)


@network_group.command("export")
@click.option(
    "--format",
    "-F",
    "fmt",
    type=click.Choice(["graphml", "kgx"]),
    default="graphml",
    show_default=True,
    help="GraphML (one file) or KGX TSV (PREFIX_nodes.tsv and PREFIX_edges.tsv).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    required=True,
    help="The GraphML file, or for kgx the path prefix (or an existing folder). A file is replaced "
    "atomically (the KGX pair together); a device or FIFO is written through.",
)
@click.option(
    "--inferred",
    is_flag=True,
    help="Add the edges the ontology entails (inverses, symmetry, transitivity, property chains); "
    "they have no quote of their own.",
)
@timeout_option(NETWORK_TIMEOUT, "the export")
@data_option
@click.pass_context
def export_cmd(
    ctx: click.Context, fmt: str, output: str, inferred: bool, timeout: float, data: tuple[str, ...]
) -> None:
    """Export the network deterministically (sorted), written atomically.

    KGX follows the Biolink/KGX TSV convention: nodes with id, category (a conservative Biolink
    category), name; edges with subject, predicate (the spasmkg CURIE), object, biolink_predicate
    where the meaning is the same, primary_knowledge_source and the supporting quotes.
    With --inferred the entailed edges are added, with no supporting quote (see ``spasmkg explain``).
    """
    from spasmkg.io.guards import time_limit
    from spasmkg.network import graph as network_graph
    from spasmkg.network import kgx as network_kgx
    from spasmkg.text import one_line

    d = data_of(ctx, data)
    network_kgx.export_paths(fmt, output)  # a bad -o fails before the graph is built
    with time_limit(timeout, "network export"):
        g = network_graph.to_networkx(d, inferred=inferred)
        written = network_kgx.export(g, fmt, output)
    if inferred:
        from spasmkg.reason.explain import unsupported_warning
        from spasmkg.reason.graph import load
        from spasmkg.reason.rules import cached_materialise

        unsupported = unsupported_warning(cached_materialise(load(data=d), d))  # memoised: no recomputation
        if unsupported:
            click.echo(f"warning: {one_line(unsupported)}", err=True)
    for path in written:
        click.echo(f"wrote {one_line(str(path))}", err=True)


@click.command("draw")
@click.argument("term", required=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, readable=False),
    callback=output_path,
    required=True,
    help="The picture: FILE.svg (text stays text) or FILE.png.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=1, max=4),
    default=1,
    show_default=True,
    help="Hops out from TERM (1: the readable star view; 2 or more: a spring layout).",
)
@click.option("--all", "whole", is_flag=True, help="Draw the whole graph instead of one concept.")
@timeout_option(NETWORK_TIMEOUT, "drawing")
@data_option
@click.pass_context
def draw_cmd(
    ctx: click.Context,
    term: str | None,
    output: Path,
    depth: int,
    whole: bool,
    timeout: float,
    data: tuple[str, ...],
) -> None:
    """Draw a concept and its neighbours (default: back muscle spasm), coloured by category.

    Nodes are labelled boxes coloured by category (legend on top); edges are labelled with their
    relation and an arrow for its direction.
    """
    from spasmkg.io.atomic import output_target
    from spasmkg.io.guards import time_limit
    from spasmkg.network import draw
    from spasmkg.text import one_line

    draw.check_output(output)
    output_target(output)  # a bad -o fails before the picture is drawn
    if whole and term:
        raise click.UsageError("give either TERM or --all, not both")
    with time_limit(timeout, "draw"):
        drawing = draw.draw(output, term, depth=depth, whole=whole, data=data_of(ctx, data))
    click.echo(f"wrote {one_line(str(output))} ({one_line(drawing.title)})", err=True)


COMMANDS = [network_group, draw_cmd]
