"""release: the versioned bundle of release files."""

from __future__ import annotations

import click

from spasmkg.cli.common import data_of, data_option, output_dir_option


@click.command("release")
@output_dir_option("Folder to write (created; an empty folder or an earlier release there is replaced atomically).")
@click.option(
    "--inferred/--no-inferred",
    default=True,
    show_default=True,
    help="Include the graph with its entailments (spasmkg-inferred.*, kgx/inferred_edges.tsv).",
)
@data_option
@click.pass_context
def release_cmd(ctx: click.Context, output: str, inferred: bool, data: tuple[str, ...]) -> None:
    """Write the release bundle: OWL (RDF/XML), Turtle, JSON-LD, N-Triples (also with entailments),
    SSSOM mappings, KGX with Biolink, VoID/DCAT, SHA256SUMS. The same graph gives the same bytes."""
    from spasmkg.release import bundle
    from spasmkg.text import one_line

    bundle.check_target(output)  # refuse a bad target before the work
    files = bundle.build(
        data_of(ctx, data), inferred=inferred, warn=lambda line: click.echo(f"warning: {one_line(line)}", err=True)
    )
    path = bundle.write(files, output)
    size = sum(len(b) for b in files.values())
    summary = f"{len(files)} files, {size:,} bytes (check: sha256sum -c SHA256SUMS)"
    click.echo(f"wrote {one_line(str(path))}: {summary}", err=True)


COMMANDS = [release_cmd]
