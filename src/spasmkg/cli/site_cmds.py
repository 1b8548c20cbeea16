"""site: a static website of the graph (see :mod:`spasmkg.site`)."""

from __future__ import annotations

import click

from spasmkg.cli.common import data_of, data_option, output_dir_option, timeout_option

#: Default time limit (seconds); the shipped graph needs 15-40 s (most of it drawing 225 pictures).
SITE_TIMEOUT = 600.0


@click.command("site")
@output_dir_option("The folder to write (a new or empty folder, or a site written before, which is replaced).")
@timeout_option(SITE_TIMEOUT, "building the site")
@data_option
@click.pass_context
def site_cmd(ctx: click.Context, output: str, timeout: float, data: tuple[str, ...]) -> None:
    """Write a static website of the graph to DIR, to browse offline or host anywhere.

    An index by category with a search box, one page per concept (every relation with its quote,
    support, hedges and curator's note; a red banner with the care level on red flags; a picture of
    its neighbours), one page per named query with its current result, and the ontology reference.
    Links are relative and nothing is loaded from the network. The folder is replaced atomically.
    """
    from spasmkg.io.guards import time_limit
    from spasmkg.site import build_site
    from spasmkg.site.output import check_target
    from spasmkg.text import one_line

    check_target(output)  # a bad -o fails before the work
    with time_limit(timeout, "site"):
        summary = build_site(output, data=data_of(ctx, data))
    click.echo(
        f"wrote {one_line(str(summary.path))}: {summary.concepts} concept pages ({summary.red_flags} red flags), "
        f"{summary.queries} query pages, {summary.files} files; open index.html",
        err=True,
    )


COMMANDS = [site_cmd]
