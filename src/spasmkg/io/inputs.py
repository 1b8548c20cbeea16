"""Checks on user-supplied RDF files before any parser sees them (one-line errors, exit 2).

Also: the total size of all input files (:func:`check_input_files`), and parser messages cut
down to the file's name, the position and the kind of error, with no text from the file
(:func:`parse_error_text`): a ``--data`` path may be a link to a file the user of a service
should not see (``x.rdf -> /etc/passwd``), and parsers quote what they could not read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from spasmkg.errors import InputError
from spasmkg.io.limits import MAX_INPUT_BYTES

__all__ = [
    "MAX_JSON_DEPTH",
    "QUAD_FORMATS",
    "check_input_file",
    "check_input_files",
    "check_jsonld",
    "format_name",
    "merge_named_graphs",
    "parse_error_text",
    "rdf_format",
]

_FORMATS = {
    ".ttl": "text/turtle",
    ".turtle": "text/turtle",
    ".nt": "application/n-triples",
    ".ntriples": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".xml": "application/rdf+xml",
    ".jsonld": "application/ld+json",
    ".json": "application/ld+json",
}


#: Formats that can carry named graphs. Their quads are merged into the default graph on every
#: path (query, export, validate), graph names dropped: the README documents it.
QUAD_FORMATS = frozenset({"application/n-quads", "application/trig"})

_FORMAT_NAMES = {
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/n-quads": "N-Quads",
    "application/trig": "TriG",
    "application/rdf+xml": "RDF/XML",
    "application/ld+json": "JSON-LD",
}


def rdf_format(path: Path) -> str:
    """The RDF media type for a file, from its extension."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}: unknown RDF file extension {path.suffix!r} (use one of {', '.join(sorted(_FORMATS))})"
        )
    return fmt


