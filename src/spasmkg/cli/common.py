"""Options and helpers shared by the commands (defined once)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

NOTICE = "Not medical advice: spasmkg summarises a web-text corpus; ask a clinician about your own care."


@dataclass(frozen=True)
class Ctx:
    """What the group passes to every command."""

    data: tuple[str, ...] = ()


def data_option(f: F) -> F:
    return click.option(
        "--data",
        "data",
        multiple=True,
        metavar="FILE",
        help="Add your own RDF file to the graph (repeatable; .ttl .nt .nq .trig .rdf .owl .jsonld).",
    )(f)


def format_option(choices: tuple[str, ...], default: str) -> Callable[[F], F]:
    def deco(f: F) -> F:
        return click.option(
            "--format",
            "-F",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help="Output format.",
        )(f)

    return deco


def limits_option(f: F) -> F:
    f = click.option(
        "--timeout",
        type=click.FloatRange(min=0.01),
        default=10.0,
        show_default=True,
        help="Stop the query after this many seconds (exit 2).",
    )(f)
    f = click.option(
        "--limit",
        type=click.IntRange(min=1),
        default=10_000,
        show_default=True,
        help="Most rows to return (red-flag queries are never cut).",
    )(f)
    f = click.option("--no-limit", is_flag=True, help="Lift the row limit.")(f)
    return f


def output_option(f: F) -> F:
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write to FILE (atomically) instead of standard output.",
    )(f)


def data_of(ctx: click.Context, local: tuple[str, ...] = ()) -> tuple[str, ...]:
    obj = ctx.find_object(Ctx)
    return (*(obj.data if obj else ()), *local)


def emit(text: str, *, medical: bool = False, machine: bool = False, output: Path | None = None) -> None:
    """Print or atomically write ``text``; medical content for people ends with the notice."""
    if output is not None:
        from spasmkg.safety import atomic_write_text

        atomic_write_text(output, text)
        click.echo(f"wrote {output}", err=True)
        return
    sys.stdout.write(text)
    if medical and not machine:
        sys.stdout.write(NOTICE + "\n")
