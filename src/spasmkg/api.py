"""The Python API: everything the CLI does, as typed functions that return values. A facade only:
each name is implemented in a lower layer (README "Code map") and re-exported here.

Not medical advice: the graph summarises one web-text corpus.

>>> import spasmkg
>>> r = spasmkg.query("contraindicated-while-driving")
>>> "muscle relaxants" in {row["treatmentLabel"] for row in r.rows}
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spasmkg.engine.adhoc import sparql
from spasmkg.engine.describe import Concept, Stats, show, stats
from spasmkg.engine.execute import Result
from spasmkg.engine.lookup import Match, label_index, resolve
from spasmkg.engine.named import query
from spasmkg.engine.store import DataArg, open_store
from spasmkg.errors import InputError, QueryError, QueryTimeout, SpasmkgError, UnknownTerm
from spasmkg.reason.graph import load

if TYPE_CHECKING:
    import pyoxigraph

    from spasmkg.check.validate import ValidationReport, validate
    from spasmkg.network.graph import to_networkx
    from spasmkg.network.kgx import graphml_text

__all__ = [
    "Concept",
    "DataArg",
    "InputError",
    "Match",
    "QueryError",
    "QueryTimeout",
    "Result",
    "SpasmkgError",
    "Stats",
    "UnknownTerm",
    "ValidationReport",
    "graphml_text",
    "load",
    "query",
    "resolve",
    "search",
    "show",
    "sparql",
    "stats",
    "store",
    "to_networkx",
    "validate",
]


def store(data: DataArg = ()) -> pyoxigraph.Store:
    """The read-only pyoxigraph store of the shipped graph merged with ``data`` files."""
    return open_store(tuple(str(d) for d in data))


def search(text: str, *, limit: int = 10, data: DataArg = ()) -> list[Match]:
    """Concepts whose label or synonym matches ``text``, best first (red flags by urgency among equals)."""
    return label_index(data).search(text, limit=limit, classes=False)


#: Imported on first use, so the query path never loads the validation or networkx modules
#: (``bench/run.py`` holds the query command to 2x a bare pyoxigraph query).
_LAZY = {
    "validate": ("spasmkg.check.validate", "validate"),
    "ValidationReport": ("spasmkg.check.validate", "ValidationReport"),
    "to_networkx": ("spasmkg.network.graph", "to_networkx"),
    "graphml_text": ("spasmkg.network.kgx", "graphml_text"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'spasmkg.api' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
