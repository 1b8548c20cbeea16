"""spasmkg: a provenance-first knowledge graph of back muscle spasms.

Not medical advice. The public API (imported lazily, so ``import spasmkg`` stays cheap; type checkers
and notebook completion see the real signatures)::

    spasmkg.load(inferred=False)        # rdflib.Graph of ontology + knowledge
    spasmkg.query(name, **params)       # a named query -> Result (.rows, .to_dataframe())
    spasmkg.sparql(text)                # ad-hoc read-only SPARQL -> Result
    spasmkg.to_networkx()               # networkx.MultiDiGraph with evidence on edges
    spasmkg.graphml_text(g)             # that graph as GraphML (nx.write_graphml refuses its lists)
    spasmkg.show(term), spasmkg.search(text), spasmkg.stats(), spasmkg.validate()

Errors users catch are in :mod:`spasmkg.errors` (all subclasses of :class:`SpasmkgError`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spasmkg._version import __version__
from spasmkg.errors import InputError, QueryError, QueryTimeout, SpasmkgError, UnknownTerm

if TYPE_CHECKING:
    from spasmkg.api import (
        Concept,
        Match,
        Result,
        Stats,
        ValidationReport,
        graphml_text,
        load,
        query,
        resolve,
        search,
        show,
        sparql,
        stats,
        to_networkx,
        validate,
    )

__all__ = [
    "Concept",
    "InputError",
    "Match",
    "QueryError",
    "QueryTimeout",
    "Result",
    "SpasmkgError",
    "Stats",
    "UnknownTerm",
    "ValidationReport",
    "__version__",
    "graphml_text",
    "load",
    "query",
    "resolve",
    "search",
    "show",
    "sparql",
    "stats",
    "to_networkx",
    "validate",
]

_LAZY = frozenset(__all__) - {"InputError", "QueryError", "QueryTimeout", "SpasmkgError", "UnknownTerm", "__version__"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from spasmkg import api

        return getattr(api, name)
    raise AttributeError(f"module 'spasmkg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
