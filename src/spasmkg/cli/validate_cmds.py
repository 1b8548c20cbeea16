"""validate."""

from __future__ import annotations

import json

import click

from spasmkg.cli.common import data_of, emit, format_option
from spasmkg.safety import MAX_INPUT_BYTES, MAX_VALIDATE_BYTES


@click.command("validate")
@click.option(
    "--data",
    "data",
    multiple=True,
    metavar="FILE",
    help="Validate this RDF file merged with the shipped ontology (repeatable).",
)
@click.option("--no-owl", is_flag=True, help="Skip the OWL consistency check (HermiT, needs Java).")
@click.option("--no-cache", is_flag=True, help="Do not reuse a cached report for unchanged inputs.")
@click.option(
    "--max-mb",
    type=click.IntRange(1, MAX_INPUT_BYTES // 2**20),
    default=MAX_VALIDATE_BYTES // 2**20,
    show_default=True,
    help="Refuse --data files bigger than this many MiB (SHACL takes minutes per MiB).",
)
@format_option(("text", "json"), "text")
@click.pass_context
def validate_cmd(
    ctx: click.Context, data: tuple[str, ...], no_owl: bool, no_cache: bool, max_mb: int, fmt: str
) -> None:
    """Check SHACL shapes, OWL consistency, evidence offsets and QC queries. Exit 1 on violations."""
    from spasmkg import validate

    report = validate.validate(
        data=data_of(ctx, data), owl=not no_owl, use_cache=not no_cache, max_bytes=max_mb * 2**20
    )
    if fmt == "json":
        emit(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", machine=True)
    else:
        emit(report.summary())
    if not report.ok:
        raise click.exceptions.Exit(1)


COMMANDS = [validate_cmd]
