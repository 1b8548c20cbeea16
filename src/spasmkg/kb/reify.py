"""Reification of a triple as an ``owl:Axiom`` (one home: the builder's claims and mappings, the
reasoner's entailments)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import rdflib

__all__ = ["reify"]


def reify(g: rdflib.Graph, s: rdflib.term.Node, p: rdflib.term.Node, o: rdflib.term.Node) -> rdflib.BNode:
    """Add ``s p o`` reified as a new ``owl:Axiom`` blank node to ``g`` and return the node (the triple
    itself is not added).

    >>> import rdflib
    >>> g = rdflib.Graph()
    >>> ax = reify(g, rdflib.URIRef("urn:s"), rdflib.URIRef("urn:p"), rdflib.URIRef("urn:o"))
    >>> len(g), g.value(ax, rdflib.OWL.annotatedTarget)
    (4, rdflib.term.URIRef('urn:o'))
    """
    import rdflib
    from rdflib.namespace import OWL, RDF

    ax = rdflib.BNode()
    g.add((ax, RDF.type, OWL.Axiom))
    g.add((ax, OWL.annotatedSource, s))
    g.add((ax, OWL.annotatedProperty, p))
    g.add((ax, OWL.annotatedTarget, o))
    return ax
