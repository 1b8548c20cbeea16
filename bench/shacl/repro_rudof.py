"""Minimal reproducers for the pyrudof 0.3.35 problems found with ontology/shapes.ttl (issue 13).

    /tmp/shacl-eval/venv-rudof/bin/python bench/shacl/repro_rudof.py      # needs only pyrudof

1. sh:maxLength counts UTF-8 bytes, not characters: "…" (one character, three bytes) violates
   sh:maxLength 1. (SHACL: STRLEN of the string.) 28 false violations on the shipped graph.
2. sh:lessThan does not compare numbers of different integer datatypes: 1 (xsd:integer) is not
   found less than 2 (xsd:nonNegativeInteger). (SHACL: SPARQL's ``<``, which compares the values.)
3. A blank focus node of an sh:sparql constraint is substituted into the query as ``VALUES`` with a
   blank node, which does not parse ("expected UNDEF"): the whole validation fails.
4. An sh:sparql constraint with ``FILTER NOT EXISTS`` over several triple patterns takes quadratic
   time (it runs once per focus node, and each run scans: compare repro_oxigraph.py).
"""

from __future__ import annotations

import time

import pyrudof

PREFIXES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def validate(data: str, shapes: str) -> pyrudof.ShaclValidationReport:
    r = pyrudof.Rudof(pyrudof.RudofConfig())
    r.read_data(PREFIXES + data, format=pyrudof.RDFFormat.Turtle)
    r.read_shacl(PREFIXES + shapes)
    return r.validate_shacl()


def show(title: str, data: str, shapes: str, expected: str) -> None:
    try:
        report = validate(data, shapes)
        got = f"conforms={report.conforms}, {len(report)} result(s)"
    except Exception as exc:
        got = f"{type(exc).__name__}: {exc}"
    print(f"{title}\n   expected: {expected}\n   pyrudof:  {got}")


SPARQL_SHAPE = """ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:rel ;
  sh:sparql [ sh:select \"\"\"
    PREFIX ex: <http://example.org/>
    SELECT $this ?value WHERE {
      $this ex:rel ?value .
      FILTER NOT EXISTS { ?a ex:source $this ; ex:target ?value ; ex:evidence ?e . }
    }\"\"\" ] .
"""


def scaling(sizes: tuple[int, ...] = (1000, 2000, 4000, 8000, 16000), limit: float = 30.0) -> None:
    cells = []
    for n in sizes:
        lines = []
        for i in range(n):
            lines.append(f"ex:s{i} ex:rel ex:o{i} .")
            if i % 2 == 0:
                lines.append(f"ex:a{i} ex:source ex:s{i} ; ex:target ex:o{i} ; ex:evidence ex:e{i} .")
        started = time.perf_counter()
        report = validate("\n".join(lines), SPARQL_SHAPE)
        secs = time.perf_counter() - started
        cells.append(f"n={n}: {secs:.2f} s ({len(report)})")
        if secs > limit:
            break
    print("4. sh:sparql with FILTER NOT EXISTS over 3 patterns (seconds, results)\n   " + "  ".join(cells))


if __name__ == "__main__":
    show(
        "1. sh:maxLength 1 on the one-character string '…'",
        'ex:a ex:p "…" .',
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:maxLength 1 ] .",
        "conforms=True (STRLEN('…') = 1)",
    )
    show(
        "2. sh:lessThan between 1 (xsd:integer) and 2 (xsd:nonNegativeInteger)",
        'ex:a ex:start "1"^^xsd:integer ; ex:end "2"^^xsd:nonNegativeInteger .',
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:start ; sh:lessThan ex:end ] .",
        "conforms=True (1 < 2)",
    )
    show(
        "3. sh:sparql on a blank focus node",
        "[] ex:rel ex:o .",
        SPARQL_SHAPE,
        "conforms=False, 1 result (the blank node has no axiom)",
    )
    scaling()
