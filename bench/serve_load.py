"""Load test of ``spasmkg serve`` on loopback: C clients x N named queries, latency percentiles.

    python bench/serve_load.py                  # 8 clients x 200 queries on spasmkg serve
    python bench/serve_load.py --compare        # also the Oxigraph server alone and pyoxigraph in-process
    python bench/serve_load.py --no-write       # print only; do not touch bench/results.md

Each client holds one keep-alive HTTP connection and POSTs the 14 named queries round-robin (their
standalone text, parameters bound with the header's example, as ``spasmkg query`` binds them), asks
for SPARQL JSON, and checks the row count against ``spasmkg query``'s. Any HTTP error, connection
error or wrong count is counted as an error. The result goes into the section between the
``serve_load`` markers of ``bench/results.md`` (nothing else in that file is touched).

``--compare`` runs the same load on the designs that were considered and not chosen: the Oxigraph
server (read-only, on-disk store; the first design, behind the same checking front) alone, and
pyoxigraph inside Starlette (query and JSON serialisation in a thread pool: fast, but a query past
its timeout cannot be stopped).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.md"
BEGIN = "<!-- serve_load:begin -->"
END = "<!-- serve_load:end -->"


def workload() -> list[tuple[str, str, int]]:
    """(name, standalone bound text, expected rows) for every named query."""
    from spasmkg.engine import catalog, named

    out = []
    for q in catalog.named_queries().values():
        values = {p.name: p.example for p in q.params if p.required}
        text = catalog.standalone_text(named.bound_text(q.text, named.bind_params(q, values)))
        expected = len(named.query(q.name, values, limit=None).rows)
        out.append((q.name, text, expected))
    return out


def _wait_line(proc: subprocess.Popen[str], timeout: float = 120.0) -> str:
    assert proc.stdout is not None
    box: list[str] = []
    t = threading.Thread(target=lambda: box.append(proc.stdout.readline() if proc.stdout else ""), daemon=True)
    t.start()
    t.join(timeout)
    if not box or not box[0]:
        proc.kill()
        raise SystemExit(f"server did not start: {proc.stderr.read() if proc.stderr else ''}")
    return box[0].strip()


@contextlib.contextmanager
def spasmkg_serve() -> Iterator[str]:
    """``spasmkg serve --port 0``; yields the query URL."""
    launcher = os.environ.get("SPASMKG_BENCH_LAUNCHER")  # a script standing in for `python -m spasmkg`
    cmd = [sys.executable, *([launcher] if launcher else ["-m", "spasmkg"]), "serve", "--port", "0", "--timeout", "30"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = _wait_line(proc)
        yield line.split()[1]
    finally:
        proc.terminate()
        proc.wait(20)


@contextlib.contextmanager
def oxigraph_alone() -> Iterator[str]:
    """The Oxigraph server alone, on the same data (what ``serve`` runs behind its front)."""
    from spasmkg.serve import backend

    back = backend.start(timeout=30)
    try:
        yield back.url + "/query"
    finally:
        back.stop()


INPROCESS = r"""
import sys, uvicorn, pyoxigraph
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from spasmkg.engine.store import open_store
from spasmkg.engine.sparqlcheck import check_query
import urllib.parse
store = open_store(())
def run(text):
    res = store.query(text)
    return res.serialize(format=pyoxigraph.QueryResultsFormat.JSON)
async def query(request: Request):
    form = urllib.parse.parse_qs((await request.body()).decode())
    text = form["query"][0]
    check_query(text)
    body = await run_in_threadpool(run, text)
    return Response(body, media_type="application/sparql-results+json")
app = Starlette(routes=[Route("/query", query, methods=["POST"])])
print("ready", flush=True)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


@contextlib.contextmanager
def inprocess() -> Iterator[str]:
    """pyoxigraph in a Starlette thread pool (the design not chosen)."""
    from spasmkg.serve.backend import free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", INPROCESS, str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_line(proc)
        time.sleep(1.0)
        yield f"http://127.0.0.1:{port}/query"
    finally:
        proc.terminate()
        proc.wait(20)


