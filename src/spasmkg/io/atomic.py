"""Output files written atomically (a temporary file beside the target, then a rename): nothing
half-written on failure, Ctrl-C or SIGTERM; FIFOs, devices and symlinks are written through."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from spasmkg.errors import InputError, Terminated
from spasmkg.text import one_line

__all__ = [
    "atomic_write_bytes",
    "atomic_write_many",
    "atomic_write_text",
    "atomic_write_with",
    "atomic_writer",
    "cleanup_on_signals",
    "output_target",
]


@contextlib.contextmanager
def cleanup_on_signals() -> Iterator[None]:
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
    with cleanup_on_signals():
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
    with cleanup_on_signals():
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
    with cleanup_on_signals():
        fd, tmp = _temp_beside(path, path.suffix)
        os.close(fd)
        try:
            write(Path(tmp))
            _replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
