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
