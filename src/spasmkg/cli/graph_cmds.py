"""export, reason, explain."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from spasmkg.cli.common import data_of, data_option, emit, output_option


@click.command("export")
@click.option(
    "--format", "-F", "fmt", type=click.Choice(["turtle", "json-ld", "nt", "xml"]), default="turtle", show_default=True
)
@click.option("--inferred", is_flag=True, help="Add what the reasoner derives (marked in a separate file section).")
@output_option
@data_option
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str, inferred: bool, output: Path | None, data: tuple[str, ...]) -> None:
    """Export the graph deterministically (same graph -> byte-identical file)."""
    from spasmkg import api, resources
    from spasmkg.rdfio import export

    g = api.load(inferred=inferred, data=data_of(ctx, data))
    payload = export(g, fmt, resources.context_path())
    if output is None:
        sys.stdout.buffer.write(payload)
        return
    from spasmkg.safety import atomic_write_bytes

    atomic_write_bytes(output, payload)
    click.echo(f"wrote {output}", err=True)


@click.command("reason")
@output_option
@click.option("--format", "-F", "fmt", type=click.Choice(["turtle", "nt"]), default="turtle", show_default=True)
@click.option(
    "--check-hermit/--no-check-hermit",
    default=False,
    help="Also run HermiT (Java) and compare its inferred property values.",
)
@data_option
@click.pass_context
def reason_cmd(ctx: click.Context, output: Path | None, fmt: str, check_hermit: bool, data: tuple[str, ...]) -> None:
    """Materialise what the ontology entails (inverses, property chains, types); write the inferred triples."""
    from spasmkg import reason

    report = reason.reason(data=data_of(ctx, data), check_hermit=check_hermit)
    text = report.serialise(fmt)
    click.echo(report.summary(), err=True)
    emit(text, output=output)


@click.command("explain")
@click.argument("subject")
@click.argument("predicate")
@click.argument("obj", metavar="OBJECT")
@data_option
@click.pass_context
def explain_cmd(ctx: click.Context, subject: str, predicate: str, obj: str, data: tuple[str, ...]) -> None:
    """Explain an edge: the asserted edges (with quotes) and axioms it follows from."""
    from spasmkg import reason

    text = reason.explain_text(subject, predicate, obj, data=data_of(ctx, data))
    emit(text, medical=True)


COMMANDS = [export_cmd, reason_cmd, explain_cmd]
