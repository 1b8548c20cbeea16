"""Checks on user-supplied RDF files before any parser sees them (one-line errors, exit 2)."""

from __future__ import annotations

from pathlib import Path

from spasmkg.safety import MAX_INPUT_BYTES, MAX_VALIDATE_BYTES, InputError

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
            + (
                " (SHACL takes minutes per MiB; raise the limit with 'validate --max-mb')"
                if purpose == "validate"
                else ""
            )
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
        from spasmkg.rdfio import check_jsonld

        check_jsonld(path)
    if fmt == "application/rdf+xml":
        where = _find_markup(path, (b"<!DOCTYPE", b"<!ENTITY"))
        if where is not None:
            raise InputError(
                f"{path}: RDF/XML with a DOCTYPE or entity declarations (byte {where}) is refused "
                "(external entities and entity expansion are never processed)"
            )
    return path


def check_validate_file(path: Path | str, max_bytes: int | None = None) -> Path:
    """:func:`check_input_file` with the lower size limit of ``validate`` (``MAX_VALIDATE_BYTES``
    unless ``max_bytes`` raises or lowers it)."""
    return check_input_file(path, max_bytes=max_bytes or MAX_VALIDATE_BYTES, purpose="validate")


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
