"""Guards that hold on every path: no network, safe output (atomic files, terminal-safe text), bounded
input files and run times."""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
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


#: Characters that can drive or fool a terminal: C0 controls (ESC starts CSI/OSC sequences, CR returns to
#: the line start, BEL), DEL, C1 controls (U+0085 NEL, U+009B CSI), bidi embeddings, overrides, isolates
#: and marks (they reorder what follows), invisible format characters (zero-width space, soft hyphen,
#: word joiner, BOM, tag characters), line/paragraph separators and lone surrogates (which cannot even be
#: encoded). ZWJ/ZWNJ (U+200C/D) are kept: scripts and emoji need them and they move nothing.
_TERMINAL_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f"
_TERMINAL_UNSAFE += "\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f"
_UNSAFE_MULTILINE = re.compile(f"[{_TERMINAL_UNSAFE}]")
_UNSAFE_ONE_LINE = re.compile(f"[\t\n{_TERMINAL_UNSAFE}]")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape", "backslashreplace").decode("ascii")


def terminal_safe(text: str, *, multiline: bool = True) -> str:
    """``text`` with every character that could move the cursor, recolour, retitle, hide or reorder
    what a terminal shows replaced by its visible escape (``ESC`` -> ``\\x1b``, CR -> ``\\r``,
    U+202E -> ``\\u202e``). Newlines and tabs are kept unless ``multiline`` is false (for one cell
    or one field, where a newline would fake a row). Idempotent; printable text (accents, NBSP, emoji)
    is unchanged. For human-readable output only: machine formats (JSON, CSV, TSV, RDF) stay exact.

    >>> terminal_safe("zzz\\r\\x1b[7A(all clear)\\x07 \\u202eevil")
    'zzz\\\\r\\\\x1b[7A(all clear)\\\\x07 \\\\u202eevil'
    >>> terminal_safe("two\\nlines", multiline=False)
    'two\\\\nlines'
    """
    pattern = _UNSAFE_MULTILINE if multiline else _UNSAFE_ONE_LINE
    return pattern.sub(_escape, text)


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
        mb = float(os.environ["SPASMKG_MAX_QUERY_MB"])
    except (KeyError, ValueError):
        return MAX_QUERY_MEMORY_GROWTH
    if not math.isfinite(mb) or mb <= 0:
        raise InputError(f"SPASMKG_MAX_QUERY_MB must be a positive finite number of MiB, not {mb}")
    return int(mb * 2**20)


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


# ---------------------------------------------------------------- time limits


class _Expired(BaseException):
    """Raised by the SIGALRM handler of :func:`time_limit` (a BaseException: no ``except Exception``
    in a library can swallow it)."""


class TimeLimitExceeded(InputError):
    """A command ran past its time limit (``--timeout``); exit 2."""


@contextlib.contextmanager
def time_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Stop the block after ``seconds`` of wall-clock time with :class:`TimeLimitExceeded`.

    A ``SIGALRM`` timer interrupts Python code (networkx, matplotlib, numpy between calls), so the
    work really stops. Native code (a pyoxigraph query) is interrupted when it returns. Only in the
    main thread and only when no other ``SIGALRM`` handler or timer is in use; otherwise (a
    notebook thread, an application that owns the alarm) the block runs without a limit.
    """
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )
    if not usable:
        yield
        return
    assert seconds is not None

    def expire(signum: int, frame: Any) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    except _Expired:
        raise TimeLimitExceeded(f"{what} stopped after {seconds:g} s (raise --timeout)") from None
    finally:
        while True:  # the alarm may fire while it is being cancelled: the work is done, ignore it
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except _Expired:
                continue


# ---------------------------------------------------------------- output files


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived while an output file was being written: raised so the temporary file
    is removed, as for Ctrl-C. ``str()`` is the signal's name."""


