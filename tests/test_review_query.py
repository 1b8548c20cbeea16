"""Issue 11, query path: one regression test per finding of the 2026-11-30 reviews (security-review.md
H3, M1, M2, M3/M4, M5, M6, M8, M9, L2, L3, L6/L11, L12; new-user-review.md §6.9) on the query path,
its inputs, limits and store cache. Reproducers are kept in ``tests/fixtures/hostile/q-*``.

Real libraries, the real graph, real subprocesses (the entry point's exit codes and stderr); the
only network is a recording HTTP server on 127.0.0.1 that must receive nothing.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import assert_one_line_error, run_cli
from test_hostile_inputs import Server

import spasmkg
from spasmkg import api
from spasmkg.engine import execute as engine
from spasmkg.engine import store
from spasmkg.engine.rdflib_backend import algebra_has, sparql_rdflib
from spasmkg.errors import InputError

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/p> ?o }"
N_BIG = 20_000


@pytest.fixture(scope="module")
def recorder() -> Iterator[Server]:
    srv = Server()
    yield srv
    srv.close()


@pytest.fixture()
def quiet(recorder: Server) -> Iterator[Server]:
    recorder.requests.clear()
    yield recorder
    assert recorder.requests == [], f"spasmkg opened a network connection: {recorder.requests}"


def _error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert_one_line_error(proc)
    return next(line for line in proc.stderr.splitlines() if line.strip())


# ------------------------------------------------------------------ H3: SERVICE behind \u escapes


def _escaped_service_queries(srv: Server) -> list[str]:
    url = srv.url("escaped")
    reviewer = (HOSTILE / "q-service-escape.rq").read_text(encoding="utf-8").replace("http://127.0.0.1:PORT/", url)
    return [
        reviewer,
        f"SELECT ?x WHERE {{ SERVI\\u0043E <{url}> {{ ?x ?y ?z }} }}",
        f"SELECT ?x WHERE {{ SERVI\\U00000043E <{url}> {{ ?x ?y ?z }} }}",
        f"SELECT ?x WHERE {{ ?a ?b ?c OPTIONAL {{ s\\u0065rvice SILENT <{url}> {{ ?x ?y ?z }} }} }}",
    ]


def test_service_written_with_codepoint_escapes_is_refused_on_every_api_path(quiet: Server) -> None:
    """rdflib expands \\uXXXX before parsing (SPARQL 1.1 §19.2): the reviewer's query reached the server."""
    for q in _escaped_service_queries(quiet):
        with pytest.raises(InputError, match="SERVICE"):
            sparql_rdflib(q)
        with pytest.raises(InputError):
            api.sparql(q)
        with pytest.raises(InputError):
            api.sparql(q, writable=True)
    # an update hidden the same way
    with pytest.raises(InputError, match="UPDATE is refused"):
        sparql_rdflib("SELECT * WHERE { ?s ?p ?o } ; \\u0044ROP ALL")


def test_service_with_escapes_refused_by_the_cli(quiet: Server) -> None:
    proc = run_cli("sparql", _escaped_service_queries(quiet)[0])
    assert re.search("SERVICE|syntax", _error_line(proc))


def test_rdflib_algebra_is_checked_before_evaluation() -> None:
    """The refusal is also made on the algebra rdflib evaluates (rdflib has no switch for SERVICE)."""
    from rdflib.plugins.sparql import prepareQuery

    parsed = prepareQuery("SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } } }")
    assert algebra_has(parsed.algebra, "ServiceGraphPattern")
    assert not algebra_has(prepareQuery("SELECT * WHERE { ?s ?p ?o }").algebra, "ServiceGraphPattern")
    # a legitimate escape still works on both engines
    q = 'SELECT ?l WHERE { ?f a spasmkg:RedFlag ; rdfs:label ?l FILTER(CONTAINS(?l, "\\u0073pasm")) }'
    assert sorted(r["l"] for r in sparql_rdflib(q).rows) == sorted(r["l"] for r in api.sparql(q).rows)