def check_input_file(path: Path | str, *, max_bytes: int = MAX_INPUT_BYTES, purpose: str = "input") -> Path:
    """Refuse missing, empty, huge, binary, non-UTF-8 or entity-declaring files with a one-line error.

    ``max_bytes`` and ``purpose`` let a slower command (``validate``) set a lower limit.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    fmt = rdf_format(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if size == 0 or (size <= len(head) and not head.strip()):
        raise InputError(f"{path}: file is empty")
    if size > max_bytes:
        raise InputError(
            f"{path}: file is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:.0f} MiB {purpose} limit"
            + (" (raise the limit with 'validate --max-mb')" if purpose == "validate" else "")
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: UTF-16 text; RDF files must be UTF-8")
    if b"\x00" in head:
        raise InputError(f"{path}: binary content, not an RDF text file")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a multibyte character cut at the block end
            raise InputError(f"{path}: invalid UTF-8 at byte {exc.start} (RDF files must be UTF-8)") from None
    if fmt == "application/ld+json":
        check_jsonld(path)
    if fmt == "application/rdf+xml":
        where = _find_markup(path, (b"<!DOCTYPE", b"<!ENTITY"))
        if where is not None:
            raise InputError(
                f"{path}: RDF/XML with a DOCTYPE or entity declarations (byte {where}) is refused "
                "(external entities and entity expansion are never processed)"
            )
    return path


def check_input_files(
    paths: Sequence[Path | str], *, max_bytes: int = MAX_INPUT_BYTES, purpose: str = "input"
) -> list[Path]:
    """:func:`check_input_file` on each file, then the same limit on their total size.

    ``--data`` is repeatable, so a per-file limit alone bounds nothing: two files of 0.9 MiB pass
    a 1 MiB limit that one file of 1.8 MiB does not.
    """
    files = [check_input_file(p, max_bytes=max_bytes, purpose=purpose) for p in paths]
    total = sum(f.stat().st_size for f in files)
    if len(files) > 1 and total > max_bytes:
        raise InputError(
            f"the {len(files)} input files total {total / 2**20:.1f} MiB, over the "
            f"{max_bytes / 2**20:.0f} MiB {purpose} limit (it applies to all files together)"
        )
    return files


@cache
def _message_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], list[tuple[re.Pattern[str], str]]]:
    """The patterns of :func:`parse_error_text`, compiled on first use (2 ms, off the start-up path)."""
    position = re.compile(
        r"^(?:Parser error )?(?:at line (?P<l1>\d+) (?:between columns (?P<c1>\d+) and \d+|column (?P<c2>\d+))"
        r"|between line (?P<l2>\d+) column (?P<c3>\d+) and line \d+ column \d+)\s*:\s*"
    )
    where_suffix = re.compile(r"\s*\([^()]*, line \d+\)\s*$")
    quoted = re.compile(r"'[^']*'?|\"[^\"]*\"?|`[^`]*`?|<[^<>]*>?")
    rewrites = [
        (re.compile(r"^.* is not a valid (.*)$"), r"not a valid \1"),
        (re.compile(r"^The prefix .* has not been declared$"), "a prefix is used but not declared"),
        (re.compile(r",? found .*$"), ""),
        (re.compile(r"^Unknown prefix .*$"), "unknown prefix"),
        (re.compile(r"^Unexpected char\b.*$"), "unexpected character"),
    ]
    return position, where_suffix, quoted, rewrites


def parse_error_text(message: str) -> str:
    """A parser's message with the file's content taken out: position and kind of error only.

    >>> parse_error_text("Parser error at line 1 between columns 1 and 17: The prefix root: has not been declared")
    'line 1, column 1: a prefix is used but not declared'
    >>> parse_error_text("Unexpected text event: 'root:x:0:0:root:/root:/bin/bash'")
    'Unexpected text event: …'
    >>> parse_error_text("Parser error at line 2 between columns 9 and 20: secretvalue is not a valid RDF object")
    'line 2, column 9: not a valid RDF object'
    """
    position, where_suffix, quoted, rewrites = _message_patterns()
    text = " ".join(message.split())
    where = ""
    m = position.match(text)
    if m:
        where = f"line {m['l1'] or m['l2']}, column {m['c1'] or m['c2'] or m['c3']}: "
        text = text[m.end() :]
    text = where_suffix.sub("", text)
    text = quoted.sub("…", text)
    for rx, repl in rewrites:
        text = rx.sub(repl, text)
    # anything left that looks like a name, an IRI or a path came from the file
    words = [w for w in text.split() if not any(c in w.rstrip(":,.") for c in ":/\\@_#=")]
    return (where + " ".join(words))[:160].strip() or "syntax error"


def merge_named_graphs(graph: Any) -> None:
    """Move the triples of every named graph in an rdflib Graph's store into the graph itself.

    rdflib's TriG and N-Quads parsers put named-graph triples in other contexts of the graph's
    store, where a plain ``Graph`` never shows them (export and validate saw none). Merging them
    gives the rdflib paths the same triples as the query path (see :mod:`spasmkg.engine.store`).
    """
    store = graph.store
    if not getattr(store, "context_aware", False):
        return
    others = [c for c in store.contexts() if getattr(c, "identifier", c) != graph.identifier]
    if not others:
        return
    for (s, p, o), _ in list(store.triples((None, None, None), None)):
        graph.add((s, p, o))
    for c in others:
        store.remove((None, None, None), c)


def format_name(media_type: str) -> str:
    """The usual name of an RDF format (``text/turtle`` -> ``Turtle``)."""
    return _FORMAT_NAMES.get(media_type, media_type)


_HEAD = 65536


def _find_markup(path: Path, needles: tuple[bytes, ...]) -> int | None:
    """Byte offset of the first needle anywhere in the file (read in overlapping blocks), else None.

    The whole file is searched, not only its head: a DOCTYPE may follow any amount of
    comments or white space. Matching is case-insensitive (expat is not, but it costs nothing).
    """
    overlap = max(len(n) for n in needles) - 1
    offset = 0
    tail = b""
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            data = (tail + block).upper()
            hits = [i for i in (data.find(n) for n in needles) if i >= 0]
            if hits:
                return offset - len(tail) + min(hits)
            tail = block[-overlap:]
            offset += len(block)
    return None


# ---------------------------------------------------------------- JSON-LD without fetching

MAX_JSON_DEPTH = 64


def check_jsonld(path: Path) -> Any:
    """Parse a JSON-LD file and refuse remote contexts and deep nesting (nothing is fetched)."""
    import json

    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: invalid UTF-8 at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(doc, dict | list):
        raise InputError(f"{path}: not a JSON-LD document (expected a JSON object or array)")
    _walk_jsonld(doc, path, 0)
    return doc


def _walk_jsonld(node: Any, path: Path, depth: int) -> None:
    if depth > MAX_JSON_DEPTH:
        raise InputError(f"{path}: JSON-LD nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                _check_context(value, path)
            _walk_jsonld(value, path, depth + 1)
    elif isinstance(node, list):
        for item in node:
            _walk_jsonld(item, path, depth + 1)


def _check_context(ctx: Any, path: Path) -> None:
    """Refuse a context that would be fetched: a string (IRI) anywhere in it, or ``@import``."""
    items = ctx if isinstance(ctx, list) else [ctx]
    for item in items:
        if isinstance(item, str):
            raise InputError(
                f"{path}: remote JSON-LD @context {item[:80]!r} is refused (nothing is fetched); inline it"
            )
        if isinstance(item, list):
            _check_context(item, path)
        if isinstance(item, dict) and "@import" in item:
            raise InputError(f"{path}: JSON-LD @import is refused (nothing is fetched)")
