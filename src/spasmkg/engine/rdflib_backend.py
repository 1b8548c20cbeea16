"""rdflib as a second SPARQL engine (to check that both engines agree) and the graph as an rdflib Graph."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from spasmkg.engine import execute as engine
from spasmkg.engine.execute import Result
from spasmkg.engine.store import DataArg, input_files
from spasmkg.errors import QueryError

if TYPE_CHECKING:
    import rdflib

__all__ = ["algebra_has", "load_graph", "sparql_rdflib"]


def load_graph(data: DataArg = ()) -> rdflib.Graph:
    """The asserted graph (ontology + knowledge + ``data``) as an rdflib Graph, cached within the process.

    Callers must not change it: copy it first (``spasmkg.reason.graph.load(inferred=True)`` does).
    """
    return _load(tuple(str(d) for d in data))


@cache
def _load(data: tuple[str, ...]) -> rdflib.Graph:
    from spasmkg.io.inputs import merge_named_graphs
    from spasmkg.io.rdf import parse_files

    g = parse_files(input_files(data))
    merge_named_graphs(g)  # TriG/N-Quads: named graphs merged, as on the query path
    return g


def sparql_rdflib(text: str, *, bindings: dict[str, tuple[str, str]] | None = None, data: DataArg = ()) -> Result:
    """Evaluate with rdflib instead of pyoxigraph (used to check both engines agree).

    No network on this path either: the text check (:func:`spasmkg.engine.sparqlcheck.check_query`, which
    also reads the query with its ``\\u`` escapes expanded, as rdflib does) runs first, then the
    query is parsed once and its algebra, the very object rdflib evaluates, is searched for
    ``SERVICE`` before evaluation. rdflib has no switch to turn ``SERVICE`` off (only the
    process-wide ``CUSTOM_EVALS`` hook), so the refusal is made on what it would evaluate.
    ``FROM`` graphs are never fetched (``SPARQL_LOAD_GRAPHS = False``).
    """
    import rdflib
    import rdflib.plugins.sparql as rsparql

    from spasmkg.engine.sparqlcheck import check_query
    from spasmkg.namespaces import ALL_PREFIXES

    check_query(text)
    try:
        prepared = rsparql.prepareQuery(text, initNs=ALL_PREFIXES)
    except Exception as exc:  # pyparsing and rdflib raise many types
        raise QueryError(f"SPARQL syntax error: {' '.join(str(exc).split())[:300]}") from None
    if algebra_has(prepared.algebra, "ServiceGraphPattern"):
        raise QueryError("SERVICE clauses are refused: spasmkg never opens network connections")
    rsparql.SPARQL_LOAD_GRAPHS = False
    g = load_graph(data)
    init = {k: rdflib.URIRef(v) if kind == "iri" else rdflib.Literal(v) for k, (kind, v) in (bindings or {}).items()}
    res = g.query(prepared, initBindings=init)
    if res.type == "ASK":
        return Result("ask", boolean=bool(res.askAnswer))
    if res.type in ("CONSTRUCT", "DESCRIBE"):
        return Result("graph", triples=list(res.graph or []))
    cols = [str(v) for v in res.vars or []]
    rows = [{c: _rdflib_value(r[c]) for c in cols} for r in res]  # type: ignore[call-overload,index]
    return Result("select", columns=cols, rows=rows)


def algebra_has(node: Any, name: str) -> bool:
    """True if an rdflib SPARQL algebra tree contains a part called ``name`` (e.g. ``ServiceGraphPattern``)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    todo, seen = [node], set()
    while todo:
        n = todo.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, CompValue):
            if n.name == name:
                return True
            todo.extend(n.values())
        elif isinstance(n, dict):
            todo.extend(n.values())
        elif isinstance(n, list | tuple | set | frozenset):
            todo.extend(n)
    return False


def _rdflib_value(term: Any) -> Any:
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.Literal):
        import pyoxigraph

        dt = pyoxigraph.NamedNode(str(term.datatype)) if term.datatype else None
        lit = pyoxigraph.Literal(str(term), datatype=dt) if dt else pyoxigraph.Literal(str(term))
        return engine.py_value(lit)
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return str(term)
