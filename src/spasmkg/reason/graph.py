"""The graph with its entailments: the asserted graph plus every triple the materialiser derives,
each marked by an ``owl:Axiom`` with ``spasmkg:derivedBy`` (rule and axiom)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from spasmkg.engine.rdflib_backend import load_graph
from spasmkg.engine.store import DataArg
from spasmkg.namespaces import SPASMKG

if TYPE_CHECKING:
    import rdflib

__all__ = ["add_inferred", "load"]


def load(inferred: bool = False, data: DataArg = ()) -> rdflib.Graph:
    """The graph (ontology + knowledge + ``data``) as an rdflib Graph, with entailments if ``inferred``;
    cached within the process (do not change it)."""
    files = tuple(str(d) for d in data)
    return _inferred(files) if inferred else load_graph(files)


@cache
def _inferred(data: tuple[str, ...]) -> rdflib.Graph:
    from spasmkg.engine.store import input_files
    from spasmkg.io.inputs import merge_named_graphs
    from spasmkg.io.rdf import parse_files

    g = parse_files(input_files(data))
    merge_named_graphs(g)
    add_inferred(g, data)
    return g


def add_inferred(g: rdflib.Graph, data: tuple[str, ...] = ()) -> None:
    """Add the materialised entailments, each marked by an owl:Axiom with spasmkg:derivedBy."""
    import rdflib

    from spasmkg.kb.reify import reify
    from spasmkg.reason.rules import cached_materialise

    m = cached_materialise(g, data)
    derived_by = rdflib.URIRef(SPASMKG + "derivedBy")
    for t in sorted(m.derivations):
        s, p, o = (rdflib.URIRef(x) for x in t)
        d = m.derivations[t]
        g.add((s, p, o))
        ax = reify(g, s, p, o)
        g.add((ax, derived_by, rdflib.Literal(f"{d.rule}: {d.axiom}")))