@contextlib.contextmanager
def _cleanup_on_signals() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise :class:`Terminated` instead of killing the
    process, so ``finally``/``except`` clauses remove temporary files (SIGINT already raises
    KeyboardInterrupt). Only handlers left at their default are replaced (main thread only), and
    they are restored on exit. Each signal is acted on once: a second one during the clean-up is
    ignored until the block ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved: dict[int, Any] = {}

    def handler(signum: int, frame: Any) -> None:
        signal.signal(signum, signal.SIG_IGN)
        raise Terminated(signal.Signals(signum).name)

    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None and signal.getsignal(sig) == signal.SIG_DFL:
            saved[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in saved.items():
            signal.signal(sig, old)


def _magic_link(path: Path) -> bool:
    """Whether ``path`` reaches its file through ``/proc/*/fd`` or ``/dev/fd`` (``/dev/stdout`` is a
    link to ``/proc/self/fd/1``): such a link is a file descriptor, to be written through."""
    p = os.path.abspath(path)
    for _ in range(40):
        p = os.path.join(os.path.realpath(os.path.dirname(p)), os.path.basename(p))
        if p.startswith(("/proc/", "/dev/fd/")):
            return True
        if not os.path.islink(p):
            return False
        p = os.path.join(os.path.dirname(p), os.readlink(p))
    return False


def output_target(target: Path | str) -> tuple[Path, bool]:
    """Where an output named ``target`` goes, and whether to write *through* it.

    * a new path or a regular file: replaced atomically (temporary file beside it, then a rename);
    * a symlink to a regular file (or a dangling one): the link is kept, its target replaced;
    * a device, FIFO, socket, or a link through ``/proc/*/fd`` (``/dev/stdout``): opened and written in
      place, as the shell's ``>`` does; nothing is renamed over it (as root, a rename over ``/dev/null``
      would destroy the device);
    * a name ending in ``/``, a folder, a missing folder, a symlink loop: InputError (so it can be
      called to check an output before the work that produces it).

    Replacing a file gives it a new inode: a hard link elsewhere keeps the old content.
    """
    raw = os.fspath(target)
    shown = one_line(raw)
    if not raw or raw.endswith(("/", os.sep)):
        raise InputError(f"cannot write {shown!r}: a file name is needed, not a folder")
    path = Path(raw)
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None  # a new file, or a link to one
    except OSError as exc:  # a symlink loop, a component that is not a folder, no permission
        raise InputError(f"cannot write {shown}: {exc.strerror or exc}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError(f"cannot write {shown}: it is a folder")
    if st is not None and not stat.S_ISREG(st.st_mode):
        return path, True
    if path.is_symlink():
        if _magic_link(path):
            return path, True
        path = Path(os.path.realpath(path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {shown}: folder {one_line(str(folder))} does not exist")
    return path, False


@contextlib.contextmanager
def _write_through(path: Path, mode: str) -> Iterator[BinaryIO]:
    try:
        fh = open(path, mode)  # noqa: SIM115 - closed below; opening a FIFO waits for its reader, as '>' does
    except OSError as exc:
        raise InputError(f"cannot write {one_line(str(path))}: {exc.strerror or exc}") from None
    with fh:
        yield fh  # type: ignore[misc]


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
        raise InputError(f"cannot write {one_line(str(target))}: folder {one_line(str(folder))} does not exist")
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=folder)
    except OSError as exc:
        raise InputError(
            f"cannot write {one_line(str(target))}: cannot create a temporary file in {one_line(str(folder))} "
            f"({exc.strerror or exc}); outputs are replaced atomically, so their folder must be writable"
        ) from None
    with contextlib.suppress(OSError):
        os.chmod(tmp, _new_file_mode(target))
    return fd, tmp


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (best effort: not every platform can open a folder)."""
    with contextlib.suppress(OSError):
        dfd = os.open(folder if str(folder) else ".", os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _replace(tmp: str, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"cannot write {one_line(str(target))}: {exc.strerror or exc}") from None
    _fsync_folder(target.parent)


def _write_error(target: Path, exc: OSError) -> InputError:
    return InputError(f"cannot write {one_line(str(target))}: {exc.strerror or exc}")


@contextlib.contextmanager
def atomic_writer(target: Path | str, mode: str = "wb") -> Iterator[BinaryIO]:
    """Write ``target`` safely (see :func:`output_target`): a regular file is written to a temporary
    file beside it and renamed into place on success; a device or FIFO is written through.

    On any exception, including KeyboardInterrupt, SIGTERM and SIGHUP, the temporary file is removed
    and ``target`` is left untouched: readers see the old file or the complete new one. An error
    while writing (disk full, file too large, broken pipe) is an InputError naming the file.
    """
    path, through = output_target(target)
    if through:
        try:
            with _write_through(path, mode) as fh:
                yield fh
        except BrokenPipeError:
            raise  # the reader has gone (``-o /dev/stdout | head``): the CLI ends quietly
        except OSError as exc:
            raise _write_error(path, exc) from None
        return
    with _cleanup_on_signals():
        fd, tmp = _temp_beside(path, ".tmp")
        try:
            with os.fdopen(fd, mode) as fh:
                yield fh  # type: ignore[misc]
                fh.flush()
                os.fsync(fh.fileno())
            _replace(tmp, path)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
                raise _write_error(path, exc) from None
            raise


def atomic_write_bytes(target: Path | str, data: bytes) -> None:
    with atomic_writer(target) as fh:
        fh.write(data)


def atomic_write_text(target: Path | str, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))


def atomic_write_many(files: Mapping[Path, bytes]) -> None:
    """Write several files as one: every target is checked and every temporary file written before
    any is renamed into place, and if a rename fails the files already replaced get their old content
    back. So either all of them are new or none is (for regular files; a device or FIFO among the
    targets is written through last). Used for the KGX nodes/edges pair.
    """
    plan = [(output_target(t), data) for t, data in files.items()]
    with _cleanup_on_signals():
        temps: list[tuple[str, Path]] = []
        replaced: list[tuple[str | None, Path]] = []  # (hard link to the old file or None, target)
        try:
            for (path, through), data in plan:
                if through:
                    continue
                fd, tmp = _temp_beside(path, ".tmp")
                temps.append((tmp, path))
                try:
                    with os.fdopen(fd, "wb") as fh:
                        fh.write(data)
                        fh.flush()
                        os.fsync(fh.fileno())
                except OSError as exc:
                    raise _write_error(path, exc) from None
            for tmp, path in temps:
                # recorded before the rename: restoring a file that was not replaced changes nothing
                replaced.append((_keep_old(path), path))
                _replace(tmp, path)
        except BaseException:
            _restore(replaced)
            for tmp, _ in temps:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise
        for backup, _ in replaced:
            if backup is not None:
                with contextlib.suppress(OSError):
                    os.unlink(backup)
    for (path, through), data in plan:
        if through:
            with atomic_writer(path) as fh:
                fh.write(data)


def _keep_old(path: Path) -> str | None:
    """A hard link to the file at ``path`` (to put it back), or None if there is none."""
    if not path.exists():
        return None
    fd, backup = _temp_beside(path, ".old")
    os.close(fd)
    os.unlink(backup)
    try:
        os.link(path, backup)
    except OSError:  # no hard links here: copy
        import shutil

        shutil.copy2(path, backup)
    return backup


def _restore(replaced: list[tuple[str | None, Path]]) -> None:
    """Undo renames that happened: old content back (or the new file removed where there was none)."""
    for backup, path in replaced:
        with contextlib.suppress(OSError):
            if backup is None:
                os.unlink(path)
            else:
                os.replace(backup, path)
        with contextlib.suppress(OSError):
            if backup is not None and os.path.samefile(backup, path):  # never replaced: the link is spare
                os.unlink(backup)


def atomic_write_with(target: Path | str, write: Callable[[Path], None]) -> None:
    """Let ``write`` produce a file at a temporary path, then rename it to ``target`` (for writers that
    want a file name, not a stream). The temporary file keeps ``target``'s suffix (for writers that
    pick a format from it). A device or FIFO is handed to ``write`` as it is.
    """
    path, through = output_target(target)
    if through:
        write(path)
        return
    with _cleanup_on_signals():
        fd, tmp = _temp_beside(path, path.suffix)
        os.close(fd)
        try:
            write(Path(tmp))
            _replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
