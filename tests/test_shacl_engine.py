"""The compiled SHACL engine (``spasmkg.check.shacl_sparql``) against pySHACL, the reference.

For every SHACL fixture (``tests/fixtures/shacl/``), the extra cases (``tests/fixtures/shacl_cases/``:
nodes typed only by ``rdfs:domain`` / ``rdfs:range``) and the shipped graph, both engines must report
the same set of (focus node, source shape, severity). Both run as the project runs them: the data
plus ``ontology/spasmkg.ttl``, RDFS inference, ``ontology/shapes.ttl``. pySHACL's results are
computed once per session (the shipped graph alone takes ~20 s of CPU).

Also: features the compiler does not use in ``shapes.ttl`` yet (against pySHACL on tiny graphs),
features it must refuse with an error (never skip), and the two pyoxigraph behaviours it works around
(``oxigraph_quirks``): if an upgrade changes one, a test here fails so the work-around is revisited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import SH

from spasmkg.check import shacl_sparql as engine

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
SHAPES = ONTOLOGY / "shapes.ttl"
TBOX = ONTOLOGY / "spasmkg.ttl"
KNOWLEDGE = ONTOLOGY / "knowledge.ttl"
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "shacl").glob("*.ttl"))
CASES = sorted((ROOT / "tests" / "fixtures" / "shacl_cases").glob("*.ttl"))
ALL_CASES = [*FIXTURES, *CASES, KNOWLEDGE]

Key = tuple[str, str, str]


# ------------------------------------------------------------------ engine-independent names


def describe(edges: Iterable[tuple[str, str | None]]) -> str:
    """A blank node named by its edges: IRIs as IRIs, literals as ``"literal"`` (the store
    canonicalises their lexical forms), nested blank nodes as ``_``."""
    return "_:[" + "; ".join(sorted(f"{p} {o if o is not None else '_'}" for p, o in edges)) + "]"


def rdflib_name(graph: rdflib.Graph) -> Callable[[object], str]:
    def plain(t: object) -> str | None:
        if isinstance(t, rdflib.URIRef):
            return str(t)
        return '"literal"' if isinstance(t, rdflib.Literal) else None

    def name(t: object) -> str:
        if isinstance(t, rdflib.BNode):
            return describe((str(p), plain(o)) for p, o in graph.predicate_objects(t))
        return str(t)

    return name


def ox_name(store: ox.Store) -> Callable[[object], str]:
    def plain(t: object) -> str | None:
        if isinstance(t, ox.NamedNode):
            return t.value
        return '"literal"' if isinstance(t, ox.Literal) else None

    def name(t: object) -> str:
        if isinstance(t, ox.BlankNode):
            quads = store.quads_for_pattern(t, None, None, ox.DefaultGraph())
            return describe((q.predicate.value, plain(q.object)) for q in quads)
        return t.value if isinstance(t, ox.NamedNode | ox.Literal) else str(t)

    return name


# ------------------------------------------------------------------ the two engines


def run_pyshacl(data_file: Path, shapes: rdflib.Graph, tbox: rdflib.Graph) -> set[Key]:
    """pySHACL called as the project calls it (``ont_graph``, RDFS inference, advanced, warnings)."""
    data = rdflib.Graph().parse(data_file, format="turtle")
    _, report, _ = pyshacl_validate(
        data, shacl_graph=shapes, ont_graph=tbox, inference="rdfs", advanced=True, allow_warnings=True
    )
    assert isinstance(report, rdflib.Graph)
    focus_name, shape_name = rdflib_name(data), rdflib_name(shapes)
    return {
        (
            focus_name(report.value(r, SH.focusNode)),
            shape_name(report.value(r, SH.sourceShape)),
            str(report.value(r, SH.resultSeverity)),
        )
        for r in report.objects(None, SH.result)
    }


def run_compiled(data_file: Path, compiled: engine.CompiledShapes, shapes_store: ox.Store) -> set[Key]:
    store = engine.load_store([TBOX, data_file], lexical=compiled.needs_lexical)
    results = engine.validate(store, compiled)
    focus_name, shape_name = ox_name(store), ox_name(shapes_store)
    return {(focus_name(r.focus), shape_name(r.shape), r.severity) for r in results}


@pytest.fixture(scope="session")
def compiled() -> engine.CompiledShapes:
    return engine.compile_shapes(SHAPES)


@pytest.fixture(scope="session")
def shapes_store() -> ox.Store:
    """The shapes graph as parsed by ``compile_shapes`` (same blank node labels)."""
    store = ox.Store()
    store.extend(ox.parse(path=str(SHAPES), format=ox.RdfFormat.TURTLE))
    return store


@pytest.fixture(scope="session")
def reference() -> Callable[[Path], set[Key]]:
    """pySHACL's result keys per data file, computed at most once per session."""
    shapes = rdflib.Graph().parse(SHAPES)
    tbox = rdflib.Graph().parse(TBOX)
    cache: dict[Path, set[Key]] = {}

    def get(path: Path) -> set[Key]:
        if path not in cache:
            cache[path] = run_pyshacl(path, shapes, tbox)
        return cache[path]

    return get


