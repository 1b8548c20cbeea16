"""spasmkg benchmark: whole-process timings as ratios against baselines measured in the same run.

    python bench/run.py            # full run (~15-20 min on 2 cores), writes bench/results.md
    python bench/run.py --quick    # no N=100, fewer repeats, no scaled validate (~8-10 min)

See bench/README.md for what each figure means. Every command runs as a child process; its
wall time is measured around spawn-and-wait, its CPU time and peak RSS come from ``os.wait4``.
Runs of a command and of its baseline alternate (A B, B A, ...) after a warm-up, so both see
the same machine load; each figure is the median. Nothing here asserts on time: the table
marks each figure PASS or FAIL against its target.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
HEADLINE = "contraindicated-while-driving"
BANNED = ("rdflib", "pyshacl", "owlready2", "pandas", "networkx", "matplotlib")

# Targets (from the issue).
T_QUERY_RATIO = 2.0
T_QUERY_RSS_MB = 80.0
T_VALIDATE_RATIO = 1.5
T_VALIDATE_CACHED_RATIO = 1.5
T_WARM_SCALE = 3.0
T_EXPONENT = 1.5  # growth exponent above which a step counts as (close to) quadratic
# Issue 13 (validation at query speed).
T_SHACL_STEP_S = 0.5  # SHACL step on the shipped graph
T_VALIDATE_NO_OWL_S = 1.0  # whole cold `validate --no-owl` on the shipped graph
JENA_SHACL_S = 2.4  # Jena SHACL 4.5, whole process, shipped graph (issue 13's measurement; Jena is not run here)
T_VALIDATE_N100_S = 60.0  # whole `validate --no-owl` at N=100
T_VALIDATE_EXPONENT = 1.1  # its growth between N=1, 10 and 100


# --------------------------------------------------------------------------------------------- running


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    rc: int
    timed_out: bool = False


@dataclass
class Figure:
    runs: list[Run] = field(default_factory=list)

    def add(self, r: Run) -> None:
        self.runs.append(r)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss(self) -> float:
        return max(r.rss_mb for r in self.runs)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.rc in (0, 1) and not r.timed_out for r in self.runs)


class Bench:
    def __init__(self, tmp: Path, *, bytecode_cache: bool, log: Callable[[str], None]):
        self.tmp = tmp
        self.cache = tmp / "cache"
        self.log = log
        env = dict(os.environ)
        env["SPASMKG_CACHE_DIR"] = str(self.cache)
        env.pop("SPASMKG_NO_CACHE", None)
        env.pop("SPASMKG_DEBUG", None)
        if bytecode_cache:
            # Like an installed wheel: bytecode is compiled once (here by the warm-up runs), kept
            # out of the repository.
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        self.env = env

    def run(
        self,
        argv: Sequence[str],
        *,
        stdout: Path | None = None,
        stderr: Path | None = None,
        timeout: float | None = None,
        env: dict[str, str] | None = None,
    ) -> Run:
        """Spawn ``argv``, wait with os.wait4; kill its process group after ``timeout`` seconds."""
        with contextlib.ExitStack() as files:
            out = files.enter_context(open(stdout, "wb")) if stdout else subprocess.DEVNULL
            err = files.enter_context(open(stderr, "wb")) if stderr else subprocess.DEVNULL
            started = time.perf_counter()
            proc = subprocess.Popen(
                list(argv),
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                env=env or self.env,
                cwd=ROOT,
                start_new_session=True,
            )
            killed = threading.Event()

            def kill() -> None:
                killed.set()
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)

            timer = threading.Timer(timeout, kill) if timeout else None
            if timer:
                timer.start()
            _, status, ru = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            if timer:
                timer.cancel()
            proc.returncode = os.waitstatus_to_exitcode(status)
            # Whatever the child left behind in its group (e.g. a JVM) goes too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        return Run(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, proc.returncode, killed.is_set())

    def pair(
        self, a: Sequence[str], b: Sequence[str], repeats: int, *, warmup: bool = True, timeout: float | None = None
    ) -> tuple[Figure, Figure]:
        """Alternate runs of ``a`` and ``b`` (A B, B A, ...) after one warm-up of each; medians."""
        if warmup:
            self.run(a, timeout=timeout)
            self.run(b, timeout=timeout)
        fa, fb = Figure(), Figure()
        for i in range(repeats):
            order = ((a, fa), (b, fb)) if i % 2 == 0 else ((b, fb), (a, fa))
            for argv, fig in order:
                fig.add(self.run(argv, timeout=timeout))
        return fa, fb

    def capture(self, argv: Sequence[str], timeout: float | None = None) -> tuple[Run, str]:
        path = self.tmp / "capture.out"
        r = self.run(argv, stdout=path, timeout=timeout)
        return r, path.read_text(encoding="utf-8", errors="replace")


def spasmkg_bin() -> str:
    exe = BIN / "spasmkg"
    return str(exe) if exe.exists() else (shutil.which("spasmkg") or "spasmkg")


def tool(name: str) -> str:
    exe = BIN / name
    return str(exe) if exe.exists() else (shutil.which(name) or name)


# --------------------------------------------------------------------------------------------- helpers


def mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def secs(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:.2f}" if seconds < 10 else f"{seconds:.1f}"


def ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.inf


def machine() -> dict[str, str]:
    info: dict[str, str] = {}
    with contextlib.suppress(OSError):
        cpu = Path("/proc/cpuinfo").read_text()
        m = re.search(r"^model name\s*:\s*(.*)$", cpu, re.M)
        info["cpu"] = m.group(1).strip() if m else platform.processor()
    info["nproc"] = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    with contextlib.suppress(OSError):
        mem = Path("/proc/meminfo").read_text()
        m = re.search(r"^MemTotal:\s*(\d+) kB", mem, re.M)
        if m:
            info["memory"] = f"{int(m.group(1)) / 1024 / 1024:.1f} GiB"
    info["os"] = f"{platform.system()} {platform.release()}"
    info["python"] = platform.python_version()
    libs = []
    for lib in ("spasmkg", "pyoxigraph", "rdflib", "pyshacl", "owlready2", "click"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            libs.append(f"{lib} {metadata.version(lib)}")
    info["libraries"] = ", ".join(libs)
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        java = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
        info["java"] = (java.stderr or java.stdout).splitlines()[0]
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
        dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, cwd=ROOT)
        info["git"] = head.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")
    info["date"] = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return info


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def rows_of(text: str) -> tuple[list[str], int] | None:
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    return doc.get("columns", []), len(doc.get("rows", []))


# --------------------------------------------------------------------------------------------- sections


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.verdicts: list[tuple[str, str, str, bool | None]] = []  # (what, figure, target, ok)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def verdict(self, what: str, figure: str, target: str, ok: bool | None) -> None:
        self.verdicts.append((what, figure, target, ok))


def queries_section(b: Bench, rep: Report, repeats: int, headline_repeats: int) -> None:
    sk = spasmkg_bin()
    _, out = b.capture([sk, "queries", "--format", "json"])
    catalog = json.loads(out)
    b.log(f"named queries: {len(catalog)}")
    rows = []
    skipped: list[str] = []
    headline: tuple[Figure, Figure] | None = None
    for q in catalog:
        name = q["name"]
        args = [sk, "query", name, "--format", "json"]
        base = [sys.executable, str(BENCH / "baseline_query.py"), str(ROOT / "queries" / f"{name}.rq")]
        unresolved = []
        for p in q["params"]:
            if not p["required"]:
                continue
            example = p["example"]
            args += ["--param", f"{p['name']}={example}"]
            _, shown = b.capture([sk, "show", example, "--format", "json"])
            try:
                base += ["--bind", f"{p['name']}={json.loads(shown)['iri']}"]
            except (ValueError, KeyError):
                unresolved.append(f"{p['name']}={example!r}")
        if unresolved:
            b.log(f"  {name}: skipped, the example {', '.join(unresolved)} does not resolve")
            skipped.append(f"- {name}: not measured, its header example {', '.join(unresolved)} does not resolve")
            continue
        # Warm-up doubles as a check that both return the same rows.
        _, got = b.capture(args)
        _, want = b.capture(base)
        same = rows_of(got) is not None and rows_of(got) == rows_of(want)
        n = headline_repeats if name == HEADLINE else repeats
        fa, fb = b.pair(args, base, n, warmup=False)
        rows.append((name, fa, fb, same, (rows_of(got) or ([], -1))[1]))
        if name == HEADLINE:
            headline = (fa, fb)
        b.log(f"  {name:32} {ms(fa.wall):>5} ms vs {ms(fb.wall):>5} ms  x{ratio(fa.wall, fb.wall):.2f}")

    assert headline is not None, f"{HEADLINE} is not among the named queries"
    fa, fb = headline
    r = ratio(fa.wall, fb.wall)
    rep.verdict(
        f"1. `query {HEADLINE}` vs baseline (wall, median of {len(fa.runs)})",
        f"{r:.2f}x ({ms(fa.wall)} / {ms(fb.wall)} ms; CPU {ratio(fa.cpu, fb.cpu):.2f}x)",
        f"<= {T_QUERY_RATIO}x",
        r <= T_QUERY_RATIO,
    )
    rep.verdict(
        f"1. `query {HEADLINE}` peak RSS",
        f"{fa.rss:.1f} MB (baseline {fb.rss:.1f} MB)",
        f"<= {T_QUERY_RSS_MB:.0f} MB",
        fa.rss <= T_QUERY_RSS_MB,
    )
    rep.add(
        "## 2. Named queries, whole process",
        "",
        f"`spasmkg query NAME --format json` against `python bench/baseline_query.py queries/NAME.rq` "
        f"(pyoxigraph alone: load, query, print JSON). Medians of {repeats} alternating runs after a warm-up "
        f"({headline_repeats} for {HEADLINE}); required parameters get their header's example "
        "(the baseline binds the IRI it resolves to). *rows* is the row count; *same* says whether both "
        "returned the same columns and number of rows.",
        "",
        "| query | rows | same | ms | baseline ms | ratio (wall) | ratio (CPU) | RSS MB | target <= 2.0x |",
        "|---|---:|---|---:|---:|---:|---:|---:|---|",
    )
    for name, fa, fb, same, nrows in rows:
        r = ratio(fa.wall, fb.wall)
        rep.add(
            f"| {name} | {nrows} | {'yes' if same else 'NO'} | {ms(fa.wall)} | {ms(fb.wall)} | {r:.2f} | "
            f"{ratio(fa.cpu, fb.cpu):.2f} | {fa.rss:.1f} | {mark(r <= T_QUERY_RATIO and fa.ok)} |"
        )
    worst = max(rows, key=lambda x: ratio(x[1].wall, x[2].wall))
    rep.verdict(
        "2. all named queries (worst ratio)",
        f"{ratio(worst[1].wall, worst[2].wall):.2f}x ({worst[0]})",
        f"<= {T_QUERY_RATIO}x",
        all(ratio(fa.wall, fb.wall) <= T_QUERY_RATIO for _, fa, fb, _, _ in rows),
    )
    mismatched = [name for name, _, _, same, _ in rows if not same]
    rep.verdict(
        "2. same rows as the baseline",
        "all" if not mismatched else "differ: " + ", ".join(mismatched),
        "all",
        not mismatched,
    )
    rep.add("", *skipped, *([""] if skipped else []))


def hygiene_section(b: Bench, rep: Report, repeats: int) -> None:
    """The query path imports no heavy library; --help and queries do not touch the graph."""
    sk_py = [sys.executable, "-X", "importtime", "-m", "spasmkg"]
    found: dict[str, list[str]] = {}
    for label, args in (("query", ["query", HEADLINE, "-F", "json"]), ("--help", ["--help"]), ("queries", ["queries"])):
        path = b.tmp / "importtime.txt"
        with path.open("wb") as err:
            subprocess.run([*sk_py, *args], stdout=subprocess.DEVNULL, stderr=err, env=b.env, cwd=ROOT, check=False)
        mods = {m.group(1).split(".")[0] for m in re.finditer(r"^import time:.*\|\s*(\S+)\s*$", path.read_text(), re.M)}
        found[label] = sorted(mods)
    heavy = sorted(set(found["query"]) & set(BANNED))
    rep.verdict(
        "2. query path imports none of " + ", ".join(BANNED),
        "none" if not heavy else ", ".join(heavy),
        "none",
        not heavy,
    )
    graphy = {k: sorted(set(v) & {"pyoxigraph", "rdflib"}) for k, v in found.items() if k != "query"}
    for label, mods in graphy.items():
        rep.verdict(
            f"2. `spasmkg {label}` does not load the graph (imports no pyoxigraph/rdflib)",
            "ok" if not mods else "imports " + ", ".join(mods),
            "no graph",
            not mods,
        )
    sk = spasmkg_bin()
    base = [sys.executable, str(BENCH / "baseline_query.py"), str(ROOT / "queries" / f"{HEADLINE}.rq")]
    help_f, base_f = b.pair([sk, "--help"], base, repeats)
    queries_f, _ = b.pair([sk, "queries"], base, repeats)
    query = [sk, "query", HEADLINE, "-F", "json"]
    # The prefetch thread overlaps parsing the graph with importing click: measure the query without
    # it, and on one core (where nothing can overlap), each against the baseline run the same way.
    nopre_f, nopre_base = b.pair(["env", "SPASMKG_NO_PREFETCH=1", *query], ["env", *base], repeats)
    lines = [
        f"| `spasmkg --help` | {ms(help_f.wall)} | {ratio(help_f.wall, base_f.wall):.2f} |",
        f"| `spasmkg queries` | {ms(queries_f.wall)} | {ratio(queries_f.wall, base_f.wall):.2f} |",
        f"| `query {HEADLINE}` with `SPASMKG_NO_PREFETCH=1` (vs the baseline, both under `env`) | "
        f"{ms(nopre_f.wall)} | {ratio(nopre_f.wall, nopre_base.wall):.2f} |",
    ]
    if shutil.which("taskset"):
        one = ["taskset", "-c", "0"]
        one_f, one_base = b.pair([*one, *query], [*one, *base], repeats)
        lines.append(
            f"| `query {HEADLINE}` on one core (vs the baseline, both under `taskset -c 0`) | "
            f"{ms(one_f.wall)} | {ratio(one_f.wall, one_base.wall):.2f} |"
        )
    rep.add(
        "## Start-up (informational)",
        "",
        "| command | ms | ratio to the query baseline |",
        "|---|---:|---:|",
        *lines,
        f"| baseline (`bench/baseline_query.py {HEADLINE}.rq`) | {ms(base_f.wall)} | 1.00 |",
        "",
    )


def validate_section(b: Bench, rep: Report, repeats: int, validate_repeats: int, timeout: float, budget: float) -> None:
    sk = spasmkg_bin()
    onto = ROOT / "ontology"
    pyshacl = [
        tool("pyshacl"),
        "-s",
        str(onto / "shapes.ttl"),
        "-e",
        str(onto / "spasmkg.ttl"),
        "-i",
        "rdfs",
        "-a",
        "-w",
        str(onto / "knowledge.ttl"),
    ]
    # Warm-up: compile the bytecode of the validation libraries once (not timed).
    b.run(
        [
            sys.executable,
            "-c",
            "import rdflib, pyshacl, owlrl, owlready2, spasmkg.check.validate, spasmkg.reason.rules",
        ]
    )
    cold, base = Figure(), Figure()
    reports = []
    started = time.monotonic()
    for i in range(validate_repeats):
        if i and time.monotonic() - started > budget:
            b.log(f"  validate: {i} cold pair(s) took over {budget:.0f} s; no more")
            break
        # An empty cache (the query stores aside): `validate` cannot reuse a report or a reasoner
        # result, so this run is cold (as with --no-cache), and it leaves the report that the
        # cached runs below reuse.
        for sub in b.cache.glob("*"):
            if sub.name != "stores":
                shutil.rmtree(sub, ignore_errors=True)
        pair = [("pyshacl", pyshacl), ("spasmkg", [sk, "validate", "--quiet", "--format", "json"])]
        for label, argv in pair if i % 2 == 0 else pair[::-1]:
            b.log(f"  {label} (cold) ...")
            if label == "pyshacl":
                base.add(b.run(argv, timeout=timeout))
            else:
                r, text = b.capture(argv, timeout=timeout)
                cold.add(r)
                with contextlib.suppress(ValueError):
                    reports.append(json.loads(text))
            b.log(f"    {b_last(base if label == 'pyshacl' else cold)}")
    # Issue 13: cold `validate --no-owl` (no cache) and the SHACL step inside it (from its JSON report).
    no_owl, shacl_steps = Figure(), []
    for _ in range(max(repeats, 3)):
        r0, text = b.capture([sk, "validate", "--no-owl", "--no-cache", "--quiet", "--format", "json"], timeout=timeout)
        no_owl.add(r0)
        with contextlib.suppress(ValueError, KeyError, StopIteration):
            shacl_steps.append(next(c for c in json.loads(text)["checks"] if c["name"] == "shacl")["seconds"])
    step = statistics.median(shacl_steps) if shacl_steps else None
    rep.verdict(
        f"13. SHACL step on the shipped graph (compiled engine, median of {len(shacl_steps)})",
        f"{secs(step)} s",
        f"<= {T_SHACL_STEP_S} s",
        None if step is None else step <= T_SHACL_STEP_S,
    )
    rep.verdict(
        f"13. cold `validate --no-owl` (wall, median of {len(no_owl.runs)})",
        f"{secs(no_owl.wall)} s (CPU {secs(no_owl.cpu)} s, {no_owl.rss:.0f} MB)",
        f"<= {T_VALIDATE_NO_OWL_S} s",
        no_owl.wall <= T_VALIDATE_NO_OWL_S and no_owl.ok,
    )
    rep.verdict(
        f"13. cold `validate` with HermiT (wall, median of {len(cold.runs)})",
        f"{secs(cold.wall)} s (CPU {secs(cold.cpu)} s)",
        f"< {JENA_SHACL_S} s (Jena SHACL alone, whole process, from issue 13)",
        cold.wall < JENA_SHACL_S and cold.ok,
    )
    r = ratio(cold.wall, base.wall)
    rep.verdict(
        f"3. `validate` cold vs `pyshacl` (wall, median of {len(cold.runs)})",
        f"{r:.2f}x ({secs(cold.wall)} / {secs(base.wall)} s; CPU {ratio(cold.cpu, base.cpu):.2f}x)",
        f"<= {T_VALIDATE_RATIO}x",
        r <= T_VALIDATE_RATIO and cold.ok and base.ok,
    )
    # Cached: against the query baseline of point 1, alternating.
    qbase = [sys.executable, str(BENCH / "baseline_query.py"), str(ROOT / "queries" / f"{HEADLINE}.rq")]
    _, text = b.capture([sk, "validate", "--format", "json"])
    cached_ok = '"cached": true' in text
    cf, qb = b.pair([sk, "validate"], qbase, repeats)
    r2 = ratio(cf.wall, qb.wall)
    rep.verdict(
        f"3. `validate` cached vs the query baseline (wall, median of {len(cf.runs)})",
        f"{r2:.2f}x ({ms(cf.wall)} / {ms(qb.wall)} ms){'' if cached_ok else ' (report NOT from the cache!)'}",
        f"<= {T_VALIDATE_CACHED_RATIO}x",
        r2 <= T_VALIDATE_CACHED_RATIO and cached_ok,
    )
    rep.add(
        "## 3. Validation",
        "",
        "| run | wall s | CPU s | peak RSS MB | exit |",
        "|---|---:|---:|---:|---|",
        f"| `pyshacl -s shapes.ttl -e spasmkg.ttl -i rdfs -a -w knowledge.ttl` | {secs(base.wall)} | "
        f"{secs(base.cpu)} | {base.rss:.0f} | {','.join(str(x.rc) for x in base.runs)} |",
        f"| `spasmkg validate` (cold: empty cache) | {secs(cold.wall)} | {secs(cold.cpu)} | {cold.rss:.0f} | "
        f"{','.join(str(x.rc) for x in cold.runs)} |",
        f"| `spasmkg validate --no-owl --no-cache` | {secs(no_owl.wall)} | {secs(no_owl.cpu)} | {no_owl.rss:.0f} | "
        f"{','.join(sorted({str(x.rc) for x in no_owl.runs}))} |",
        f"| `spasmkg validate` (cached) | {secs(cf.wall)} | {secs(cf.cpu)} | {cf.rss:.0f} | "
        f"{','.join(sorted({str(x.rc) for x in cf.runs}))} |",
        "",
        "Peak RSS is that of the largest single process: the command or a child it waited for (for "
        "`validate`, possibly the HermiT JVM); CPU includes those children. Exit 1 means the checks found "
        "violations (the data is still being curated); the timing is valid either way.",
        "",
    )
    if reports:
        rep.add(
            "Seconds per check inside the cold `validate` run (from its JSON report; HermiT runs in a "
            "process alongside the other checks, so they overlap):",
            "",
        )
        rep.add("| check | seconds | result |", "|---|---:|---|")
        for c in reports[-1].get("checks", []):
            rep.add(f"| {c['name']} | {c['seconds']:.1f} | {'PASS' if c['ok'] else 'FAIL'}: {c['summary'][:80]} |")
        rep.add("")


def b_last(fig: Figure) -> str:
    r = fig.runs[-1]
    return f"{r.wall:.1f} s wall, {r.cpu:.1f} s CPU, {r.rss_mb:.0f} MB, exit {r.rc}" + (
        " TIMED OUT" if r.timed_out else ""
    )


@dataclass
class Step:
    """One measured step at one scale (None: skipped, with a reason)."""

    seconds: float | None = None
    rss: float | None = None
    note: str = ""


def count_triples(files: Sequence[Path]) -> int:
    import pyoxigraph

    st = pyoxigraph.Store()
    for f in files:
        fmt = pyoxigraph.RdfFormat.TURTLE if f.suffix == ".ttl" else pyoxigraph.RdfFormat.N_TRIPLES
        st.bulk_load(path=str(f), format=fmt)
    return len(st)


QUERY_STEPS = ["load (cold - warm)", "query cold", "query warm", "export nt"]
VALIDATE_STEP = "validate --no-owl"
VALIDATE_OWL_STEP = "validate (with HermiT)"
#: HermiT's heap for the scaled validate with OWL (N=100 needs ~2.4 GB; the default is 1024 MB).
OWL_BENCH_HEAP_MB = "4096"


def scaling_section(
    b: Bench,
    rep: Report,
    scales: list[int],
    validate_scales: list[int],
    repeats: int,
    *,
    step_budget: float,
    deadline: float,
    with_owl: bool = True,
) -> None:
    sk = spasmkg_bin()
    shipped = count_triples([ROOT / "ontology" / "spasmkg.ttl", ROOT / "ontology" / "knowledge.ttl"])
    knowledge = count_triples([ROOT / "ontology" / "knowledge.ttl"])
    res: dict[str, dict[int, Step]] = {}
    files: dict[int, Path] = {}
    prev: dict[str, tuple[int, float]] = {}  # step -> (scale, seconds) of its last completed run

    def put(step: str, n: int, value: Step) -> None:
        res.setdefault(step, {})[n] = value

    def synth(n: int) -> Path:
        if n not in files:
            path = b.tmp / f"kg-x{n}.nt"
            started = time.perf_counter()
            cmd = [sys.executable, str(BENCH / "synth.py"), "--scale", str(n), "-o", str(path)]
            subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL, env=b.env)
            took = time.perf_counter() - started
            size_mb = path.stat().st_size / 1e6
            put("synth", n, Step(took, None, f"{size_mb:.1f} MB"))
            b.log(f"N={n}: {knowledge * n} triples, {size_mb:.1f} MB (synth {took:.1f} s)")
            files[n] = path
        return files[n]

    def budget_for(step: str, n: int) -> tuple[float | None, str]:
        """Time allowed for a step, or None with the reason it is skipped."""
        allowed = min(step_budget, deadline - time.monotonic())
        if step in prev:
            n0, t0 = prev[step]
            estimate = t0 * (n / n0)  # linear growth: the least it will take
            if estimate > allowed:
                return None, (
                    f"skipped: at least ~{estimate:.0f} s expected ({t0:.0f} s at N={n0}, linear growth) "
                    f"> {allowed:.0f} s allowed"
                )
        if allowed < 30:
            return None, "skipped: bench time budget used up"
        return allowed, ""

    def timed_step(step: str, n: int, argv: list[str], env: dict[str, str] | None = None) -> None:
        allowed, why = budget_for(step, n)
        if allowed is None:
            put(step, n, Step(None, None, why))
            b.log(f"  {step}: {why}")
            return
        errfile = b.tmp / "step.err"
        r = b.run(argv, timeout=allowed, stderr=errfile, env=None if env is None else {**b.env, **env})
        if r.timed_out:
            put(step, n, Step(None, r.rss_mb, f"stopped after {allowed:.0f} s"))
        elif r.rc not in (0, 1):
            last = (errfile.read_text(errors="replace").strip().splitlines() or ["?"])[-1]
            put(step, n, Step(None, r.rss_mb, f"failed (exit {r.rc} after {r.wall:.1f} s): {last[:200]}"))
        else:
            put(step, n, Step(r.wall, r.rss_mb))
            prev[step] = (n, r.wall)
        b.log(f"  N={n} {step}: {b_last(Figure([r]))}")

    for n in sorted(set(scales) | set(validate_scales)):
        path = synth(n)
        if n in validate_scales:
            max_mb = str(min(200, max(8, math.ceil(path.stat().st_size / 2**20) + 1)))
            vargs = [sk, "validate", "--data", str(path), "--no-owl", "--no-cache", "--quiet", "--max-mb", max_mb]
            timed_step(VALIDATE_STEP, n, vargs)
            if with_owl:
                oargs = [sk, "validate", "--data", str(path), "--no-cache", "--quiet", "--max-mb", max_mb]
                oargs += ["--owl-timeout", str(int(step_budget))]
                timed_step(VALIDATE_OWL_STEP, n, oargs, env={"SPASMKG_HERMIT_MB": OWL_BENCH_HEAP_MB})
        if n not in scales:
            continue
        qargs = [sk, "--data", str(path), "query", HEADLINE, "-F", "json"]
        # Cold: the first run builds the on-disk store (inputs over the 1 MiB cache threshold).
        cold = b.run(qargs, timeout=step_budget)
        put("query cold", n, Step(cold.wall, cold.rss_mb, "" if cold.rc == 0 else f"exit {cold.rc}"))
        warm = Figure()
        for _ in range(repeats):
            warm.add(b.run(qargs, timeout=step_budget))
        put("query warm", n, Step(warm.wall, warm.rss, "" if warm.ok else "failed"))
        put("load (cold - warm)", n, Step(max(cold.wall - warm.wall, 0.0), cold.rss_mb))
        b.log(f"  N={n} query cold {cold.wall:.2f} s, warm {warm.wall:.3f} s, RSS {cold.rss_mb:.0f}/{warm.rss:.0f} MB")
        out = b.tmp / f"export-x{n}.nt"
        timed_step("export nt", n, [sk, "--data", str(path), "export", "-F", "nt", "-o", str(out)])
        with contextlib.suppress(OSError):
            out.unlink()

    def cell(step: str, n: int) -> str:
        st = res.get(step, {}).get(n)
        if st is None:
            return "-"
        if st.seconds is None:
            return st.note.split(" ", 1)[0] if st.note else "-"
        text = secs(st.seconds) + (f" ({st.rss:.0f} MB)" if st.rss else "")
        return text + (f", {st.note}" if st.note else "")

    def table(title: str, steps: list[str], ns: list[int], sizes: dict[int, int], size_label: str) -> None:
        rep.add(
            f"| {title} | " + " | ".join(f"N={n}" for n in ns) + " |",
            "|---|" + "---:|" * len(ns),
            f"| {size_label} | " + " | ".join(f"{sizes[n]:,}" for n in ns) + " |",
        )
        for step in steps:
            rep.add(f"| {step} | " + " | ".join(cell(step, n) for n in ns) + " |")
        rep.add("")

    store_triples = {n: shipped + knowledge * n for n in set(scales) | set(validate_scales)}
    data_triples = {n: knowledge * n for n in set(scales) | set(validate_scales)}
    rep.add(
        "## 4. Scaling",
        "",
        f"`bench/synth.py --scale N` writes N renamed copies of ontology/knowledge.ttl ({knowledge:,} triples each) "
        f"as N-Triples. Query and export run on the shipped graph ({shipped:,} triples) plus the copies "
        "(`spasmkg --data FILE ...`). *query cold* is the first run, which builds the on-disk store (inputs over "
        "spasmkg's 1 MiB cache threshold); "
        f"*query warm* is the median of {repeats} further runs; *load* is their difference. "
        "Seconds (wall), peak RSS in brackets.",
        "",
    )
    table("step", ["synth", *QUERY_STEPS], scales, store_triples, "triples in the store")
    if validate_scales:
        rep.add(
            "`spasmkg validate --data FILE --no-owl --no-cache --max-mb M` validates the shipped graph merged "
            "with the copies on one pyoxigraph store (SHACL compiled to SPARQL with RDFS typing, literals, "
            "evidence offsets, QC queries; no HermiT). *validate (with HermiT)* adds the OWL check "
            f"(HermiT classification, `SPASMKG_HERMIT_MB={OWL_BENCH_HEAP_MB}`, `--owl-timeout` = the step budget). "
            "`--max-mb` raises validate's size limit (default 64 MiB with HermiT, 200 MiB with --no-owl) "
            "to fit the file. *triples validated* counts the copies only.",
            "",
        )
        steps = [VALIDATE_STEP, VALIDATE_OWL_STEP] if with_owl else [VALIDATE_STEP]
        table("step", steps, validate_scales, data_triples, "triples validated")
    notes = [
        f"- {step} at N={n}: {st.note}"
        for step, by_n in res.items()
        for n, st in sorted(by_n.items())
        if st.seconds is None and st.note
    ]
    if not validate_scales:
        notes.append("- validate: not run on the synthetic graphs (--quick or --no-scaled-validate)")
    if notes:
        rep.add("Skipped, stopped or failed:", "", *notes, "")

    # Growth between consecutive scales.
    rep.add(
        "Growth between consecutive scales: time and RSS factors against the data factor; the exponent is "
        "log(time factor) / log(data factor) (1 = linear, 2 = quadratic; fixed start-up costs pull it below 1). "
        "*load* is a difference of two timings and is shown but not judged.",
        "",
        "| step | from -> to | data x | time x | exponent | RSS x | not quadratic | RSS <= data |",
        "|---|---|---:|---:|---:|---:|---|---|",
    )
    quad_ok: list[bool] = []
    rss_ok: list[bool] = []
    validate_growth: list[tuple[int, int, float]] = []  # (from N, to N, exponent) of validate --no-owl
    for step in [*QUERY_STEPS, VALIDATE_STEP, VALIDATE_OWL_STEP]:
        ns = validate_scales if step in (VALIDATE_STEP, VALIDATE_OWL_STEP) else scales
        sizes = data_triples if step in (VALIDATE_STEP, VALIDATE_OWL_STEP) else store_triples
        done = [n for n in ns if res.get(step, {}).get(n) and res[step][n].seconds is not None]
        for a, c in itertools.pairwise(done):
            sa, sc = res[step][a], res[step][c]
            dx = sizes[c] / sizes[a]
            tx = ratio(sc.seconds or 0.0, sa.seconds or 0.0)
            ex = math.log(tx) / math.log(dx) if tx > 0 and dx > 1 else math.nan
            rx = ratio(sc.rss, sa.rss) if sa.rss and sc.rss else math.nan
            q_ok = not ex > T_EXPONENT
            r_ok = not rx > dx
            if step == VALIDATE_STEP:
                validate_growth.append((a, c, ex))
            if step != "load (cold - warm)":
                quad_ok.append(q_ok)
                rss_ok.append(r_ok)
            rep.add(
                f"| {step} | N={a} -> N={c} | {dx:.1f} | {tx:.2f} | {ex:.2f} | {rx:.2f} | {mark(q_ok)} | {mark(r_ok)} |"
            )
    rep.add("")
    warm = res.get("query warm", {})
    big = max(scales)
    if 1 in warm and big > 1 and big in warm and warm[1].seconds and warm[big].seconds:
        w = ratio(warm[big].seconds, warm[1].seconds)
        what = "4. warm named query at N=100 vs N=1" if big == 100 else f"4. warm named query at N={big} vs N=1"
        rep.verdict(
            what,
            f"{w:.2f}x ({ms(warm[big].seconds)} / {ms(warm[1].seconds)} ms)",
            f"<= {T_WARM_SCALE}x",
            w <= T_WARM_SCALE,
        )
    vres = res.get(VALIDATE_STEP, {})
    top = max(validate_scales) if validate_scales else None
    if top is not None:
        st = vres.get(top)
        rep.verdict(
            f"13. `validate --no-owl` at N={top} ({data_triples[top]:,} triples of copies)",
            (f"{secs(st.seconds)} s, peak RSS {st.rss:.0f} MB" if st and st.seconds is not None else "not measured")
            + ("" if top == 100 else " (not N=100)"),
            f"<= {T_VALIDATE_N100_S:.0f} s at N=100",
            None if not (st and st.seconds is not None) else (st.seconds <= T_VALIDATE_N100_S and top == 100),
        )
        rep.verdict(
            f"13. `validate --no-owl` growth between N={', '.join(map(str, validate_scales))}",
            ", ".join(f"N={a}->{c}: N^{ex:.2f}" for a, c, ex in validate_growth) or "not measured",
            f"exponent <= {T_VALIDATE_EXPONENT}",
            all(ex <= T_VALIDATE_EXPONENT for _, _, ex in validate_growth) if validate_growth else None,
        )
    rep.verdict(
        "4. peak RSS grows no faster than the data",
        f"{sum(rss_ok)} of {len(rss_ok)} steps",
        "all",
        all(rss_ok) if rss_ok else None,
    )
    rep.verdict(
        f"4. no step quadratic (exponent <= {T_EXPONENT})",
        f"{sum(quad_ok)} of {len(quad_ok)} steps",
        "all measured",
        all(quad_ok) if quad_ok else None,
    )


# --------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="spasmkg benchmark (see bench/README.md)")
    ap.add_argument("--quick", action="store_true", help="skip N=100 and the scaled validate; fewer repeats")
    ap.add_argument("--repeats", type=int, help="runs per figure after the warm-up (default 7, quick 5)")
    ap.add_argument(
        "--validate-repeats",
        type=int,
        default=None,
        help="cold validate/pyshacl pairs (default 5, --quick 1; fewer if they exceed --validate-budget)",
    )
    ap.add_argument(
        "--validate-budget", type=float, default=5.0, help="minutes after which no further cold pair starts"
    )
    ap.add_argument("--scales", default=None, help="comma-separated N for the scaling table (default 1,10,100)")
    ap.add_argument(
        "--validate-scales", default=None, help="N for the scaled validate (default 1,10,100; --quick: none)"
    )
    ap.add_argument("--no-scaled-owl", action="store_true", help="scaled validate without HermiT only")
    ap.add_argument("--skip", default="", help="comma-separated sections to skip: queries,validate,scaling")
    ap.add_argument("--step-budget", type=float, default=600.0, help="longest a single scaled step may run (s)")
    ap.add_argument("--budget", type=float, default=20.0, help="soft limit for the whole bench (minutes)")
    ap.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE if set (every run compiles the sources)",
    )
    ap.add_argument("-o", "--output", type=Path, default=BENCH / "results.md")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (synthetic graphs, cache)")
    args = ap.parse_args(argv)
    repeats = args.repeats or (5 if args.quick else 7)
    headline_repeats = max(repeats, 5 if args.quick else 15)
    scales = [int(x) for x in args.scales.split(",")] if args.scales else ([1, 10] if args.quick else [1, 10, 100])
    if args.validate_scales is not None:
        validate_scales = [int(x) for x in args.validate_scales.split(",") if x.strip()]
    else:
        validate_scales = [] if args.quick else [1, 10, 100]
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    t0 = time.monotonic()
    deadline = t0 + args.budget * 60

    def log(msg: str) -> None:
        print(f"[{time.monotonic() - t0:6.0f}s] {msg}", file=sys.stderr, flush=True)

    info = machine()
    load_start = loadavg()
    tmp = Path(tempfile.mkdtemp(prefix="spasmkg-bench-"))
    rep = Report()
    try:
        b = Bench(tmp, bytecode_cache=not args.no_bytecode_cache, log=log)
        log(f"temporary folder {tmp} (SPASMKG_CACHE_DIR={b.cache})")
        # Warm-up: compile bytecode and touch the files once.
        b.run([spasmkg_bin(), "query", HEADLINE, "-F", "json"])
        b.run([sys.executable, str(BENCH / "baseline_query.py"), str(ROOT / "queries" / f"{HEADLINE}.rq")])
        if "queries" not in skip:
            log("1-2. named queries")
            queries_section(b, rep, repeats, headline_repeats)
            hygiene_section(b, rep, repeats)
        if "validate" not in skip:
            log("3. validate")
            validate_section(
                b,
                rep,
                repeats,
                args.validate_repeats or (1 if args.quick else 5),
                timeout=max(args.step_budget, 1800),
                budget=args.validate_budget * 60,
            )
        if "scaling" not in skip:
            log(f"4. scaling {scales}, validate {validate_scales}")
            scaling_section(
                b,
                rep,
                scales,
                validate_scales,
                repeats,
                step_budget=args.step_budget,
                deadline=deadline,
                with_owl=not args.no_scaled_owl,
            )
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    total = time.monotonic() - t0
    text = render(rep, info, args, repeats, headline_repeats, total, load_start, loadavg())
    text += kept_sections(args.output)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    log(f"wrote {args.output} in {total / 60:.1f} min")
    return 0


def kept_sections(path: Path) -> str:
    """Sections that other benchmarks keep in the same file (``<!-- NAME:begin -->`` ... ``<!-- NAME:end -->``,
    e.g. bench/serve_load.py's): carried over unchanged when this report is rewritten."""
    try:
        old = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    found = re.finditer(r"<!-- ([\w-]+):begin -->.*?<!-- \1:end -->", old, flags=re.S)
    return "".join(f"\n{m.group(0)}\n" for m in found)


def render(
    rep: Report,
    info: dict[str, str],
    args: argparse.Namespace,
    repeats: int,
    headline_repeats: int,
    total: float,
    load_start: str,
    load_end: str,
) -> str:
    cmd = "python bench/run.py" + (" --quick" if args.quick else "")
    out = [
        "# spasmkg benchmark results",
        "",
        f"Generated by `{cmd}` (bench/run.py) in {total / 60:.1f} min. Do not edit by hand: re-run the bench.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in info.items()],
        f"- load average (1, 5, 15 min) at start: {load_start}; at end: {load_end}",
        f"- repeats: {repeats} per figure ({headline_repeats} for the headline query), after one warm-up; "
        "medians; runs of a command and its baseline alternate",
        "- bytecode: "
        + (
            "compiled once into a temporary PYTHONPYCACHEPREFIX (as an installed package has .pyc files)"
            if not args.no_bytecode_cache
            else "as the environment says (PYTHONDONTWRITEBYTECODE kept)"
        ),
        "",
        "## Summary",
        "",
        "| figure | measured | target | verdict |",
        "|---|---|---|---|",
    ]
    out += [f"| {w} | {f} | {t} | {mark(ok)} |" for w, f, t, ok in rep.verdicts]
    out += [""]
    out += rep.lines
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    sys.exit(main())
