"""export, reason, explain."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from spasmkg.cli.common import data_of, data_option, emit, output_option, timeout_option
from spasmkg.io.rdf import EXPORT_FORMATS
from spasmkg.reason.hermit import DEFAULT_TIMEOUT


def _warn(lines: list[str]) -> None:
    """Warnings on stderr, one line each, control characters escaped."""
    from spasmkg.text import one_line

    for line in lines:
        click.echo(f"warning: {one_line(line)}", err=True)


@click.command("export")
@click.option(
    "--format",
    "-F",
    "fmt",
    type=click.Choice([*EXPORT_FORMATS, "json"]),
    default="turtle",
    show_default=True,
    help="RDF, or json: plain JSON, one object per concept (id, label, types, relations with quote and support).",
)
@click.option("--inferred", is_flag=True, help="Add what the reasoner derives (marked in a separate file section).")
@output_option
@data_option
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str, inferred: bool, output: Path | None, data: tuple[str, ...]) -> None:
    """Export the graph deterministically (same graph -> byte-identical file)."""
    from spasmkg import api, resources
    from spasmkg.io.literals import ill_typed_literals, quiet_literal_log
    from spasmkg.io.rdf import export
    from spasmkg.reason.explain import unsupported_warning
    from spasmkg.reason.rules import cached_materialise

    files = data_of(ctx, data)
    with quiet_literal_log():
        g = api.load(inferred=inferred, data=files)
    warnings = ill_typed_literals(g)
    if inferred:
        unsupported = unsupported_warning(cached_materialise(g, files))  # memoised: no recomputation
        warnings += [unsupported] if unsupported else []
    _warn(warnings)
    if fmt == "json":
        from spasmkg.release.plain_json import plain_json

        payload = plain_json(g)
    else:
        payload = export(g, fmt, resources.context_path())
    if output is None:
        sys.stdout.buffer.write(payload)
        return
    from spasmkg.io.atomic import atomic_write_bytes

    atomic_write_bytes(output, payload)
    from spasmkg.text import one_line

    click.echo(f"wrote {one_line(str(output))}", err=True)


@click.command("reason")
@output_option
@click.option("--format", "-F", "fmt", type=click.Choice(["turtle", "nt"]), default="turtle", show_default=True)
@click.option(
    "--check-hermit/--no-check-hermit",
    default=False,
    help="Also run HermiT (Java) and compare its inferred property values.",
)
@timeout_option(DEFAULT_TIMEOUT, "reasoning (HermiT included)")
@data_option
@click.pass_context
def reason_cmd(
    ctx: click.Context, output: Path | None, fmt: str, check_hermit: bool, timeout: float, data: tuple[str, ...]
) -> None:
    """Materialise what the ontology entails (inverses, property chains, types); write the inferred triples.

    Axioms the materialiser does not apply are listed in a warning (HermiT, in validate, covers them).
    """
    from spasmkg.reason import explain as reason

    report = reason.reason(data=data_of(ctx, data), check_hermit=check_hermit, timeout=timeout)
    _warn(report.warnings)
    emit(report.serialise(fmt), output=output, machine=True)
    click.echo(report.summary(), err=True)


@click.command("explain")
@click.argument("subject")
@click.argument("predicate")
@click.argument("obj", metavar="OBJECT")
@data_option
@click.pass_context
def explain_cmd(ctx: click.Context, subject: str, predicate: str, obj: str, data: tuple[str, ...]) -> None:
    """Explain an edge: the asserted edges (with quotes) and axioms it follows from."""
    from spasmkg.reason import explain as reason

    text = reason.explain_text(subject, predicate, obj, data=data_of(ctx, data))
    emit(text, medical=True)


COMMANDS = [export_cmd, reason_cmd, explain_cmd]