def test_cases_are_there() -> None:
    assert len(FIXTURES) >= 46
    assert [p.name for p in CASES] == ["rdfs-domain-range-typing.ttl"]


@pytest.mark.parametrize("data_file", ALL_CASES, ids=[p.name for p in ALL_CASES])
def test_same_results_as_pyshacl(
    data_file: Path,
    compiled: engine.CompiledShapes,
    shapes_store: ox.Store,
    reference: Callable[[Path], set[Key]],
) -> None:
    want = reference(data_file)
    got = run_compiled(data_file, compiled, shapes_store)
    assert got == want, f"missing: {sorted(want - got)}\nextra: {sorted(got - want)}"
    if data_file in CASES:
        assert want, "the extra case must produce results (RDFS domain/range typing)"


def test_fixtures_exercise_violations(reference: Callable[[Path], set[Key]]) -> None:
    """The comparison is not vacuous: every fixture but valid.ttl has a result in the reference."""
    empty = [p.name for p in FIXTURES if not reference(p)]
    assert empty == ["valid.ttl"]


def test_shipped_shapes_compile(compiled: engine.CompiledShapes) -> None:
    assert not compiled.unsupported
    assert len(compiled.shapes) >= 30
    assert compiled.needs_lexical  # oa:start / oa:end are xsd:nonNegativeInteger
    assert set(compiled.lexical_predicates) == {"http://www.w3.org/ns/oa#start", "http://www.w3.org/ns/oa#end"}
    chained = [n for n in compiled.notes if "chained" in n]
    assert any("EdgeEvidenceShape" in n for n in chained), compiled.notes
    assert not [n for n in compiled.notes if "not rewritten" in n], compiled.notes


def test_result_fields(compiled: engine.CompiledShapes) -> None:
    fixture = next(p for p in FIXTURES if p.name == "guidance-min-above-max.ttl")
    store = engine.load_store([TBOX, fixture])
    results = engine.validate(store, compiled)
    (r,) = [r for r in results if r.shape == ox.NamedNode("https://w3id.org/spasmkg/GuidanceRangeOrderShape")]
    assert r.focus == ox.NamedNode("https://w3id.org/spasmkg/resource/back_spasm_duration")
    assert r.is_violation and r.severity == str(SH.Violation)
    assert r.path == ox.NamedNode("https://w3id.org/spasmkg/minValue")
    assert isinstance(r.value, ox.Literal) and r.message


def test_progress_is_called_per_shape(compiled: engine.CompiledShapes) -> None:
    calls: list[tuple[str, int, float]] = []
    store = engine.load_store([TBOX, KNOWLEDGE])
    engine.validate(store, compiled, progress=lambda q, n, s: calls.append((q.label, n, s)))
    assert [c[0] for c in calls] == [q.label for q in compiled.shapes]
    assert all(n >= 0 and s >= 0 for _, n, s in calls)


