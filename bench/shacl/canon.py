"""Engine-independent names for validation results (needs only pyoxigraph; shared with rudof_runner.py).

Results are compared on (focus node, source shape, severity). Blank nodes get different labels in
every parser, so a blank focus node is named by its outgoing edges: ``_:[p1 o1; p2 o2; ...]`` with
IRIs as IRIs, literals by their lexical form and nested blank nodes as ``_``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
#: Namespace that rudof_runner.py uses to skolemise blank nodes.
SKOLEM = "https://bnode.invalid/"


def describe(edges: Iterable[tuple[str, str | None]]) -> str:
    """The name of a blank node from its (predicate IRI, object name or None for a blank node) edges."""
    return "_:[" + "; ".join(sorted(f"{p} {o if o is not None else '_'}" for p, o in edges)) + "]"


def ox_name(term: object) -> str | None:
    """Name of a pyoxigraph term that is not a blank node (None for a blank node)."""
    if isinstance(term, ox.NamedNode):
        return term.value if not term.value.startswith(SKOLEM) else None
    if isinstance(term, ox.Literal):
        return term.value
    return None


def ox_describer(store: ox.Store) -> Callable[[object], str]:
    """A function naming the terms of ``store`` (blank nodes and skolem IRIs by their edges)."""

    def name(term: object) -> str:
        plain = ox_name(term)
        if plain is not None:
            return plain
        if term is None:
            return ""
        edges = [(q.predicate.value, ox_name(q.object)) for q in store.quads_for_pattern(term, None, None, None)]  # type: ignore[arg-type]
        return describe(edges)

    return name
