"""Every named query against its golden answer on the real graph, on both engines.

Regenerate the golden files after a curation change with
``SPASMKG_UPDATE_GOLDEN=1 pytest tests/test_queries.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from spasmkg import api
from spasmkg.engine import catalog

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
EXPECTED_QUERY_FILES = 14


def _example_params(q: catalog.NamedQuery) -> dict[str, str]:
    return {p.name: p.example for p in q.params if p.required}


def _canonical(rows: list[dict[str, object]]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in rows)


def test_query_file_count() -> None:
    assert len(QUERY_FILES) == EXPECTED_QUERY_FILES, [p.name for p in QUERY_FILES]
    assert len(catalog.named_queries()) == EXPECTED_QUERY_FILES


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.name for p in QUERY_FILES])
def test_named_query_golden(path: Path) -> None:
    q = catalog.parse_header(path)
    assert q.name == path.stem and q.summary
    for p in q.params:
        assert p.example, f"{path.name}: param {p.name} needs an example"
    result = api.query(q.name, _example_params(q), limit=None)
    assert result.kind == "select"
    assert result.rows, f"{path.name} returned no rows on the shipped graph"
    golden = GOLDEN / f"{q.name}.json"
    got = {"params": _example_params(q), "columns": result.columns, "rows": _canonical(result.rows)}
    if os.environ.get("SPASMKG_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert got["columns"] == expected["columns"]
    assert got["rows"] == expected["rows"]


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.name for p in QUERY_FILES])
def test_engines_agree(path: Path) -> None:
    """rdflib and pyoxigraph give the same answer set for every named query."""
    q = catalog.parse_header(path)
    params = _example_params(q)
    ox = api.query(q.name, params, limit=None)
    rl = api.query(q.name, params, engine_name="rdflib")
    assert _canonical(ox.rows) == _canonical(rl.rows)


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.name for p in QUERY_FILES])
def test_engines_agree_with_every_parameter(path: Path) -> None:
    """The same with every parameter bound to its example (optional ones included)."""
    q = catalog.parse_header(path)
    params = {p.name: p.example for p in q.params}
    ox = api.query(q.name, params, limit=None)
    rl = api.query(q.name, params, engine_name="rdflib")
    assert _canonical(ox.rows) == _canonical(rl.rows)


def test_contraindicated_while_driving_lists_every_kind_of_muscle_relaxant() -> None:
    rows = api.query("contraindicated-while-driving").rows
    labels = {r["treatmentLabel"] for r in rows}
    assert {"muscle relaxants", "skeletal muscle relaxants", "skeletal muscle relaxant combinations"} <= labels
    assert {r["quote"] for r in rows} == {"Driving is not permitted while under the influence of muscle relaxants."}


def test_red_flags_are_ordered_by_urgency_and_not_truncated() -> None:
    r = api.query("red-flags", limit=1)
    assert len(r.rows) >= 10 and not r.truncated
    ranks = {"seek immediate medical care": 1, "seek prompt medical care": 2, "see a doctor": 3}
    order = [ranks[row["urgencyLabel"]] for row in r.rows]
    assert order == sorted(order)


def test_parameter_label_and_synonym_resolution() -> None:
    by_label = api.query("treatments-for", concept="muscle strain").rows
    by_curie = api.query("treatments-for", concept="skr:muscle_strain").rows
    assert by_label and _canonical(by_label) == _canonical(by_curie)


def test_causes_category_filter() -> None:
    all_rows = api.query("causes").rows
    injury = api.query("causes", category="injury cause").rows
    assert injury and len(injury) < len(all_rows)
    assert {r["categoryLabel"] for r in injury} == {"injury cause"}


def test_treatment_kind_filter() -> None:
    rows = api.query("treatments", kind="self-care measure").rows
    assert rows and {r["kindLabel"] for r in rows} == {"self-care measure"}


def test_treatment_kind_filter_includes_narrower_kinds() -> None:
    """new-user review §6.7: kind=medication returned only the generic concept, not drugs and drug classes."""
    rows = api.query("treatments", {"kind": "medication"}).rows
    kinds = {r["kindLabel"] for r in rows}
    assert {"drug", "drug class"} <= kinds
    assert {"ibuprofen", "muscle relaxants"} <= {r["treatmentLabel"] for r in rows}
    rl = api.query("treatments", {"kind": "medication"}, engine_name="rdflib")
    assert _canonical(rows) == _canonical(rl.rows)


def test_self_care_timing_has_ice_then_heat_after_72_hours() -> None:
    rows = api.query("self-care-timing").rows
    assert any(r["kind"] == "start-after" and r["min"] == 72 and r["unit"] == "h" for r in rows)
    assert any(
        r["kind"] == "daily-requirement" and r["min"] == 1000 and r["max"] == 1200 and r["unit"] == "mg/d" for r in rows
    )


def test_result_to_dataframe() -> None:
    pytest.importorskip("pandas")
    df = api.query("red-flags").to_dataframe()
    assert list(df.columns) == [
        "redFlag",
        "redFlagLabel",
        "urgencyLabel",
        "conditionLabel",
        "support",
        "hedge",
        "quote",
        "note",
    ]
    assert len(df) >= 10


# ---------------------------------------------------------------- named queries that run anywhere (issue 14)


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.name for p in QUERY_FILES])
def test_query_file_runs_unchanged_without_predeclared_prefixes(path: Path) -> None:
    """The file as written (no tool, no predeclared prefixes, nothing bound) gives the tool's rows:
    with no parameters for optional ones (UNDEF), with the header's example for required ones."""
    import pyoxigraph

    from spasmkg.engine.execute import py_value
    from spasmkg.engine.store import open_store

    q = catalog.parse_header(path)
    text = path.read_text(encoding="utf-8")
    res = open_store(()).query(text)  # no prefixes= : an undeclared prefix is a syntax error
    assert isinstance(res, pyoxigraph.QuerySolutions)
    cols = [v.value for v in res.variables]
    raw = [{c: py_value(s[c]) for c in cols} for s in res]
    tool = api.query(q.name, _example_params(q), limit=None)
    assert cols == tool.columns
    assert raw == tool.rows  # same rows in the same order


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.name for p in QUERY_FILES])
def test_every_parameter_is_one_values_block_and_binding_replaces_it(path: Path) -> None:
    q = catalog.parse_header(path)
    text = path.read_text(encoding="utf-8")
    blocks = catalog.parameter_blocks(text)
    for p in q.params:
        assert p.name in blocks, f"{path.name}: parameter {p.name} needs one 'VALUES ?{p.name} {{ ... }}' block"
        default = text[slice(*blocks[p.name])].strip()
        if p.required:
            assert default.startswith("skr:"), f"{path.name}: required {p.name} needs its example as the default"
        else:
            assert default == "UNDEF" or p.name == "activity", f"{path.name}: optional {p.name} should be UNDEF"
        bound = catalog.inject_values(text, {p.name: "<http://example.org/x>"})
        assert bound.count("<http://example.org/x>") == 1
        assert f"VALUES ?{p.name} {{ <http://example.org/x> }}" in " ".join(bound.split())


def test_binding_a_parameter_changes_the_answer_from_the_default() -> None:
    default = api.query("treatments-for", concept="muscle strain").rows
    other = api.query("treatments-for", concept="dehydration").rows
    assert default and other and _canonical(default) != _canonical(other)
    sitting = api.query("contraindicated-while-driving", activity="driving").rows
    assert _canonical(sitting) == _canonical(api.query("contraindicated-while-driving").rows)