def test_integer_datatype_uses_lexical_form(compiled: engine.CompiledShapes) -> None:
    """``"-5"^^xsd:nonNegativeInteger`` and ``"7"^^xsd:integer`` on oa:start are violations, although the
    store keeps both as xsd:integer; "05"^^xsd:nonNegativeInteger is fine."""
    pre = "@prefix oa: <http://www.w3.org/ns/oa#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    evidence = "a <https://w3id.org/spasmkg/Evidence> ; oa:start {} ; oa:end 9 ."
    data = pre + "\n".join(
        f"<urn:ev{i}> " + evidence.format(v)
        for i, v in enumerate(['"-5"^^xsd:nonNegativeInteger', '"7"^^xsd:integer', '"05"^^xsd:nonNegativeInteger'])
    )
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.TURTLE)
    with pytest.raises(engine.ShaclError, match="side table"):
        engine.validate(store, compiled)
    engine.add_lexical_side_table(store, ox.parse(data, format=ox.RdfFormat.TURTLE))
    bad = {
        r.focus.value
        for r in engine.validate(store, compiled)
        if r.component == "Datatype" and r.path == ox.NamedNode("http://www.w3.org/ns/oa#start")
    }
    assert bad == {"urn:ev0", "urn:ev1"}


# ------------------------------------------------------------------ beyond shapes.ttl

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
    "xone, not, node": (
        """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
             sh:xone ( [ sh:path ex:p ; sh:minCount 1 ] [ sh:path ex:q ; sh:minCount 1 ] ) ;
             sh:not [ sh:path ex:r ; sh:minCount 1 ] ; sh:node ex:N .
           ex:N a sh:NodeShape ; sh:property [ sh:path ex:s ; sh:maxCount 1 ] .""",
        "ex:a a ex:C ; ex:p 1 . ex:b a ex:C ; ex:p 1 ; ex:q 1 . ex:c a ex:C ; ex:p 1 ; ex:r 1 . "
        "ex:d a ex:C ; ex:q 1 ; ex:s 1 , 2 .",
    ),
    "ranges, counts above 1, targetNode": (
        """ex:S a sh:NodeShape ; sh:targetNode ex:a , ex:b , ex:missing ;
             sh:property ex:P . ex:P sh:path ex:p ; sh:minCount 2 ; sh:maxCount 3 ; sh:maxInclusive 10 ;
             sh:minExclusive 0 .""",
        "ex:a ex:p 1 , 2 . ex:b ex:p 0 , 11 , 5 , 6 .",
    ),
    "zeroOrMore and sequence paths, class": (
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
    "targetSubjectsOf, targetObjectsOf, datatype, nodeKind, in, languageIn": (
        """ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property ex:P1 , ex:P2 .
           ex:P1 sh:path ex:p ; sh:datatype xsd:string ; sh:in ( "a" "b" ) .
           ex:P2 sh:path ex:l ; sh:languageIn ( "en" ) .
           ex:T a sh:NodeShape ; sh:targetObjectsOf ex:r ; sh:nodeKind sh:IRI .""",
        'ex:a ex:p "a" ; ex:l "x"@en . ex:b ex:p "c" , 3 ; ex:l "y"@de . ex:c ex:r ex:d , "lit" .',
    ),
}


@pytest.mark.parametrize("name", sorted(SUPPORTED))
def test_features_beyond_shapes_ttl(name: str) -> None:
    shapes_text, data_text = SUPPORTED[name]
    shapes = rdflib.Graph().parse(data=PREFIXES + shapes_text, format="turtle")
    data = rdflib.Graph().parse(data=PREFIXES + data_text, format="turtle")
    _, report, _ = pyshacl_validate(data, shacl_graph=shapes, allow_warnings=True, allow_infos=True)
    assert isinstance(report, rdflib.Graph)
    want = {
        (
            str(report.value(r, SH.focusNode)),
            str(report.value(r, SH.sourceShape)),
            str(report.value(r, SH.resultSeverity)),
        )
        for r in report.objects(None, SH.result)
        if isinstance(report.value(r, SH.sourceShape), rdflib.URIRef)
    }
    assert want, "a case that reports nothing tests nothing"
    compiled = engine.compile_shapes(PREFIXES + shapes_text, inference="none")
    store = ox.Store()
    store.load(PREFIXES + data_text, format=ox.RdfFormat.TURTLE)
    got = {
        (r.focus.value, r.shape.value, r.severity)
        for r in engine.validate(store, compiled)
        if isinstance(r.shape, ox.NamedNode)
    }
    assert got == want