# ------------------------------------------------------------------ M1: rendering inside the bounds


def _limit_memory() -> None:  # runs in the child: a safety net so the unfixed code cannot eat the machine
    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))


def test_rendering_a_wide_table_is_inside_the_memory_bound() -> None:
    """One 128 KiB cell in the first column: the table pads ~11 000 rows to 128 KiB (1.4 GB).
    Before: rendering ran outside the bound (out of memory under a 4 GiB address-space cap)."""
    proc = subprocess.run(
        [sys.executable, "-m", "spasmkg", "sparql", "-f", str(HOSTILE / "q-wide-rows.rq"), "--no-limit"],
        capture_output=True,
        text=True,
        env={**os.environ, "SPASMKG_MAX_QUERY_MB": "300"},
        timeout=120,
        preexec_fn=_limit_memory,
        check=False,
    )
    assert re.search(r"stopped: it needed over 300 MiB of memory", _error_line(proc)), proc.stderr
    assert proc.stdout == ""


def test_bounded_stops_any_work_at_the_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(engine.QueryTimeout, match=r"stopped after 0\.3 s"):
        engine.bounded(lambda: time.sleep(3), timeout=0.3, what="render")
    assert time.monotonic() - started < 2
    assert engine.bounded(lambda: 42, timeout=1) == 42
    with pytest.raises(ZeroDivisionError):
        engine.bounded(lambda: 1 / 0, timeout=1)


# ------------------------------------------------------------------ M2: long terms


@pytest.mark.parametrize(
    "args",
    [("query", "treatments-for", "-p", "concept={}"), ("show", "{}"), ("search", "{}")],
    ids=["query-param", "show", "search"],
)
def test_long_term_is_refused_at_once_and_not_echoed(args: tuple[str, ...]) -> None:
    value = "back muscle spasm x" * 2000  # 38 000 characters (the review used 123 500: 46-58 s each)
    started = time.monotonic()
    proc = run_cli(*(a.format(value) for a in args))
    elapsed = time.monotonic() - started
    line = _error_line(proc)
    assert re.search(r"38000 characters long; the limit is 500", line), line
    assert len(line) < 200 and elapsed < 8, (len(line), elapsed)


def test_term_length_limit_in_the_api() -> None:
    with pytest.raises(InputError, match="the limit is 500"):
        api.search("x" * 501)
    with pytest.raises(InputError, match="the limit is 500"):
        api.resolve("x" * 501)
    assert api.search("x" * 500) == []  # at the limit: answered (no match)


# ------------------------------------------------------------------ M3/M4/M6/L8: the store cache


