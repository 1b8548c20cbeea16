"""The Python API used from notebooks, the worked example, and the doctests."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

import spasmkg

ROOT = Path(__file__).resolve().parents[1]


def test_load_is_cached_and_has_ontology_and_knowledge() -> None:
    g1 = spasmkg.load()
    assert g1 is spasmkg.load()
    assert len(g1) > 3000


def test_query_rows_are_plain_python_values() -> None:
    r = spasmkg.query("self-care-timing")
    assert r.rows and isinstance(r.rows[0]["aboutLabel"], str)
    assert any(isinstance(row["min"], int | float) for row in r.rows)


def test_sparql_refuses_updates_unless_writable_copy() -> None:
    from spasmkg.errors import InputError

    with pytest.raises(InputError):
        spasmkg.sparql("DELETE WHERE { ?s ?p ?o }")
    before = len(spasmkg.sparql("SELECT * WHERE { ?s ?p ?o }", limit=None).rows)
    copy = spasmkg.sparql("DELETE WHERE { ?s ?p ?o }", writable=True)
    assert copy.triples == []
    assert len(spasmkg.sparql("SELECT * WHERE { ?s ?p ?o }", limit=None).rows) == before


def test_to_networkx_has_evidence_on_edges() -> None:
    g = spasmkg.to_networkx()
    assert g.number_of_nodes() > 100
    _, _, data = next(iter(g.edges(data=True)))
    assert data["evidence"]


def test_worked_example_runs_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(ROOT / "examples" / "notebook_tour.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "muscle relaxants" in out and "heavy lifting" in out


def test_src_doctests_are_collected() -> None:
    """pytest collects the doctests of ``src/`` (``testpaths``), so none can silently stop running."""
    import tomllib

    config = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "src" in config["testpaths"] and "--doctest-modules" in config["addopts"]


def test_show_gives_each_type_claim_with_its_evidence(corpus: str) -> None:
    """A type is a claim like an edge: show() returns its quote, support, hedges and the curator's note
    (``skr:foot_drop a spasmkg:RedFlag`` is a curator inference; ``types`` alone hid that)."""
    page = spasmkg.show("skr:foot_drop")
    claims = {c["type"]: c for c in page["typeClaims"]}
    assert sorted(c["label"] for c in claims.values()) == sorted(page["types"])  # the labels stay as they were
    red = claims["https://w3id.org/spasmkg/RedFlag"]
    assert red["label"] == "red flag" and len(red["evidence"]) == 1
    ev = red["evidence"][0]
    assert ev["support"] == "inferred" and ev["note"].startswith("Typed as a red flag by the curator")
    assert ev["quote"] in corpus and corpus[ev["start"] : ev["end"]] == ev["quote"]
    assert set(ev) == set(page["edges"][0]["evidence"][0])  # the same shape as the evidence of an edge
    hedged = {c["label"]: c for c in spasmkg.show("skr:nerve_compression")["typeClaims"]}
    ev = hedged["medical or spinal condition cause"]["evidence"][0]
    assert ev["support"] == "stated" and ev["hedges"] == ["Some spasms", "may"] and ev["note"] == ""


def test_a_type_without_a_reified_claim_has_no_evidence_rather_than_invented_evidence() -> None:
    page = spasmkg.show("skr:muscle_spasm_typical_duration")
    assert page["typeClaims"] == [
        {"type": "https://w3id.org/spasmkg/QuantitativeGuidance", "label": "quantitative guidance", "evidence": []}
    ]
