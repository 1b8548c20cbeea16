"""The click group and the error contract of the command line (see :func:`spasmkg.cli.main`)."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import click

from spasmkg.cli.common import Ctx, data_option
from spasmkg.errors import SpasmkgError
from spasmkg.text import brief, one_line

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
    "site": "site_cmds",
    "serve": "serve_cmds",
    "publish": "serve_cmds",
    "release": "release_cmds",
}
_ALL_MODULES = (
    "query_cmds",
    "kb_cmds",
    "graph_cmds",
    "validate_cmds",
    "network_cmds",
    "site_cmds",
    "serve_cmds",
    "release_cmds",
)

#: Command modules that never import rdflib, pySHACL or owlready2 (their warnings need no routing).
_PYOXIGRAPH_ONLY = frozenset({"query_cmds", "kb_cmds"})

#: At most this many distinct warnings are printed per run.
MAX_WARNINGS = 10


def _install_warning_lines() -> None:
    """Print library warnings as single ``warning: ...`` lines on stderr, never a traceback.

    rdflib logs an ill-typed literal (``"abc"^^xsd:integer``) as a warning *with* the
    ValueError's traceback, which Python's last-resort handler prints in full. Here each
    distinct warning is one line (the exception's message appended), at most MAX_WARNINGS;
    ``warnings.warn`` messages are routed the same way. Only installed for commands that use
    those libraries: ``import logging`` is not free on the query path.
    """
    import logging

    class OneLineWarnings(logging.Handler):
        spasmkg_one_line = True

        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.seen: set[str] = set()

        def emit(self, record: logging.LogRecord) -> None:
            try:
                text = record.getMessage()
                if record.name == "py.warnings":  # "file:line: Category: message" + the source line
                    text = text.strip().splitlines()[0]
                exc = record.exc_info[1] if record.exc_info else None
                if exc is not None:
                    text += f" ({type(exc).__name__}: {exc})"
                if text.startswith("Failed to convert Literal lexical form to value"):
                    text = "ill-typed literal kept as text: " + text
                text = one_line(brief(text, 300))
                if text in self.seen:
                    return
                self.seen.add(text)
                if len(self.seen) <= MAX_WARNINGS:
                    sys.stderr.write(f"warning: {text}\n")
                elif len(self.seen) == MAX_WARNINGS + 1:
                    sys.stderr.write(f"warning: more than {MAX_WARNINGS} different warnings; the rest are not shown\n")
            except Exception:  # a warning must never become an error
                pass

    root = logging.getLogger()
    if not any(getattr(h, "spasmkg_one_line", False) for h in root.handlers):
        root.addHandler(OneLineWarnings())
        logging.captureWarnings(True)


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
        if _COMMAND_MODULES.get(cmd_name) not in _PYOXIGRAPH_ONLY:
            _install_warning_lines()
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a reader that closed the pipe (``spasmkg ... | head -1``) ends it quietly.

        click would turn the BrokenPipeError into ``sys.exit(1)``; here it becomes exit 0, and
        whatever is still buffered for stdout is dropped (flushing it would fail again).
        """
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _drop_stdout()
            raise click.exceptions.Exit(0) from None

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


def _drop_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail on a closed pipe."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and turn every error into one line; return the exit code."""
    code = 0
    try:
        rv = cli.main(args=argv, prog_name="spasmkg", standalone_mode=False)
        # without standalone mode click *returns* the code of a click.exceptions.Exit (e.g. validate's 1)
        if isinstance(rv, int) and not isinstance(rv, bool):
            code = rv
    except click.exceptions.Abort as exc:
        cause = exc.__cause__ or exc.__context__
        signal_name = str(cause) if type(cause).__name__ == "Terminated" else ""
        click.echo(f"error: terminated by {signal_name}" if signal_name else "error: aborted", err=True)
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
    except KeyboardInterrupt as exc:
        what = f"terminated by {exc}" if type(exc).__name__ == "Terminated" else "interrupted"
        click.echo(f"error: {what}", err=True)
        code = 2
    except BrokenPipeError:
        _drop_stdout()
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