def _write_big(path: Path, n: int = N_BIG) -> Path:
    pad = "x" * 40
    lines = [f'<http://example.org/s{i}> <http://example.org/p> "value {i} {pad}" .' for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > store.CACHE_THRESHOLD
    return path


def _count(cache: Path, data: Path) -> int:
    proc = run_cli("--data", str(data), "sparql", COUNT, "-F", "json", env={"SPASMKG_CACHE_DIR": str(cache)})
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return int(json.loads(proc.stdout)["rows"][0]["n"])


def _entry(cache: Path) -> Path:
    (entry,) = [p for p in (cache / "stores").iterdir() if not p.name.startswith(".")]
    return entry


def _plant(entry: Path, keep_marker: bool) -> None:
    """Replace a cache entry by a store without the user's triples (a poisoned entry)."""
    import pyoxigraph

    marker = (entry / "READY").read_bytes()
    shutil.rmtree(entry)
    planted = pyoxigraph.Store(str(entry))
    x, y = pyoxigraph.NamedNode("http://e/x"), pyoxigraph.NamedNode("http://e/y")
    planted.add(pyoxigraph.Quad(x, y, pyoxigraph.Literal("z")))
    planted.flush()
    del planted
    entry.chmod(0o700)
    (entry / "READY").write_bytes(marker if keep_marker else b"2026-11-30T00:00:00")


@pytest.mark.parametrize("keep_marker", [False, True], ids=["old-style-marker", "copied-marker"])
def test_poisoned_store_entry_is_not_believed(tmp_path: Path, keep_marker: bool) -> None:
    cache, data = tmp_path / "cache", _write_big(tmp_path / "big.ttl")
    assert _count(cache, data) == N_BIG
    _plant(_entry(cache), keep_marker)
    assert _count(cache, data) == N_BIG  # the entry failed its checks and was rebuilt
    assert _count(cache, data) == N_BIG


@pytest.mark.parametrize("damage", ["truncated-sst", "garbage-current", "no-marker", "garbage-marker", "foreign-owner"])
def test_damaged_store_entry_is_rebuilt_never_fatal(tmp_path: Path, damage: str) -> None:
    cache, data = tmp_path / "cache", _write_big(tmp_path / "big.ttl")
    assert _count(cache, data) == N_BIG
    entry = _entry(cache)
    if damage == "truncated-sst":
        for sst in entry.glob("*.sst"):
            os.truncate(sst, 100)
    elif damage == "garbage-current":
        (entry / "CURRENT").write_text("garbage\n")
    elif damage == "no-marker":
        (entry / "READY").unlink()
    elif damage == "garbage-marker":
        (entry / "READY").write_bytes(b"\x00\xff" * 100)
    elif os.geteuid() == 0:
        os.chown(entry, 65534, 65534)
    else:
        pytest.skip("changing the owner needs root")
    assert _count(cache, data) == N_BIG
    assert _entry(cache).stat().st_uid == os.geteuid()
    assert _count(cache, data) == N_BIG  # and the rebuilt entry is used from now on
    assert not [p for p in (cache / "stores").iterdir() if p.name.endswith(".tmp")]


def test_cache_folders_are_private(tmp_path: Path) -> None:
    cache, data = tmp_path / "cache", _write_big(tmp_path / "big.ttl")
    assert _count(cache, data) == N_BIG
    for folder in (cache, cache / "stores", _entry(cache)):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    old = tmp_path / "old"
    (old / "stores").mkdir(parents=True)
    (old / "stores").chmod(0o777)  # an old or careless folder of ours is made private
    assert _count(old, data) == N_BIG
    for folder in (old / "stores", _entry(old)):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a folder owned by another user needs root")
def test_stores_folder_of_another_user_is_not_used(tmp_path: Path) -> None:
    cache, data = tmp_path / "cache", _write_big(tmp_path / "big.ttl")
    (cache / "stores").mkdir(parents=True)
    os.chown(cache / "stores", 65534, 65534)
    assert _count(cache, data) == N_BIG  # answered from memory
    assert list((cache / "stores").iterdir()) == []


def test_cache_key_covers_the_code_that_builds_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "small.ttl").write_text("<http://x/a> <http://x/b> <http://x/c> .\n")
    files = [tmp_path / "small.ttl"]
    before = store.content_key(files)
    store.store_code_digest.cache_clear()
    monkeypatch.setattr(spasmkg._version, "__version__", "0.0.0-other")
    try:
        assert store.content_key(files) != before
    finally:
        monkeypatch.undo()
        store.store_code_digest.cache_clear()
    assert store.content_key(files) == before


