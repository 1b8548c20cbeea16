"""Named queries run with their parameters bound as RDF terms (labels resolved to IRIs)."""

from __future__ import annotations

from spasmkg.engine import catalog
from spasmkg.engine import execute as engine
from spasmkg.engine.execute import Result
from spasmkg.engine.lookup import label_index
from spasmkg.engine.store import DataArg
from spasmkg.errors import QueryError

__all__ = ["bind_params", "bound_text", "query"]


def query(
    name: str,
    params: dict[str, str] | None = None,
    *,
    data: DataArg = (),
    timeout: float | None = engine.DEFAULT_TIMEOUT,
    limit: int | None = engine.DEFAULT_LIMIT,
    engine_name: str = "oxigraph",
    **kwparams: str,
) -> Result:
    """Run a named query. Parameters are bound as RDF terms (labels resolved to IRIs)."""
    q = catalog.get(name)
    twice = sorted(set(params or {}) & set(kwparams))
    if twice:
        raise QueryError(f"parameter {twice[0]!r} is given more than once; give each parameter once")
    values = {**(params or {}), **kwparams}
    catalog.parse_params(q, [f"{k}={v}" for k, v in values.items()])
    bindings = bind_params(q, values, data)
    text = bound_text(q.text, bindings)
    if engine_name == "rdflib":
        from spasmkg.engine.rdflib_backend import sparql_rdflib

        result = sparql_rdflib(text, data=data)
    else:
        result = engine.run(text, data=data, timeout=timeout, limit=None if q.critical else limit)
    result.medical = q.medical
    return result


def bound_text(text: str, bindings: dict[str, tuple[str, str]]) -> str:
    """The query text with parameters pre-bound as RDF terms (serialised and escaped by pyoxigraph)."""
    import pyoxigraph

    from spasmkg.engine.catalog import inject_values

    terms = {
        k: str(pyoxigraph.NamedNode(v)) if kind == "iri" else str(pyoxigraph.Literal(v))
        for k, (kind, v) in bindings.items()
    }
    return inject_values(text, terms)


def bind_params(q: catalog.NamedQuery, values: dict[str, str], data: DataArg = ()) -> dict[str, tuple[str, str]]:
    """Resolve parameter values to ("iri", IRI) or ("literal", text) pairs."""
    out: dict[str, tuple[str, str]] = {}
    for key, value in values.items():
        p = q.param(key)
        assert p is not None
        if p.type == "string":
            out[key] = ("literal", value)
        elif p.type == "class":
            iri = _exact(value, data, classes=True)
            out[key] = ("iri", iri or label_index(data).resolve(value, classes=True, what=f"{key} (a class)"))
        else:
            iri = _exact(value, data, classes=False)
            out[key] = ("iri", iri or label_index(data).resolve(value, what=key))
    return out


_EXACT = """
SELECT DISTINCT ?s WHERE {
  { ?s rdfs:label ?l } UNION { ?s skos:altLabel ?l } UNION { ?s skos:hiddenLabel ?l }
  FILTER(isIRI(?s) && LCASE(STR(?l)) = ?key)
  OPTIONAL { ?s a owl:Class BIND(true AS ?cls) }
  FILTER(BOUND(?cls) = ?classes)
} LIMIT 2
"""


def _exact(value: str, data: DataArg, *, classes: bool) -> str | None:
    """The one concept whose CURIE, IRI, label or synonym equals ``value`` (case-insensitive), else None.

    A fast path for parameters: one query instead of building the full label index, which is still
    used for prefixes, ambiguity and suggestions.
    """
    import pyoxigraph

    from spasmkg.engine.lookup import normalise
    from spasmkg.namespaces import expand

    iri = expand(value)
    if iri is not None:
        return None  # CURIEs/IRIs are checked against the index (existence, kind)
    key = normalise(value)
    if not key or "'" in key:
        return None  # curly/straight quote folding is the index's job
    bindings = {"key": pyoxigraph.Literal(key), "classes": pyoxigraph.Literal(classes)}
    rows = engine.run(_EXACT, data=data, bindings=bindings, limit=None).rows
    return str(rows[0]["s"]) if len(rows) == 1 else None
