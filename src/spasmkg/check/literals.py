"""The ``literals`` check: every typed literal's lexical form is valid for its datatype.

An ill-typed literal (``"abc"^^xsd:integer``) makes an OWL 2 DL ontology inconsistent and stops
owlready2's and HermiT's parsers, so it is reported here and kept out of HermiT's input.

Runs on the validation store (pyoxigraph, :mod:`spasmkg.check.shacl_sparql`'s lexical side table
loaded). The store keeps a valid numeric or boolean literal in canonical form and an invalid one
as written, so one SPARQL filter leaves only the literals that may be ill-typed: numeric and
boolean ones the store could not read, other non-string datatypes (dates, ...), and, from the
side table, integer-family literals as written (``"-1"^^xsd:nonNegativeInteger`` is stored as a
valid ``xsd:integer``). Plainly valid integers and dates are accepted at once; the rest (few, if
any) are judged by rdflib's ``Literal.ill_typed``, the rule the rdflib paths of the tool
(``export``, ``reason``) use, so both agree.
"""

from __future__ import annotations

import json
import re
import time
from typing import TYPE_CHECKING

from spasmkg.check.report import Check, violation
from spasmkg.check.shacl_sparql import INTEGER_FAMILY, LEXICAL_DT, LEXICAL_GRAPH
from spasmkg.namespaces import curie

if TYPE_CHECKING:
    import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Typed literals of the default graph that may be ill-typed (the store read the others: valid numeric
#: literals, integer-family ones included, are numbers to it).
CANDIDATES = f"""
SELECT ?s ?p ?o WHERE {{
  ?s ?p ?o
  FILTER(isLiteral(?o) && !isNumeric(?o) && datatype(?o) != <{XSD}string> && datatype(?o) != <{RDF_LANGSTRING}>
         && !(datatype(?o) = <{XSD}boolean> && (STR(?o) = "true" || STR(?o) = "false")))
}}"""
#: Integer-family literals as written (the side table), whose range the store does not check.
INTEGER_CANDIDATES = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{LEXICAL_GRAPH}> {{ ?s ?p ?o }} }}"
COUNT = f"""
SELECT (COUNT(*) AS ?n) WHERE {{
  ?s ?p ?o FILTER(isLiteral(?o) && datatype(?o) != <{XSD}string> && datatype(?o) != <{RDF_LANGSTRING}>)
}}"""


def literal_text(value: str, datatype: str) -> str:
    """A typed literal as ``"lexical form"^^xsd:datatype``, its text cut to 60 characters."""
    shown = value[:60] + ("..." if len(value) > 60 else "")
    return f"{json.dumps(shown, ensure_ascii=False)}^^{curie(datatype)}"


def _integer_ok(value: str, datatype: str) -> bool:
    """The fast, exact test for integer-family forms that are plainly valid (no spaces, in range)."""
    digits = value[1:] if value[:1] in "+-" else value
    if not digits.isdigit() or not digits.isascii():
        return False
    lo, hi = INTEGER_FAMILY.get(datatype, (None, None))
    n = int(value)
    return (lo is None or n >= lo) and (hi is None or n <= hi)


_PLAIN_DATES = {
    XSD + "date": re.compile(r"(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?"),
    XSD + "dateTime": re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(Z|[+-]\d{2}:\d{2})?"),
    XSD + "gYear": re.compile(r"(\d{4})(Z|[+-]\d{2}:\d{2})?"),
}


def _plainly_valid(value: str, datatype: str) -> bool:
    """True for the common, plainly valid date forms (so rdflib need not be imported for them)."""
    import datetime as dt

    pattern = _PLAIN_DATES.get(datatype)
    m = pattern.fullmatch(value) if pattern else None
    if m is None:
        return False
    try:
        if datatype == XSD + "date":
            dt.date.fromisoformat(m.group(1))
        elif datatype == XSD + "dateTime":
            dt.datetime.fromisoformat(m.group(1))
    except ValueError:
        return False
    return True


def check_literals(store: ox.Store) -> tuple[Check, set[str]]:
    """The check, and the ill-typed literals as written, in N-Triples syntax (kept out of HermiT's input)."""
    import pyoxigraph as ox

    from spasmkg.check.shacl_sparql import select

    started = time.perf_counter()
    maybe: list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, str, str]] = []
    for row in select(store, CANDIDATES):
        o = row["o"]
        if not _plainly_valid(o.value, o.datatype.value):
            maybe.append((row["s"], row["p"], o.value, o.datatype.value))
    for row in select(store, INTEGER_CANDIDATES):
        o = row["o"]
        dt = o.datatype.value.removeprefix(LEXICAL_DT)
        if not _integer_ok(o.value, dt):
            maybe.append((row["s"], row["p"], o.value, dt))
    bad: list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, str, str]] = []
    if maybe:
        import rdflib

        from spasmkg.io.literals import quiet_literal_log

        with quiet_literal_log():
            bad = [m for m in maybe if rdflib.Literal(m[2], datatype=rdflib.URIRef(m[3])).ill_typed]
    bad = sorted(set(bad), key=lambda m: (str(m[0]), str(m[1]), m[2], m[3]))
    count = int(next(iter(select(store, COUNT)))["n"].value)
    violations = [
        violation(
            f"ill-typed literal {literal_text(v, dt)}: not a valid {curie(dt)}",
            [s],
            focus=curie(s.value) if isinstance(s, ox.NamedNode) else "(blank node)",
            path=curie(p.value),
        )
        for s, p, v, dt in bad
    ]
    ill = {str(ox.Literal(v, datatype=ox.NamedNode(dt))) for _, _, v, dt in bad}
    summary = f"{count} typed literal(s) checked" + (f"; {len(violations)} ill-typed" if violations else "")
    return Check("literals", not violations, summary, violations, time.perf_counter() - started), ill
