"""Regression tests for the 2026-11-30 reviews, part B2: validate, reason, their caches, exit codes.

One test (or a few) per finding, named after it; reproducers are kept as fixtures in
``tests/fixtures/hostile/v-*`` and ``tests/fixtures/evidence/``. Real libraries, real graph, real
Java where a test says ``needs_java`` (skipped when there is none).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, assert_one_line_error, run_cli

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
EVIDENCE = ROOT / "tests" / "fixtures" / "evidence"
EVIDENCE_FIXTURES = sorted(EVIDENCE.glob("*.ttl"))
SKR = "https://w3id.org/spasmkg/resource/"
SK = "https://w3id.org/spasmkg/"

needs_java = pytest.mark.skipif(
    shutil.which("java") is None and not os.environ.get("JAVA_HOME"), reason="HermiT needs Java (.ci/run installs it)"
)
linux_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env.update(extra)
    return env


def _run(*args: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``python -m spasmkg`` with exactly ``env`` (run_cli merges, and cannot remove JAVA_HOME)."""
    return subprocess.run(
        [sys.executable, "-m", "spasmkg", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def _no_java_path(tmp_path: Path) -> str:
    """A PATH with python and nothing else: no java."""
    folder = tmp_path / "nojava-bin"
    folder.mkdir()
    (folder / "python").symlink_to(sys.executable)
    return str(folder)


def _check(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in report["checks"] if c["name"] == name)


# ----------------------------------------------------------------- new-user 6.1 / 6.3: validate without Java


def test_validate_without_java_is_exit_2_with_a_hint_before_shacl_and_nothing_cached(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = _env(PATH=_no_java_path(tmp_path), SPASMKG_CACHE_DIR=str(cache))
    started = time.monotonic()
    proc = _run("validate", env=env)
    elapsed = time.monotonic() - started
    assert_one_line_error(proc)  # exit 2, never 1 ("violations found")
    assert "Java" in proc.stderr and "--no-owl" in proc.stderr, proc.stderr
    assert "violations found" not in proc.stdout + proc.stderr
    assert elapsed < 8, f"took {elapsed:.1f} s: Java must be looked for before the SHACL run"
    assert not list(cache.glob("validate/*.json")), "a 'Java missing' failure must never be cached"


def test_validate_api_without_java_raises_before_anything_slow(tmp_path: Path) -> None:
    # in a fresh interpreter: earlier tests of a full run have already imported and used owlready2
    code = (
        "import time, sys\n"
        "from spasmkg.errors import ReasonerError\n"
        "from spasmkg.check.validate import validate\n"
        "t = time.monotonic()\n"
        "try:\n"
        "    validate(use_cache=False)\n"
        "except ReasonerError as exc:\n"
        "    assert '--no-owl' in str(exc), exc\n"
        "    assert time.monotonic() - t < 5\n"
        "    sys.exit(0)\n"
        "sys.exit('validate did not raise ReasonerError without Java')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = _no_java_path(tmp_path)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr


def test_validate_without_java_reports_a_bad_data_file_first(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://e/> .\nex:a ex:b \n", encoding="utf-8")
    proc = _run("validate", "--no-cache", "--data", str(bad), env=_env(PATH=_no_java_path(tmp_path)), timeout=120)
    assert_one_line_error(proc)
    assert "bad.ttl" in proc.stderr and "line" in proc.stderr, proc.stderr


def test_reason_check_hermit_without_java_is_one_line_exit_2(tmp_path: Path) -> None:
    proc = _run("reason", "--check-hermit", env=_env(PATH=_no_java_path(tmp_path)), timeout=120)
    assert_one_line_error(proc)
    assert "Java" in proc.stderr


# ----------------------------------------------------------------- 6.6 (merge), M5 (ill-typed literals), L8 (cache dir)


@pytest.fixture(scope="module")
def mine_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """``validate --data v-mine.ttl --data v-ill-typed.nt`` once, with a cache dir whose path cannot
    even be looked at (ENAMETOOLONG; EACCES as a non-root user): validate must run uncached."""
    cache = tmp_path_factory.mktemp("cache") / ("x" * 300)
    proc = run_cli(
        "validate",
        "--no-owl",
        "-F",
        "json",
        "--data",
        str(HOSTILE / "v-mine.ttl"),
        "--data",
        str(HOSTILE / "v-ill-typed.nt"),
        env={"SPASMKG_CACHE_DIR": str(cache)},
        timeout=600,
    )
    assert proc.returncode == 1, (proc.returncode, proc.stdout[-2000:], proc.stderr)
    return proc, json.loads(proc.stdout)


@pytest.mark.slow
def test_validate_with_an_unusable_cache_dir_runs_uncached(mine_report: Any) -> None:
    proc, report = mine_report
    assert report["cached"] is False and "error" not in proc.stderr


@pytest.mark.slow
def test_validate_data_is_merged_with_the_shipped_graph(mine_report: Any) -> None:
    """mine.ttl links a red flag of its own to skr:back_muscle_spasm: only its own node is at fault."""
    _, report = mine_report
    violations = [v for c in report["checks"] for v in c["violations"]]
    assert violations, report
    assert not [v for v in violations if "back_muscle_spasm" in str(v.get("focus"))], violations
    about_mine = [v for v in violations if "my_red_flag" in json.dumps(v)]
    assert {c["name"] for c in report["checks"] if not c["ok"]} >= {"shacl", "qc"}
    assert about_mine and all("in your data file" in v["message"] for v in about_mine), about_mine
    assert all("v-mine.ttl" in v["message"] for v in about_mine)
    assert not [v for v in violations if "ontology/curation" in v["message"] or "spasmkg.kb.build" in v["message"]]
    assert report["inputs"][0].startswith("shipped graph")


def test_shape_messages_for_a_data_file_drop_the_curation_advice() -> None:
    import rdflib

    from spasmkg import resources
    from spasmkg.check.validate import for_data_file

    shapes = rdflib.Graph().parse(resources.shapes_path())
    messages = sorted({str(m) for m in shapes.objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#message"))})
    assert len(messages) > 30
    for m in messages:
        worded = for_data_file(m, ["mine.ttl"])
        assert worded.endswith("(in your data file mine.ttl)"), worded
        for hint in ("ontology/curation", "spasmkg.kb.build", "column", "knowledge.ttl"):
            assert hint not in worded, (m, worded)
        assert len(worded) > 40 and worded[:20] == m[:20], (m, worded)


@pytest.mark.slow
def test_ill_typed_literal_in_validate_is_a_violation_without_traceback(mine_report: Any) -> None:
    proc, report = mine_report
    assert "Traceback" not in proc.stderr and "Failed to convert" not in proc.stderr, proc.stderr
    literals = _check(report, "literals")
    assert not literals["ok"]
    assert any('"abc"^^xsd:integer' in v["message"] for v in literals["violations"]), literals


@pytest.mark.parametrize(
    "args", [["export", "-F", "nt"], ["export", "--inferred", "-F", "nt"], ["reason", "-F", "nt"]], ids=" ".join
)
def test_ill_typed_literal_is_one_warning_line_on_export_and_reason(args: list[str]) -> None:
    proc = run_cli("--data", str(HOSTILE / "v-ill-typed.nt"), *args)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "Failed to convert" not in proc.stderr, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and '"abc"^^xsd:integer' in warnings[0], proc.stderr


# ----------------------------------------------------------------- code review 0: the evidence check can fail; M3/M4


def _expect(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")


@pytest.mark.parametrize("fixture", EVIDENCE_FIXTURES, ids=[p.stem for p in EVIDENCE_FIXTURES])
def test_evidence_check_reports_the_mismatch(fixture: Path) -> None:
    from spasmkg.check.evidence import check_evidence
    from spasmkg.check.validate import load_validation_store

    clean = check_evidence(load_validation_store([]))
    assert clean.ok, clean.violations
    check = check_evidence(load_validation_store([fixture]))
    assert not check.ok
    assert len(check.violations) == 1 and _expect(fixture) in check.violations[0]["message"], check.violations


@pytest.mark.slow
def test_evidence_mismatches_fail_validate_and_a_forged_cache_entry_is_not_believed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"SPASMKG_CACHE_DIR": str(cache)}
    args = ["validate", "--no-owl", "-F", "json"]
    for f in EVIDENCE_FIXTURES:
        args += ["--data", str(f)]
    first = run_cli(*args, env=env, timeout=600)
    assert first.returncode == 1, first.stdout[-2000:] + first.stderr
    report = json.loads(first.stdout)
    evidence = _check(report, "evidence")
    assert not report["cached"] and not evidence["ok"]
    assert _check(report, "shacl")["ok"], "only the evidence check can see these mismatches"
    messages = " | ".join(v["message"] for v in evidence["violations"])
    for f in EVIDENCE_FIXTURES:
        assert _expect(f) in messages, (f.name, messages)
    folder = cache / "validate"
    assert folder.stat().st_mode & 0o777 == 0o700
    (entry,) = folder.glob("*.json")
    # a poisoned entry under the right key: every check passes
    forged = json.loads(entry.read_text(encoding="utf-8"))
    for c in forged["checks"]:
        c.update(ok=True, summary="conforms (the cache says so)", violations=[])
    entry.write_text(json.dumps(forged), encoding="utf-8")
    second = run_cli(*args, env=env, timeout=600)
    assert second.returncode == 1 and not json.loads(second.stdout)["cached"], second.stdout[-2000:]
    third = run_cli(*args, env=env, timeout=600)  # the entry was rewritten and is believed again
    assert third.returncode == 1 and json.loads(third.stdout)["cached"], third.stdout[-2000:]


def _entries(tmp_path: Path) -> tuple[Path, str, list[Any]]:
    from spasmkg.check.validate import Check, _write_cache

    checks = [
        Check("shacl", False, "1 violation(s)", [{"severity": "sh:Violation", "focus": "skr:x", "message": "m"}], 1.5),
        Check("literals", True, "3 typed literal(s) checked"),
        Check("evidence", True, "1 evidence quote(s) checked against the corpus"),
        Check("qc", True, "6 QC queries, no rows"),
    ]
    path = tmp_path / "k.json"
    _write_cache(path, "k", checks)
    return path, "k", checks


def test_validate_cache_entries_are_checked_and_damaged_ones_ignored(tmp_path: Path) -> None:
    from spasmkg.check.validate import _read_cache

    path, key, checks = _entries(tmp_path)
    assert _read_cache(path, key, owl=False) == checks
    assert _read_cache(path, key, owl=True) is None  # a report without the owl check answers no owl run
    assert _read_cache(path, "another-key", owl=False) is None  # an entry copied from another key
    good = path.read_bytes()
    entry = json.loads(good)
    legacy = {"checks": [{"name": "shacl", "ok": True, "summary": "conforms", "violations": [], "seconds": 0}]}
    edited = json.loads(good)
    edited["checks"][0]["ok"] = True  # checksum no longer matches
    ints = json.loads(good)
    ints["checks"][0]["violations"] = 5
    from spasmkg.check.validate import _body_digest

    ints["sha256"] = _body_digest(ints["checks"])  # well-formed checksum, ill-formed body
    passing_with_violation = json.loads(good)
    passing_with_violation["checks"][0]["ok"] = True
    passing_with_violation["sha256"] = _body_digest(passing_with_violation["checks"])
    for damaged in (
        good[: len(good) // 2],
        b"\x00\xff garbage",
        b"null",
        b"[]",
        json.dumps(legacy).encode(),
        json.dumps(edited).encode(),
        json.dumps(ints).encode(),
        json.dumps(passing_with_violation).encode(),
        json.dumps({**entry, "format": "spasmkg-validate-0"}).encode(),
    ):
        path.write_bytes(damaged)
        assert _read_cache(path, key, owl=False) is None, damaged[:120]


def test_validate_cache_key_covers_the_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A changed rule (any module of the package) or library version gives a new key: never a stale answer."""
    from spasmkg.check import validate as v

    digest = v._code_digest.__wrapped__
    before = v._key([], owl=False)
    monkeypatch.setattr(v, "_code_digest", lambda: "edited")
    assert v._key([], owl=False) != before
    monkeypatch.undo()
    pkg = Path(v.__file__).resolve().parents[1]  # the whole package, not only spasmkg/check/
    copy = tmp_path / "spasmkg"
    shutil.copytree(pkg, copy, ignore=shutil.ignore_patterns("__pycache__", "ontology", "queries"))
    monkeypatch.setattr(v, "__file__", str(copy / "check" / "validate.py"))
    same = digest()
    rules = copy / "reason" / "rules.py"
    rules.write_text(rules.read_text() + "\n# an edited rule\n")
    assert digest() != same
    assert v._key([], owl=False, engine="compiled") != v._key([], owl=False, engine="pyshacl")


def test_reason_keeps_no_disk_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run_cli("reason", "-o", str(tmp_path / "r.ttl"), env={"SPASMKG_CACHE_DIR": str(cache)}).returncode == 0
    assert run_cli("export", "--inferred", "-o", str(tmp_path / "e.ttl"), env={"SPASMKG_CACHE_DIR": str(cache)})
    assert not (cache / "reason").exists()


# ----------------------------------------------------------------- 6.4: deterministic across hash seeds


def test_inferred_export_and_reason_are_identical_across_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2", "3"):
        env = {"PYTHONHASHSEED": seed, "SPASMKG_CACHE_DIR": str(tmp_path / f"cache-{seed}")}
        export = run_cli("export", "-F", "nt", "--inferred", env=env)
        reason = run_cli("reason", "-F", "nt", env=env)
        assert export.returncode == 0 and reason.returncode == 0, export.stderr + reason.stderr
        outputs.append((export.stdout, reason.stdout, reason.stderr))
    assert outputs[0] == outputs[1] == outputs[2]
    assert "derivedBy" in outputs[0][0] and " by subclass" in outputs[0][2]


# ----------------------------------------------------------------- code review 1.4: unsupported axioms are loud


def test_reason_warns_about_axioms_it_does_not_apply() -> None:
    proc = run_cli("--data", str(HOSTILE / "v-unsupported-axioms.ttl"), "reason", "-F", "nt")
    assert proc.returncode == 0, proc.stderr
    (warning,) = [line for line in proc.stderr.splitlines() if line.startswith("warning: ")]
    for part in ("5 axiom(s)", "chain of 3", "owl:sameAs", "intersection", "restriction on", "InverseFunctional"):
        assert part in warning, (part, warning)


def test_materialise_lists_unsupported_axioms_and_none_for_the_shipped_graph() -> None:
    import spasmkg
    from spasmkg.io.rdf import parse_files
    from spasmkg.reason.rules import materialise

    assert materialise(spasmkg.load()).unsupported == []
    unsupported = materialise(parse_files([HOSTILE / "v-unsupported-axioms.ttl"])).unsupported
    assert len(unsupported) == 5, unsupported
    assert any("e:s" in u or "http://e/s" in u for u in unsupported), unsupported


def test_equivalences_and_enumerations_are_applied() -> None:
    import rdflib

    from spasmkg.reason.rules import materialise

    g = rdflib.Graph().parse(
        format="turtle",
        data=f"""
        @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix sk: <{SK}> . @prefix skr: <{SKR}> .
        sk:p a owl:ObjectProperty ; owl:equivalentProperty sk:q . sk:q a owl:ObjectProperty .
        sk:A owl:equivalentClass sk:B .
        sk:Level owl:equivalentClass [ a owl:Class ; owl:oneOf ( skr:high skr:low ) ] .
        skr:x sk:p skr:y ; a sk:A .
        """,
    )
    m = materialise(g)
    assert m.unsupported == []
    assert m.derivations[(SKR + "x", SK + "q", SKR + "y")].rule == "subproperty"
    assert (SKR + "x", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", SK + "B") in m.derivations
    assert m.derivations[(SKR + "low", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", SK + "Level")].rule == (
        "enumeration"
    )


def test_dead_code_is_gone() -> None:
    from spasmkg.check import validate
    from spasmkg.reason import rules as reason

    assert not hasattr(validate, "check_owl") and not hasattr(reason, "_c")


# ----------------------------------------------------------------- M9: bounded memory and time


def test_hermit_heap_limit_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from spasmkg.errors import InputError
    from spasmkg.reason.hermit import HERMIT_MEMORY_MB, hermit_memory_mb

    monkeypatch.delenv("SPASMKG_HERMIT_MB", raising=False)
    assert hermit_memory_mb() == HERMIT_MEMORY_MB <= 2048
    monkeypatch.setenv("SPASMKG_HERMIT_MB", "lots")
    with pytest.raises(InputError, match="SPASMKG_HERMIT_MB"):
        hermit_memory_mb()
    monkeypatch.setenv("SPASMKG_HERMIT_MB", "512")
    assert hermit_memory_mb() == 512


@pytest.mark.slow
@needs_java
def test_hermit_out_of_memory_is_one_line_exit_2_and_not_cached(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"SPASMKG_CACHE_DIR": str(cache), "SPASMKG_HERMIT_MB": "256"}  # OOM in ~8 s instead of ~30 s
    # --quiet: the run takes over 2 s, so it would print progress lines on stderr before the error
    proc = run_cli("validate", "--quiet", "--data", str(HOSTILE / "v-hermit-oom.ttl"), env=env, timeout=600)
    assert_one_line_error(proc)
    assert "out of memory" in proc.stderr and "256 MB" in proc.stderr and "--no-owl" in proc.stderr, proc.stderr
    assert not list(cache.glob("validate/*.json"))


@pytest.mark.slow
@needs_java
@linux_proc
def test_reason_timeout_stops_hermit_and_its_jvm(tmp_path: Path, reaper: Any) -> None:
    started = time.monotonic()
    args = ["--data", str(HOSTILE / "v-hermit-oom.ttl"), "reason", "--check-hermit", "--timeout", "8"]
    code, err, jvm = _run_watching_hermit(args, tmp_path, reaper)
    assert code == 2 and "did not finish within 8 s" in err and len(err.strip().splitlines()) == 1, err
    assert time.monotonic() - started < 60
    assert jvm is not None and _left_in_group(jvm, wait=3) == []


def test_reason_timeout_bounds_the_materialisation() -> None:
    proc = run_cli("reason", "--timeout", "0.01")
    assert_one_line_error(proc)
    assert "time limit" in proc.stderr and "--timeout" in proc.stderr, proc.stderr


def test_reason_to_a_missing_folder_is_one_error_line(tmp_path: Path) -> None:
    proc = run_cli("reason", "-o", str(tmp_path / "missing" / "inferred.ttl"))
    assert_one_line_error(proc)  # the summary line is printed only once the output is written
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("args", [["reason", "--timeout", "nan"], ["validate", "--owl-timeout", "inf"]], ids=" ".join)
def test_time_limits_cannot_be_switched_off(args: list[str]) -> None:
    assert_one_line_error(run_cli(*args))


def test_validate_size_limit_is_on_the_total(tmp_path: Path) -> None:
    files = []
    for name in ("a.ttl", "b.ttl"):
        f = tmp_path / name
        f.write_text("# padding\n" * 63_000, encoding="utf-8")  # 0.6 MiB each, 1.2 MiB together
        files += ["--data", str(f)]
    proc = run_cli("validate", "--no-owl", "--no-cache", "--max-mb", "1", *files)
    assert_one_line_error(proc)
    assert "total" in proc.stderr and "--max-mb" in proc.stderr, proc.stderr


# ----------------------------------------------------------------- M6: no orphan HermiT JVM


def _processes() -> list[dict[str, Any]]:
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        out.append(
            {
                "pid": int(d.name),
                "state": fields[0],
                "ppid": int(fields[1]),
                "pgid": int(fields[2]),
                "cmd": cmd,
                "hermit": "org.semanticweb.HermiT" in cmd,
                "parent_gone": int(fields[1]) == 1,
            }
        )
    return out


def _descendants(root: int) -> list[dict[str, Any]]:
    procs = _processes()
    found, frontier = [], {root}
    while frontier:
        nxt = {p["pid"] for p in procs if p["ppid"] in frontier}
        found += [p for p in procs if p["pid"] in nxt]
        frontier = nxt
    return found


def _left_in_group(jvm: dict[str, Any], wait: float = 10) -> list[dict[str, Any]]:
    """The HermiT JVMs still running (not zombies) in ``jvm``'s process group after up to ``wait`` s."""
    until = time.monotonic() + wait
    while True:
        alive = [p for p in _processes() if p["pgid"] == jvm["pgid"] and p["hermit"] and p["state"] != "Z"]
        if not alive or time.monotonic() > until:
            return alive
        time.sleep(0.2)


def _run_watching_hermit(
    args: list[str], tmp_path: Path, reaper: list[dict[str, Any]], *, sigterm_after: float | None = None
) -> tuple[int, str, dict[str, Any] | None]:
    """Run ``spasmkg ARGS`` in a session of its own, note HermiT's JVM among its descendants, optionally
    SIGTERM it ``sigterm_after`` seconds after the JVM started; return (exit code, stderr, the JVM)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp), "SPASMKG_CACHE_DIR": str(tmp_path / "cache"), "SPASMKG_HERMIT_MB": "1024"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "spasmkg", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    jvm: dict[str, Any] | None = None
    try:
        deadline = time.monotonic() + 120
        while jvm is None and time.monotonic() < deadline and proc.poll() is None:
            jvm = next((p for p in _descendants(proc.pid) if p["hermit"]), None)
            time.sleep(0.1)
        if sigterm_after is not None and jvm is not None:
            time.sleep(sigterm_after)
            proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=300)
        return proc.returncode, err, jvm
    finally:
        if proc.poll() is None:
            proc.kill()
        if jvm is not None:
            reaper.append(jvm)


@pytest.fixture
def reaper() -> Any:
    """JVMs a test watched: any still running when the test is over (it failed) are killed then."""
    jvms: list[dict[str, Any]] = []
    yield jvms
    for jvm in jvms:
        for p in _left_in_group(jvm, wait=0):
            os.kill(p["pid"], signal.SIGKILL)


@pytest.mark.slow
@needs_java
@linux_proc
def test_sigterm_leaves_no_hermit_jvm_and_no_temporary_folder(tmp_path: Path, reaper: Any) -> None:
    """HermiT on v-hermit-oom.ttl with a 1024 MB heap runs for 15-40 s: long after the SIGTERM."""
    args = ["validate", "--no-cache", "--data", str(HOSTILE / "v-hermit-oom.ttl")]
    code, err, jvm = _run_watching_hermit(args, tmp_path, reaper, sigterm_after=1.5)
    assert jvm is not None, "HermiT's JVM never started: " + err
    assert code != 0
    assert "Traceback" not in err, err
    assert _left_in_group(jvm, wait=3) == []
    time.sleep(0.5)
    assert not list((tmp_path / "tmp").iterdir()), list((tmp_path / "tmp").iterdir())


def test_doctests_of_validate() -> None:
    import doctest

    from spasmkg.check import report  # for_data_file lives there (validate re-exports it)

    result = doctest.testmod(report, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ----------------------------------------------------------------- issue 13: one store, compiled SHACL, progress


def test_progress_lines_are_held_for_a_quick_run_and_shown_for_a_long_one() -> None:
    import io

    from spasmkg.check.report import Progress

    quick = io.StringIO()
    with Progress(quick, after=30) as progress:
        progress("shacl: PASS conforms")
    assert quick.getvalue() == ""
    slow = io.StringIO()
    with Progress(slow, after=0.2) as progress:
        progress("loaded 10 triples")
        assert slow.getvalue() == ""
        time.sleep(0.6)  # the timer shows the held line once the run is long
        assert slow.getvalue().startswith("validate: loaded 10 triples [")
        progress("qc: PASS")
    assert slow.getvalue().count("\n") == 2 and "validate: qc: PASS" in slow.getvalue()
    silent = io.StringIO()
    with Progress(silent, after=0, enabled=False) as progress:
        progress("anything")
    assert silent.getvalue() == ""


def test_validate_api_reports_one_progress_line_per_check() -> None:
    import io

    from spasmkg.check.report import Progress
    from spasmkg.check.validate import validate

    out = io.StringIO()
    with Progress(out, after=0) as progress:
        report = validate(owl=False, use_cache=False, progress=progress)
    assert report.ok
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("validate: loaded ") and "triples" in lines[0]
    assert [line.split(":")[1].strip() for line in lines[1:]] == ["shacl", "literals", "evidence", "qc"], lines


def test_validate_progress_on_stderr_quiet_and_never_in_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The CLI's progress lines (here shown from the start: ``after=0``) go to stderr, never into the
    JSON on stdout, and ``--quiet`` silences them."""
    from click.testing import CliRunner

    from spasmkg.check import validate as v
    from spasmkg.check.report import Progress
    from spasmkg.cli.app import cli

    class Eager(Progress):
        def __init__(self, stream: Any = None, *, after: float = 0.0, enabled: bool = True) -> None:
            super().__init__(stream, after=0.0, enabled=enabled)

    monkeypatch.setattr(v, "Progress", Eager)
    monkeypatch.setenv("SPASMKG_CACHE_DIR", str(tmp_path / "cache"))
    runs = {}
    for label, extra in (("loud", []), ("quiet", ["--quiet"])):
        res = CliRunner().invoke(cli, ["validate", "--no-owl", "--no-cache", "-F", "json", *extra])
        assert res.exit_code == 0, (res.output, res.exception)
        assert json.loads(res.stdout)["ok"]  # stdout is the JSON document alone
        runs[label] = res.stderr
    shown = runs["loud"].splitlines()
    assert shown and all(line.startswith("validate: ") for line in shown), runs["loud"]
    assert [line.split(":")[1].strip() for line in shown[1:]] == ["shacl", "literals", "evidence", "qc"]
    assert runs["quiet"] == ""


def test_default_size_limit_depends_on_the_owl_check(tmp_path: Path) -> None:
    from spasmkg.check.owl import OWL_MAX_BYTES
    from spasmkg.check.validate import NO_OWL_MAX_BYTES, max_data_bytes

    assert max_data_bytes(owl=True) == OWL_MAX_BYTES == 64 * 2**20
    assert max_data_bytes(owl=False) == NO_OWL_MAX_BYTES == 200 * 2**20
    big = tmp_path / "big.ttl"
    with big.open("w", encoding="utf-8") as fh:
        line = "# " + "x" * 1021 + "\n"
        for _ in range(65 * 1024):
            fh.write(line)
    proc = run_cli("validate", "--no-cache", "--data", str(big))
    assert_one_line_error(proc)
    assert "over the 64 MiB validate limit" in proc.stderr and "--no-owl" in proc.stderr, proc.stderr
    proc = run_cli("validate", "--no-cache", "--no-owl", "-q", "--data", str(big))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr


def test_unsupported_shacl_input_is_exit_2_with_a_hint_at_pyshacl(tmp_path: Path) -> None:
    f = tmp_path / "sub.ttl"
    f.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<http://e/p> rdfs:subPropertyOf <https://w3id.org/spasmkg/hasSymptom> .\n",
        encoding="utf-8",
    )
    proc = run_cli("validate", "--no-owl", "--no-cache", "--data", str(f))
    assert_one_line_error(proc)
    assert "subPropertyOf" in proc.stderr and "--engine pyshacl" in proc.stderr, proc.stderr


def test_literals_check_sees_the_written_datatype(tmp_path: Path) -> None:
    """The store keeps "-1"^^xsd:nonNegativeInteger as a valid xsd:integer; the side table does not."""
    from spasmkg.check.literals import check_literals
    from spasmkg.check.validate import load_validation_store

    f = tmp_path / "neg.nt"
    f.write_text(
        '<http://e/a> <http://e/start> "-1"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .\n'
        '<http://e/a> <http://e/when> "2024-13-45"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
        '<http://e/a> <http://e/n> "05"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .\n',
        encoding="utf-8",
    )
    check, ill = check_literals(load_validation_store([f]))
    assert not check.ok
    shown = sorted(v["message"] for v in check.violations)
    assert len(shown) == 2 and '"-1"^^xsd:nonNegativeInteger' in shown[0] and '"2024-13-45"^^xsd:date' in shown[1]
    assert '"-1"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>' in ill


@pytest.mark.slow
def test_pyshacl_engine_gives_the_same_shacl_results(tmp_path: Path) -> None:
    args = ["validate", "--no-owl", "--no-cache", "-F", "json", "--data", str(HOSTILE / "v-mine.ttl")]
    env = {"SPASMKG_CACHE_DIR": str(tmp_path / "cache")}
    compiled = run_cli(*args, env=env, timeout=600)
    reference = run_cli(*args, "--engine", "pyshacl", env=env, timeout=600)
    assert compiled.returncode == reference.returncode == 1, reference.stderr

    def keys(proc: subprocess.CompletedProcess[str]) -> set[tuple[str, str, str]]:
        shacl = _check(json.loads(proc.stdout), "shacl")
        return {(v["focus"], v["shape"], v["severity"]) for v in shacl["violations"]}

    assert keys(compiled) == keys(reference) and keys(compiled)


@needs_java
def test_validate_with_hermit_works_from_the_root_folder() -> None:
    """Users run spasmkg from anywhere: HermiT's command line fails to make a base IRI when the working
    folder is "/" unless it runs in its own work folder (found running the README's commands from /)."""
    proc = subprocess.run(
        [sys.executable, "-m", "spasmkg", "validate", "--no-cache", "-F", "json"],
        capture_output=True,
        text=True,
        cwd="/",
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    checks = {c["name"]: c for c in json.loads(proc.stdout)["checks"]}
    assert checks["owl"]["ok"], checks["owl"]
