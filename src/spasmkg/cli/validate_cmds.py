"""validate."""

from __future__ import annotations

import json

import click

from spasmkg.cli.common import Seconds, data_of, emit, format_option
from spasmkg.io.limits import MAX_INPUT_BYTES
from spasmkg.reason.hermit import DEFAULT_TIMEOUT, HERMIT_MEMORY_MB


@click.command("validate")
@click.option(
    "--data",
    "data",
    multiple=True,
    metavar="FILE",
    help="Validate this RDF file merged with the shipped graph, ontology and knowledge (repeatable).",
)
@click.option("--no-owl", is_flag=True, help="Skip the OWL consistency check (HermiT, needs Java).")
@click.option(
    "--owl-timeout",
    type=Seconds(),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help=f"Stop HermiT after this many seconds (exit 2); its Java heap is {HERMIT_MEMORY_MB} MB "
    "unless SPASMKG_HERMIT_MB says otherwise.",
)
@click.option("--no-cache", is_flag=True, help="Do not reuse a cached report for unchanged inputs.")
@click.option(
    "--max-mb",
    type=click.IntRange(1, MAX_INPUT_BYTES // 2**20),
    default=None,
    help="Refuse --data files bigger than this many MiB in total [default: 64 with the OWL check, "
    "where HermiT's Java heap is the bound; 200 with --no-owl].",
)
@click.option(
    "--engine",
    type=click.Choice(["compiled", "pyshacl"]),
    default="compiled",
    show_default=True,
    help="SHACL engine: the shapes compiled to SPARQL, or pySHACL (the reference; minutes per MiB).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress lines on stderr (shown when a run takes over ~2 s).")
@format_option(("text", "json"), "text")
@click.pass_context
def validate_cmd(
    ctx: click.Context,
    data: tuple[str, ...],
    no_owl: bool,
    owl_timeout: float,
    no_cache: bool,
    max_mb: int | None,
    engine: str,
    quiet: bool,
    fmt: str,
) -> None:
    """Check SHACL shapes, OWL consistency, literals, evidence quotes and QC queries. Exit 1 on violations.

    Exit 2 (one error line, nothing cached) if the OWL check cannot run: no Java, HermiT out of
    memory or over --owl-timeout; or if the compiled SHACL engine meets a feature it does not support.
    A run longer than ~2 s prints one progress line per check on stderr (not with --quiet).
    """
    from spasmkg.check import validate

    with validate.Progress(enabled=not quiet) as progress:
        report = validate.validate(
            data=data_of(ctx, data),
            owl=not no_owl,
            use_cache=not no_cache,
            max_bytes=max_mb * 2**20 if max_mb else None,
            owl_timeout=owl_timeout,
            engine=engine,
            progress=progress,
        )
    if fmt == "json":
        emit(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", machine=True)
    else:
        emit(report.summary())
    if not report.ok:
        raise click.exceptions.Exit(1)


@click.command("coverage")
@format_option(("text", "json"), "text")
def coverage_cmd(fmt: str) -> None:
    """Account for every corpus sentence: cited by a claim or triaged with a reason. Exit 1 if any is not.

    JSON keys: sentences, cited, triaged, untriaged (a count), untriaged_sentences (with offsets),
    stale_triage_rows, invalid_triage_rows.
    """
    from spasmkg.check.coverage import coverage

    result = coverage()
    if fmt == "json":
        emit(json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n", machine=True)
    else:
        lines = [
            f"{result.sentences} sentences: {result.cited} cited by a claim, {result.triaged} triaged, "
            f"{len(result.untriaged)} not accounted for"
        ]
        lines += [f"  untriaged [{s.start}:{s.end}] {s.text}" for s in result.untriaged]
        lines += [f"  stale triage row (the sentence is cited or not in the corpus): {s}" for s in result.stale]
        lines += [f"  invalid triage row: {s}" for s in result.invalid]
        emit("\n".join(lines) + "\n")
    if not result.ok:
        raise click.exceptions.Exit(1)


COMMANDS = [validate_cmd, coverage_cmd]
