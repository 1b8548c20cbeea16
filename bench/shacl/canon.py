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
#: The rdf:type triples RDFS entailment adds (subClassOf, domain, range), for the engines that do no
#: inference of their own (pyshacl-ox in engines.py, rudof-closure in rudof_runner.py).
RDFS_TYPES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?x rdf:type ?c } WHERE {
  { ?x rdf:type/rdfs:subClassOf+ ?c }
  UNION { ?p rdfs:domain/rdfs:subClassOf* ?c . ?x ?p ?o }
  UNION { ?p rdfs:range/rdfs:subClassOf* ?c . ?s ?p ?x FILTER(!isLiteral(?x)) }
}
"""


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
    """A function naming the terms of ``store`` (blank nodes and skolem IRIs by their edges in the
    default graph: the lexical side table of ``spasmkg.check.shacl_sparql`` is a named graph)."""

    def name(term: object) -> str:
        plain = ox_name(term)
        if plain is not None:
            return plain
        if term is None:
            return ""
        quads = store.quads_for_pattern(term, None, None, ox.DefaultGraph())  # type: ignore[arg-type]
        edges = [(q.predicate.value, ox_name(q.object)) for q in quads]
        return describe(edges)

    return name
