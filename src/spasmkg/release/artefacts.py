"""The graph's files in a release: RDF/XML (``.owl``), Turtle, JSON-LD and gzipped N-Triples.

Every file comes from :func:`spasmkg.io.rdf.serialise` (canonical blank-node labels, sorted), so the
same graph gives the same bytes; the gzip member has no name and no time stamp.
"""

from __future__ import annotations

import gzip
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import rdflib

#: File suffix -> (serialisation, media type).
RDF_FILES: dict[str, tuple[str, str]] = {
    ".owl": ("xml", "application/rdf+xml"),
    ".ttl": ("turtle", "text/turtle"),
    ".jsonld": ("json-ld", "application/ld+json"),
    ".nt.gz": ("nt", "application/n-triples"),
}


def gzip_bytes(data: bytes) -> bytes:
    """gzip with a fixed header (no file name, time stamp 0): the same input gives the same bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def rdf_files(g: rdflib.Graph, stem: str) -> dict[str, bytes]:
    """``{stem}.owl``, ``{stem}.ttl``, ``{stem}.jsonld`` and ``{stem}.nt.gz`` for the graph."""
    from spasmkg import resources
    from spasmkg.io.rdf import export

    out: dict[str, bytes] = {}
    for suffix, (fmt, _) in RDF_FILES.items():
        data = export(g, fmt, resources.context_path())  # the bytes of `spasmkg export -F fmt`
        out[stem + suffix] = gzip_bytes(data) if suffix.endswith(".gz") else data
    return out


def media_type(name: str) -> str:
    """The media type of a release file, by its name."""
    for suffix, (_, media) in RDF_FILES.items():
        if name.endswith(suffix):
            return media
    if name.endswith(".json"):
        return "application/json"
    if name.endswith(".tsv"):
        return "text/tab-separated-values"
    if name.endswith(".md"):
        return "text/markdown"
    return "text/plain"
