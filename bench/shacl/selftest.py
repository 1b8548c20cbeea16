"""compile.py beyond ontology/shapes.ttl: features the shapes do not use yet, against pySHACL, and
features it must refuse (report, never skip silently).

    python bench/shacl/selftest.py

Each case is a tiny shapes graph and data graph; "same" means the same set of (focus node, source
shape, severity) as pySHACL (inference "none", no ontology).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import compile as shc

PREFIXES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

SUPPORTED = {
    "equals": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P . ex:P sh:path ex:p ; sh:equals ex:q .",
        "ex:a a ex:C ; ex:p 1 ; ex:q 1 . ex:b a ex:C ; ex:p 1 ; ex:q 2 .",
    ),
    "uniqueLang": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P . ex:P sh:path ex:p ; sh:uniqueLang true .",
        'ex:a a ex:C ; ex:p "x"@en , "y"@de . ex:b a ex:C ; ex:p "x"@en , "y"@en .',
    ),
    "xone / not / node": (
        """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
             sh:xone ( [ sh:path ex:p ; sh:minCount 1 ] [ sh:path ex:q ; sh:minCount 1 ] ) ;
             sh:not [ sh:path ex:r ; sh:minCount 1 ] ; sh:node ex:N .
           ex:N a sh:NodeShape ; sh:property [ sh:path ex:s ; sh:maxCount 1 ] .""",
        "ex:a a ex:C ; ex:p 1 . ex:b a ex:C ; ex:p 1 ; ex:q 1 . ex:c a ex:C ; ex:p 1 ; ex:r 1 . "
        "ex:d a ex:C ; ex:q 1 ; ex:s 1 , 2 .",
    ),
    "ranges, counts > 1, targetNode": (
        """ex:S a sh:NodeShape ; sh:targetNode ex:a , ex:b , ex:missing ;
             sh:property ex:P . ex:P sh:path ex:p ; sh:minCount 2 ; sh:maxCount 3 ; sh:maxInclusive 10 ;
             sh:minExclusive 0 .""",
        "ex:a ex:p 1 , 2 . ex:b ex:p 0 , 11 , 5 , 6 .",
    ),
    "zeroOrMore / sequence paths, sh:class": (
        """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
             sh:property ex:P . ex:P sh:path ( ex:p [ sh:zeroOrMorePath ex:q ] ) ; sh:class ex:D .""",
        "ex:a a ex:C ; ex:p ex:x . ex:x a ex:D ; ex:q ex:y . ex:y a ex:E . ex:b a ex:C ; ex:p ex:z . ex:z a ex:D .",
    ),
    "qualifiedMaxCount, severity, deactivated": (
        """ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:severity sh:Info ;
             sh:property ex:P . ex:P sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMaxCount 1 .
           ex:T a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true ; sh:class ex:Nothing .""",
        "ex:a a ex:C ; ex:p ex:x , ex:y . ex:x a ex:D . ex:y a ex:D . ex:b a ex:C ; ex:p ex:x .",
    ),
}

REFUSED = {
    "sh:closed": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .",
    "SPARQL-based target": "ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select 'SELECT ?this {}' ] .",
    "$PATH in a property shape": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; "
        'sh:sparql [ sh:select "SELECT $this WHERE { $this $PATH ?v }" ] .'
    ),
    "qualifiedValueShapesDisjoint": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; "
        "sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ."
    ),
    "unknown parameter": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:fooBar 1 .",
}


def pyshacl_keys(shapes: str, data: str) -> set[tuple[str, str, str]]:
    import pyshacl
    import rdflib
    from rdflib.namespace import SH

    _, report, _ = pyshacl.validate(
        rdflib.Graph().parse(data=PREFIXES + data, format="turtle"),
        shacl_graph=rdflib.Graph().parse(data=PREFIXES + shapes, format="turtle"),
        allow_warnings=True,
        allow_infos=True,
    )
    return {
        (
            str(report.value(r, SH.focusNode)),
            str(report.value(r, SH.sourceShape)),
            str(report.value(r, SH.resultSeverity)),
        )
        for r in report.objects(None, SH.result)
        if isinstance(report.value(r, SH.sourceShape), rdflib.URIRef)
    }


def compiled_keys(shapes: str, data: str) -> set[tuple[str, str, str]]:
    compiled = shc.compile_shapes((PREFIXES + shapes).encode(), inference="none")
    store = shc.ox.Store()
    store.load(PREFIXES + data, format=shc.ox.RdfFormat.TURTLE)
    results = shc.validate_store(store, compiled)
    return {(r.focus.value, r.shape.value, r.severity) for r in results if isinstance(r.shape, shc.ox.NamedNode)}


def main() -> int:
    failures = 0
    for name, (shapes, data) in SUPPORTED.items():
        want, got = pyshacl_keys(shapes, data), compiled_keys(shapes, data)
        ok = want == got
        failures += not ok
        print(f"{'same' if ok else 'DIFF'}  {name}: {len(want)} result(s)" + ("" if ok else f" want {want} got {got}"))
    for name, shapes in REFUSED.items():
        compiled = shc.compile_shapes((PREFIXES + shapes).encode(), inference="none")
        try:
            shc.validate_store(shc.ox.Store(), compiled)
            print(f"NOT REPORTED  {name}")
            failures += 1
        except shc.UnsupportedError as exc:
            print(f"reported  {name}: {str(exc)[:110]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
