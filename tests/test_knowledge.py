"""The knowledge base: evidence on every claim, build is current, floors met, identifiers verified."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import sssom_errors
from rdflib import Namespace, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from spasmkg import resources
from spasmkg.io.cache import sha256_file
from spasmkg.kb import build

ROOT = Path(__file__).resolve().parents[1]
SK = Namespace("https://w3id.org/spasmkg/")
OA = Namespace("http://www.w3.org/ns/oa#")
SKR = "https://w3id.org/spasmkg/resource/"


def test_corpus_is_vendored_and_hash_recorded(graph, corpus):
    sha = sha256_file(resources.corpus_path())
    assert (URIRef(SKR + build.CORPUS_ID), SK.sha256, None) in graph
    assert str(graph.value(URIRef(SKR + build.CORPUS_ID), SK.sha256)) == sha
    assert len(corpus) > 20_000


def test_every_evidence_quote_matches_its_offsets(graph, corpus):
    evidence = list(graph.subjects(RDF.type, SK.Evidence))
    assert len(evidence) > 100
    for ev in evidence:
        start, end = int(graph.value(ev, OA.start)), int(graph.value(ev, OA.end))
        assert corpus[start:end] == str(graph.value(ev, OA.exact)), ev
        assert start < end


def _object_property_edges(graph):
    props = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    for s, p, o in graph:
        if p in props and str(s).startswith(SKR) and str(o).startswith(SKR):
            yield s, p, o


def test_every_asserted_edge_and_typing_has_evidence(graph):
    edges = list(_object_property_edges(graph))
    typings = [
        (s, RDF.type, o)
        for s, o in graph.subject_objects(RDF.type)
        if str(s).startswith(SKR)
        and str(o).startswith(str(SK))
        and o not in (SK.SourceDocument, SK.QuantitativeGuidance)
    ]
    assert len(edges) > 250 and len(typings) > 150
    annotated = set()
    for ax in graph.subjects(RDF.type, OWL.Axiom):
        if (ax, SK.hasEvidence, None) in graph:
            annotated.add(
                (
                    graph.value(ax, OWL.annotatedSource),
                    graph.value(ax, OWL.annotatedProperty),
                    graph.value(ax, OWL.annotatedTarget),
                )
            )
    missing = [t for t in edges + typings if t not in annotated]
    assert not missing, missing[:5]


def test_knowledge_ttl_is_generated_from_the_curation_tables():
    """One hand-edited source: the committed knowledge.ttl equals what the tables generate."""
    assert build.main(["--check"]) == 0


def test_build_is_deterministic():
    assert build.render(build.build_graph()) == build.render(build.build_graph())


def test_build_refuses_a_quote_not_in_the_corpus(tmp_path):
    for sub in ("entities", "claims", "guidance", "mappings"):
        (tmp_path / sub).mkdir()
    (tmp_path / "entities" / "x.tsv").write_text(
        "id\ttypes\tlabel\tsynonyms\tdefinition\tquote\tsupport\n"
        "foo\tCause\tfoo\t\t\tThis sentence is not in the corpus.\tstated\n",
        encoding="utf-8",
    )
    with pytest.raises(build.CurationError, match="not found verbatim"):
        build.build_graph(root=tmp_path)


MAPPING_TABLES = sorted((ROOT / "ontology" / "curation" / "mappings").glob("*.tsv"))


@pytest.mark.parametrize("table", MAPPING_TABLES, ids=[p.name for p in MAPPING_TABLES])
def test_curated_mapping_tables_are_valid_sssom(table: Path) -> None:
    """The hand-edited cross-reference tables are SSSOM themselves (sssom-py validates them), and
    sssom-py keeps where each identifier was seen (``other: where_seen=...``)."""
    from sssom.parsers import parse_sssom_table

    assert table.name.endswith(".sssom.tsv")
    assert sssom_errors(table) == []
    df = parse_sssom_table(table).df
    assert len(df) > 0 and all(build.where_seen(o) for o in df["other"])
    assert set(df["mapping_justification"]) == {build.MAPPING_JUSTIFICATION}


MAPPING_HEADER = "subject_id\tpredicate_id\tobject_id\tobject_label\tmapping_justification\tcomment\tother\n"
GOOD_MAPPING = {
    "subject_id": "skr:dehydration",
    "predicate_id": "skos:exactMatch",
    "object_id": "HP:0001944",
    "object_label": "Dehydration",
    "mapping_justification": "semapv:ManualMappingCuration",
    "comment": "x",
    "other": "where_seen=s",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"other": ""}, "without where_seen"),
        ({"mapping_justification": "semapv:LexicalMatching"}, "mapping_justification"),
        ({"subject_id": "dehydration"}, "not a skr: CURIE"),
        ({"predicate_id": "skos:sameAs"}, "predicate_id"),
        ({"object_id": "XX:1"}, "is not a CURIE of"),
    ],
    ids=["no-where-seen", "justification", "subject", "predicate", "prefix"],
)
def test_build_refuses_a_bad_mapping_row(tmp_path: Path, change: dict[str, str], message: str) -> None:
    row = "\t".join({**GOOD_MAPPING, **change}.values())
    root = tmp_path / "curation"
    for sub in ("entities", "claims", "guidance", "mappings"):
        (root / sub).mkdir(parents=True)
    source = resources.curation_dir()
    for sub in ("entities", "claims", "guidance"):
        for f in (source / sub).glob("*.tsv"):
            (root / sub / f.name).write_bytes(f.read_bytes())
    (root / "mappings" / "x.sssom.tsv").write_text(MAPPING_HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(build.CurationError, match=message):
        build.build_graph(root=root)


FLOORS = {
    "Cause": 30,
    "Symptom": 12,
    "RiskFactor": 5,
    "Treatment": 25,
    "RedFlag": 10,
    "BodyRegion": 5,
    "DiagnosticProcedure": 2,
    "DrugClass": 3,
    "Drug": 3,
    "Precaution": 5,
    "Recommendation": 4,
}


@pytest.mark.parametrize("cls", sorted(FLOORS))
def test_category_floors(cls: str) -> None:
    import spasmkg

    counts = spasmkg.stats()["classes"]
    assert counts[f"spasmkg:{cls}"]["count"] >= FLOORS[cls]


def _vendored_identifiers() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    with (ROOT / "ontology" / "sources" / "verified-identifiers.tsv").open(encoding="utf-8") as fh:
        rows = [line for line in fh if not line.startswith("#")]
    for row in csv.DictReader(rows, delimiter="\t"):
        table.setdefault(row["curie"], set()).add(row["where_seen"])
    return table


def test_every_cross_reference_was_verified_in_a_primary_source(graph):
    """No invented identifiers: every xref is in the vendored verified list, with its source."""
    from spasmkg.namespaces import curie

    verified = _vendored_identifiers()
    rels = [SKOS.exactMatch, SKOS.closeMatch, SKOS.relatedMatch, SKOS.narrowMatch, SKOS.broadMatch]
    seen = 0
    for rel in rels:
        for s, target in graph.subject_objects(rel):
            seen += 1
            c = curie(str(target))
            assert c in verified, f"{s} -> {c} is not in ontology/sources/verified-identifiers.tsv"
            axioms = [
                ax for ax in graph.subjects(OWL.annotatedTarget, target) if graph.value(ax, OWL.annotatedSource) == s
            ]
            assert any(str(graph.value(ax, SK.verifiedIn)) in verified[c] for ax in axioms), (s, c)
    assert seen >= 50


def test_red_flags_have_exactly_one_known_urgency(graph):
    allowed = {SK.ImmediateCare, SK.PromptCare, SK.SeeDoctor}
    flags = list(graph.subjects(RDF.type, SK.RedFlag))
    assert len(flags) >= 10
    for f in flags:
        urgencies = set(graph.objects(f, SK.hasUrgency))
        assert len(urgencies) == 1 and urgencies <= allowed, f


def test_conflicting_advice_is_modelled_both_ways(graph):
    """Plenty of rest vs. bed rest prolongs a spasm: both sides kept and linked."""
    pairs = list(graph.subject_objects(SK.conflictsWith))
    assert len(pairs) >= 3
    quotes = " ".join(str(q) for q in graph.objects(None, OA.exact))
    assert "Bed rest can actually make your muscle spasm last longer." in quotes
    assert "In the majority of cases, patients would be recommended to have plenty of rest." in quotes


def test_quantities_are_typed_with_units(graph):
    from rdflib.namespace import XSD

    guidance = list(graph.subjects(RDF.type, SK.QuantitativeGuidance))
    assert len(guidance) >= 8
    kinds = set()
    for g in guidance:
        kinds.add(str(graph.value(g, SK.guidanceKind)))
        values = [v for p in (SK.minValue, SK.maxValue, SK.typicalValue) for v in graph.objects(g, p)]
        assert str(graph.value(g, SK.unit)) in build.UCUM_UNITS or not values  # a number needs a unit
        assert all(v.datatype == XSD.decimal for v in values)
        assert values or graph.value(g, SK.statedAs), g  # "from minutes to weeks": no number, the words
    assert {"application-duration", "start-after", "daily-requirement", "interval-between-applications"} <= kinds


def test_ontology_header_is_obo_style():
    import rdflib
    from rdflib.namespace import DCTERMS

    g = rdflib.Graph().parse(resources.tbox_path())
    onto = next(g.subjects(RDF.type, OWL.Ontology))
    vann = Namespace("http://purl.org/vocab/vann/")
    for p in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.license,
        OWL.versionIRI,
        OWL.versionInfo,
        vann.preferredNamespacePrefix,
        vann.preferredNamespaceUri,
    ):
        assert g.value(onto, p) is not None, p
    assert (None, OWL.imports, None) not in g, "no owl:imports: nothing is fetched"
    # creators and dates: what the repository truly has (no people are named, so no ORCID is invented)
    creators = [str(c) for c in g.objects(onto, DCTERMS.creator)]
    assert creators == ["spasmkg contributors"]
    assert not any("orcid.org" in str(o) for o in g.objects())
    dates = []
    for p in (DCTERMS.created, DCTERMS.modified):
        value = g.value(onto, p)
        assert isinstance(value, rdflib.Literal) and value.datatype == rdflib.XSD.date, p
        dates.append(value.toPython())
    assert dates[0] <= dates[1]
    assert str(g.value(onto, DCTERMS.source)) == SKR + build.CORPUS_ID


def test_obo_report_rules_hold_on_the_full_graph(graph):
    """What ROBOT's report flagged (review 2026-11-30), checked directly on the shipped graph: every
    entity has one label, no label is shared (a class and an individual included), every spasmkg
    definition is also IAO:0000115. The QC queries (queries/qc) keep it so in ``validate``."""
    from collections import defaultdict

    from rdflib.namespace import RDFS

    iao = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
    subjects = {s for s, p, _ in graph if isinstance(s, URIRef) and p != RDF.type}
    unlabelled = [
        s for s in subjects if graph.value(s, RDFS.label) is None and (s, RDF.type, OWL.Ontology) not in graph
    ]
    assert unlabelled == []
    assert all(graph.value(ev, RDFS.label) is not None for ev in graph.subjects(RDF.type, SK.Evidence))
    by_label = defaultdict(set)
    for s, label in graph.subject_objects(RDFS.label):
        if isinstance(s, URIRef):
            by_label[str(label).lower()].add(s)
    assert {k: v for k, v in by_label.items() if len(v) > 1} == {}
    assert str(graph.value(SK.Medication, RDFS.label)) == "medication"  # the class keeps its label
    for s, d in graph.subject_objects(SKOS.definition):
        if str(s).startswith(str(SK)):
            assert (s, iao, d) in graph, s
    assert sum(1 for _ in graph.subject_objects(iao)) >= 80
    assert graph.value(iao, RDFS.label) is not None


def test_jsonld_context_compacts_every_obo_iri():
    """JSON-LD 1.1 uses a term as a prefix only if its IRI ends in a gen-delim or the term says
    ``"@prefix": true``; OBO IRIs end in ``_`` (``.../obo/HP_``). With the context, pyld compacts every
    OBO term IRI of the export to a CURIE (HP:0003394), and the compacted document is the same graph."""
    import json
    import re

    import rdflib
    from pyld import jsonld

    from spasmkg.io.rdf import export
    from spasmkg.namespaces import EVIDENCE_PREFIXES, XREF_PREFIXES
    from spasmkg.reason.graph import load

    context = json.loads(resources.context_path().read_text(encoding="utf-8"))
    ctx = context["@context"]
    assert ctx["@version"] == 1.1
    for prefix, ns in {**XREF_PREFIXES, **EVIDENCE_PREFIXES, "IAO": "http://purl.obolibrary.org/obo/IAO_"}.items():
        term = ctx[prefix]
        if ns.endswith("_"):
            assert term == {"@id": ns, "@prefix": True}, prefix
        else:
            assert term == ns, prefix
    g = load()
    doc = json.loads(export(g, "json-ld", resources.context_path()))
    compacted = jsonld.compact(doc, context)  # no document loader is needed: the context is inline
    text = json.dumps({k: v for k, v in compacted.items() if k != "@context"})
    assert re.findall(r"http://purl\.obolibrary\.org/obo/[A-Za-z]+_\d+", text) == []
    assert '"HP:0003394"' in text and '"ECO:0000303"' in text and '"IAO:0000115"' in text
    nquads = jsonld.to_rdf(compacted, {"format": "application/n-quads"})
    # the same graph (canonical blank-node labels make a re-export byte-identical; rdflib.compare takes minutes)
    assert export(rdflib.Graph().parse(data=nquads, format="nt"), "nt") == export(g, "nt")
    uncompacted = {**ctx, "HP": ctx["HP"]["@id"]}  # the JSON-LD 1.0 way: HP IRIs stay full
    text = json.dumps(jsonld.compact(doc, {"@context": uncompacted}))
    assert "http://purl.obolibrary.org/obo/HP_0003394" in text


def test_every_class_and_property_has_label_and_definition():
    import rdflib
    from rdflib.namespace import RDFS

    g = rdflib.Graph().parse(resources.tbox_path())
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in g.subjects(RDF.type, kind):
            if isinstance(term, URIRef):
                assert g.value(term, RDFS.label) is not None, term
                assert g.value(term, SKOS.definition) is not None, term


def test_the_version_is_defined_once() -> None:
    """``src/spasmkg/_version.py`` is the one place: the wheel (hatch), ``spasmkg.__version__`` and the
    ontology's ``owl:versionInfo``/``owl:versionIRI`` all agree with it."""
    import tomllib

    import rdflib

    import spasmkg
    from spasmkg._version import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "src/spasmkg/_version.py"
    assert spasmkg.__version__ == __version__
    g = rdflib.Graph().parse(resources.tbox_path())
    onto = next(g.subjects(RDF.type, OWL.Ontology))
    assert str(g.value(onto, OWL.versionInfo)) == __version__
    assert f"/releases/{__version__}/" in str(g.value(onto, OWL.versionIRI))
