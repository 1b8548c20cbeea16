"""The QC queries (``queries/qc/*-violation.rq``): none returns a row on the shipped graph, and
each catches its own fixture (``tests/fixtures/qc/<name>.ttl``), with the same rows from
pyoxigraph and rdflib. ``validate`` runs them; here they are shown able to fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spasmkg import api
from spasmkg.engine import catalog
from spasmkg.engine import execute as engine
from spasmkg.engine.rdflib_backend import sparql_rdflib

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "qc"
QC = sorted((ROOT / "queries" / "qc").glob("*.rq"))


def _rows(result: engine.Result) -> list[str]:
    return sorted(json.dumps({k: str(v) for k, v in r.items() if v is not None}, sort_keys=True) for r in result.rows)


def test_every_qc_query_is_a_violation_query_with_a_fixture() -> None:
    assert len(QC) == 11
    assert all(p.stem.endswith("-violation") for p in QC)
    assert sorted(p.stem for p in FIXTURES.glob("*.ttl")) == [p.stem for p in QC]


@pytest.mark.parametrize("path", QC, ids=[p.name for p in QC])
def test_qc_query_is_clean_on_the_shipped_graph(path: Path) -> None:
    q = catalog.get(path.stem)
    assert q.role == "qc"
    assert engine.run(q.text, limit=None).rows == []


@pytest.mark.parametrize("path", QC, ids=[p.name for p in QC])
def test_qc_query_catches_its_fixture(path: Path) -> None:
    text = catalog.get(path.stem).text
    fixture = FIXTURES / f"{path.stem}.ttl"
    rows = engine.run(text, data=[fixture], limit=None)
    assert rows.rows, f"{path.name} returned no row on {fixture.name}"
    assert any("qc_fixture" in str(v) for row in rows.rows for v in row.values()), rows.rows
    assert _rows(rows) == _rows(sparql_rdflib(text, data=[fixture])), "pyoxigraph and rdflib disagree"


def test_stats_counts_an_edge_without_evidence() -> None:
    clean = api.stats()["evidence"]
    with_gap = api.stats(data=[FIXTURES / "edge-without-evidence-violation.ttl"])["evidence"]
    assert clean["assertions"] == clean["with_evidence"]
    assert with_gap["assertions"] == clean["assertions"] + 1
    assert with_gap["with_evidence"] == clean["with_evidence"]
    assert with_gap["coverage"] < 1.0
