"""Options and helpers shared by the commands (defined once)."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from spasmkg.text import NOTICE

F = TypeVar("F", bound=Callable[..., Any])


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


class Seconds(click.ParamType):
    """A time limit in seconds: a finite number above zero (``nan``/``inf`` would switch the limit off)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or seconds < 0.01 or seconds > 86_400:
            self.fail(f"{value!r} is not a time limit between 0.01 and 86400 seconds", param, ctx)
        return seconds


def timeout_option(default: float, what: str) -> Callable[[F], F]:
    """``--timeout SECONDS``: stop the command after this long (exit 2)."""

    def deco(f: F) -> F:
        return click.option(
            "--timeout",
            type=Seconds(),
            default=default,
            show_default=True,
            help=f"Stop {what} after this many seconds (exit 2).",
        )(f)

    return deco


def output_path(ctx: click.Context | None, param: click.Parameter | None, value: str | None) -> Path | None:
    """Callback for ``-o``: a name ending in '/' names a folder (click's Path type would drop the '/')."""
    if value is None:
        return None
    if value.endswith("/"):
        raise click.BadParameter(f"{value!r} ends with '/': give a file name, not a folder", ctx, param)
    return Path(value)


def output_option(f: F) -> F:
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, readable=False),
        callback=output_path,
        default=None,
        help="Write to FILE instead of standard output (a file is replaced atomically; a device, FIFO or "
        "/dev/stdout is written through).",
    )(f)


def output_dir_option(help: str) -> Callable[[F], F]:
    """``-o/--output DIR`` (required) for commands that write a folder (``release``, ``site``)."""

    def deco(f: F) -> F:
        return click.option("-o", "--output", "output", required=True, metavar="DIR", help=help)(f)

    return deco


def data_of(ctx: click.Context, local: tuple[str, ...] = ()) -> tuple[str, ...]:
    obj = ctx.find_object(Ctx)
    return (*(obj.data if obj else ()), *local)


def emit(text: str, *, medical: bool = False, machine: bool = False, output: Path | None = None) -> None:
    """Print ``text`` (or write it to ``output``, exactly); medical content for people ends with the notice.

    Text for people (``machine`` false) goes through :func:`spasmkg.engine.formatting.terminal_safe`: control,
    escape and bidi characters from the data are shown escaped, never obeyed by the terminal. Machine
    formats (JSON, CSV, TSV, RDF: pass ``machine=True``) are printed exactly.
    """
    from spasmkg.text import one_line

    if output is not None:
        from spasmkg.io.atomic import atomic_write_text

        atomic_write_text(output, text)
        click.echo(f"wrote {one_line(str(output))}", err=True)
        return
    if not machine:
        from spasmkg.engine.formatting import terminal_safe

        text = terminal_safe(text)
    sys.stdout.write(text)
    if medical and not machine:
        sys.stdout.write(NOTICE + "\n")