def _cold_build(cache: Path, data: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "SPASMKG_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "spasmkg", "--data", str(data), "sparql", "ASK { ?s ?p ?o }"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_build_folder(cache: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        stores = cache / "stores"
        if stores.is_dir() and any(p.name.endswith(".tmp") for p in stores.iterdir()):
            time.sleep(0.5)  # well inside the bulk load
            return
        time.sleep(0.05)
    pytest.fail("the cache build never started")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_during_cache_build_removes_the_build_folder(tmp_path: Path, sig: signal.Signals) -> None:
    cache, data = tmp_path / "cache", _write_big(tmp_path / "big.nt", 400_000)  # ~35 MB: a build of seconds
    proc = _cold_build(cache, data)
    _wait_for_build_folder(cache, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, (proc.returncode, err)
    assert "Traceback" not in err and re.search(r"error: (terminated by SIGTERM|aborted|interrupted)", err), err
    assert list((cache / "stores").iterdir()) == []


def test_build_folder_of_a_killed_process_is_swept(tmp_path: Path) -> None:
    cache, data = tmp_path / "cache", _write_big(tmp_path / "big.ttl")
    stale = cache / "stores" / f".{'0' * 64}.{2**22 + 12345}.1.tmp"  # a pid that does not exist
    stale.mkdir(parents=True, mode=0o700)
    (stale / "000001.sst").write_bytes(b"x" * 1000)
    assert _count(cache, data) == N_BIG
    assert not stale.exists()


# ------------------------------------------------------------------ M5: ill-typed literals


@pytest.mark.parametrize("args", [("export", "-F", "nt"), ("reason",)], ids=["export", "reason"])
def test_ill_typed_literal_is_one_warning_line_not_a_traceback(args: tuple[str, ...]) -> None:
    proc = run_cli("--data", str(HOSTILE / "q-ill-typed.ttl"), *args)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and 'File "' not in proc.stderr, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "ill-typed" in line or "Failed to convert" in line]
    assert warnings and all(line.startswith("warning: ") for line in warnings), proc.stderr


# ------------------------------------------------------------------ M8: named graphs


def test_named_graph_data_is_merged_on_the_query_path() -> None:
    trig, nq = str(HOSTILE / "q-named-graph.trig"), str(HOSTILE / "q-named-graph.nq")
    proc = run_cli("--data", trig, "--data", nq, "query", "red-flags", "-F", "json")
    assert proc.returncode == 0, proc.stderr
    labels = {row.get("redFlagLabel") for row in json.loads(proc.stdout)["rows"]}
    assert {"named-graph red flag", "n-quads red flag"} <= labels, labels
    assert run_cli("--data", trig, "show", "named-graph red flag").returncode == 0
    graphs = api.sparql("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", data=[trig, nq])
    assert graphs.rows[0]["n"] == 0  # merged into the default graph, not kept aside


def test_named_graph_data_is_the_same_on_the_rdflib_path() -> None:
    """export (api.load, rdflib) sees the same triples as the query path."""
    trig, nq = str(HOSTILE / "q-named-graph.trig"), str(HOSTILE / "q-named-graph.nq")
    g = api.load(data=(trig, nq))
    labels = {str(o) for o in g.objects()}
    assert {"named-graph red flag", "n-quads red flag"} <= labels
    proc = run_cli("--data", trig, "--data", nq, "export", "-F", "nt")
    assert proc.returncode == 0, proc.stderr
    assert '"named-graph red flag"' in proc.stdout and '"n-quads red flag"' in proc.stdout
    assert len(g) == api.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", data=[trig, nq]).rows[0]["n"]


# ------------------------------------------------------------------ M9: total input size


def _sparse_nt(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.write(b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n" * 1000)
        fh.truncate(size)  # the rest is a hole: no disk used
    return path


def test_total_size_of_all_data_files_is_bounded(tmp_path: Path) -> None:
    a = _sparse_nt(tmp_path / "a.nt", 150 * 2**20)
    b = _sparse_nt(tmp_path / "b.nt", 150 * 2**20)
    started = time.monotonic()
    line = _error_line(run_cli("--data", str(a), "--data", str(b), "query", "red-flags"))
    assert re.search(r"total 300\.0 MiB, over the 200 MiB input limit", line), line
    assert time.monotonic() - started < 10


def test_total_size_check_function(tmp_path: Path) -> None:
    from spasmkg.io.inputs import check_input_files

    parts = [tmp_path / f"part{i}.nt" for i in range(2)]
    for p in parts:
        p.write_text("<http://x/a> <http://x/b> <http://x/c> .\n" * 300)
    assert check_input_files(parts, max_bytes=30_000) == parts  # 2 x 12.6 kB
    with pytest.raises(InputError, match=r"the 2 input files total .* over the 0 MiB validate limit"):
        check_input_files(parts, max_bytes=20_000, purpose="validate")


# ------------------------------------------------------------------ L3: limits switched off by odd values


@pytest.mark.parametrize("value", ["nan", "inf", "1e400", "-inf"])
def test_non_finite_timeout_is_refused(value: str) -> None:
    assert re.search(r"--timeout", _error_line(run_cli("query", "red-flags", "--timeout", value)))


@pytest.mark.parametrize("value", ["inf", "nan", "-5", "lots"])
def test_bad_memory_limit_is_a_clear_error(value: str) -> None:
    line = _error_line(run_cli("query", "red-flags", env={"SPASMKG_MAX_QUERY_MB": value}))
    assert "SPASMKG_MAX_QUERY_MB" in line and "OverflowError" not in line, line


# ------------------------------------------------------------------ L2: no file content in errors


@pytest.mark.parametrize("ext", [".rdf", ".ttl", ".nt", ".nq", ".trig", ".jsonld", ".owl"])
def test_parse_errors_never_echo_the_file_content(tmp_path: Path, ext: str) -> None:
    link = tmp_path / f"x{ext}"
    link.symlink_to(HOSTILE / "q-secret.txt")
    line = _error_line(run_cli("--data", str(link), "sparql", "ASK {}"))
    assert str(link) in line
    for secret in ("root", "bash", "daemon", "nologin", "hunter2", "secret-token", "usr"):
        assert secret not in line.replace(str(link), ""), line


def test_parse_errors_keep_the_position() -> None:
    from spasmkg.io.inputs import parse_error_text

    assert parse_error_text(
        "Parser error at line 3 between columns 5 and 9: Unexpected end of file (x.ttl, line 3)"
    ) == ("line 3, column 5: Unexpected end of file")


# ------------------------------------------------------------------ L6/L11, L12


def test_duplicate_parameter_is_an_error() -> None:
    line = _error_line(run_cli("query", "treatments-for", "-p", "concept=muscle strain", "-p", "concept=heavy lifting"))
    assert "more than once" in line
    with pytest.raises(InputError, match="more than once"):
        api.query("treatments-for", {"concept": "muscle strain"}, concept="heavy lifting")


def test_sparql_file_that_never_delivers_is_bounded_by_the_timeout(tmp_path: Path) -> None:
    fifo = tmp_path / "q.fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    line = _error_line(run_cli("sparql", "-f", str(fifo), "--timeout", "1", timeout=30))
    assert "not a regular file" in line and time.monotonic() - started < 15


def test_sparql_file_size_is_capped(tmp_path: Path) -> None:
    big = tmp_path / "big.rq"
    big.write_text("SELECT * WHERE { ?s ?p ?o } #" + "x" * (5 * 2**20), encoding="utf-8")
    assert "limit" in _error_line(run_cli("sparql", "-f", str(big)))


# ------------------------------------------------------------------ new-user §6.9: closed pipe


@pytest.mark.parametrize(
    ("args", "runs"),
    [(("query", "causes"), 20), (("sparql", "--no-limit", "SELECT * WHERE { ?s ?p ?o }"), 8)],
    ids=["query-causes", "sparql-everything"],
)
def test_closed_pipe_is_a_quiet_exit_0(args: tuple[str, ...], runs: int) -> None:
    """``spasmkg query causes | head -1``: exit 0 and nothing on stderr, every time (was 1 in 30 %)."""
    codes = []
    for _ in range(runs):
        proc = subprocess.Popen(
            [sys.executable, "-m", "spasmkg", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()  # the reader goes away, like head -1
        err = proc.stderr.read()
        proc.wait(timeout=60)
        assert err == b"", err
        codes.append(proc.returncode)
    assert codes == [0] * runs, codes
