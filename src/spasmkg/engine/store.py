"""Where the queried graph comes from: the shipped files plus ``--data`` files, as a pyoxigraph store.

* Inputs up to ``CACHE_THRESHOLD`` bytes (the shipped graph, ~350 KB of Turtle, is under it)
  are parsed into an in-memory store: for a graph this size that costs about as much as
  opening an on-disk store, and queries over memory run 4-5x faster (measured in bench/).
* Bigger inputs are bulk-loaded once into an on-disk store in the user cache dir, built in a
  temporary folder and renamed into place (safe when two processes start at once), then opened
  read-only. The cache is never required: if it cannot be used, the store is built in memory.
* A cache entry is believed only if it is what this code would build from these inputs:
  its key hashes the inputs' contents, the package version, the source of this module and of
  :mod:`spasmkg.io.inputs` (the code that decides what goes into a store) and the pyoxigraph version;
  its ``READY`` marker records every file of the store with its size, modification time and
  inode, checked on each open (a stat per file). It used to record each file's SHA-256, but
  hashing the store on every open cost 0.11 s of a 0.40 s warm query at N = 100 (137 MB store;
  ``bench/run.py``'s warm-query target failed at 3.1x): the fingerprint still catches a truncated
  or rewritten file, a copied marker and a planted store (``tests/test_review_query.py``); a
  writer who can reset times and inodes in the user's own 0700 cache could change far more
  than the cache anyway. Folders are created 0700; a folder or
  entry owned by another user or writable by others is never used. An entry that fails any
  check is removed and rebuilt; if that fails too the store is built in memory. A build stopped
  by a signal removes its temporary folder; one stopped by SIGKILL is removed by the next build.
* Named graphs of TriG and N-Quads files are merged into the default graph (graph names are
  dropped), as on the rdflib paths, so every command sees the same triples.
* :func:`prefetch` starts opening the shipped graph in a background thread. pyoxigraph parses
  without holding the GIL, so the CLI's own start-up (``import click``, parsing arguments)
  runs meanwhile; :func:`open_store` then takes the store from the thread.

This module imports only the standard library at import time, so the CLI can start the
prefetch before it imports anything else.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg import resources
from spasmkg.errors import InputError
from spasmkg.io.cache import cache_root, code_digest, files_key
from spasmkg.io.inputs import QUAD_FORMATS, check_input_files, format_name, parse_error_text, rdf_format

#: Extra RDF files merged with the shipped graph, as paths or strings (every API function takes it).
DataArg = Sequence[Path | str]

if TYPE_CHECKING:
    import pyoxigraph

__all__ = [
    "CACHE_FORMAT",
    "CACHE_THRESHOLD",
    "STALE_BUILD_SECONDS",
    "DataArg",
    "content_key",
    "input_files",
    "open_store",
    "prefetch",
    "private_dir",
    "store_code_digest",
]

#: Inputs bigger than this (bytes, summed) go through the on-disk cache.
CACHE_THRESHOLD = 1024 * 1024

#: Version of the cache layout (folder names, ``READY`` marker).
CACHE_FORMAT = "spasmkg-store-v3"

#: A temporary build folder whose process is gone, or older than this (seconds), is removed.
STALE_BUILD_SECONDS = 24 * 3600

_STORES: dict[tuple[str, ...], pyoxigraph.Store] = {}
_LOCK = threading.Lock()

# Files of a RocksDB folder that are not data: the lock and the informational logs.
_NOT_DATA = ("LOCK", "LOG", "READY")


@cache
def store_code_digest() -> str:
    """SHA-256 of what decides the content of a store besides the inputs: versions and loader code."""
    import pyoxigraph

    from spasmkg import _version
    from spasmkg.io import inputs

    return code_digest(f"{CACHE_FORMAT}|{_version.__version__}|{pyoxigraph.__version__}", (__file__, inputs.__file__))


def content_key(files: Sequence[Path]) -> str:
    """A key for the cache: SHA-256 over :func:`store_code_digest` and the inputs' content hashes and formats."""
    return files_key(store_code_digest(), files, extra=[rdf_format(f) for f in files])


def _owned_and_private(st: os.stat_result) -> bool:
    return (not hasattr(os, "getuid") or st.st_uid == os.getuid()) and not st.st_mode & 0o022


def private_dir(path: Path) -> bool:
    """Create ``path`` (mode 0700) if needed; True if it is a folder only this user can write.

    An existing folder of ours that others may write is made private; one owned by another user
    is left alone and the caller must not use it (its content may have been planted).
    """
    import stat

    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = path.lstat()
        if not stat.S_ISDIR(st.st_mode):
            return False
        if not _owned_and_private(st) and (not hasattr(os, "getuid") or st.st_uid == os.getuid()):
            path.chmod(0o700)
            st = path.lstat()
        return _owned_and_private(st)
    except OSError:
        return False


def _load_into(store: pyoxigraph.Store, files: Iterable[Path]) -> None:
    import pyoxigraph

    quads = False
    for f in files:
        fmt = rdf_format(f)
        quads = quads or fmt in QUAD_FORMATS
        try:
            store.bulk_load(path=str(f), format=pyoxigraph.RdfFormat.from_media_type(fmt))
        except (SyntaxError, ValueError, OSError) as exc:
            # never the parser's excerpt: it may quote a file the user must not see (see inputs.py)
            raise InputError(f"{f}: invalid {format_name(fmt)}: {parse_error_text(str(exc))}") from None
    if quads:
        # the union of every graph is the graph: the same triples the rdflib paths see
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } ; DROP NAMED")


