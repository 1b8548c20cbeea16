"""Where the shipped ontology, curation tables, corpus and queries live.

Installed wheels carry ``ontology/`` and ``queries/`` inside the package; a source
checkout (editable install, tests) finds them at the repository root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = [
    "context_path",
    "corpus_path",
    "corpus_text",
    "curation_dir",
    "data_root",
    "graph_files",
    "knowledge_path",
    "ontology_dir",
    "queries_dir",
    "sha256_file",
    "shapes_path",
    "tbox_path",
]

_PKG = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """Return the folder that holds ``ontology/`` and ``queries/``."""
    if (_PKG / "ontology").is_dir():
        return _PKG
    root = _PKG.parents[1]
    if (root / "ontology").is_dir():
        return root
    raise FileNotFoundError("spasmkg data files (ontology/, queries/) are missing from the installation")


def ontology_dir() -> Path:
    return data_root() / "ontology"


def queries_dir() -> Path:
    return data_root() / "queries"


def tbox_path() -> Path:
    """The hand-edited OWL ontology (TBox)."""
    return ontology_dir() / "spasmkg.ttl"


def knowledge_path() -> Path:
    """The generated knowledge graph (ABox), built from ``ontology/curation``."""
    return ontology_dir() / "knowledge.ttl"


def shapes_path() -> Path:
    return ontology_dir() / "shapes.ttl"


def context_path() -> Path:
    return ontology_dir() / "context.jsonld"


def corpus_path() -> Path:
    return ontology_dir() / "sources" / "back-spasm-corpus.txt"


def curation_dir() -> Path:
    return ontology_dir() / "curation"


def graph_files() -> list[Path]:
    """The files that together make the shipped graph, in load order."""
    return [tbox_path(), knowledge_path()]


@cache
def corpus_text() -> str:
    """The source corpus, exactly as shipped (UTF-8, offsets count code points)."""
    return corpus_path().read_text(encoding="utf-8")


def sha256_file(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
