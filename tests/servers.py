"""Real stores the endpoint and publish tests start on 127.0.0.1 (no mocks), and the helpers they share.

The Virtuoso configuration lives once, in ``.ci/services.sh start-virtuoso`` (the same command a person
uses to try the README's "When one machine is not enough" by hand)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT

from spasmkg.engine import catalog
from spasmkg.serve.backend import free_port, oxigraph_binary

VIRTUOSO = shutil.which("virtuoso-t")
try:
    oxigraph_binary()
    HAVE_OXIGRAPH = True
except Exception:
    HAVE_OXIGRAPH = False

needs_oxigraph = pytest.mark.skipif(
    not HAVE_OXIGRAPH, reason="the Oxigraph server binary is missing: pip install 'oxigraph==0.5.*' (.ci/services.sh)"
)


def example_args(name: str) -> list[str]:
    """``-p NAME=EXAMPLE`` for each required parameter of a named query (its header's example)."""
    q = catalog.get(name)
    return [a for p in q.params if p.required for a in ("-p", f"{p.name}={p.example}")]


def wait_http(url: str, timeout: float) -> None:
    """Wait until ``url`` answers (any status below 400), or raise after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:g} s")


def _stop(proc: subprocess.Popen[bytes], grace: float) -> None:
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@contextmanager
def oxigraph_server() -> Iterator[str]:
    """An empty read-write Oxigraph server; yields its base URL (``/query``, ``/store``)."""
    if not HAVE_OXIGRAPH:
        pytest.skip("the Oxigraph server binary is missing: pip install 'oxigraph==0.5.*' (.ci/services.sh)")
    port = free_port()
    proc = subprocess.Popen(
        [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", 30)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc, 10)


def _free_port_pair() -> int:
    """A port P with P and P+1 free (Virtuoso: HTTP on P, SQL on P+1)."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no free pair of ports on 127.0.0.1")


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[str]:
    """A fresh Virtuoso with its database in ``folder`` (``.ci/services.sh start-virtuoso``); yields its
    base URL. A fresh database's administrator is dba/dba."""
    if VIRTUOSO is None:
        pytest.skip("Virtuoso is not installed: apt-get install virtuoso-opensource (.ci/services.sh)")
    port = _free_port_pair()
    proc = subprocess.Popen(
        ["bash", str(ROOT / ".ci" / "services.sh"), "start-virtuoso", str(folder), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", 180)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc, 60)
