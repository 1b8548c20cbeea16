"""Hostile inputs: no network, bounded queries, read-only graph, injection, bad files, atomic writes.

A threaded HTTP server on 127.0.0.1 (ephemeral port) records every request it receives; each
test that feeds spasmkg a URL pointing at it asserts the server saw nothing. Subprocess runs
use the real entry point (``python -m spasmkg``: network guard, one-line errors, exit codes);
the rest run in process with the same contract checked on the exception type.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import os
import re
import resource
import stat
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import needs_java
from hypothesis import given, settings
from hypothesis import strategies as st

from spasmkg import api, resources
from spasmkg.cli import cli
from spasmkg.engine import catalog
from spasmkg.engine.rdflib_backend import sparql_rdflib
from spasmkg.errors import InputError, NetworkRefused, SpasmkgError
from spasmkg.io import atomic, guards

ROOT = Path(__file__).resolve().parents[1]
NOTICE = "Not medical advice"

# ----------------------------------------------------------------------------- helpers


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def _answer(self) -> None:
        self.server.requests.append(f"{self.command} {self.path}")  # type: ignore[attr-defined]
        body = b"<http://127.0.0.1/fetched> <http://127.0.0.1/p> <http://127.0.0.1/o> .\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args: object) -> None:
        pass


class Server:
    def __init__(self) -> None:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        self.httpd.requests = []  # type: ignore[attr-defined]
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def requests(self) -> list[str]:
        return self.httpd.requests  # type: ignore[attr-defined]

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    srv = Server()
    # sanity: the recorder really records (so "no request" below means something)
    with urllib.request.urlopen(srv.url("sanity"), timeout=5) as r:
        r.read()
    assert srv.requests == ["GET /sanity"]
    srv.requests.clear()
    yield srv
    srv.close()


@pytest.fixture()
def quiet(server: Server) -> Iterator[Server]:
    """The server, asserted to have received no request during the test."""
    server.requests.clear()
    yield server
    assert server.requests == [], f"spasmkg opened a network connection: {server.requests}"


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120, stdin: str | None = None):
    """``python -m spasmkg ARGS`` in a subprocess (the real entry point)."""
    return subprocess.run(
        [sys.executable, "-m", "spasmkg", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        input=stdin,
        check=False,
    )


def one_line_error(proc, code: int = 2, match: str | None = None) -> str:
    """Assert a single ``error: ...`` line on stderr, the exit code, and no traceback."""
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == code, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    if match is not None:
        assert re.search(match, lines[0], re.I), lines[0]
    return lines[0]


class Outcome:
    def __init__(self, code: int, stdout: str, stderr: str, exc: BaseException | None):
        self.code, self.stdout, self.stderr, self.exc = code, stdout, stderr, exc

    @property
    def message(self) -> str:
        return str(self.exc) if self.exc is not None else ""


def invoke(*args: str, env: dict[str, str] | None = None) -> Outcome:
    """Run the CLI in process (under the network guard) and map the outcome like ``spasmkg.cli.main``.

    Only SpasmkgError, click.ClickException and click.exceptions.Exit may escape a command;
    anything else is what the user would see as a traceback, so it fails the test.
    """
    runner = CliRunner(env=env)
    with guards.network_guard():
        res = runner.invoke(cli, list(args), standalone_mode=False, catch_exceptions=True)
    exc = res.exception
    if exc is None:
        code = res.return_value if isinstance(res.return_value, int) else 0
    elif isinstance(exc, SpasmkgError):
        code = exc.exit_code
    elif isinstance(exc, click.ClickException):
        code = 2 if exc.exit_code not in (0, 1) else exc.exit_code
    elif isinstance(exc, click.exceptions.Exit):
        code = exc.exit_code
    elif isinstance(exc, SystemExit) and isinstance(exc.code, int):
        code = exc.code
    else:
        import traceback

        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        raise AssertionError(f"spasmkg {' '.join(args)!r} raised {type(exc).__name__} (a traceback):\n{tb}")
    assert not isinstance(exc, NetworkRefused), f"a network access was attempted: {exc}"
    return Outcome(code, res.stdout, res.stderr, exc)


def shipped_digests() -> dict[str, tuple[str, int]]:
    out = {}
    for folder in (resources.ontology_dir(), resources.queries_dir()):
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                out[str(f)] = (hashlib.sha256(f.read_bytes()).hexdigest(), stat.S_IMODE(f.stat().st_mode))
    return out


def commands() -> set[str]:
    return set(cli.list_commands(click.Context(cli)))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp")


# ----------------------------------------------------------------------------- 1. no network

SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ ?s ?p ?o .SERVICE <{url}> {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{url}> {{ ?x ?y ?z }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o\tsErViCe\n<{url}>{{?x ?y ?z}} }}",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_refused_via_cli(quiet: Server, template: str) -> None:
    proc = run("sparql", template.format(url=quiet.url("sparql")))
    one_line_error(proc, match="SERVICE")


def test_service_refused_via_cli_file_and_stdin(quiet: Server, tmp_path: Path) -> None:
    q = SERVICE_QUERIES[0].format(url=quiet.url("sparql"))
    f = tmp_path / "q.rq"
    f.write_text("# a comment\n" + q, encoding="utf-8")
    one_line_error(run("sparql", "-f", str(f)), match="SERVICE")
    one_line_error(run("sparql", "-f", "-", stdin=q), match="SERVICE")


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_refused_via_api(quiet: Server, template: str) -> None:
    q = template.format(url=quiet.url("api"))
    with pytest.raises(InputError, match="SERVICE"):
        api.sparql(q)
    with pytest.raises(InputError, match="SERVICE"):
        api.sparql(q, writable=True)
    with pytest.raises(InputError, match="SERVICE"):
        sparql_rdflib(q)


def test_load_refused_even_on_a_writable_copy(quiet: Server) -> None:
    with pytest.raises(InputError, match="LOAD"):
        api.sparql(f"LOAD <{quiet.url('load')}>", writable=True)
    with pytest.raises(InputError, match="LOAD"):
        api.sparql(f"INSERT DATA {{ <http://x/a> <http://x/b> 1 }} ; load <{quiet.url('load2')}>", writable=True)


# Ways to hide SERVICE from a naive keyword scan that pyoxigraph's parser still accepts
# (each of them made pyoxigraph open a connection before sparqlcheck was rewritten).
BYPASSES = [
    "SELECT * WHERE {{ ?s ?p ?o .SERVICE <{u}> {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ ?s ?p ?o.SERVICE <{u}> {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ ?s ?p ?o SERVICE:k {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ ?s ?p ?o SERVICEe:k {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ ?s ?p ?o SERVICESILENT<{u}>{{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER(1<2)SERVICE<{u}>{{?x ?y ?z}} }}",
    "SELECT * WHERE {{ ?s ?p ?o # c\rSERVICE <{u}> {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER(?o != '''a\\'''') SERVICE <{u}> {{ ?x ?y ?z }} FILTER(?o != 'b') }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER(?o != 'a\\u0027') SERVICE <{u}> {{ ?x ?y ?z }} FILTER(?o != 'b') }}",
    "SELECT * WHERE {{ ?s <http://x/\u00a0#> ?o . OPTIONAL {{ SERVICE <{u}> {{ ?x ?y ?z }} }} }}",
    "SELECT * WHERE {{ ?s <http://x/\\u0041#> ?o . OPTIONAL {{ SERVICE <{u}> {{ ?x ?y ?z }} }} }}",
    "SELECT * WHERE {{ ?s e:a\\' ?o OPTIONAL {{ SERVICE <{u}> {{ ?x ?y ?z }} }} FILTER(?o != 'x') }}",
    "SELECT * WHERE {{ ?s e:a\\# ?o . OPTIONAL {{ SERVICE <{u}> {{ ?x ?y ?z }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p ?o FILTER(?o<'>') }} OPTIONAL {{ SERVICE <{u}> {{ ?x ?y ?z }} }}"
    " OPTIONAL {{ ?s ?p ?o FILTER(?o != '') }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p ?o FILTER(?o<1#>'''\n) }} OPTIONAL {{ SERVICE <{u}> {{?x ?y ?z}} }}"
    "\n# '''\n}}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p 1SERVICE <{u}> {{ ?x ?y ?z }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p trueSERVICE <{u}> {{ ?x ?y ?z }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p 1e5SERVICE <{u}> {{ ?x ?y ?z }} }} }}",
    'SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p "x"@en.SERVICE <{u}> {{ ?x ?y ?z }} }} }}',
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p e:.SERVICE <{u}> {{ ?x ?y ?z }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p [].SERVICE <{u}> {{ ?x ?y ?z }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p ?o }}SERVICE <{u}> {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ ?s ?p ?o {{SERVICE <{u}> {{ ?x ?y ?z }}}} UNION {{}} }}",
]


def _bait_store(srv: Server):
    """A store on which every pattern above matches, so a parsed SERVICE really is called."""
    import pyoxigraph

    st = pyoxigraph.Store()
    s, p = pyoxigraph.NamedNode("http://a"), pyoxigraph.NamedNode("http://b")
    for o in (
        pyoxigraph.NamedNode("http://c"),
        pyoxigraph.NamedNode(srv.url()),
        pyoxigraph.Literal("1", datatype=pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        pyoxigraph.Literal("true", datatype=pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
        pyoxigraph.Literal("100000.0", datatype=pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#double")),
        pyoxigraph.Literal("x", language="en"),
    ):
        st.add(pyoxigraph.Quad(s, p, o))
    return st


def _prefixes(srv: Server) -> str:
    return f"PREFIX e: <{srv.url()}> PREFIX : <{srv.url('empty/')}> "


def _evaluates_service(srv: Server, query: str) -> bool:
    """Run ``query`` with pyoxigraph directly (no guard); True if it reached the server."""
    before = len(srv.requests)
    with contextlib.suppress(Exception):
        list(_bait_store(srv).query(query))
    return len(srv.requests) > before


@pytest.mark.parametrize("template", BYPASSES)
def test_sparqlcheck_catches_service_the_parser_accepts(server: Server, template: str) -> None:
    from spasmkg.engine.sparqlcheck import check_query

    query = _prefixes(server) + template.format(u=server.url("bypass"))
    refused = False
    try:
        check_query(query)
    except InputError as exc:
        refused = "SERVICE" in str(exc)
    assert refused, f"check_query let through {query!r}"
    server.requests.clear()


def test_bypass_corpus_is_live(server: Server) -> None:
    """Most bypasses above do reach the network when handed to pyoxigraph unchecked."""
    live = sum(_evaluates_service(server, _prefixes(server) + t.format(u=server.url("live"))) for t in BYPASSES)
    server.requests.clear()
    assert live >= len(BYPASSES) // 2, live


_HIDERS = [
    ("", ""),
    ("FILTER(?o<'>') ", " FILTER(?o != '')"),
    ("FILTER(?o<1#>'''\n) ", "\n# '''\n"),
    ("?s e:a\\' ?o . ", " FILTER(?o != 'x')"),
    ("?s e:a\\# ?o . ", ""),
    ("# c\r", ""),
    ("FILTER(?o != '''a\\'''') ", " FILTER(?o != 'b')"),
    ('FILTER(?o != "a\\u0022") ', ' FILTER(?o != "b")'),
    ("?s <http://x/\u00a0#> ?o . ", ""),
    ("?s <#x'> ?o . ", " FILTER(?o != '')"),
    ("FILTER(?o<e:x#>'\n) ", "\n#'\n"),
]
_BEFORE = ["", "?s ?p ?o", "?s ?p 1", "?s ?p true", '?s ?p "x"@en', "?s ?p e:", "?s ?p []", "{?s ?p ?o}", "FILTER(1<2)"]
_GLUE = ["", " ", ".", " . ", "\n", "\r", "\t", "\u00a0"]
_TARGET = ["<{u}>", "e:k", ":k", " <{u}>", "e:"]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    hider=st.sampled_from(_HIDERS),
    before=st.sampled_from(_BEFORE),
    glue=st.sampled_from(_GLUE),
    keyword=st.sampled_from(["SERVICE", "service", "sErViCe"]),
    silent=st.sampled_from(["", " SILENT ", "SILENT", " silent"]),
    target=st.sampled_from(_TARGET),
    gap=st.sampled_from(["", " ", "\n"]),
    group=st.sampled_from(["{ ?x ?y ?z }", "{?x ?y ?z}", "{}"]),
)
def test_sparqlcheck_differential_fuzz(
    server: Server,
    hider: tuple[str, str],
    before: str,
    glue: str,
    keyword: str,
    silent: str,
    target: str,
    gap: str,
    group: str,
) -> None:
    """Whatever check_query lets through, pyoxigraph must not turn into a request."""
    from spasmkg.engine.sparqlcheck import check_query

    body = hider[0] + before + glue + keyword + silent + target.format(u=server.url("fuzz")) + gap + group + hider[1]
    query = _prefixes(server) + "SELECT * WHERE { ?s ?p ?o OPTIONAL { " + body + " } }"
    try:
        check_query(query)
    except InputError:
        return
    assert not _evaluates_service(server, query), f"check_query let through {query!r}"


def test_jsonld_remote_context_not_fetched_cli(quiet: Server, tmp_path: Path) -> None:
    f = tmp_path / "remote.jsonld"
    f.write_text(json.dumps({"@context": quiet.url("ctx.jsonld"), "@id": "http://x/a", "name": "v"}))
    one_line_error(run("--data", str(f), "query", "red-flags"), match="remote JSON-LD @context")
    one_line_error(run("validate", "--data", str(f)), match="remote JSON-LD @context")
    one_line_error(run("export", "--data", str(f)), match="remote JSON-LD @context")


def _contexts(url: str) -> list[object]:
    return [
        {"@context": url, "@id": "http://x/a"},
        {"@context": [{"ex": "http://x/"}, url], "@id": "http://x/a"},
        {"@context": [[url]], "@id": "http://x/a"},
        {"@context": {"@import": url}, "@id": "http://x/a"},
        {"@context": {"ex": "http://x/", "t": {"@id": "ex:t", "@context": url}}, "@id": "http://x/a"},
        {"@graph": [{"@id": "http://x/a", "http://x/p": {"@context": url, "@id": "http://x/b"}}]},
        [{"@id": "http://x/a"}, [{"@context": [{"@import": url}]}]],
    ]


@pytest.mark.parametrize("case", range(len(_contexts(""))))
def test_jsonld_remote_context_anywhere_is_refused_in_process(quiet: Server, tmp_path: Path, case: int) -> None:
    f = tmp_path / f"c{case}.jsonld"
    f.write_text(json.dumps(_contexts(quiet.url(f"ctx{case}"))[case]))
    with pytest.raises(InputError, match="refused"):
        api.load(data=[f])  # the API: no audit hook, so only the check stands between us and the fetch
    with pytest.raises(InputError, match="refused"):
        api.sparql("ASK { ?s ?p ?o }", data=[f])


def _imports_ttl(tmp_path: Path, srv: Server) -> Path:
    f = tmp_path / "imports.ttl"
    f.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"<http://example.org/mine> a owl:Ontology ; owl:imports <{srv.url('x.ttl')}> .\n"
        f"<http://example.org/thing> rdfs:seeAlso <{srv.url('seealso')}> .\n",
        encoding="utf-8",
    )
    return f


def test_owl_imports_not_followed_by_query(quiet: Server, tmp_path: Path) -> None:
    f = _imports_ttl(tmp_path, quiet)
    proc = run("--data", str(f), "query", "red-flags", "-F", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rows"]


@pytest.mark.slow
@needs_java
def test_owl_imports_not_followed_by_validate_cli(quiet: Server, tmp_path: Path) -> None:
    f = _imports_ttl(tmp_path, quiet)
    proc = run("validate", "--no-cache", "--data", str(f), timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert "download" not in proc.stdout.lower() and "network" not in proc.stdout.lower(), proc.stdout


@pytest.mark.slow
def test_owl_imports_not_followed_by_reasoner_in_process(quiet: Server, tmp_path: Path) -> None:
    """The API has no audit hook: owlready2 would download the import and HermiT's JVM would too."""
    import shutil

    if shutil.which("java") is None:
        pytest.skip("HermiT needs Java")
    from spasmkg.io.rdf import parse_files
    from spasmkg.reason.hermit import hermit

    g = parse_files([resources.tbox_path(), _imports_ttl(tmp_path, quiet)])
    report = hermit(g, infer_property_values=False)
    assert report.consistent, report.message


