"""OWL reasoning: consistency with HermiT, the property chain fires, inconsistencies are reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SKR = "https://w3id.org/spasmkg/resource/"
SK = "https://w3id.org/spasmkg/"
needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java (.ci/run installs it)")


@pytest.fixture(scope="module")
def materialised():
    import spasmkg
    from spasmkg.reason.rules import materialise

    return materialise(spasmkg.load())


def test_kinds_of_muscle_relaxant_inherit_the_driving_contraindication_only_by_inference(materialised):
    edge = (SKR + "skeletal_muscle_relaxant_combinations", SK + "contraindicatedDuring", SKR + "driving")
    assert edge not in materialised.asserted
    assert edge in materialised.derivations
    assert materialised.derivations[edge].rule == "property chain"
    class_level = (SKR + "muscle_relaxants", SK + "contraindicatedDuring", SKR + "driving")
    assert class_level in materialised.asserted


def test_inverse_edges_are_materialised(materialised):
    assert (SKR + "driving", SK + "contraindicates", SKR + "muscle_relaxants") in materialised.derivations


def test_shipped_graph_has_no_clash(materialised):
    assert materialised.clashes == []


@needs_java
def test_hermit_agrees_consistent_and_fires_the_chain():
    import spasmkg
    from spasmkg.reason.hermit import hermit

    rep = hermit(spasmkg.load())
    assert rep.consistent and rep.unsatisfiable == []
    assert (
        SKR + "skeletal_muscle_relaxant_combinations",
        SK + "contraindicatedDuring",
        SKR + "driving",
    ) in rep.inferred_values


@needs_java
def test_inconsistent_fixture_is_reported_with_the_offending_axioms_exit_1():
    proc = run_cli("validate", "--data", str(FIXTURES / "owl" / "inconsistent.ttl"), "--no-cache")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAIL  owl" in proc.stdout
    assert "disjoint" in proc.stdout


@needs_java
def test_unsatisfiable_class_is_reported_exit_1():
    proc = run_cli("validate", "--data", str(FIXTURES / "owl" / "unsatisfiable.ttl"), "--no-cache")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "unsatisfiable class" in proc.stdout


def test_explain_shows_the_derivation_from_the_class_level_quote():
    proc = run_cli("explain", "skeletal muscle relaxant combinations", "contraindicatedDuring", "driving")
    assert proc.returncode == 0, proc.stderr
    assert "[inferred]" in proc.stdout and "property chain" in proc.stdout
    assert "Driving is not permitted while under the influence of muscle relaxants." in proc.stdout


def test_explain_of_a_non_entailed_edge_is_an_input_error():
    proc = run_cli("explain", "driving", "contraindicatedDuring", "muscle relaxants")
    assert proc.returncode == 2 and "does not state or entail" in proc.stderr


def test_reason_writes_only_inferred_triples(tmp_path):
    import rdflib

    out = tmp_path / "inferred.ttl"
    proc = run_cli("reason", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    g = rdflib.Graph().parse(out)
    chain = (
        rdflib.URIRef(SKR + "skeletal_muscle_relaxant_combinations"),
        rdflib.URIRef(SK + "contraindicatedDuring"),
        rdflib.URIRef(SKR + "driving"),
    )
    assert chain in g
    asserted = (
        rdflib.URIRef(SKR + "muscle_relaxants"),
        rdflib.URIRef(SK + "contraindicatedDuring"),
        rdflib.URIRef(SKR + "driving"),
    )
    assert asserted not in g


def test_export_inferred_marks_inferred_edges(tmp_path):
    import rdflib
    from rdflib.namespace import OWL

    out = tmp_path / "all.nt"
    assert run_cli("export", "--inferred", "-F", "nt", "-o", str(out)).returncode == 0
    g = rdflib.Graph().parse(out, format="nt")
    marked = [
        ax
        for ax in g.subjects(rdflib.URIRef(SK + "derivedBy"), None)
        if g.value(ax, OWL.annotatedSource) == rdflib.URIRef(SKR + "skeletal_muscle_relaxant_combinations")
    ]
    assert marked