REFUSED = {
    "sh:closed": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .",
    "sh:target": "ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select 'SELECT ?this {}' ] .",
    "$PATH": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; "
        'sh:sparql [ sh:select "SELECT $this WHERE { $this $PATH ?v }" ] .'
    ),
    "sh:qualifiedValueShapesDisjoint": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; "
        "sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ."
    ),
    "sh:fooBar": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:fooBar 1 .",
    "nested SELECT": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
        'sh:sparql [ sh:select "SELECT $this WHERE { { SELECT $this WHERE { $this ex:p ?v } } }" ] .'
    ),
    "ASK": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:ask 'ASK { $this ex:p 1 }' ] .",
    "sh:sparql in a nested shape": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( [ sh:sparql [ sh:select 'SELECT $this {}' ] ] ) ."
    ),
    "sh:datatype xsd:int in a nested shape": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( [ sh:path ex:p ; sh:datatype xsd:int ] ) ."
    ),
    "sh:property on a property shape": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P . "
        "ex:P sh:path ex:p ; sh:property [ sh:path ex:q ; sh:minCount 1 ] ."
    ),
    "count of 5": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( [ sh:path ex:p ; sh:minCount 5 ] [ sh:class ex:D ] ) ."
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unsupported_features_are_refused(name: str) -> None:
    shapes = PREFIXES + REFUSED[name]
    with pytest.raises(engine.UnsupportedShaclFeature) as info:
        engine.compile_shapes(shapes)
    assert info.value.features and "ex:S" not in str(info.value)  # IRIs in full, one line
    assert "\n" not in str(info.value)
    lenient = engine.compile_shapes(shapes, strict=False)
    assert lenient.unsupported == info.value.features
    with pytest.raises(engine.UnsupportedShaclFeature):
        engine.validate(ox.Store(), lenient)


def test_subproperty_data_is_refused(compiled: engine.CompiledShapes) -> None:
    store = engine.load_store([TBOX, KNOWLEDGE])
    store.add(
        ox.Quad(
            ox.NamedNode("urn:p"),
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subPropertyOf"),
            ox.NamedNode("https://w3id.org/spasmkg/hasSymptom"),
        )
    )
    with pytest.raises(engine.UnsupportedShaclFeature, match="subPropertyOf"):
        engine.validate(store, compiled)


def test_bad_shapes_graph_is_an_error() -> None:
    with pytest.raises(engine.ShaclError, match="cannot read the shapes graph"):
        engine.compile_shapes("ex:S a sh:NodeShape")
    with pytest.raises(ValueError, match="inference"):
        engine.compile_shapes(PREFIXES, inference="owlrl")


# ------------------------------------------------------------------ pyoxigraph behaviours worked around


def test_oxigraph_still_canonicalises_literals() -> None:
    """If this fails, pyoxigraph keeps derived integer types: the lexical side table may be dropped."""
    assert engine.oxigraph_quirks()["canonical_literals"]


def test_oxigraph_still_plans_exists_without_outer_bindings() -> None:
    """If this fails, pyoxigraph plans EXISTS with the outer bindings: ``chain_exists`` may be dropped."""
    assert engine.oxigraph_quirks()["exists_unbound"]


def test_chain_exists_keeps_meaning() -> None:
    query = (
        "PREFIX u: <urn:> SELECT $this WHERE { $this ?p ?o FILTER NOT EXISTS { ?a u:s $this ; u:p ?p ; u:e/u:q ?o } }"
    )
    rewritten, notes = engine.chain_exists(query)
    assert len(notes) == 1 and "chained" in notes[0]
    assert rewritten.count("EXISTS") == 4
    data = "\n".join(
        [
            "<urn:x> <urn:r> <urn:y> .",
            "<urn:x> <urn:r2> <urn:z> .",
            "<urn:a1> <urn:s> <urn:x> .",
            "<urn:a1> <urn:p> <urn:r> .",
            "<urn:a1> <urn:e> <urn:ev> .",
            "<urn:ev> <urn:q> <urn:y> .",
        ]
    )
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES)

    def rows(q: str) -> set[str]:
        solutions = store.query(q.replace("SELECT $this", "SELECT $this ?p"))
        assert isinstance(solutions, ox.QuerySolutions)
        return {f"{r['this']} {r['p']}" for r in solutions}

    assert rows(query) == rows(rewritten) and len(rows(query)) == len(data.splitlines()) - 1
