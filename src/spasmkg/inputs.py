"""Checks on user-supplied RDF files before any parser sees them (one-line errors, exit 2)."""

from __future__ import annotations

from pathlib import Path

from spasmkg.safety import MAX_INPUT_BYTES, InputError

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


def check_input_file(path: Path) -> Path:
    """Refuse missing, empty, huge, non-UTF-8 or entity-declaring files with a one-line error."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: file is empty")
    if size > MAX_INPUT_BYTES:
        raise InputError(f"{path}: file is {size / 1e6:.0f} MB, over the {MAX_INPUT_BYTES / 1e6:.0f} MB input limit")
    fmt = rdf_format(path)
    with path.open("rb") as fh:
        head = fh.read(65536)
    if b"\x00" in head:
        raise InputError(f"{path}: binary content, not an RDF text file")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a multibyte character cut at the block end
            raise InputError(f"{path}: invalid UTF-8 at byte {exc.start}") from None
    if fmt == "application/ld+json":
        from spasmkg.rdfio import check_jsonld

        check_jsonld(path)
    if fmt == "application/rdf+xml" and (b"<!ENTITY" in head or b"<!DOCTYPE" in head):
        raise InputError(
            f"{path}: RDF/XML with a DOCTYPE or entity declarations is refused (external entities, entity expansion)"
        )
    return path
