"""Guards that hold on every path: no network, atomic writes, bounded input files."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

#: Largest RDF input file accepted (bytes). The 0.5 M-triple benchmark graph is ~70 MB.
MAX_INPUT_BYTES = 200 * 1024 * 1024

#: How much a single query may grow the process's memory (resident set) before it is stopped.
MAX_QUERY_MEMORY_GROWTH = 2 * 1024 * 1024 * 1024

#: Largest file ``validate --data`` accepts (bytes): SHACL with RDFS inference and the OWL
#: reasoner take minutes per megabyte, so a bigger file is refused at once instead of hanging.
MAX_VALIDATE_BYTES = 8 * 1024 * 1024


def one_line(text: str) -> str:
    """``text`` as one printable line: control and format characters (newlines, ANSI escapes,
    bidi overrides) in user-supplied names are shown escaped, never sent to the terminal.

    >>> one_line("bad\\nname\\x1b[31m.ttl: no such file")
    'bad\\\\nname\\\\x1b[31m.ttl: no such file'
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def brief(text: str, limit: int = 300) -> str:
    """``text`` on one line, white space collapsed, cut to ``limit`` characters (for library messages).

    >>> brief("line 3:   bad  token", limit=12)
    'line 3: bad '
    """
    return " ".join(text.split())[:limit]


class SpasmkgError(Exception):
    """An error reported to the user as one line. ``exit_code`` follows the CLI contract."""

    exit_code = 2

    def __str__(self) -> str:
        return one_line(super().__str__())


class InputError(SpasmkgError):
    """Bad user input: a file, a query, a parameter (exit 2)."""


class NetworkRefused(InputError):
    """Something tried to open a network connection at run time."""


_GUARD_INSTALLED = False
_GUARD_ACTIVE = False

_BLOCKED_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyname_ex",
        "socket.gethostbyaddr",
        "socket.sendto",
        "socket.sendmsg",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "poplib.connect",
        "imaplib.open",
        "nntplib.connect",
        "telnetlib.Telnet.open",
        "webbrowser.open",
    }
)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _GUARD_ACTIVE or event not in _BLOCKED_EVENTS:
        return
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg") and args:
        # Unix sockets (e.g. multiprocessing) are local: allow them.
        af_unix = getattr(sys.modules.get("socket"), "AF_UNIX", None)
        if af_unix is not None and getattr(args[0], "family", None) == af_unix:
            return
    target = args[1] if event == "socket.connect" and len(args) > 1 else (args[0] if args else "")
    raise NetworkRefused(f"network access refused at run time ({event} {target!s:.80})")


def install_network_guard() -> None:
    """Refuse every outgoing connection from this process from now on (a ``sys.addaudithook``).

    It blocks what Python code does (urllib, http.client, sockets, DNS look-ups), e.g. rdflib
    fetching a JSON-LD context or owlready2 downloading an ``owl:imports``. It cannot see
    native code (pyoxigraph's Rust HTTP client for ``SERVICE``/``LOAD``) or child processes
    (HermiT's JVM): those are kept off the network by refusing ``SERVICE``/``LOAD`` before
    evaluation (:mod:`spasmkg.sparqlcheck`) and by removing ``owl:imports`` before the
    reasoner sees a graph. The CLI installs it first thing; it is never switched off there.
    """
    global _GUARD_INSTALLED, _GUARD_ACTIVE
    if not _GUARD_INSTALLED:
        sys.addaudithook(_audit)
        _GUARD_INSTALLED = True
    _GUARD_ACTIVE = True


@contextlib.contextmanager
def network_guard() -> Iterator[None]:
    """Refuse network access from Python code inside the block (process-wide, all threads).

    For embedding and tests; audit hooks cannot be removed, so leaving the block only
    switches the check off again (unless it was already on).
    """
    global _GUARD_ACTIVE
    was_active = _GUARD_ACTIVE
    install_network_guard()
    try:
        yield
    finally:
        _GUARD_ACTIVE = was_active


def network_guard_active() -> bool:
    return _GUARD_ACTIVE


def rss_bytes() -> int | None:
    """The resident memory of this process now (Linux ``/proc``), else None."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def query_memory_limit() -> int:
    """Bytes a query may add to the resident memory: ``SPASMKG_MAX_QUERY_MB`` or the default."""
    try:
        return int(float(os.environ["SPASMKG_MAX_QUERY_MB"]) * 2**20)
    except (KeyError, ValueError):
        return MAX_QUERY_MEMORY_GROWTH


def wait_bounded(
    worker: threading.Thread,
    timeout: float | None,
    *,
    max_growth: int | None = -1,
    poll: float = 0.05,
) -> str:
    """Wait for ``worker``; return "done", "timeout" or "memory" (it grew RSS by over ``max_growth``,
    by default :func:`query_memory_limit`; None for no memory bound).

    A stopped worker is not killed (native code cannot be interrupted); the CLI exits at once.
    """
    if max_growth == -1:
        max_growth = query_memory_limit()
    base = rss_bytes() if max_growth is not None else None
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            return "done" if not worker.is_alive() else "timeout"
        worker.join(poll if left is None else min(poll, left))
        if not worker.is_alive():
            return "done"
        if base is not None and max_growth is not None:
            now = rss_bytes()
            if now is not None and now - base > max_growth:
                return "memory"


def _new_file_mode(target: Path) -> int:
    """Permissions for a new file: those of the file it replaces, else 0o666 minus the umask.

    (``mkstemp`` creates files readable by their owner only; an export must not change that.)
    """
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _temp_beside(target: Path, suffix: str) -> tuple[int, str]:
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {target}: folder {folder} does not exist")
    if target.is_dir():
        raise InputError(f"cannot write {target}: it is a folder")
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    with contextlib.suppress(OSError):
        os.chmod(tmp, _new_file_mode(target))
    return fd, tmp


def _replace(tmp: str, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    # make the rename itself durable (best effort: not every platform can open a folder)
    with contextlib.suppress(OSError):
        dfd = os.open(target.parent if str(target.parent) else ".", os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


@contextlib.contextmanager
def atomic_writer(target: Path, mode: str = "wb") -> Iterator[BinaryIO]:
    """Write to a temporary file beside ``target`` and rename it into place on success.

    On any exception (including KeyboardInterrupt) the temporary file is removed and
    ``target`` is left untouched: readers see the old file or the complete new one.
    """
    target = Path(target)
    fd, tmp = _temp_beside(target, ".tmp")
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh  # type: ignore[misc]
            fh.flush()
            os.fsync(fh.fileno())
        _replace(tmp, target)
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
    """Let ``write`` produce a file at a temporary path, then rename it to ``target``.

    The temporary file keeps ``target``'s suffix (for writers that pick a format from it).
    """
    target = Path(target)
    fd, tmp = _temp_beside(target, target.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        _replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
