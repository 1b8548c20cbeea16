"""Guards that hold on every path: no network, atomic writes, bounded input files."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

#: Largest RDF input file accepted (bytes). The 0.5 M-triple benchmark graph is ~70 MB.
MAX_INPUT_BYTES = 200 * 1024 * 1024


class SpasmkgError(Exception):
    """An error reported to the user as one line. ``exit_code`` follows the CLI contract."""

    exit_code = 2


class InputError(SpasmkgError):
    """Bad user input: a file, a query, a parameter (exit 2)."""


class NetworkRefused(InputError):
    """Something tried to open a network connection at run time."""


_GUARD_INSTALLED = False

_BLOCKED_EVENTS = {
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyname_ex",
    "socket.sendto",
    "urllib.Request",
    "http.client.connect",
}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _BLOCKED_EVENTS:
        # Unix sockets (e.g. multiprocessing) are local: allow them.
        if (
            event == "socket.connect"
            and args
            and getattr(args[0], "family", None) == getattr(__import__("socket"), "AF_UNIX", None)
        ):
            return
        target = args[1] if event == "socket.connect" and len(args) > 1 else (args[0] if args else "")
        raise NetworkRefused(f"network access refused at run time ({event} {target!s:.80})")


def install_network_guard() -> None:
    """Refuse every outgoing connection from this process (a ``sys.addaudithook``).

    Audit hooks cannot be removed, so this is for the CLI process; the Python API
    instead never asks a library to fetch (no remote contexts, no imports, no SERVICE).
    """
    global _GUARD_INSTALLED
    if not _GUARD_INSTALLED:
        sys.addaudithook(_audit)
        _GUARD_INSTALLED = True


@contextlib.contextmanager
def atomic_writer(target: Path, mode: str = "wb") -> Iterator[BinaryIO]:
    """Write to a temporary file beside ``target`` and rename it into place on success.

    On any exception the temporary file is removed and ``target`` is left untouched.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {target}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh  # type: ignore[misc]
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(target: Path, data: bytes) -> None:
    with atomic_writer(target) as fh:
        fh.write(data)


def atomic_write_text(target: Path, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))


def atomic_write_with(target: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` produce a file at a temporary path, then rename it to ``target``."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {target}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=folder)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
