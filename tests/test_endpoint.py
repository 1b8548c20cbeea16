"""``spasmkg query NAME --endpoint URL`` and ``spasmkg sparql --endpoint URL`` (issue 14).

The endpoints are real: ``spasmkg serve`` and an empty Oxigraph server, on loopback; failures
are checked against a port nobody listens on, a server that never answers and a recorder.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli
from servers import example_args, needs_oxigraph, oxigraph_server

from spasmkg.engine import catalog
from spasmkg.errors import NetworkRefused
from spasmkg.io.guards import allow_hosts
from spasmkg.serve.backend import free_port
from spasmkg.serve.testing import Served, recording_server, start_serve

needs_serve = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("starlette", "uvicorn")),
    reason="the serve extra (starlette, uvicorn) is missing: pip install -e '.[serve]'",
)


spasmkg = run_cli


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    s = start_serve()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def empty_store() -> Iterator[str]:
    """An Oxigraph server holding nothing."""
    with oxigraph_server() as base:
        yield f"{base}/query"


@needs_serve
@pytest.mark.parametrize("name", sorted(catalog.named_queries()))
def test_named_query_through_endpoint_gives_the_local_rows(server: Served, name: str) -> None:
    local = spasmkg("query", name, *example_args(name), "-F", "json", "--no-limit")
    remote = spasmkg("query", name, *example_args(name), "-F", "json", "--no-limit", "--endpoint", server.url)
    assert local.returncode == 0 and remote.returncode == 0, remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)


@needs_serve
def test_table_output_through_endpoint_carries_the_notice(server: Served) -> None:
    local = spasmkg("query", "contraindicated-while-driving")
    remote = spasmkg("query", "contraindicated-while-driving", "--endpoint", server.url)
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout
    assert remote.stdout.rstrip().endswith("ask a clinician about your own care.")


@needs_serve
def test_sparql_through_endpoint_keeps_the_predeclared_prefixes(server: Served) -> None:
    text = "SELECT ?l WHERE { ?f a spasmkg:RedFlag ; rdfs:label ?l } ORDER BY ?l"
    local = spasmkg("sparql", text, "-F", "json")
    remote = spasmkg("sparql", text, "-F", "json", "--endpoint", server.url)
    assert remote.returncode == 0, remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    assert len(json.loads(remote.stdout)["rows"]) >= 10
    ask = spasmkg("sparql", "ASK { skr:driving ?p ?o }", "--endpoint", server.url)
    assert ask.returncode == 0 and ask.stdout.startswith("yes\n")
    construct = spasmkg(
        "sparql", "CONSTRUCT WHERE { skr:driving rdfs:label ?l }", "-F", "tsv", "--endpoint", server.url
    )
    assert construct.returncode == 0 and "driving" in construct.stdout


@needs_oxigraph
def test_endpoint_without_the_graph_is_one_line_exit_2(empty_store: str) -> None:
    r = spasmkg("query", "red-flags", "--endpoint", empty_store)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0
    assert "does not hold the spasmkg graph" in r.stderr


def test_unreachable_endpoint_is_one_line_exit_2() -> None:
    port = free_port()  # nobody listens there
    r = spasmkg("sparql", "ASK {}", "--endpoint", f"http://127.0.0.1:{port}/sparql")
    assert r.returncode == 2
    assert r.stderr.startswith(f"error: cannot reach http://127.0.0.1:{port}/sparql") and r.stderr.count("\n") == 1
    bad = spasmkg("sparql", "ASK {}", "--endpoint", "file:///etc/passwd")
    assert bad.returncode == 2 and "http:// or https://" in bad.stderr


def test_endpoint_that_never_answers_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        t0 = time.monotonic()
        r = spasmkg("sparql", "ASK {}", "--timeout", "1", "--endpoint", f"http://127.0.0.1:{port}/sparql")
        assert time.monotonic() - t0 < 30
    assert r.returncode == 2
    assert "did not answer within 1 s" in r.stderr and r.stderr.count("\n") == 1


def test_service_and_updates_are_refused_before_anything_is_sent() -> None:
    with recording_server() as rec:
        for text in (
            f"SELECT * WHERE {{ SERVICE <{rec.url}> {{ ?s ?p ?o }} }}",
            f"LOAD <{rec.url}>",
            "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        ):
            r = spasmkg("sparql", text, "--endpoint", rec.url)
            assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
        assert rec.requests == []


def test_data_files_are_not_sent_to_an_endpoint(tmp_path: Path) -> None:
    f = tmp_path / "mine.ttl"
    f.write_text("<http://e/a> <http://e/b> <http://e/c> .\n")
    r = spasmkg("--data", str(f), "query", "red-flags", "--endpoint", "http://127.0.0.1:9/query")
    assert r.returncode == 2 and "publish" in r.stderr


def test_the_opt_in_reaches_the_named_host_only() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        with allow_hosts(["127.0.0.1"]):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            with pytest.raises(NetworkRefused):
                socket.create_connection(("127.0.0.2", port), timeout=5)
            with pytest.raises(NetworkRefused):
                socket.getaddrinfo("example.org", 80)
