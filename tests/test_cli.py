"""The command line on the real graph: queries, sparql, show, search, stats, export, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, assert_one_line_error, needs_java, run_cli

NOTICE = "Not medical advice"


def test_main_job_prints_muscle_relaxants_with_quote() -> None:
    proc = run_cli("query", "contraindicated-while-driving")
    assert proc.returncode == 0, proc.stderr
    assert "skeletal muscle relaxant combinations" in proc.stdout
    assert "Driving is not permitted while under the influence of muscle relaxants." in proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1].startswith(NOTICE)


def test_machine_formats_have_no_notice() -> None:
    for fmt in ("json", "csv", "tsv"):
        proc = run_cli("query", "red-flags", "-F", fmt)
        assert proc.returncode == 0 and NOTICE not in proc.stdout, fmt
    data = json.loads(run_cli("query", "red-flags", "-F", "json").stdout)
    assert data["columns"][0] == "redFlag" and len(data["rows"]) >= 10


def test_markdown_format() -> None:
    proc = run_cli("query", "risk-factors", "-F", "markdown")
    assert proc.returncode == 0 and proc.stdout.startswith("| riskFactor |") and NOTICE in proc.stdout


def test_queries_lists_names_summaries_and_params() -> None:
    proc = run_cli("queries", "-F", "json")
    items = json.loads(proc.stdout)
    names = {q["name"] for q in items}
    assert {"contraindicated-while-driving", "red-flags", "what-to-do-for"} <= names
    tf = next(q for q in items if q["name"] == "treatments-for")
    assert tf["params"][0]["name"] == "concept" and tf["params"][0]["required"]


def test_query_with_label_parameter() -> None:
    proc = run_cli("query", "treatments-for", "--param", "concept=heavy lifting", "-F", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rows"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["query", "red-flag"], "did you mean red-flags"),
        (["query", "treatments-for"], "missing parameter 'concept'"),
        (["query", "causes", "--param", "colour=red"], "unknown parameter 'colour'"),
        (["query", "treatments-for", "--param", "concept=zebra stripes"], "no concept matches"),
        (["sparql", "SELECT * WHERE { ?s ?p }"], "SPARQL syntax error"),
        (["sparql", "INSERT DATA { <a:b> <a:c> <a:d> }"], "read-only"),
        (["show", "no such thing at all"], "no concept matches"),
        (["--data", "missing.ttl", "query", "red-flags"], "no such file"),
        (["export", "-o", "/nonexistent-dir/x.ttl"], "does not exist"),
    ],
    ids=[
        "unknown-query",
        "missing-param",
        "unknown-param",
        "unknown-concept",
        "bad-sparql",
        "update",
        "unknown-term",
        "missing-data",
        "unwritable-output",
    ],
)
def test_errors_are_one_line_exit_2(args: list[str], needle: str) -> None:
    proc = run_cli(*args)
    assert_one_line_error(proc)
    assert needle in proc.stderr


def test_sparql_select_ask_construct(tmp_path: Path) -> None:
    sel = run_cli("sparql", "SELECT ?l WHERE { skr:driving rdfs:label ?l }", "-F", "json")
    assert json.loads(sel.stdout)["rows"] == [{"l": "driving"}]
    ask = run_cli("sparql", "ASK { skr:muscle_relaxants spasmkg:contraindicatedDuring skr:driving }")
    assert ask.stdout.startswith("yes")
    q = tmp_path / "c.rq"
    q.write_text("CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a spasmkg:RedFlag ; rdfs:label ?l }", encoding="utf-8")
    con = run_cli("sparql", "-f", str(q), "-F", "csv")
    assert con.returncode == 0 and con.stdout.startswith("subject,predicate,object")


def test_show_prints_concept_page_with_quotes() -> None:
    proc = run_cli("show", "Heavy Lifting")
    assert proc.returncode == 0, proc.stderr
    assert "skr:heavy_lifting" in proc.stdout and "edges out" in proc.stdout
    # each quote in its corpus context, with how it supports the claim
    assert "…" in proc.stdout and "**" in proc.stdout and "stated in the source" in proc.stdout
    page = json.loads(run_cli("show", "skr:dehydration", "-F", "json").stdout)
    assert page["xrefs"] and all(e["evidence"] for e in page["edges"])


def test_search_ranks_exact_label_first() -> None:
    proc = run_cli("search", "spasm", "-F", "json")
    hits = json.loads(proc.stdout)
    assert hits and hits[0]["score"] >= hits[-1]["score"]


def test_stats_meets_floors_and_full_evidence_coverage() -> None:
    s = json.loads(run_cli("stats", "-F", "json").stdout)
    assert s["evidence"]["coverage"] == 1.0
    assert s["classes"]["spasmkg:Cause"]["count"] >= 30


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nt", "xml"])
def test_export_is_deterministic_and_round_trips(fmt: str, tmp_path: Path) -> None:
    import rdflib

    from spasmkg.io.rdf import canonical, parse_bytes

    env2 = {"PYTHONHASHSEED": "12345"}
    a = run_cli("export", "-F", fmt, "-o", str(tmp_path / "a"), env={"PYTHONHASHSEED": "1"})
    b = run_cli("export", "-F", fmt, "-o", str(tmp_path / "b"), env=env2)
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    da, db = (tmp_path / "a").read_bytes(), (tmp_path / "b").read_bytes()
    assert da == db, "export is not byte-identical across runs"
    turtle = run_cli("export", "-F", "turtle")
    ref = rdflib.Graph().parse(data=turtle.stdout, format="turtle")
    # Same canonical labelling on both sides => the graphs are isomorphic (the labelling is the bijection).
    got = {tuple(x.n3() for x in t) for t in canonical(parse_bytes(da, fmt))}
    want = {tuple(x.n3() for x in t) for t in canonical(ref)}
    assert len(got) == len(ref) and got == want


def test_json_ld_export_uses_shipped_context() -> None:
    proc = run_cli("export", "-F", "json-ld")
    doc = json.loads(proc.stdout)
    assert doc["@context"]["skr"] == "https://w3id.org/spasmkg/resource/"


def test_python_m_and_help_do_not_parse_the_graph() -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "spasmkg", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and "query" in proc.stdout
    for heavy in ("rdflib", "pyshacl", "owlready2", "pyoxigraph", "pandas", "networkx", "matplotlib"):
        assert f" {heavy}" not in proc.stderr, heavy


def test_query_path_does_not_import_rdflib() -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "spasmkg", "query", "contraindicated-while-driving", "-F", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    for heavy in ("rdflib", "pyshacl", "owlready2", "pandas", "networkx", "matplotlib"):
        assert f"| {heavy}" not in proc.stderr, heavy


@needs_java
def test_validate_passes_on_shipped_graph() -> None:
    proc = run_cli("validate", "--no-cache")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK: all checks pass" in proc.stdout
    rep = json.loads(run_cli("validate", "-F", "json").stdout)
    assert rep["ok"] and {c["name"] for c in rep["checks"]} >= {"shacl", "owl", "evidence", "qc"}


def test_validate_malformed_file_gives_line_number(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b \n", encoding="utf-8")
    proc = run_cli("validate", "--data", str(bad))
    assert_one_line_error(proc)
    assert "line" in proc.stderr


@pytest.mark.slow
def test_plain_pip_install_works_from_any_directory(tmp_path: Path) -> None:
    """A non-editable wheel ships ontology/ and queries/ and runs outside the checkout."""
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    wheel = next(wheels.glob("spasmkg-*.whl"))
    inst = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert inst.returncode == 0, inst.stderr
    env = {**os.environ, "PYTHONPATH": str(site)}  # the installed copy shadows the editable checkout
    proc = subprocess.run(
        [sys.executable, "-m", "spasmkg", "query", "contraindicated-while-driving"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Driving is not permitted" in proc.stdout
    where = subprocess.run(
        [sys.executable, "-c", "import spasmkg.resources as r; print(r.data_root())"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert where.stdout.strip() == str(site / "spasmkg"), where.stdout + where.stderr
    assert (site / "spasmkg" / "queries" / "red-flags.rq").is_file()
    assert (site / "spasmkg" / "ontology" / "knowledge.ttl").is_file()


def test_show_prints_the_evidence_of_each_type_under_the_types() -> None:
    """``skr:foot_drop a spasmkg:RedFlag`` is a curator inference: its quote, support and note are printed
    under the types line, like the evidence of an edge; the JSON view has them in ``typeClaims``."""
    proc = run_cli("show", "skr:foot_drop")
    assert proc.returncode == 0, proc.stderr
    head, _, _ = proc.stdout.partition("  edges out:")
    types = head.split("  types: red flag, symptom or sign\n", 1)[1]
    block = types.split("    red flag\n", 1)[1].split("    symptom or sign\n", 1)[0]
    assert "**“Foot drop” (feeling of the foot slapping the ground; caused by**" in block
    assert "          curator inference; [15506:15569]" in block
    assert "          note: Typed as a red flag by the curator: the corpus gives foot drop only" in block
    hedged = run_cli("show", "skr:nerve_compression").stdout.partition("  edges out:")[0]
    assert 'stated in the source; hedged: "Some spasms", "may"' in hedged
    page = json.loads(run_cli("show", "skr:foot_drop", "-F", "json").stdout)
    assert page["types"] == ["red flag", "symptom or sign"]
    red = next(c for c in page["typeClaims"] if c["label"] == "red flag")
    assert red["evidence"][0]["support"] == "inferred" and red["evidence"][0]["note"]
