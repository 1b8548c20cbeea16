"""``spasmkg serve``: a read-only SPARQL 1.1 endpoint on loopback (issue 14).

Real processes throughout: the CLI starts the Oxigraph server behind the Starlette front; clients
are SPARQLWrapper, plain HTTP, Jena's ``rsparql`` (when Debian's Jena starts) and headless Chromium.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spasmkg.engine import catalog, named
from spasmkg.engine.remote import json_term_value
from spasmkg.serve.testing import Served, recording_server, start_serve

ROOT = Path(__file__).resolve().parents[1]
RELAXANTS = ["muscle relaxants", "skeletal muscle relaxant combinations", "skeletal muscle relaxants"]

pytestmark = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("starlette", "uvicorn", "SPARQLWrapper")),
    reason="the serve extra (starlette, uvicorn) or SPARQLWrapper is missing: pip install -e '.[serve,test]'",
)


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    s = start_serve("--timeout", "20")
    try:
        yield s
    finally:
        s.stop()


def http(
    url: str, *, data: bytes | None = None, method: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str, bytes]:
    """(status, content type, body) of one request; HTTP errors are returned, not raised."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def post_query(url: str, text: str, accept: str = "application/sparql-results+json") -> tuple[int, str, bytes]:
    body = urllib.parse.urlencode({"query": text}).encode()
    return http(url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})


def bound_standalone(q: catalog.NamedQuery) -> tuple[str, dict[str, str]]:
    """The query as `spasmkg query` runs it (required parameters set to the header's example)."""
    values = {p.name: p.example for p in q.params if p.required}
    return catalog.standalone_text(named.bound_text(q.text, named.bind_params(q, values))), values


def local_rows(name: str, values: dict[str, str]) -> tuple[list[str], list[list[object]]]:
    r = named.query(name, values, limit=None)
    return r.columns, [[row.get(c) for c in r.columns] for row in r.rows]


def json_rows(doc: dict[str, Any]) -> tuple[list[str], list[list[object]]]:
    cols = doc["head"]["vars"]
    rows = [[json_term_value(b[c]) if c in b else None for c in cols] for b in doc["results"]["bindings"]]
    return cols, rows


# ---------------------------------------------------------------- starting, stopping


