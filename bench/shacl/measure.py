"""Time and peak memory of each SHACL engine on the shipped graph and on N copies of it (issue 13).

    python bench/shacl/measure.py                                  # all engines, shipped + N = 1, 10, 100
    python bench/shacl/measure.py --engines compiled --scales 1,10 --repeats 3

Every run is a separate process (``engines.py ENGINE FILE --no-results``, or ``rudof_runner.py`` in
its own venv): wall time around spawn-and-wait, CPU time (user + system) and peak RSS from
``os.wait4``; the process reports its own phases (parse, inference, validate) as JSON. The
synthetic graphs come from bench/synth.py (written to --workdir, default /tmp/shacl-eval, and written
again when ontology/knowledge.ttl or bench/synth.py is newer).

Bounded: a run is killed after --timeout seconds (default 900), and a run is skipped when the
previous scale predicts it would take longer (time x (N / N_prev) ^ max(1, exponent so far));
the prediction is reported instead. Results go to --output (default --workdir/measurements.json;
merged with earlier runs, newest wins) and the table is printed as Markdown.

bench/shacl/measurements.json is the record of this script at 16a21b9, when ``compiled`` and
``pipeline`` ran the prototype bench/shacl/compile.py; they now run the production code
(src/spasmkg/check/shacl_sparql.py, see engines.py and pipeline.py). Print that record with
``--table-only -o bench/shacl/measurements.json``; pass that ``-o`` to a run only to replace it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RUDOF_PYTHON = Path(os.environ.get("RUDOF_PYTHON", "/tmp/shacl-eval/venv-rudof/bin/python"))
ENGINES = ["pyshacl", "pyshacl-preinf", "pyshacl-fast", "pyshacl-ox", "compiled", "rudof", "rudof-closure", "pipeline"]


def argv_for(engine: str, data: Path) -> list[str]:
    if engine == "pipeline":  # validate --no-owl on one pyoxigraph store (pipeline.py)
        return [sys.executable, str(HERE / "pipeline.py"), str(data), "--json", "--quiet"]
    if engine.startswith("rudof"):
        extra = ["--closure"] if engine == "rudof-closure" else []
        return [str(RUDOF_PYTHON), str(HERE / "rudof_runner.py"), str(data), "--no-results", *extra]
    return [sys.executable, str(HERE / "engines.py"), engine, str(data), "--no-results"]


def run(argv: list[str], timeout: float) -> dict[str, Any]:
    """Spawn, wait with wait4; kill the process group after ``timeout`` seconds."""
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:  # e.g. no rudof venv: an error cell, not a crash
        error = {"error": f"{type(exc).__name__}: {exc}"}
        return {"wall": 0.0, "cpu": 0.0, "rss_mb": 0.0, "killed": False, "status": -1, "report": error}
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, kill)
    timer.start()
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, ru = os.wait4(proc.pid, 0)
    timer.cancel()
    res: dict[str, Any] = {
        "wall": time.perf_counter() - started,
        "cpu": ru.ru_utime + ru.ru_stime,
        "rss_mb": ru.ru_maxrss / 1024,
        "killed": killed.is_set(),
        "status": status,
    }
    try:
        res["report"] = json.loads(out.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        res["report"] = {"error": "no JSON output"}
    return res


def synth(n: int, workdir: Path) -> Path:
    out = workdir / f"kg-x{n}.nt"
    sources = [ROOT / "ontology" / "knowledge.ttl", ROOT / "bench" / "synth.py"]
    if not out.exists() or out.stat().st_mtime < max(f.stat().st_mtime for f in sources):  # missing or stale
        subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "-n", str(n), "-o", str(out)], check=True)
    return out


def count_triples(path: Path) -> int:
    if path.suffix == ".nt":
        with path.open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    import pyoxigraph as ox

    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.2f} s" if x < 10 else f"{x:.0f} s"


def cell(m: dict[str, Any] | None) -> str:
    if m is None:
        return "not run"
    if m.get("skipped"):
        return f"skipped (predicted ≈ {fmt_s(m['predicted'])})"
    if m.get("error"):
        return f"error: {m['error'][:60]}"
    phases = m.get("phases", {})
    validate = phases.get("validate", phases.get("shacl"))
    return (
        f"{fmt_s(m['wall'])} wall / {fmt_s(m['cpu'])} CPU, {m['rss_mb']:.0f} MB"
        + (f" (SHACL step {fmt_s(validate)})" if validate is not None else "")
        + (f", {m['results']} results" if m.get("results") is not None else "")
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--scales", default="shipped,1,10,100", help="'shipped' and/or numbers of copies")
    ap.add_argument("--repeats", type=int, default=3, help="runs per cell (median), within --cell-budget")
    ap.add_argument("--cell-budget", type=float, default=90.0, help="no further run of a cell past this many s")
    ap.add_argument("--timeout", type=float, default=900.0, help="kill a run after this many seconds")
    ap.add_argument("--budget", type=float, default=900.0, help="skip a run predicted to take longer")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/shacl-eval"))
    ap.add_argument("-o", "--output", type=Path, help="default: --workdir/measurements.json")
    ap.add_argument("--table-only", action="store_true", help="print the table of --output, run nothing")
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.output = args.output or args.workdir / "measurements.json"
    db: dict[str, Any] = json.loads(args.output.read_text()) if args.output.exists() else {"cells": {}}
    scales = args.scales.split(",")
    if args.table_only:
        print_table(db, scales)
        return 0
    files = {
        s: (ROOT / "ontology" / "knowledge.ttl" if s == "shipped" else synth(int(s), args.workdir)) for s in scales
    }
    db.setdefault("triples", {}).update({s: count_triples(f) for s, f in files.items()})
    for engine in [e for e in args.engines.split(",") if e]:
        history: list[tuple[int, float]] = []  # (copies, median wall) of the numbered scales
        for scale in scales:
            key = f"{engine}|{scale}"
            if scale != "shipped" and history:
                n_prev, t_prev = history[-1]
                exponent = 1.0
                if len(history) >= 2:
                    (n0, t0), (n1, t1) = history[-2], history[-1]
                    exponent = max(1.0, math.log(t1 / t0) / math.log(n1 / n0))
                predicted = t_prev * (int(scale) / n_prev) ** exponent
                if predicted > args.budget:
                    db["cells"][key] = {"skipped": True, "predicted": predicted, "exponent": exponent}
                    print(f"{engine:15} {scale:>8}: skipped, predicted {predicted:.0f} s", file=sys.stderr, flush=True)
                    continue
            runs = []
            load = os.getloadavg()[0]
            while len(runs) < args.repeats:
                r = run(argv_for(engine, files[scale]), args.timeout)
                runs.append(r)
                if r["killed"] or "error" in r["report"] or sum(x["wall"] for x in runs) + r["wall"] > args.cell_budget:
                    break
            ok = [r for r in runs if not r["killed"] and "error" not in r["report"]]
            if not ok:
                err = f"killed after {args.timeout:.0f} s" if runs[-1]["killed"] else runs[-1]["report"]["error"]
                db["cells"][key] = {"error": err, "wall": runs[-1]["wall"]}
                print(f"{engine:15} {scale:>8}: {err[:100]}", file=sys.stderr, flush=True)
                if runs[-1]["killed"]:
                    break
                continue
            best = sorted(ok, key=lambda r: r["wall"])[len(ok) // 2]
            m = {
                "wall": statistics.median(r["wall"] for r in ok),
                "cpu": statistics.median(r["cpu"] for r in ok),
                "rss_mb": max(r["rss_mb"] for r in ok),
                "runs": len(ok),
                "phases": best["report"].get("timings", {}),
                "results": best["report"].get("n"),
                "loadavg": load,
                "when": time.strftime("%Y-%m-%d %H:%M"),
            }
            db["cells"][key] = m
            if scale != "shipped":
                history.append((int(scale), m["wall"]))
            print(f"{engine:15} {scale:>8}: {cell(m)}  (load {load:.1f})", file=sys.stderr, flush=True)
            args.output.write_text(json.dumps(db, indent=1) + "\n")
    args.output.write_text(json.dumps(db, indent=1) + "\n")
    print_table(db, scales)
    return 0


def print_table(db: dict[str, Any], scales: list[str]) -> None:
    header = [f"{s} ({db.get('triples', {}).get(s, 0):,} triples)" for s in scales]
    print("| engine | " + " | ".join(header) + " |")
    print("|---|" + "---|" * len(scales))
    for engine in ENGINES:
        if any(f"{engine}|{s}" in db["cells"] for s in scales):
            print(f"| {engine} | " + " | ".join(cell(db["cells"].get(f"{engine}|{s}")) for s in scales) + " |")


if __name__ == "__main__":
    sys.exit(main())
