"""The click group and the error contract of the command line (see :func:`spasmkg.cli.main`)."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import click

from spasmkg.cli.common import Ctx, data_option
from spasmkg.safety import SpasmkgError, brief, one_line

#: Where each command lives. Only the module of the command being run is imported (``spasmkg
#: query`` need not build the other commands); a name missing here still works, it only makes
#: every command module load (see ``_LazyGroup``).
_COMMAND_MODULES = {
    "queries": "query_cmds",
    "query": "query_cmds",
    "sparql": "query_cmds",
    "show": "kb_cmds",
    "search": "kb_cmds",
    "stats": "kb_cmds",
    "export": "graph_cmds",
    "reason": "graph_cmds",
    "explain": "graph_cmds",
    "validate": "validate_cmds",
    "coverage": "validate_cmds",
    "network": "network_cmds",
    "draw": "network_cmds",
}
_ALL_MODULES = ("query_cmds", "kb_cmds", "graph_cmds", "validate_cmds", "network_cmds")


class _LazyGroup(click.Group):
    """A group that imports a command's module when the command is looked up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loaded: set[str] = set()

    def _load(self, module: str) -> None:
        if module in self._loaded:
            return
        import importlib

        self._loaded.add(module)
        for command in importlib.import_module(f"spasmkg.cli.{module}").COMMANDS:
            self.add_command(command)

    def _load_all(self) -> None:
        for module in _ALL_MODULES:
            self._load(module)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            if cmd_name in _COMMAND_MODULES:
                self._load(_COMMAND_MODULES[cmd_name])
            if cmd_name not in self.commands:
                self._load_all()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_all()
        return super().list_commands(ctx)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@data_option
@click.version_option(package_name="spasmkg")
@click.pass_context
def cli(ctx: click.Context, data: tuple[str, ...]) -> None:
    """spasmkg: a provenance-first knowledge graph of back muscle spasms.

    Every edge carries a verbatim quote from the source corpus. Not medical advice.
    """
    ctx.obj = Ctx(data=data)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and turn every error into one line; return the exit code."""
    code = 0
    try:
        rv = cli.main(args=argv, prog_name="spasmkg", standalone_mode=False)
        # without standalone mode click *returns* the code of a click.exceptions.Exit (e.g. validate's 1)
        if isinstance(rv, int) and not isinstance(rv, bool):
            code = rv
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        code = 2
    except click.exceptions.NoArgsIsHelpError as exc:  # pragma: no cover - click >= 8.2
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
        code = 2
    except click.ClickException as exc:
        click.echo(f"error: {one_line(exc.format_message())}", err=True)
        code = 2 if exc.exit_code not in (0, 1) else exc.exit_code
    except SpasmkgError as exc:
        click.echo(f"error: {exc}", err=True)
        code = exc.exit_code
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        code = 2
    except BrokenPipeError:
        code = 0
    except RecursionError:
        click.echo("error: input nested too deeply", err=True)
        code = 2
    except MemoryError:
        click.echo("error: out of memory (input too large)", err=True)
        code = 2
    except Exception as exc:
        if os.environ.get("SPASMKG_DEBUG"):
            raise
        msg = brief(str(exc))
        click.echo(f"error: {type(exc).__name__}: {msg} (set SPASMKG_DEBUG=1 for details)", err=True)
        code = 2
    finally:
        with contextlib.suppress(BrokenPipeError, ValueError):
            sys.stdout.flush()
    return code
