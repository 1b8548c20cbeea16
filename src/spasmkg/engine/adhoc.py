"""Ad-hoc SPARQL: read-only queries on the graph, updates only on a private in-memory copy."""

from __future__ import annotations

from spasmkg.engine import execute as engine
from spasmkg.engine.execute import Result
from spasmkg.engine.store import DataArg, open_store
from spasmkg.errors import QueryError

__all__ = ["sparql"]


def sparql(
    text: str,
    *,
    data: DataArg = (),
    timeout: float | None = engine.DEFAULT_TIMEOUT,
    limit: int | None = engine.DEFAULT_LIMIT,
    writable: bool = False,
) -> Result:
    """Run an ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over the graph.

    Updates are refused unless ``writable=True``, in which case they run on a private
    in-memory copy (returned as ``result.triples`` of the changed graph), never on the shipped files.
    """
    from spasmkg.engine.sparqlcheck import check_query

    form = check_query(text, allow_update=writable)
    if form == "UPDATE":
        import pyoxigraph

        from spasmkg.namespaces import ALL_PREFIXES

        copy = pyoxigraph.Store()
        copy.extend(open_store(tuple(str(d) for d in data)))
        try:
            copy.update(text, prefixes=ALL_PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {' '.join(str(exc).split())}") from None
        result = Result("graph", triples=[(q.subject, q.predicate, q.object) for q in copy])
    else:
        result = engine.run(text, data=data, timeout=timeout, limit=limit)
    result.medical = True  # an ad-hoc query may return medical content: it carries the notice, as in the CLI
    return result