def test_from_clause_not_fetched(quiet: Server) -> None:
    q = f"SELECT * FROM <{quiet.url('g')}> FROM NAMED <{quiet.url('n')}> WHERE {{ ?s ?p ?o }} LIMIT 1"
    sparql_rdflib(q)
    api.sparql(q)
    assert invoke("sparql", q).code == 0


def test_audit_hook_blocks_python_fetches(quiet: Server) -> None:
    import rdflib

    with guards.network_guard():
        with pytest.raises(NetworkRefused):
            urllib.request.urlopen(quiet.url("urllib"), timeout=5)
        with pytest.raises(NetworkRefused):
            rdflib.Graph().parse(quiet.url("rdflib.ttl"), format="turtle")
        with pytest.raises(NetworkRefused):
            rdflib.Graph().parse(data=json.dumps({"@context": quiet.url("c"), "@id": "http://x/a"}), format="json-ld")
    assert not guards.network_guard_active()


def test_cli_installs_the_guard(quiet: Server) -> None:
    """After the CLI's main() ran, Python code in that process cannot reach the network."""
    script = (
        "import os, sys, urllib.request\n"
        "import spasmkg.cli as c\n"
        "def after(code):\n"
        f"    try: urllib.request.urlopen({quiet.url('after-main')!r}, timeout=5); print('FETCHED')\n"
        "    except Exception as e: print('BLOCKED', type(e).__name__)\n"
        "    sys.stdout.flush(); os._exit(code)\n"
        "os._exit = after\n"
        "c.main(['queries'])\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert "BLOCKED NetworkRefused" in proc.stdout, (proc.stdout[-500:], proc.stderr)


# ----------------------------------------------------------------------------- 2. bounded queries

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
DEEP_PATH = "SELECT (COUNT(*) AS ?n) WHERE { ?a (<http://x/none>|!<http://x/none>)* ?b . ?c (!<http://x/none>)+ ?d }"


@pytest.mark.parametrize("query", [CROSS, DEEP_PATH], ids=["cross-product", "property-path"])
def test_timeout_stops_pathological_query(query: str) -> None:
    started = time.monotonic()
    proc = run("sparql", "--timeout", "1", query, timeout=60)
    elapsed = time.monotonic() - started
    one_line_error(proc, match=r"stopped after 1 s")
    assert elapsed < 10, elapsed


def test_memory_bound_stops_a_growing_query() -> None:
    """ORDER BY over a cross product allocates fast; the watchdog stops it long before the timeout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = run(
        "sparql",
        "--timeout",
        "120",
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g",
        env={"SPASMKG_MAX_QUERY_MB": "150"},
        timeout=120,
    )
    one_line_error(proc, match="memory")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak_kb > before:  # the peak of the largest child so far: this one if it grew
        assert peak_kb < 1_000_000, f"peak RSS {peak_kb} KB"


def test_row_limit_and_no_limit() -> None:
    limited = invoke("sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--limit", "3", "-F", "json")
    data = json.loads(limited.stdout)
    assert limited.code == 0 and len(data["rows"]) == 3 and data["truncated"] is True
    total = api.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"]
    full = json.loads(invoke("sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--no-limit", "-F", "json").stdout)
    assert len(full["rows"]) == total and full["truncated"] is False
    table = invoke("sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--limit", "2").stdout
    assert "truncated" in table


# ----------------------------------------------------------------------------- 3. read-only

UPDATES = [
    "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
    "insert data { <http://x/a> <http://x/b> <http://x/c> }",
    "DELETE DATA { <http://x/a> <http://x/b> <http://x/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://x/> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/x.ttl>",
    "LOAD SILENT <http://127.0.0.1:9/x.ttl> INTO GRAPH <http://x/g>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "DROP ALL",
    "drop graph <http://x/g>",
    "CREATE GRAPH <http://x/g>",
    "ADD DEFAULT TO <http://x/g>",
    "MOVE DEFAULT TO <http://x/g>",
    "COPY DEFAULT TO <http://x/g>",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "SELECT * WHERE { ?s ?p ?o } ;DROP ALL",
    "SELECT * WHERE { ?s ?p ?o } # comment\n ; CLEAR ALL",
    "# SELECT * WHERE { ?s ?p ?o }\nDROP ALL",
    "SELECT * WHERE { ?s ?p 'x' } ; DELETE WHERE { ?s ?p ?o }",
    "BASE <http://x/> INSERT DATA { <a> <b> <c> }",
    "SELECT * WHERE { ?s ?p ?o }\n;\nINSERTDATA{<http://x/a> <http://x/b> 1}",
]


@pytest.mark.parametrize("query", UPDATES)
def test_update_refused_everywhere(query: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="UPDATE is refused"):
        api.sparql(query)
    with pytest.raises(InputError, match="UPDATE is refused"):
        sparql_rdflib(query)
    out = invoke("sparql", query)
    assert out.code == 2 and "UPDATE is refused" in out.message, out.message
    f = tmp_path / "update.rq"
    f.write_text(query, encoding="utf-8")
    out = invoke("sparql", "-f", str(f))
    assert out.code == 2 and "UPDATE is refused" in out.message, out.message


def test_update_refused_via_subprocess(tmp_path: Path) -> None:
    one_line_error(run("sparql", "insert data { <http://x/a> <http://x/b> 1 }"), match="UPDATE is refused")
    f = tmp_path / "drop.rq"
    f.write_text("SELECT * WHERE { ?s ?p ?o }\n; DROP ALL\n", encoding="utf-8")
    one_line_error(run("sparql", "-f", str(f)), match="UPDATE is refused")


def test_queries_that_only_mention_keywords_are_fine() -> None:
    for q in (
        'SELECT * WHERE { ?s ?p "INSERT DATA { } ; DROP ALL ; SERVICE" } LIMIT 1',
        "SELECT ?delete ?insert WHERE { ?delete ?insert ?o } LIMIT 1",
        "PREFIX service: <http://x/> SELECT * WHERE { ?s <http://example.org/service#drop> ?o } LIMIT 1",
        "SELECT * WHERE { ?s ?p ?o } # DROP ALL\nLIMIT 1",
        "ASK { ?s skos:prefLabel|rdfs:label ?o FILTER(CONTAINS(?o, 'clear')) }",
    ):
        api.sparql(q)


def test_writable_copy_leaves_graph_and_files_alone() -> None:
    digests = shipped_digests()
    n = api.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"]
    res = api.sparql(
        "INSERT DATA { <http://example.org/new> <http://example.org/p> 'x' } ; DELETE WHERE { ?s a owl:Class }",
        writable=True,
    )
    triples = {(str(s.value), str(p.value), str(o.value)) for s, p, o in res.triples}
    assert ("http://example.org/new", "http://example.org/p", "x") in triples
    assert len(res.triples) < n  # the classes were deleted in the copy
    assert not api.sparql("ASK { <http://example.org/new> ?p ?o }").boolean
    assert api.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"] == n
    assert shipped_digests() == digests


@pytest.mark.slow
def test_shipped_files_never_modified_by_any_command(tmp_path: Path) -> None:
    before = shipped_digests()
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://x/> .\nex:a ex:b", encoding="utf-8")
    extra = tmp_path / "extra.ttl"
    extra.write_text("<http://x/a> <http://www.w3.org/2000/01/rdf-schema#label> 'zzz extra' .\n", encoding="utf-8")
    batch: list[list[str]] = [
        ["queries", "--all"],
        ["query", "red-flags"],
        ["query", "treatments-for", "-p", 'concept=x" } ; DROP ALL ; #'],
        ["sparql", "DROP ALL"],
        ["sparql", "SELECT * WHERE { ?s ?p ?o } ; CLEAR ALL"],
        ["--data", str(extra), "sparql", "ASK { ?s ?p 'zzz extra' }"],
        ["--data", str(bad), "query", "red-flags"],
        ["search", "spasm"],
        ["show", "back muscle spasm"],
        ["stats"],
        ["export", "-F", "nt", "-o", str(tmp_path / "out.nt")],
        ["export", "--data", str(bad), "-o", str(tmp_path / "bad-out.nt")],
        ["reason", "-o", str(tmp_path / "inferred.ttl")],
        ["network", "summary"],
        ["network", "export", "-o", str(tmp_path / "net.graphml")],
        ["validate", "--no-owl", "--data", str(bad)],
        ["validate", "--no-owl", "--data", str(extra)],
    ]
    for args in batch:
        proc = run(*args, timeout=300)
        assert proc.returncode in (0, 1, 2) and "Traceback" not in proc.stderr, (args, proc.stderr)
    assert shipped_digests() == before


# ----------------------------------------------------------------------------- 4. parameter injection

EVIL = [
    'x" } ; DROP ALL ; #',
    "<http://evil> . ?s ?p ?o",
    "'; DELETE WHERE { ?s ?p ?o } #",
    "} UNION { ?s ?p ?o } #",
    "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
    "\\u0022) } DROP ALL",
]


def _params() -> list[tuple[str, str, str]]:
    return [(q.name, p.name, p.type) for q in catalog.named_queries().values() for p in q.params]


def test_every_named_query_parameter_is_covered() -> None:
    assert len(_params()) >= 5


@pytest.mark.parametrize(("name", "param", "ptype"), _params())
def test_parameter_values_are_never_query_text(name: str, param: str, ptype: str) -> None:
    n = api.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"]
    q = catalog.get(name)
    for value in EVIL:
        args = ["query", name, "-F", "json"]
        for other in q.params:  # fill other required parameters with their example
            if other.required and other.name != param:
                args += ["-p", f"{other.name}={other.example}"]
        out = invoke(*args, "-p", f"{param}={value}")
        if ptype in ("concept", "class"):
            assert out.code == 2, (name, param, value, out.stdout[:300])
            assert re.search(r"\bno .*matches\b|ambiguous", out.message), out.message
        else:
            assert out.code == 0, (name, param, value, out.message)
            json.loads(out.stdout)
    assert api.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"] == n


def test_parameter_injection_via_subprocess() -> None:
    proc = run("query", "treatments-for", "-p", 'concept=x" } ; DROP ALL ; #')
    one_line_error(proc, match="no concept matches")
    proc = run("query", "red-flags", "-p", "urgency=<http://evil> . ?s ?p ?o")
    one_line_error(proc, match="no urgency matches")


# ----------------------------------------------------------------------------- 5. bad files

LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))


def _bad_files(srv: Server) -> dict[str, tuple[str, bytes, str]]:
    """name -> (file name, content, expected message regex)."""
    rdf = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://x/">'
        '<rdf:Description rdf:about="http://x/a"><ex:p>{}</ex:p></rdf:Description></rdf:RDF>\n'
    )
    return {
        "empty": ("empty.ttl", b"", "empty"),
        "blank": ("blank.ttl", b"  \n\n\t\n", "empty"),
        "binary": ("binary.ttl", bytes(range(256)) * 64, "binary"),
        "truncated": ("trunc.ttl", b"@prefix ex: <http://x/> .\nex:a ex:b ex:c .\nex:d ex:e [ ex:f", r"line [34]"),
        "unterminated-string": (
            "str.ttl",
            b'@prefix ex: <http://x/> .\nex:a ex:b ex:c .\nex:d ex:e "no end .\n',
            "line 3",
        ),
        "json-in-ttl": ("json.ttl", b'{"@id": "http://x/a", "http://x/p": "v"}\n', "line 1"),
        "turtle-in-jsonld": ("t.jsonld", b"<http://x/a> <http://x/b> <http://x/c> .\n", "invalid JSON"),
        "invalid-utf8": ("latin1.ttl", b'<http://x/a> <http://x/b> "caf\xe9" .\n', "UTF-8"),
        "utf16": ("utf16.ttl", '<http://x/a> <http://x/b> "c" .\n'.encode("utf-16"), "UTF-8"),
        "unknown-extension": ("data.csv", b"a,b,c\n", "extension"),
        "deep-jsonld": (
            "deep.jsonld",
            b'{"@id": "http://x/a", "http://x/p": ' + b"[" * 200 + b"]" * 200 + b"}",
            "deep",
        ),
        "very-deep-json": ("deeper.jsonld", b"[" * 200_000 + b"]" * 200_000, "deep"),
        "jsonld-scalar": ("scalar.jsonld", json.dumps(srv.url("top")).encode(), "not a JSON-LD document"),
        "xxe-file": (
            "xxe.rdf",
            (
                '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + rdf.format("&x;")
            ).encode(),
            "DOCTYPE",
        ),
        "xxe-http": (
            "xxe-http.owl",
            (
                f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "{srv.url("xxe")}">]>\n' + rdf.format("&x;")
            ).encode(),
            "DOCTYPE",
        ),
        "xxe-parameter-entity": (
            "xxe-pe.xml",
            (
                f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM "{srv.url("pe")}"> %p;]>\n' + rdf.format("")
            ).encode(),
            "DOCTYPE",
        ),
        "billion-laughs": (
            "laughs.rdf",
            (f'<?xml version="1.0"?>\n<!DOCTYPE r [{LAUGHS}]>\n' + rdf.format("&l9;")).encode(),
            "DOCTYPE",
        ),
        "doctype-after-64k": (
            "late.rdf",
            (
                '<?xml version="1.0"?>\n<!--' + "x" * 70_000 + "-->\n"
                f'<!DOCTYPE r [<!ENTITY x SYSTEM "{srv.url("late")}">]>\n' + rdf.format("&x;")
            ).encode(),
            "DOCTYPE",
        ),
        "garbage-xml": ("garbage.rdf", b"<rdf:RDF><unclosed>\n", "line|prefix"),
    }


def _bad_names() -> list[str]:
    class _Fake:
        def url(self, path: str = "") -> str:
            return f"http://127.0.0.1:9/{path}"

    return sorted(_bad_files(_Fake()))  # type: ignore[arg-type]


def _write_bad(tmp_path: Path, srv: Server, name: str) -> tuple[Path, str]:
    fname, content, pattern = _bad_files(srv)[name]
    f = tmp_path / fname
    f.write_bytes(content)
    return f, pattern


@pytest.mark.parametrize("name", _bad_names())
def test_bad_file_in_process(quiet: Server, tmp_path: Path, name: str) -> None:
    f, pattern = _write_bad(tmp_path, quiet, name)
    started = time.monotonic()
    for args in (
        ["--data", str(f), "query", "red-flags"],
        ["validate", "--no-owl", "--no-cache", "--data", str(f)],
        ["export", "-F", "nt", "--data", str(f)],
    ):
        out = invoke(*args)
        assert out.code == 2, (args, out.code, out.stdout[-500:])
        assert re.search(pattern, out.message, re.I), (args, out.message)
        assert "\n" not in out.message.strip(), out.message
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("name", ["truncated", "binary", "xxe-http", "billion-laughs", "very-deep-json"])
def test_bad_file_subprocess_one_line(quiet: Server, tmp_path: Path, name: str) -> None:
    f, pattern = _write_bad(tmp_path, quiet, name)
    one_line_error(run("--data", str(f), "query", "red-flags"), match=pattern)
    one_line_error(run("validate", "--data", str(f)), match=pattern)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    out = invoke("--data", str(tmp_path / "nope.ttl"), "query", "red-flags")
    assert out.code == 2 and "no such file" in out.message
    d = tmp_path / "dir.ttl"
    d.mkdir()
    out = invoke("validate", "--data", str(d))
    assert out.code == 2 and "not a regular file" in out.message


def test_deeply_nested_turtle_is_answered(tmp_path: Path) -> None:
    """pyoxigraph streams it (the query works); rdflib refuses it with a clear line (no RecursionError trace)."""
    f = tmp_path / "nested.ttl"
    f.write_text("@prefix ex: <http://x/> .\nex:a ex:p " + "[ ex:p " * 5000 + "ex:z" + " ]" * 5000 + " .\n")
    assert invoke("--data", str(f), "query", "red-flags", "-F", "json").code == 0
    out = invoke("validate", "--no-owl", "--no-cache", "--data", str(f))
    assert out.code in (0, 1), out.message  # validate reads with pyoxigraph too (issue 13): answered
    out = invoke("validate", "--no-owl", "--no-cache", "--engine", "pyshacl", "--data", str(f))
    assert out.code == 2 and "nested too deeply" in out.message


def test_expat_itself_refuses_entities(quiet: Server, tmp_path: Path) -> None:
    """Defence in depth below our DOCTYPE check: expat resolves no external entity, and stops
    entity expansion (its >= 2.4 amplification limit). rdflib's RDF/XML handler needs minutes
    to reach that limit, which is why files with a DOCTYPE never get to rdflib at all."""
    import pyexpat

    import rdflib

    assert pyexpat.version_info >= (2, 4, 0), pyexpat.EXPAT_VERSION
    files = _bad_files(quiet)
    for name in ("xxe-file", "xxe-http", "xxe-parameter-entity"):
        f = tmp_path / files[name][0]
        f.write_bytes(files[name][1])
        with contextlib.suppress(Exception):
            g = rdflib.Graph().parse(f, format="xml")
            assert not any("root:" in str(o) for o in g.objects()), name
    parser = pyexpat.ParserCreate()
    parser.CharacterDataHandler = lambda data: None
    started = time.monotonic()
    with pytest.raises(pyexpat.ExpatError, match="amplification"):
        parser.Parse(files["billion-laughs"][1], True)
    assert time.monotonic() - started < 10
    from spasmkg.io.rdf import parse_files

    f = tmp_path / "laughs.rdf"
    f.write_bytes(files["billion-laughs"][1])
    with pytest.raises(InputError, match="DOCTYPE"):
        parse_files([f])  # the library function checks too, not only the CLI paths


@pytest.mark.slow
def test_fifty_megabyte_files(tmp_path: Path) -> None:
    valid = tmp_path / "big.nt"
    line = '<http://example.org/s{0}> <http://example.org/p> "a repetitive value, number {0}, for the size test" .\n'
    with valid.open("w", encoding="utf-8") as fh:
        i = 0
        while fh.tell() < 50 * 2**20:
            fh.write("".join(line.format(j) for j in range(i, i + 10_000)))
            i += 10_000
    garbage = tmp_path / "garbage.ttl"
    with garbage.open("wb") as fh:
        chunk = b"this is not turtle at all {[( " * 4096
        while fh.tell() < 50 * 2**20:
            fh.write(chunk)
    env = {"SPASMKG_NO_CACHE": "1"}
    started = time.monotonic()
    proc = run("--data", str(valid), "sparql", "ASK { <http://example.org/s1> ?p ?o }", env=env, timeout=300)
    assert proc.returncode == 0 and proc.stdout.startswith("yes"), proc.stderr
    one_line_error(run("--data", str(garbage), "query", "red-flags", env=env), match="line 1")
    one_line_error(run("validate", "--max-mb", "32", "--data", str(valid)), match=r"over the 32 MiB validate limit")
    one_line_error(run("validate", "--max-mb", "32", "--data", str(garbage)), match=r"over the 32 MiB validate limit")
    assert time.monotonic() - started < 240


def test_validate_size_limit_can_be_raised(tmp_path: Path) -> None:
    from spasmkg.io.inputs import check_input_file

    f = tmp_path / "mid.nt"
    line = '<http://example.org/s{0}> <http://example.org/p> "value number {0}, padding for the size test" .\n'
    f.write_text("".join(line.format(i) for i in range(20_000)), encoding="utf-8")
    assert 2**20 < f.stat().st_size < 2 * 2**20
    one_line_error(run("validate", "--data", str(f), "--no-owl", "--max-mb", "1"), match=r"over the 1 MiB.*--max-mb")
    one_line_error(run("validate", "--max-mb", "0"), match="--max-mb")
    with pytest.raises(InputError, match="over the 1 MiB validate limit"):
        check_input_file(f, max_bytes=2**20, purpose="validate")
    assert check_input_file(f, max_bytes=2 * 2**20, purpose="validate") == f


def test_input_size_limit_message(tmp_path: Path) -> None:
    from spasmkg.io.inputs import check_input_file

    f = tmp_path / "small.ttl"
    f.write_text("<http://x/a> <http://x/b> <http://x/c> .\n" * 100)
    with pytest.raises(InputError, match=r"over the 0 MiB test limit"):
        check_input_file(f, max_bytes=1000, purpose="test")


# ----------------------------------------------------------------------------- 6. nothing half-written


def test_atomic_writer_keeps_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old content\n")
    for exc in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(exc)), atomic.atomic_writer(target) as fh:
            fh.write(b"new partial content")
            raise exc
        assert target.read_text() == "old content\n"
        assert leftovers(tmp_path) == []


def test_atomic_writer_no_file_on_failure_and_success_mode(tmp_path: Path) -> None:
    target = tmp_path / "fresh.ttl"
    with pytest.raises(RuntimeError), atomic.atomic_writer(target) as fh:
        fh.write(b"x" * 100_000)
        raise RuntimeError("mid-write")
    assert not target.exists() and leftovers(tmp_path) == []
    atomic.atomic_write_text(target, "done\n")
    assert target.read_text() == "done\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0o600
    target.chmod(0o640)
    atomic.atomic_write_text(target, "again\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # an existing file keeps its permissions


def test_atomic_write_with_failure(tmp_path: Path) -> None:
    target = tmp_path / "pic.svg"
    target.write_text("old")

    def writer(p: Path) -> None:
        p.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic.atomic_write_with(target, writer)
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_atomic_writer_refuses_missing_folder_and_folder_target(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        atomic.atomic_write_text(tmp_path / "missing" / "x.ttl", "x")
    (tmp_path / "adir").mkdir()
    with pytest.raises(InputError, match="folder"):
        atomic.atomic_write_text(tmp_path / "adir", "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir"]


def test_cli_export_to_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out.ttl"
    one_line_error(run("export", "-o", str(target)), match="does not exist")
    assert not target.parent.exists()


def _failing_writes(tmp_path: Path) -> list[tuple[list[str], Path]]:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://x/> .\nex:a ex:b", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    cases = [
        (["export", "--data", str(bad), "-o", str(out / "graph.ttl")], out / "graph.ttl"),
        (["reason", "--data", str(bad), "-o", str(out / "inferred.ttl")], out / "inferred.ttl"),
        (["network", "export", "--data", str(bad), "-o", str(out / "net.graphml")], out / "net.graphml"),
        (["draw", "--data", str(bad), "-o", str(out / "pic.svg")], out / "pic.svg"),
    ]
    return cases


def test_cli_failing_writes_keep_old_files(tmp_path: Path) -> None:
    available = commands()
    for args, target in _failing_writes(tmp_path):
        if args[0] not in available:
            continue  # the command does not exist in this version
        target.write_text("old content\n")
        out = invoke(*args)
        assert out.code == 2 and "bad.ttl" in out.message, (args, out.message)
        assert target.read_text() == "old content\n", args
        assert leftovers(target.parent) == [], args


def test_cli_failing_export_subprocess(tmp_path: Path) -> None:
    args, target = _failing_writes(tmp_path)[0]
    target.write_text("old content\n")
    one_line_error(run(*args), match="line 2")
    assert target.read_text() == "old content\n" and leftovers(target.parent) == []


def test_draw_failing_write(tmp_path: Path) -> None:
    if "draw" not in commands():
        pytest.skip("no 'draw' command in this version")
    args, target = _failing_writes(tmp_path)[3]
    target.write_text("old content\n")
    out = invoke(*args)
    assert out.code == 2 and target.read_text() == "old content\n" and leftovers(target.parent) == []


def test_cli_successful_export_replaces_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.nt"
    target.write_text("old\n")
    assert invoke("export", "-F", "nt", "-o", str(target)).code == 0
    assert target.read_text().startswith("<") and leftovers(tmp_path) == []


# ----------------------------------------------------------------------------- 8. medical safety of output


def test_red_flags_never_truncated_by_limit_or_width() -> None:
    full = json.loads(invoke("query", "red-flags", "--no-limit", "-F", "json").stdout)
    n = len(full["rows"])
    assert n >= 2
    one = json.loads(invoke("query", "red-flags", "--limit", "1", "-F", "json").stdout)
    assert len(one["rows"]) == n and not one["truncated"]
    narrow = run("query", "red-flags", "--limit", "1", env={"COLUMNS": "20"})
    assert narrow.returncode == 0, narrow.stderr
    assert f"({n} rows)" in narrow.stdout
    for row in full["rows"]:
        for value in row.values():
            if isinstance(value, str) and not value.startswith("http"):
                assert value in narrow.stdout, value  # whole cell, not cut to the terminal width
    assert narrow.stdout.rstrip().splitlines()[-1].startswith(NOTICE)


@pytest.mark.parametrize(
    ("fmt", "notice"), [("table", True), ("markdown", True), ("json", False), ("csv", False), ("tsv", False)]
)
def test_notice_only_for_people(fmt: str, notice: bool) -> None:
    for args in (["query", "red-flags"], ["query", "what-to-do-for", "-p", "symptom=back muscle spasm"]):
        out = invoke(*args, "-F", fmt)
        assert out.code == 0
        assert (NOTICE in out.stdout) is notice, (args, fmt)
        if fmt == "json":
            json.loads(out.stdout)


# ----------------------------------------------------------------------------- messages


def test_malformed_sparql_one_line_with_position() -> None:
    line = one_line_error(run("sparql", "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(\n}"))
    assert re.search(r"SPARQL syntax error: .*\b4:\d+", line), line


def test_unknown_query_name_suggests() -> None:
    one_line_error(run("query", "red-flag"), match=r"no query named 'red-flag'; did you mean red-flags\?")
