"""Where the queried graph comes from: the shipped files plus ``--data`` files, as a pyoxigraph store.

* Inputs up to ``CACHE_THRESHOLD`` bytes (the shipped graph, ~350 KB of Turtle, is under it)
  are parsed into an in-memory store: for a graph this size that costs about as much as
  opening an on-disk store, and queries over memory run 4-5x faster (measured in bench/).
* Bigger inputs are bulk-loaded once into an on-disk store in the user cache dir, keyed by the
  SHA-256 of the inputs' contents, built in a temporary folder and renamed into place (safe
  when two processes start at once), then opened read-only. The cache is never required: if
  it cannot be written, the store is built in memory.
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
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from spasmkg import resources
from spasmkg.inputs import check_input_file, rdf_format
from spasmkg.safety import InputError, brief

if TYPE_CHECKING:
    import pyoxigraph

#: Inputs bigger than this (bytes, summed) go through the on-disk cache.
CACHE_THRESHOLD = 1024 * 1024

_STORES: dict[tuple[str, ...], pyoxigraph.Store] = {}
_LOCK = threading.Lock()


def _file_digest(path: Path) -> str:
    return resources.sha256_file(path)


def content_key(files: Sequence[Path]) -> str:
    """A key for the cache: the SHA-256 over the inputs' content hashes and the engine version."""
    import hashlib

    import pyoxigraph

    h = hashlib.sha256(f"spasmkg-store-v1|{pyoxigraph.__version__}".encode())
    for f in files:
        h.update(_file_digest(f).encode())
        h.update(rdf_format(f).encode())
    return h.hexdigest()


def cache_root() -> Path:
    """The cache folder: ``SPASMKG_CACHE_DIR``, else the user cache dir of platformdirs."""
    env = os.environ.get("SPASMKG_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("spasmkg"))


def _load_into(store: pyoxigraph.Store, files: Iterable[Path]) -> None:
    import pyoxigraph

    for f in files:
        try:
            store.bulk_load(path=str(f), format=pyoxigraph.RdfFormat.from_media_type(rdf_format(f)))
        except (SyntaxError, ValueError, OSError) as exc:
            raise InputError(f"{f}: {brief(str(exc))}") from None


def _build_cached(files: Sequence[Path], key: str) -> pyoxigraph.Store | None:
    """Open (building first if needed) the on-disk store for ``key``; None if the cache is unusable."""
    import shutil
    import time

    import pyoxigraph

    root = cache_root() / "stores"
    final = root / key
    try:
        if not (final / "READY").exists():
            root.mkdir(parents=True, exist_ok=True)
            tmp = root / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            try:
                store = pyoxigraph.Store(str(tmp))
                _load_into(store, files)
                store.flush()
                store.optimize()
                del store
                (tmp / "READY").write_text(time.strftime("%Y-%m-%dT%H:%M:%S"))
                try:
                    os.rename(tmp, final)
                except OSError:  # another process won the race: use its store
                    shutil.rmtree(tmp, ignore_errors=True)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        return pyoxigraph.Store.read_only(str(final))
    except InputError:
        raise
    except OSError:
        return None


def input_files(data: Sequence[Path | str] = ()) -> list[Path]:
    """The shipped graph files followed by the user's ``--data`` files (checked)."""
    extra = [check_input_file(Path(d)) for d in data]
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
