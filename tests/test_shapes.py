"""SHACL shapes (``ontology/shapes.ttl``): one failing fixture per rule, a valid fixture, the real graph.

Each fixture in ``tests/fixtures/shacl/`` is a tiny data graph whose header comment lines say what
validating it must report, in the style of the DASH / pySHACL test suites::

    # expect: focus=skr:dehydration shape=spasmkg:CauseLinkShape
    # expect: focus=ske:282-292 path=oa:exact shape=spasmkg:EvidenceQuoteShape severity=Violation
    # expect: focus=skr:back-spasm-corpus value=ske:282-292 shape=spasmkg:EvidenceSpanShape
    # expect: conforms

Terms are CURIEs with the fixture's own prefixes, or ``<IRI>``s; ``severity`` defaults to Violation.
The results must be exactly the expected ones, compared on (focus node, source shape, severity);
when ``path`` or ``value`` is given, a matching result must also have that ``sh:resultPath`` / ``sh:value``.

Every validation runs as the project does: the fixture alone as data graph, ``ontology/spasmkg.ttl``
as ``ont_graph`` (mixed into a copy of the data graph) and RDFS inference -- with both SHACL engines:
pySHACL (the reference) and the shapes compiled to SPARQL on pyoxigraph (``spasmkg.check.shacl_sparql``,
what ``spasmkg validate`` runs). ``tests/test_shacl_engine.py`` compares the two result sets directly.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY = REPO / "ontology"
FIXTURES = REPO / "tests" / "fixtures" / "shacl"
SPASMKG = "https://w3id.org/spasmkg/"

#: Number of fixture files; a deleted or misplaced fixture makes test_fixture_count fail.
EXPECTED_FIXTURE_COUNT = 46
FIXTURE_FILES = sorted(FIXTURES.glob("*.ttl"))

EXPECT_LINE = re.compile(r"^#\s*expect:\s*(?P<body>.*?)\s*$", re.MULTILINE)
SEVERITIES = {"Violation": SH.Violation, "Warning": SH.Warning, "Info": SH.Info}


@dataclass(frozen=True)
class Expectation:
    focus: Node
    shape: Node
    severity: Node
    path: Node | None = None
    value: Node | None = None


@dataclass(frozen=True)
class Result:
    focus: Node | None
    shape: Node | None
    severity: Node | None
    path: Node | None
    value: Node | None
    message: str


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl")


@pytest.fixture(scope="module")
def tbox() -> Graph:
    return Graph().parse(ONTOLOGY / "spasmkg.ttl")


def run_validation(data: Graph, shapes: Graph, tbox: Graph) -> tuple[bool, list[Result], str]:
    """Validate like the project does and check that the data and ontology graphs are not modified.

    (pySHACL itself adds two "system triples" -- owl:Class rdfs:subClassOf rdfs:Class and
    owl:DatatypeProperty rdfs:subClassOf rdf:Property -- to the shapes graph it is given.)
    """
    sizes = (len(data), len(tbox))
    conforms, report, text = validate(
        data,
        shacl_graph=shapes,
        ont_graph=tbox,
        inference="rdfs",
        advanced=True,
        allow_warnings=True,
    )
    assert (len(data), len(tbox)) == sizes, "pyshacl.validate mutated the data graph or the ontology graph"
    assert isinstance(report, Graph)
    results = [
        Result(
            focus=report.value(r, SH.focusNode),
            shape=report.value(r, SH.sourceShape),
            severity=report.value(r, SH.resultSeverity),
            path=report.value(r, SH.resultPath),
            value=report.value(r, SH.value),
            message=str(report.value(r, SH.resultMessage)),
        )
        for r in report.objects(None, SH.result)
    ]
    return bool(conforms), results, str(text)


ENGINES = ("pyshacl", "compiled")


def rdflib_term(t: object) -> Node | None:
    """A pyoxigraph term as an rdflib term (None for None)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal

    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    assert isinstance(t, ox.Literal)
    if t.language:
        return Literal(t.value, lang=t.language)
    return Literal(t.value, datatype=URIRef(t.datatype.value))


def run_compiled(data_file: Path) -> tuple[bool, list[Result], str]:
    """The compiled engine on the fixture plus the ontology (as ``spasmkg validate`` loads them)."""
    from spasmkg.check import shacl_sparql

    compiled = shacl_sparql.compile_shapes(ONTOLOGY / "shapes.ttl")
    store = shacl_sparql.load_store([ONTOLOGY / "spasmkg.ttl", data_file])
    found = shacl_sparql.validate(store, compiled)
    results = [
        Result(
            focus=rdflib_term(r.focus),
            shape=rdflib_term(r.shape),
            severity=URIRef(r.severity),
            path=rdflib_term(r.path),
            value=rdflib_term(r.value),
            message=r.message,
        )
        for r in found
    ]
    text = "\n".join(f"{r.severity} {r.shape} {r.focus} {r.path} {r.value}: {r.message}" for r in found)
    return not any(r.is_violation for r in found), results, text


