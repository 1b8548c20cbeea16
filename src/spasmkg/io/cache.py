"""Content hashing and cache keys: the one home for SHA-256 of files and text, the key of anything
derived from input files and code, and the cache folder.

A cache key covers what decides the cached content: the input files' bytes (and, where it matters,
their format), the versions of the libraries that produce it and the source of the modules that do.
A code edit therefore never serves a stale result (code review 2026-11-30 found both former disk
caches ignoring code changes).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["cache_root", "code_digest", "files_key", "sha256_file", "sha256_text"]


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks."""
    import hashlib

    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def sha256_text(text: str) -> str:
    """Hex SHA-256 of UTF-8 text.

    >>> sha256_text("")[:16]
    'e3b0c44298fc1c14'
    """
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code_digest(tag: str, module_files: Iterable[str | None]) -> str:
    """Hex SHA-256 of ``tag`` (format and library versions) and the source of ``module_files``
    (a module without source, as in a frozen install, counts by the tag only)."""
    import hashlib

    h = hashlib.sha256(tag.encode())
    for module_file in module_files:
        try:
            h.update(Path(module_file or "").read_bytes())
        except (OSError, TypeError, IsADirectoryError):
            h.update(b"no-source")
    return h.hexdigest()


def files_key(salt: str, files: Iterable[Path], *, extra: Iterable[str] = ()) -> str:
    """Hex SHA-256 over ``salt``, each file's content hash (and each ``extra`` string, in order).

    >>> files_key("x", []) == files_key("x", []) != files_key("y", [])
    True
    """
    import hashlib

    h = hashlib.sha256(salt.encode())
    for f in files:
        h.update(sha256_file(f).encode())
    for e in extra:
        h.update(e.encode())
    return h.hexdigest()


def cache_root() -> Path:
    """The cache folder: ``SPASMKG_CACHE_DIR``, else the user cache dir of platformdirs."""
    env = os.environ.get("SPASMKG_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("spasmkg"))
