"""Minimal reproducers: pySHACL 0.40 on a pyoxigraph store reports false violations (issue 13).

    python bench/shacl/repro_pyshacl.py

pySHACL 0.40 accepts a ``pyoxigraph.Store`` as data graph. On it:

1. ``sh:in ( "a" )`` fails for the value "a": pySHACL converts an oxigraph literal to rdflib with an
   explicit ``xsd:string`` datatype (graph_abstraction.to_rdf), and rdflib's ``==`` does not equate
   ``Literal("a", datatype=XSD.string)`` with the shapes graph's ``Literal("a")``.
2. ``sh:datatype xsd:nonNegativeInteger`` fails for "5"^^xsd:nonNegativeInteger, because the store
   keeps it as "5"^^xsd:integer (see repro_oxigraph.py #1).

The same data as an rdflib graph conforms.
"""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
import rdflib

SHAPES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:InShape a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:in ( "a" ) ] .
ex:TypeShape a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:n ; sh:datatype xsd:nonNegativeInteger ] .
"""
DATA = """@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p "a" ; ex:n "5"^^xsd:nonNegativeInteger .
"""


def main() -> None:
    shapes = rdflib.Graph().parse(data=SHAPES, format="turtle")
    as_rdflib = rdflib.Graph().parse(data=DATA, format="turtle")
    as_store = ox.Store()
    as_store.load(DATA, format=ox.RdfFormat.TURTLE)
    for label, data in (("rdflib graph", as_rdflib), ("pyoxigraph store", as_store)):
        conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes)
        shapes_hit = sorted(
            str(report.value(report.value(r, rdflib.SH.sourceShape), rdflib.SH.path) or "")
            for r in report.objects(None, rdflib.SH.result)
        )
        print(f"{label:18} conforms={conforms}  failing paths: {shapes_hit}")


if __name__ == "__main__":
    main()