def validate_with(engine: str, fixture: Path, shapes: Graph, tbox: Graph) -> tuple[bool, list[Result], str]:
    """Validate ``fixture`` with one engine: (conforms, results, report text)."""
    if engine == "compiled":
        return run_compiled(fixture)
    return run_validation(Graph().parse(fixture), shapes, tbox)


def parse_expectations(path: Path, graph: Graph) -> tuple[bool, list[Expectation]]:
    """Read the ``# expect:`` lines of a fixture: (expects conformance, expected results)."""

    def term(text: str) -> Node:
        if text.startswith("<") and text.endswith(">"):
            return URIRef(text[1:-1])
        return graph.namespace_manager.expand_curie(text)

    conforms = False
    expected: list[Expectation] = []
    for match in EXPECT_LINE.finditer(path.read_text(encoding="utf-8")):
        body = match["body"]
        if body == "conforms":
            conforms = True
            continue
        fields = dict(item.split("=", 1) for item in body.split())
        unknown = set(fields) - {"focus", "path", "value", "shape", "severity"}
        assert not unknown, f"{path.name}: unknown expect field(s) {sorted(unknown)}"
        assert {"focus", "shape"} <= set(fields), f"{path.name}: expect needs focus= and shape=: {body!r}"
        expected.append(
            Expectation(
                focus=term(fields["focus"]),
                shape=term(fields["shape"]),
                severity=SEVERITIES[fields.get("severity", "Violation")],
                path=term(fields["path"]) if "path" in fields else None,
                value=term(fields["value"]) if "value" in fields else None,
            )
        )
    assert conforms != bool(expected), f"{path.name}: needs either '# expect: conforms' or '# expect: focus=...' lines"
    return conforms, expected


def test_fixture_count() -> None:
    names = [p.name for p in FIXTURE_FILES]
    assert len(FIXTURE_FILES) == EXPECTED_FIXTURE_COUNT, f"fixtures found: {names}"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=[p.name for p in FIXTURE_FILES])
def test_fixture(fixture: Path, engine: str, shapes: Graph, tbox: Graph) -> None:
    data = Graph().parse(fixture, format="turtle")
    expect_conforms, expected = parse_expectations(fixture, data)
    conforms, results, text = validate_with(engine, fixture, shapes, tbox)

    if expect_conforms:
        assert conforms and not results, f"{fixture.name} should conform without any result:\n{text}"
        return

    actual = {(r.focus, r.shape, r.severity) for r in results}
    wanted = {(e.focus, e.shape, e.severity) for e in expected}
    assert actual == wanted, f"{fixture.name}: unexpected validation results\n{text}"
    for e in expected:
        matching = [r for r in results if (r.focus, r.shape, r.severity) == (e.focus, e.shape, e.severity)]
        if e.path is not None:
            assert e.path in {r.path for r in matching}, f"{fixture.name}: no result with path {e.path}\n{text}"
        if e.value is not None:
            assert e.value in {r.value for r in matching}, f"{fixture.name}: no result with value {e.value}\n{text}"
    has_violation = any(e.severity == SH.Violation for e in expected)
    assert conforms is not has_violation, f"{fixture.name}: conforms={conforms}\n{text}"


@pytest.mark.parametrize("engine", ENGINES)
def test_knowledge_graph_conforms(engine: str, shapes: Graph, tbox: Graph) -> None:
    """The generated knowledge graph satisfies every shape (warnings are reported, not failed)."""
    knowledge = ONTOLOGY / "knowledge.ttl"
    assert knowledge.exists(), "ontology/knowledge.ttl is missing: run `python -m spasmkg.kb.build`"
    conforms, results, text = validate_with(engine, knowledge, shapes, tbox)
    assert conforms, f"ontology/knowledge.ttl does not conform to ontology/shapes.ttl:\n{text}"
    for r in results:
        warnings.warn(f"SHACL {r.severity} on {r.focus}: {r.message}", stacklevel=1)


# ---------------------------------------------------------------- the shapes file itself

#: Predicates that organise a shape rather than constrain its value nodes.
NON_CONSTRAINTS = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.property,
    SH.path,
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
}


def constraining_shapes(shapes: Graph, *, sparql: bool = True) -> set[Node]:
    """Named shapes with at least one constraint of their own (not only sh:property).

    With ``sparql=False`` a shape whose only constraints are SPARQL constraints does not count
    (their sh:message sits on the sh:SPARQLConstraint node).
    """
    ignored = NON_CONSTRAINTS if sparql else NON_CONSTRAINTS | {SH.sparql, SH.prefixes}
    named = {s for t in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, t)}
    return {s for s in named if isinstance(s, URIRef) and set(shapes.predicates(s)) - ignored}


def test_every_rule_has_a_failing_fixture(shapes: Graph) -> None:
    covered: set[Node] = set()
    for fixture in FIXTURE_FILES:
        _, expected = parse_expectations(fixture, Graph().parse(fixture, format="turtle"))
        covered |= {e.shape for e in expected}
    missing = constraining_shapes(shapes) - covered
    assert not missing, f"shapes without a failing fixture: {sorted(map(str, missing))}"