def load(url: str, work: list[tuple[str, str, int]], clients: int, per_client: int) -> dict[str, object]:
    """Run the load; return latencies (ms), errors, wall time."""
    parts = urllib.parse.urlsplit(url)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
        mine: list[float] = []
        bad: list[str] = []
        start_gate.wait()
        for i in range(per_client):
            name, text, expected = work[(k + i) % len(work)]
            body = urllib.parse.urlencode({"query": text})
            t0 = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    parts.path,
                    body=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "application/sparql-results+json",
                    },
                )
                resp = conn.getresponse()
                data = resp.read()
                dt = (time.perf_counter() - t0) * 1000
                if resp.status != 200:
                    bad.append(f"{name}: HTTP {resp.status}")
                    continue
                rows = len(json.loads(data)["results"]["bindings"])
                if rows != expected:
                    bad.append(f"{name}: {rows} rows, expected {expected}")
                    continue
                mine.append(dt)
            except Exception as exc:  # counted, not raised: the load must finish
                bad.append(f"{name}: {type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    start_gate.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"latencies": sorted(latencies), "errors": errors, "wall": wall, "total": clients * per_client}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def row(label: str, r: dict[str, object]) -> str:
    lat = r["latencies"]
    assert isinstance(lat, list)
    wall = float(r["wall"])  # type: ignore[arg-type]
    errors = r["errors"]
    assert isinstance(errors, list)
    return (
        f"| {label} | {r['total']} | {len(errors)} | {pct(lat, 50):.1f} | {pct(lat, 90):.1f} | {pct(lat, 99):.1f} | "
        f"{(max(lat) if lat else float('nan')):.1f} | {statistics.fmean(lat) if lat else float('nan'):.1f} | "
        f"{int(r['total']) / wall:.0f} |"  # type: ignore[call-overload]
    )


def write_section(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    block = f"{BEGIN}\n{text.rstrip()}\n{END}\n"
    if BEGIN in old and END in old:
        head, _, rest = old.partition(BEGIN)
        _, _, tail = rest.partition(END)
        new = head + block + tail.lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + block
    fd, tmp = tempfile.mkstemp(dir=RESULTS.parent, prefix=".results-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(new)
    os.replace(tmp, RESULTS)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--queries", type=int, default=200, help="queries per client")
    ap.add_argument("--compare", action="store_true", help="also the Oxigraph server alone and in-process pyoxigraph")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    work = workload()
    variants = [("`spasmkg serve` (Starlette + pyoxigraph worker processes)", spasmkg_serve)]
    if args.compare:
        variants += [
            ("not chosen: Oxigraph server, read-only on-disk store, alone", oxigraph_alone),
            ("not chosen: pyoxigraph in a Starlette thread pool (cannot stop a query)", inprocess),
        ]
    lines = []
    failed = False
    for label, start in variants:
        with start() as url:
            load(url, work, 2, 10)  # warm-up
            r = load(url, work, args.clients, args.queries)
        lines.append(row(label, r))
        errs = r["errors"]
        assert isinstance(errs, list)
        if errs:
            failed = True
            print(f"{label}: {len(errs)} errors, e.g. {errs[:3]}", file=sys.stderr)
        print(lines[-1], flush=True)

    import pyoxigraph
    import starlette
    import uvicorn

    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, pyoxigraph/oxigraph {pyoxigraph.__version__}, "
        f"starlette {starlette.__version__}, uvicorn {uvicorn.__version__}"
    )
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    flag = " --compare" if args.compare else ""
    section = f"""## SPARQL endpoint (`spasmkg serve`) under load

Generated by `python bench/serve_load.py{flag}` on {when}
({machine}). {args.clients} clients on loopback, {args.queries} queries each, one keep-alive connection per
client, the {len(work)} named queries round-robin (standalone text, example parameters bound), SPARQL JSON; every
answer's row count checked against `spasmkg query`. Clients and server share the 2 cores. Latency in ms.

| server | queries | errors | p50 | p90 | p99 | max | mean | queries/s |
|---|---|---|---|---|---|---|---|---|
{chr(10).join(lines)}
"""
    print(section)
    if not args.no_write:
        write_section(section)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