def _in_thread(work: Callable[[], None]) -> None:
    """Run ``work`` in a thread while this thread waits, so signal handlers (which Python runs in
    the main thread only, between bytecodes) can clean up during a long native call."""
    from spasmkg.io.guards import wait_bounded

    box: dict[str, BaseException] = {}

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=run, name="spasmkg-cache-build", daemon=True)
    worker.start()
    wait_bounded(worker, None, max_growth=None)
    if "error" in box:
        raise box["error"]


def _remove(folder: Path) -> None:
    """Remove a folder even while a (stopped) writer may still add files to it."""
    import shutil

    for _ in range(5):
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.lexists(folder):
            return


def _data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith(_NOT_DATA))


def _fingerprint(files: Sequence[Path]) -> dict[str, list[int]]:
    """Name -> [size, mtime_ns, inode] of every data file: what the marker records and each open checks."""
    out: dict[str, list[int]] = {}
    for p in files:
        st = p.stat()
        out[p.name] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return out


def _marker(folder: Path, key: str) -> dict[str, Any]:
    files = _data_files(folder)
    return {
        "format": CACHE_FORMAT,
        "key": key,
        "files": _fingerprint(files),
    }


def _open_entry(folder: Path, key: str) -> pyoxigraph.Store | None:
    """The store in ``folder`` if every check passes (see the module docstring), else None."""
    import json
    import stat

    import pyoxigraph

    try:
        st = folder.lstat()
        if not stat.S_ISDIR(st.st_mode) or not _owned_and_private(st):
            return None
        with (folder / "READY").open("rb") as fh:
            marker = json.loads(fh.read(1 << 20))
        if not isinstance(marker, dict) or marker.get("format") != CACHE_FORMAT or marker.get("key") != key:
            return None
        files = _data_files(folder)
        if marker.get("files") != _fingerprint(files):
            return None
        return pyoxigraph.Store.read_only(str(folder))
    except Exception:  # a missing or unreadable marker, a store RocksDB cannot open: not believed
        return None


def _discard(folder: Path) -> None:
    """Move a bad entry out of the way (so no other process opens it), then delete it."""
    aside = folder.with_name(f".{folder.name}.bad.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        os.rename(folder, aside)
    except OSError:
        return
    _remove(aside)


def _sweep(stores: Path) -> None:
    """Remove temporary build folders left by processes that were killed (SIGKILL, power loss)."""
    import time

    for p in stores.iterdir():
        if not (p.name.startswith(".") and p.name.endswith(".tmp")):
            continue
        parts = p.name.split(".")
        try:
            pid = int(parts[-3])
            if pid == os.getpid():
                continue
            st = p.lstat()
            if not _owned_and_private(st):
                continue
            gone = False
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                gone = True
            except PermissionError:
                pass
            if gone or time.time() - st.st_mtime > STALE_BUILD_SECONDS:
                _remove(p)
        except (ValueError, IndexError, OSError):
            continue


def _build_cached(files: Sequence[Path], key: str) -> pyoxigraph.Store | None:
    """Open (building first if needed) the on-disk store for ``key``; None if the cache is unusable."""
    import json

    import pyoxigraph

    root = cache_root()
    stores = root / "stores"
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)  # an existing folder is left as it is
        if not private_dir(stores):
            return None
        final = stores / key
        if os.path.lexists(final):
            store = _open_entry(final, key)
            if store is not None:
                return store
            _discard(final)
        _sweep(stores)
        tmp = stores / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        _remove(tmp)
        tmp.mkdir(mode=0o700)
        try:

            def build() -> None:
                store = pyoxigraph.Store(str(tmp))
                _load_into(store, files)
                store.flush()
                store.optimize()
                del store  # closes the database before its files are hashed

            _in_thread(build)
            (tmp / "READY").write_text(json.dumps(_marker(tmp, key)), encoding="utf-8")
            try:
                os.rename(tmp, final)
            except OSError:  # another process won the race: use its store
                _remove(tmp)
        except BaseException:  # incl. KeyboardInterrupt and the CLI's SIGTERM: no folder left behind
            _remove(tmp)
            raise
        return _open_entry(final, key)
    except InputError:
        raise
    except Exception:  # OSError, RocksDB errors: no cache is ever required
        return None


def input_files(data: Sequence[Path | str] = ()) -> list[Path]:
    """The shipped graph files followed by the user's ``--data`` files (checked, also in total)."""
    extra = check_input_files([Path(d) for d in data])
    return [*resources.graph_files(), *extra]


def open_store(data: Sequence[Path | str] = (), *, use_cache: bool = True) -> pyoxigraph.Store:
    """Return a read-only view of the shipped graph merged with ``data`` (memoised per process).

    Thread-safe: concurrent callers (e.g. the prefetch thread and the main thread) build a
    given store once.
    """
    import pyoxigraph

    files = input_files(data)
    memo = tuple(str(f.resolve()) for f in files)
    with _LOCK:
        if memo in _STORES:
            return _STORES[memo]
        total = sum(f.stat().st_size for f in files)
        store = None
        if use_cache and total > CACHE_THRESHOLD and not os.environ.get("SPASMKG_NO_CACHE"):
            store = _build_cached(files, content_key(files))
        if store is None:
            store = pyoxigraph.Store()
            _load_into(store, files)
        _STORES[memo] = store
        return store


def _prefetch_worker() -> None:
    # on failure the main thread opens the store again and reports the error
    with contextlib.suppress(Exception):
        open_store(())


def prefetch() -> threading.Thread:
    """Start opening the shipped graph in a daemon thread; :func:`open_store` waits for it.

    Nothing is lost if the store is not needed after all: the thread only reads shipped files.
    """
    thread = threading.Thread(target=_prefetch_worker, name="spasmkg-prefetch", daemon=True)
    thread.start()
    return thread