def running(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running (a zombie waiting for init to reap it has stopped)."""
    out = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            out.append(pid)
    return out


def test_first_line_names_the_query_url(server: Served) -> None:
    assert server.first_line == server.first_line.strip()
    assert server.first_line.startswith("serving http://127.0.0.1:")
    assert server.first_line.endswith("/query")


def test_non_loopback_host_prints_a_warning() -> None:
    # 192.0.2.1 (TEST-NET-1) is not on this machine: the warning comes first, then a one-line error
    proc = subprocess.run(
        [sys.executable, "-m", "spasmkg", "serve", "--host", "192.0.2.1", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("warning: listening on 192.0.2.1, not loopback"), proc.stderr
    assert lines[-1].startswith("error: cannot listen on 192.0.2.1:0"), proc.stderr
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_the_server_and_its_engine_cleanly(sig: int) -> None:
    s = start_serve()
    engine = s.children()
    assert len(engine) >= 2, "the query workers should run as child processes"
    assert http(s.url + "?query=" + urllib.parse.quote("ASK {}"))[0] == 200
    code, err = s.stop(sig)
    assert code == 0, err
    assert err.strip().splitlines()[-1] == "stopped"
    assert "Traceback" not in err
    time.sleep(0.2)
    assert running(engine) == [], "the engine outlived the server"


def test_data_files_and_inferred_triples_are_served(tmp_path: Path) -> None:
    mine = tmp_path / "mine.ttl"
    mine.write_text("<https://example.org/a> <https://example.org/b> 'from my file' .\n", encoding="utf-8")
    ask_mine = "ASK { <https://example.org/a> <https://example.org/b> 'from my file' }"
    # skeletal muscle relaxants are contraindicated while driving only through the property chain
    ask_inferred = (
        "ASK { <https://w3id.org/spasmkg/resource/skeletal_muscle_relaxants> "
        "<https://w3id.org/spasmkg/contraindicatedDuring> <https://w3id.org/spasmkg/resource/driving> }"
    )
    plain = start_serve()
    try:
        assert json.loads(post_query(plain.url, ask_mine)[2])["boolean"] is False
        assert json.loads(post_query(plain.url, ask_inferred)[2])["boolean"] is False
    finally:
        plain.stop()
    s = start_serve("--inferred", "--data", str(mine))
    try:
        assert json.loads(post_query(s.url, ask_mine)[2])["boolean"] is True
        assert json.loads(post_query(s.url, ask_inferred)[2])["boolean"] is True
    finally:
        s.stop()


# ---------------------------------------------------------------- same answers as `spasmkg query`


@pytest.mark.parametrize("name", sorted(catalog.named_queries()))
def test_named_query_gives_the_same_rows_through_sparqlwrapper(server: Served, name: str) -> None:
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    text, values = bound_standalone(catalog.get(name))
    sw = SPARQLWrapper(server.url)
    sw.setMethod(POST)
    sw.setQuery(text)
    sw.setReturnFormat(JSON)
    doc = sw.query().convert()
    assert json_rows(doc) == local_rows(name, values)  # type: ignore[arg-type]


def test_every_query_file_pasted_as_is_gives_the_rows_of_spasmkg_query(server: Served) -> None:
    """What a user gets pasting queries/NAME.rq into any SPARQL UI: the file's defaults are the
    header's examples (required parameters) or UNDEF (optional ones)."""
    for name, q in sorted(catalog.named_queries().items()):
        status, _, body = post_query(server.url, q.path.read_text(encoding="utf-8"))
        assert status == 200, (name, body)
        values = {p.name: p.example for p in q.params if p.required}
        assert json_rows(json.loads(body)) == local_rows(name, values), name


def test_get_and_post_and_formats(server: Served) -> None:
    text = catalog.standalone_text(catalog.get("contraindicated-while-driving").text)
    status, ctype, body = http(server.url + "?query=" + urllib.parse.quote(text), headers={"Accept": "text/csv"})
    assert status == 200 and ctype.startswith("text/csv")
    lines = body.decode().splitlines()
    assert lines[0].split(",")[:2] == ["treatment", "treatmentLabel"] and len(lines) == 4
    status, ctype, body = http(
        server.url,
        data=text.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml"},
    )
    assert status == 200 and "sparql-results+xml" in ctype and body.count(b"<result>") == 3
    status, ctype, body = post_query(
        server.url, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5", accept="application/n-triples"
    )
    assert status == 200 and ctype.startswith("application/n-triples") and len(body.splitlines()) == 5
    status, _, body = post_query(server.url, "ASK { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_concurrent_clients_all_get_the_right_rows(server: Served) -> None:
    work = [(n, *bound_standalone(catalog.get(n))) for n in ("red-flags", "causes", "treatments-for")]
    expected = {n: len(local_rows(n, v)[1]) for n, _, v in work}
    errors: list[str] = []

    def client(k: int) -> None:
        for i in range(6):
            name, text, _ = work[(k + i) % len(work)]
            status, _, body = post_query(server.url, text)
            got = len(json.loads(body)["results"]["bindings"]) if status == 200 else -status
            if got != expected[name]:
                errors.append(f"{name}: {got}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def _rsparql_classpath() -> str | None:
    jars = Path("/usr/share/java")
    names = [
        *(f"jena-{p}" for p in ("arq", "base", "cmds", "core", "iri", "dboe-base", "rdfconnection")),
        *("commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io", "commons-lang3"),
        *("dexx.collection", "gson", "guava", "httpclient", "jackson-core", "jackson-databind", "jsonld-java"),
        *("jakarta.json-api", "titanium-json-ld", "protobuf", "thrift", "slf4j-api", "slf4j-nop"),
    ]
    paths = [jars / f"{n}.jar" for n in names]
    if shutil.which("java") is None or not all(p.exists() for p in paths[:5]):
        return None
    return ":".join(str(p) for p in paths if p.exists())


@pytest.mark.skipif(_rsparql_classpath() is None, reason="Debian's libapache-jena-java (rsparql) is not installed")
def test_named_queries_give_the_same_rows_through_jena_rsparql(server: Served, tmp_path: Path) -> None:
    cp = _rsparql_classpath()
    assert cp is not None
    for name in ("contraindicated-while-driving", "treatments-for", "red-flags"):
        text, values = bound_standalone(catalog.get(name))
        qfile = tmp_path / f"{name}.rq"
        qfile.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            ["java", "-cp", cp, "arq.rsparql", f"--service={server.url}", f"--query={qfile}", "--results=JSON"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if "ExceptionInInitializerError" in proc.stderr:
            pytest.skip("Debian's Jena 4.5 does not start on this JVM (xerces 'internal error' in JenaSystem.init)")
        assert proc.returncode == 0, proc.stderr[-500:]
        assert json_rows(json.loads(proc.stdout)) == local_rows(name, values)


# ---------------------------------------------------------------- refusals: 4xx, nothing reaches the network

REFUSED = {
    "service": "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "service-silent": "SELECT * WHERE { ?a ?b ?c . SERVICE SILENT <{url}> { ?s ?p ?o } } LIMIT 1",
    "service-escaped": "SELECT * WHERE { \\u0053ERVICE <{url}> { ?s ?p ?o } }",
    "load": "LOAD <{url}>",
    "insert": "INSERT DATA { <http://e/a> <http://e/b> <{url}> }",
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_service_load_and_updates_are_refused_and_never_reach_the_network(server: Served, kind: str) -> None:
    with recording_server() as rec:
        text = REFUSED[kind].replace("{url}", rec.url)
        for status, _, body in (
            post_query(server.url, text),
            http(server.url + "?query=" + urllib.parse.quote(text)),
        ):
            assert 400 <= status < 500, (status, body)
            assert body.decode().count("\n") == 1  # one line
        time.sleep(0.3)
        assert rec.requests == []


def test_update_requests_and_graph_store_writes_are_refused(server: Served) -> None:
    with recording_server() as rec:
        upd = f"INSERT DATA {{ <http://e/a> <http://e/b> <{rec.url}> }}"
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        attempts = [
            http(server.url, data=urllib.parse.urlencode({"update": upd}).encode(), headers=form),
            http(server.url, data=upd.encode(), headers={"Content-Type": "application/sparql-update"}),
            http(server.base + "/update", data=urllib.parse.urlencode({"update": upd}).encode(), headers=form),
            http(server.url + "?update=" + urllib.parse.quote(upd)),
        ]
        nt = {"Content-Type": "application/n-triples"}
        triple = b"<http://e/a> <http://e/b> <http://e/c> .\n"
        for target in ("/store?default", "/store?graph=http%3A%2F%2Fe%2Fg", "/query", "/"):
            attempts.append(http(server.base + target, data=triple, method="PUT", headers=nt))
            attempts.append(http(server.base + target, method="DELETE"))
        attempts.append(http(server.base + "/store?default", data=triple, method="POST", headers=nt))
        for status, _, body in attempts:
            assert 400 <= status < 500, (status, body)
        assert rec.requests == []
    # and the graph is unchanged
    status, _, body = post_query(server.url, "ASK { <http://e/a> ?p ?o }")
    assert json.loads(body)["boolean"] is False


def test_malformed_requests_are_4xx_one_line(server: Served) -> None:
    cases = [
        http(server.url),  # no query
        http(server.url + "?query=a&query=b"),
        post_query(server.url, "SELECT WHERE {"),  # syntax error, from the engine
        http(server.url, data=b"query=x", headers={"Content-Type": "text/plain"}),
        http(server.url, data=b"q" * (1024 * 1024 + 10), headers={"Content-Type": "application/sparql-query"}),
    ]
    assert [c[0] for c in cases] == [400, 400, 400, 415, 413]
    for _, _, body in cases:
        assert body.decode().count("\n") == 1


# ---------------------------------------------------------------- bounds


def test_query_over_the_timeout_gets_503_and_the_engine_is_stopped_with_the_server() -> None:
    s = start_serve("--timeout", "1")
    try:
        t0 = time.monotonic()
        status, _, body = post_query(s.url, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        took = time.monotonic() - t0
        assert status == 503, body
        assert b"did not finish within 1 s" in body
        assert took < 5
        # the server still answers other clients
        assert post_query(s.url, "ASK { ?s ?p ?o }")[0] == 200
    finally:
        engine = s.children()
        code, err = s.stop()
    assert code == 0, err
    time.sleep(0.2)
    assert running(engine) == []


def test_result_larger_than_the_bound_is_refused_not_cut() -> None:
    s = start_serve("--max-result-mb", "1")
    try:
        status, _, body = post_query(s.url, "SELECT * WHERE { ?s ?p ?o }")
        assert status == 507 and b"larger than 1 MiB" in body
        assert post_query(s.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 10")[0] == 200
    finally:
        s.stop()


# ---------------------------------------------------------------- the query page in a real browser


def _chromium() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@pytest.mark.skipif(_chromium() is None, reason="Debian's chromium and chromium-driver are not installed")
def test_query_page_runs_contraindicated_while_driving_in_headless_chromium(server: Served, tmp_path: Path) -> None:
    pytest.importorskip("selenium", reason="selenium is not installed (test extra)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    found = _chromium()
    assert found is not None
    opts = webdriver.ChromeOptions()
    opts.binary_location = found[0]
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-proxy-server"):
        opts.add_argument(arg)
    opts.add_argument("--window-size=1600,1800")
    opts.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    driver = webdriver.Chrome(service=Service(found[1]), options=opts)
    try:
        driver.set_page_load_timeout(60)
        driver.get(server.base + "/")
        wait = WebDriverWait(driver, 60)
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
        assert "Not medical advice" in driver.find_element(By.CLASS_NAME, "notice").text
        Select(driver.find_element(By.ID, "named")).select_by_value("contraindicated-while-driving")
        driver.find_element(By.ID, "run").click()
        wait.until(lambda d: "rows)" in d.find_element(By.ID, "status").text)
        driver.save_screenshot(str(tmp_path / "query-page.png"))
        table = driver.find_element(By.ID, "result-table")
        heads = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
        col = heads.index("treatmentLabel")
        labels = [
            tr.find_elements(By.TAG_NAME, "td")[col].text for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")
        ]
        assert labels == RELAXANTS
        assert driver.find_element(By.ID, "status").text.startswith("(3 rows)")
        assert (tmp_path / "query-page.png").stat().st_size > 10_000
        # the page loaded nothing from elsewhere
        resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert resources and all(r.startswith(server.base) for r in resources), resources
        shots = os.environ.get("SPASMKG_SCREENSHOT_DIR")
        if shots:
            shutil.copy(tmp_path / "query-page.png", Path(shots) / "query-page.png")
    finally:
        driver.quit()
