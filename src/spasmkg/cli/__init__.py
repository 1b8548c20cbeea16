"""The ``spasmkg`` command line: a thin click layer over :mod:`spasmkg.api`.

Exit codes: 0 ok, 1 violations found (validate, qc), 2 usage or input error (also when
stopped by SIGTERM, SIGHUP or SIGINT). A reader that closes the pipe early (``| head -1``)
ends the command quietly with exit 0, like other Unix tools that are told "enough".
Heavy libraries are imported inside commands, never at import time of this package; this
module itself imports nothing but the standard library, so :func:`main` can start reading the
graph (:func:`spasmkg.engine.store.prefetch`) before click is even imported.
"""

from __future__ import annotations

import os
import sys
from typing import Any

#: Commands that query the shipped graph with pyoxigraph: worth prefetching the store for.
_GRAPH_COMMANDS = frozenset({"query", "sparql", "show", "search", "stats"})


def wants_graph(argv: list[str]) -> bool:
    """Whether ``argv`` names a command that will open the shipped graph (and nothing else).

    A guess from the raw arguments, made before click parses them; a wrong guess costs only
    work in a background thread. ``--data`` (another store) and help/version are excluded.

    >>> wants_graph(["query", "red-flags"]), wants_graph(["--data", "x.ttl", "query", "red-flags"])
    (True, False)
    >>> wants_graph(["query", "--help"]), wants_graph(["validate"])
    (False, False)
    """
    if any(a in ("-h", "--help", "--version") or a == "--data" or a.startswith("--data=") for a in argv):
        return False
    command = next((a for a in argv if not a.startswith("-")), None)
    return command in _GRAPH_COMMANDS


_SIGNAL_NAMES: dict[int, str] = {}


def _terminate(signum: int, frame: object) -> None:
    from spasmkg.errors import Terminated

    raise Terminated(_SIGNAL_NAMES.get(signum, f"signal {signum}"))


def install_signal_handlers() -> None:
    """Turn SIGTERM and SIGHUP into :class:`Terminated` (SIGINT is already KeyboardInterrupt).

    Uses ``_signal``, the C module under ``signal``: the wrapper's enums cost ~1 ms to import.
    """
    import _signal

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(_signal, name, None)
        if sig is not None:
            _SIGNAL_NAMES[sig] = name
            _signal.signal(sig, _terminate)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: runs the CLI and exits with its code (0 ok, 1 violations, 2 errors)."""
    from spasmkg.io.guards import install_network_guard

    install_network_guard()
    install_signal_handlers()
    args = sys.argv[1:] if argv is None else argv
    if wants_graph(args) and not os.environ.get("SPASMKG_NO_PREFETCH"):
        from spasmkg.engine.store import prefetch

        prefetch()
    from spasmkg.cli.app import run

    code = run(argv)
    # os._exit: a timed-out query (or an unused prefetch) thread must not keep the process alive.
    sys.stderr.flush()
    os._exit(code)


def __getattr__(name: str) -> Any:
    if name == "cli":
        from spasmkg.cli.app import cli

        return cli
    raise AttributeError(f"module 'spasmkg.cli' has no attribute {name!r}")
