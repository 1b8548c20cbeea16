"""The graph a server or a store gets: the shipped graph, the user's ``--data`` files and, with
``inferred``, what the reasoner derives; written as one N-Triples file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from spasmkg.namespaces import SPASMKG


def write_ntriples(path: Path, *, data: Sequence[str] = (), inferred: bool = False) -> int:
    """Write the graph to ``path`` as N-Triples; return the number of triples.

    Without ``inferred`` the query path's pyoxigraph store is dumped (TriG/N-Quads named graphs
    are already merged into the default graph there). With ``inferred`` the graph is read with
    rdflib and the materialised entailments are added, each with an ``owl:Axiom`` carrying
    ``spasmkg:derivedBy``, exactly as ``spasmkg export --inferred`` writes them.
    """
    if not inferred:
        import pyoxigraph

        from spasmkg.engine.store import open_store

        store = open_store(tuple(data))
        store.dump(str(path), pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
        return len(store)
    g = inferred_graph(data)
    path.write_bytes(g.serialize(format="nt", encoding="utf-8"))
    return len(g)


def inferred_graph(data: Sequence[str] = ()):  # type: ignore[no-untyped-def]
    """The rdflib graph with the materialised entailments (same triples as ``export --inferred``)."""
    import rdflib
    from rdflib.namespace import OWL, RDF

    from spasmkg.engine.store import input_files
    from spasmkg.io.inputs import merge_named_graphs
    from spasmkg.io.rdf import parse_files
    from spasmkg.reason.rules import cached_materialise

    g = parse_files(input_files(tuple(data)))
    merge_named_graphs(g)
    m = cached_materialise(g, tuple(data))
    derived_by = rdflib.URIRef(SPASMKG + "derivedBy")
    for t in sorted(m.derivations):
        s, p, o = (rdflib.URIRef(x) for x in t)
        d = m.derivations[t]
        g.add((s, p, o))
        ax = rdflib.BNode()
        g.add((ax, RDF.type, OWL.Axiom))
        g.add((ax, OWL.annotatedSource, s))
        g.add((ax, OWL.annotatedProperty, p))
        g.add((ax, OWL.annotatedTarget, o))
        g.add((ax, derived_by, rdflib.Literal(f"{d.rule}: {d.axiom}")))
    return g