def test_every_shape_has_a_message(shapes: Graph) -> None:
    carriers = constraining_shapes(shapes, sparql=False) | set(shapes.objects(None, SH.sparql))
    silent = [str(s) for s in carriers if shapes.value(s, SH.message) is None]
    assert not silent, f"shapes or SPARQL constraints without sh:message: {silent}"
    named = {s for t in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, t)}
    assert all(str(s).startswith(SPASMKG) and str(s).endswith("Shape") for s in named)


def test_edge_evidence_targets_every_claim_property(shapes: Graph, tbox: Graph) -> None:
    evidence_links = {URIRef(SPASMKG + "source"), URIRef(SPASMKG + "guidanceEvidence")}
    properties = {p for p in tbox.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(SPASMKG)}
    claim_properties = properties - evidence_links
    targets = set(shapes.objects(URIRef(SPASMKG + "EdgeEvidenceShape"), SH.targetSubjectsOf))
    assert targets == claim_properties, f"missing: {claim_properties - targets}, extra: {targets - claim_properties}"


def build_constant(name: str) -> tuple[str, ...]:
    """A tuple constant of src/spasmkg/kb/build.py, read without importing the package."""
    tree = ast.parse((REPO / "src" / "spasmkg" / "kb" / "build.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError(f"{name} not found in build.py")


@pytest.mark.parametrize(
    ("shape", "constant"),
    [("GuidanceKindShape", "GUIDANCE_KINDS"), ("GuidanceUnitShape", "UCUM_UNITS")],
)
def test_closed_lists_match_build(shapes: Graph, shape: str, constant: str) -> None:
    head = shapes.value(URIRef(SPASMKG + shape), SH["in"])
    assert head is not None
    values = Collection(shapes, head)
    assert tuple(str(v) for v in values) == build_constant(constant)


def test_cross_reference_shapes_cover_mapping_predicates(shapes: Graph) -> None:
    node_shape = URIRef(SPASMKG + "CrossReferenceShape")
    targets = set(shapes.objects(node_shape, SH.targetSubjectsOf))
    paths = {shapes.value(p, SH.path) for p in shapes.objects(node_shape, SH.property)}
    expected = {SKOS[p] for p in build_constant("MAPPING_PREDICATES")}
    assert targets == paths == expected


def xref_pattern(shapes: Graph) -> re.Pattern[str]:
    node_shape = URIRef(SPASMKG + "CrossReferenceShape")
    patterns = {str(shapes.value(p, SH.pattern)) for p in shapes.objects(node_shape, SH.property)}
    assert len(patterns) == 1, "the five mapping predicates must share one sh:pattern"
    return re.compile(patterns.pop())


@pytest.mark.parametrize(
    "iri",
    [
        "http://purl.obolibrary.org/obo/HP_0003394",
        "http://purl.obolibrary.org/obo/MONDO_0005392",
        "http://purl.obolibrary.org/obo/MAXO_0000221",
        "http://purl.obolibrary.org/obo/UBERON_0001137",
        "http://purl.obolibrary.org/obo/SYMP_0000006",
        "http://purl.obolibrary.org/obo/CHEBI_46195",
        "http://purl.obolibrary.org/obo/CHEBI_5855",
        "http://purl.obolibrary.org/obo/DOID_0060249",
        "http://purl.obolibrary.org/obo/DOID_848",
        "http://id.nlm.nih.gov/mesh/D013035",
        "http://id.nlm.nih.gov/mesh/D000077684",
        "http://id.nlm.nih.gov/mesh/C004704",
        "http://purl.bioontology.org/ontology/RXNORM/161",
    ],
)
def test_xref_pattern_accepts(shapes: Graph, iri: str) -> None:
    assert xref_pattern(shapes).search(iri)


@pytest.mark.parametrize(
    "iri",
    [
        "http://purl.obolibrary.org/obo/HP_3394",
        "http://purl.obolibrary.org/obo/HP_00033940",
        "https://purl.obolibrary.org/obo/HP_0003394",
        "http://purl.obolibrary.org/obo/hp_0003394",
        "http://purl.obolibrary.org/obo/HP:0003394",
        "HP:0003394",
        "http://purl.obolibrary.org/obo/NCIT_C3402",
        "http://purl.obolibrary.org/obo/DOID_",
        "http://id.nlm.nih.gov/mesh/2024/D013035",
        "http://id.nlm.nih.gov/mesh/Q000175",
        "http://id.nlm.nih.gov/mesh/D01303",
        "http://purl.bioontology.org/ontology/RXNORM/161/",
        "http://purl.obolibrary.org/obo/HP_0003394 ",
    ],
)
def test_xref_pattern_rejects(shapes: Graph, iri: str) -> None:
    assert not xref_pattern(shapes).search(iri)
