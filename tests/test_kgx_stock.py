"""The release's KGX files through the stock ``kgx validate`` (issue 15), offline.

kgx pins versions that clash with spasmkg's, so it lives in its own environment, built by
``bash .ci/services.sh install`` from ``.ci/kgx-constraints.txt`` (``.ci-kgx-venv``; or point
``SPASMKG_KGX_PYTHON`` at another Python that has kgx). ``tests/tools/kgx_validate_offline.py`` runs
kgx's own ``validate`` command with its three downloads replaced by files from the biolink-model wheel
and every other connection refused (its docstring lists them)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

RUNNER = ROOT / "tests" / "tools" / "kgx_validate_offline.py"
SKR = "https://w3id.org/spasmkg/resource/"


@pytest.fixture(scope="module")
def kgx_python() -> str:
    python = os.environ.get("SPASMKG_KGX_PYTHON") or str(ROOT / ".ci-kgx-venv" / "bin" / "python")
    if not Path(python).exists():
        pytest.skip("no Python with kgx: run `bash .ci/services.sh install` (builds .ci-kgx-venv)")
    return python


@pytest.fixture(scope="module")
def kgx_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The KGX files of the release bundle, written to a folder."""
    from spasmkg.release import build

    out = tmp_path_factory.mktemp("kgx")
    for name, data in build().items():
        if name.startswith("kgx/"):
            (out / name.removeprefix("kgx/")).write_bytes(data)
    assert sorted(p.name for p in out.iterdir()) == ["edges.tsv", "inferred_edges.tsv", "nodes.tsv"]
    return out


def kgx_validate(
    python: str, folder: Path, files: list[str], *prefixes: str, extra: tuple[str, ...] = ()
) -> tuple[int, dict, str]:
    """Exit code, kgx's JSON report and everything printed.

    kgx 2.6 prints the report to stderr whatever ``-o`` says (``ErrorDetecting.write_report``), so the
    report is read from there: the JSON object that starts on a line of its own."""
    args = [a for p in prefixes for a in ("--prefix", p)]
    r = subprocess.run(
        [python, str(RUNNER), *args, "--", "-i", "tsv", *extra, *files],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = r.stderr.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.rstrip() in ("{", "{}")), None)
    data = {} if first is None else json.JSONDecoder().raw_decode("".join(lines[first:]))[0]
    return r.returncode, data, r.stdout + r.stderr


def _messages(report: dict) -> list[tuple[str, str, str]]:
    return [(level, kind, msg) for level, kinds in report.items() for kind, msgs in kinds.items() for msg in msgs]


def _grouped(report: dict) -> list[tuple[str, str, list[str]]]:
    return [(level, kind, list(msgs)) for level, kinds in report.items() for kind, msgs in kinds.items()]


def test_stock_kgx_validate_passes_with_the_local_prefix_declared(kgx_python: str, kgx_dir: Path):
    code, report, output = kgx_validate(
        kgx_python, kgx_dir, ["nodes.tsv", "edges.tsv", "inferred_edges.tsv"], f"skr={SKR}"
    )
    assert "network refused" not in output
    assert report == {}, _messages(report)[:5]
    assert code == 0, output[-2000:]


def test_without_the_local_prefix_the_only_complaint_is_that_prefix(kgx_python: str, kgx_dir: Path):
    """No Biolink context knows ``skr:``; every finding must be about it, and name a local node."""
    code, report, output = kgx_validate(kgx_python, kgx_dir, ["nodes.tsv", "edges.tsv"])
    assert "network refused" not in output
    assert code == 1
    messages = _messages(report)
    assert messages
    other = [m for m in messages if "CURIE prefix 'skr'" not in m[2]]
    assert other == []
    with (kgx_dir / "nodes.tsv").open(encoding="utf-8") as f:
        local = {row["id"] for row in csv.DictReader(f, delimiter="\t") if row["id"].startswith("skr:")}
    named = {m[2].split("'")[3] for m in messages if m[1] == "INVALID_NODE_PROPERTY_VALUE"}
    assert named == local


def test_stock_kgx_validate_rejects_what_the_review_found(kgx_python: str, kgx_dir: Path, tmp_path: Path):
    """The review's kgx errors come back if the writer regresses: a spasmkg CURIE as predicate and a
    category Biolink does not have."""
    with (kgx_dir / "nodes.tsv").open(encoding="utf-8") as f:
        nodes = list(csv.DictReader(f, delimiter="\t"))
    with (kgx_dir / "edges.tsv").open(encoding="utf-8") as f:
        edges = list(csv.DictReader(f, delimiter="\t"))
    nodes[0]["category"] = "biolink:Spasm"
    edges[0]["predicate"] = "spasmkg:hasSymptom"
    for name, rows in (("nodes.tsv", nodes), ("edges.tsv", edges)):
        with (tmp_path / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    code, report, _ = kgx_validate(kgx_python, tmp_path, ["nodes.tsv", "edges.tsv"], f"skr={SKR}")
    assert code == 1
    kinds = {kind: " ".join(msgs) for _, kind, msgs in _grouped(report)}
    assert "Category 'Spasm' is unknown" in kinds.get("INVALID_CATEGORY", "")
    assert "'hasSymptom' is not in snake_case form" in kinds.get("INVALID_EDGE_PREDICATE", ""), sorted(kinds)


def test_the_runner_lets_nothing_be_fetched(kgx_python: str, kgx_dir: Path):
    """Asking kgx for a Biolink release makes it download that release's schema: refused, exit 2."""
    code, _, output = kgx_validate(
        kgx_python, kgx_dir, ["nodes.tsv", "edges.tsv"], f"skr={SKR}", extra=("--biolink-release", "4.4.6")
    )
    assert "network refused" in output
    assert code != 0
