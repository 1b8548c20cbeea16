"""**Ill-typed literals** (``"abc"^^xsd:integer``) on the rdflib path: rdflib logs each with a Python
traceback; :func:`quiet_literal_log` keeps that off stderr and :func:`ill_typed_literals` reports
each in one line (``export`` and ``reason`` warn, ``validate`` fails its ``literals`` check).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from spasmkg.namespaces import curie

if TYPE_CHECKING:
    import rdflib

__all__ = ["ill_typed_literals", "ill_typed_triples", "literal_text", "node_text", "quiet_literal_log"]


@contextlib.contextmanager
def quiet_literal_log() -> Iterator[None]:
    """Keep rdflib's "Failed to convert Literal lexical form" warnings (each with a Python traceback)
    off stderr inside the block; :func:`ill_typed_literals` reports those literals in one line each."""

    def keep(record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form")

    logger = logging.getLogger("rdflib.term")
    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


def ill_typed_triples(g: rdflib.Graph) -> list[tuple[Any, Any, Any]]:
    """The triples of ``g`` whose object is an ill-typed literal (``"abc"^^xsd:integer``), sorted."""
    import rdflib

    return sorted(t for t in g if isinstance(t[2], rdflib.Literal) and t[2].ill_typed)


def literal_text(o: Any) -> str:
    """A typed literal as ``"lexical form"^^xsd:datatype``, its text cut to 60 characters."""
    text = str(o)
    shown = text[:60] + ("..." if len(text) > 60 else "")
    return f"{json.dumps(shown, ensure_ascii=False)}^^{curie(str(o.datatype))}"


def node_text(n: Any) -> str:
    """A CURIE (or IRI) for an IRI, ``(blank node)`` for a blank node."""
    import rdflib

    return curie(str(n)) if isinstance(n, rdflib.URIRef) else "(blank node)"


def ill_typed_literals(g: rdflib.Graph, *, shown: int = 5) -> list[str]:
    """One warning line per ill-typed literal of ``g`` (at most ``shown``, then a count of the rest)."""
    bad = ill_typed_triples(g)
    lines = [
        f"ill-typed literal {literal_text(o)} ({node_text(s)} {curie(str(p))}): not a valid {curie(str(o.datatype))}"
        for s, p, o in bad[:shown]
    ]
    if len(bad) > shown:
        lines.append(f"... and {len(bad) - shown} more ill-typed literal(s)")
    return lines
