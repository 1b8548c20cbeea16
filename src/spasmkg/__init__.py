"""spasmkg: a provenance-first knowledge graph of back muscle spasms.

Not medical advice. The public API (imported lazily, so ``import spasmkg`` stays cheap)::

    spasmkg.load(inferred=False)        # rdflib.Graph of ontology + knowledge
    spasmkg.query(name, **params)       # a named query -> Result (.rows, .to_dataframe())
    spasmkg.sparql(text)                # ad-hoc read-only SPARQL -> Result
    spasmkg.to_networkx()               # networkx.MultiDiGraph with evidence on edges
    spasmkg.show(term), spasmkg.search(text), spasmkg.stats(), spasmkg.validate()
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["load", "query", "resolve", "search", "show", "sparql", "stats", "to_networkx", "validate"]


def __getattr__(name: str) -> object:
    if name in ("load", "query", "sparql", "search", "show", "stats", "resolve"):
        from spasmkg import api

        return getattr(api, name)
    if name == "to_networkx":
        from spasmkg.network import to_networkx

        return to_networkx
    if name == "validate":
        from spasmkg.validate import validate

        return validate
    raise AttributeError(f"module 'spasmkg' has no attribute {name!r}")
