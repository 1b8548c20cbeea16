"""Minimal reproducers for the two pyoxigraph 0.5 behaviours that matter for SHACL (issue 13).

    python bench/shacl/repro_oxigraph.py            # needs only pyoxigraph

Stand-alone on purpose (no spasmkg import), so that it can go into an upstream bug report as is.
The project's own check of behaviours 1 and 2 is ``spasmkg.check.shacl_sparql.oxigraph_quirks()``,
run by tests/test_shacl_engine.py: it builds the same kind of claims-and-axioms graph as
:func:`graph` below, inline, so there is no production helper to import here.

1. The store canonicalises typed literals: "05"^^xsd:nonNegativeInteger is stored (and returned) as
   "5"^^xsd:integer -- every type derived from xsd:integer becomes xsd:integer, and numeric and
   boolean lexical forms are canonicalised ("10.0"^^xsd:decimal -> "10"). The parser keeps them.
   So ``sh:datatype xsd:nonNegativeInteger`` cannot be checked on the store (pySHACL on a pyoxigraph
   store reports every oa:start / oa:end of the shipped graph). shacl_sparql.py keeps a side table.
2. ``FILTER NOT EXISTS { ?a :p1 ?x ; :p2 ?y ; :p3 ?z }`` with ?x ?y ?z bound outside takes time
   quadratic in the data: the EXISTS group is planned without the outer bindings (oxigraph issues
   #885 and #1951), so a whole predicate is scanned per outer row. The same test written as a chain
   of nested single-pattern EXISTS (what shacl_sparql.py generates), or as MINUS, is linear.
3. Loading the in-memory store is slightly superlinear: the time per triple grows by ≈ 1.4x from
   100 k to 800 k triples (N^1.15 on the N = 10 -> 100 synthetic graphs: 0.23 s -> 3.3 s).
"""

from __future__ import annotations

import time

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"


def canonicalisation() -> None:
    literals = [f'"05"^^<{XSD}nonNegativeInteger>', f'"10.0"^^<{XSD}decimal>', f'"1"^^<{XSD}boolean>']
    data = "".join(f"<urn:s{i}> <urn:p> {lit} .\n" for i, lit in enumerate(literals))
    parsed = {q.subject.value: str(q.object) for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES)
    stored = {q.subject.value: str(q.object) for q in store}
    print("1. literal canonicalisation in the store")
    for s in sorted(parsed):
        print(f"   parsed {parsed[s]:60} stored {stored[s]}")


def graph(n: int) -> str:
    """n claims ``:s_i ?p :o_i``; every second one has a reified axiom (source, property, target, evidence).

    (``shacl_sparql.oxigraph_quirks`` writes the same graph, without the evidence, inline: kept as a
    copy here so that this file needs only pyoxigraph.)
    """
    lines = []
    for i in range(n):
        lines.append(f"<urn:s{i}> <urn:rel{i % 7}> <urn:o{i}> .")
        if i % 2 == 0:
            lines.append(f"<urn:ax{i}> <urn:source> <urn:s{i}> .")
            lines.append(f"<urn:ax{i}> <urn:property> <urn:rel{i % 7}> .")
            lines.append(f"<urn:ax{i}> <urn:target> <urn:o{i}> .")
            lines.append(f"<urn:ax{i}> <urn:evidence> <urn:ev{i}> .")
    return "\n".join(lines)


CLAIMS = "?s ?p ?o FILTER(STRSTARTS(STR(?p), 'urn:rel'))"
QUERIES = {
    "NOT EXISTS { 4 patterns }": f"""SELECT (COUNT(*) AS ?n) WHERE {{ {CLAIMS}
        FILTER NOT EXISTS {{ ?a <urn:source> ?s ; <urn:property> ?p ; <urn:target> ?o ; <urn:evidence> ?e }} }}""",
    "nested single-pattern EXISTS": f"""SELECT (COUNT(*) AS ?n) WHERE {{ {CLAIMS}
        FILTER NOT EXISTS {{ ?a <urn:source> ?s FILTER EXISTS {{ ?a <urn:property> ?p FILTER EXISTS {{
            ?a <urn:target> ?o FILTER EXISTS {{ ?a <urn:evidence> ?e }} }} }} }} }}""",
    "MINUS { 4 patterns }": f"""SELECT (COUNT(*) AS ?n) WHERE {{ {CLAIMS}
        MINUS {{ ?a <urn:source> ?s ; <urn:property> ?p ; <urn:target> ?o ; <urn:evidence> ?e }} }}""",
}


def not_exists_scaling(sizes: tuple[int, ...] = (1000, 2000, 4000, 8000), limit: float = 20.0) -> None:
    print("2. FILTER NOT EXISTS over a multi-pattern group (seconds; count of claims without axiom)")
    stores = {}
    for n in sizes:
        stores[n] = ox.Store()
        stores[n].load(graph(n), format=ox.RdfFormat.N_TRIPLES)
    for name, q in QUERIES.items():
        cells = []
        for n in sizes:
            started = time.perf_counter()
            count = next(iter(stores[n].query(q)))[0].value
            secs = time.perf_counter() - started
            cells.append(f"n={n}: {secs:.3f} s ({count})")
            if secs > limit:
                break
        print(f"   {name:30} " + "  ".join(cells))


def load_scaling(sizes: tuple[int, ...] = (100_000, 200_000, 400_000, 800_000)) -> None:
    print("3. Store.load of n synthetic triples (best of 2; microseconds per triple)")
    cells = []
    for n in sizes:
        data = "".join(f'<urn:s{i // 10}> <urn:p{i % 10}> "v{i}" .\n' for i in range(n)).encode()
        best = float("inf")
        for _ in range(2):
            store = ox.Store()
            started = time.perf_counter()
            store.load(data, format=ox.RdfFormat.N_TRIPLES)
            best = min(best, time.perf_counter() - started)
            del store
        cells.append(f"n={n}: {best:.2f} s ({best / n * 1e6:.2f} us)")
    print("   " + "  ".join(cells))


if __name__ == "__main__":
    print(f"pyoxigraph {ox.__version__}")
    canonicalisation()
    not_exists_scaling()
    load_scaling()
