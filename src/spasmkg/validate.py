"""``spasmkg validate``: SHACL, OWL 2 DL consistency, evidence offsets and QC queries.

The four checks share one parse of the inputs. HermiT (a Java process) starts first in a
worker thread and runs while pySHACL validates in this one. A report is cached by the
content hash of every input (ontology, data, shapes, corpus, QC queries), so a repeated
run on unchanged inputs is answered from the cache.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg import __version__, resources
from spasmkg.namespaces import curie

if TYPE_CHECKING:
    import rdflib


@dataclass
class Check:
    name: str
    ok: bool
    summary: str
    violations: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class ValidationReport:
    checks: list[Check]
    inputs: list[str]
    cached: bool = False

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "cached": self.cached, "inputs": self.inputs, "checks": [asdict(c) for c in self.checks]}

    def summary(self) -> str:
        lines = [f"validating {', '.join(self.inputs)}{' (cached result)' if self.cached else ''}"]
        for c in self.checks:
            lines.append(f"  {'PASS' if c.ok else 'FAIL'}  {c.name:9} {c.summary}")
            for v in c.violations[:20]:
                where = " ".join(f"{k}={v[k]}" for k in ("focus", "path") if v.get(k))
                lines.append(f"        - {v.get('message', '')}{'  [' + where + ']' if where else ''}")
            if len(c.violations) > 20:
                lines.append(f"        ... and {len(c.violations) - 20} more (use --format json)")
        lines.append("OK: all checks pass" if self.ok else "FAILED: violations found")
        return "\n".join(lines) + "\n"


def _inputs(data: Sequence[str | Path], max_bytes: int | None = None) -> list[Path]:
    from spasmkg.inputs import check_validate_file

    if data:
        return [check_validate_file(Path(d), max_bytes) for d in data]
    return [resources.knowledge_path()]


def _key(files: Sequence[Path], owl: bool) -> str:
    h = hashlib.sha256(f"validate|{__version__}|owl={owl}".encode())
    qc = sorted((resources.queries_dir() / "qc").glob("*.rq"))
    for f in [resources.tbox_path(), resources.shapes_path(), resources.corpus_path(), *qc, *files]:
        h.update(f.name.encode())
        h.update(resources.sha256_file(f).encode())
    return h.hexdigest()


def validate(
    data: Sequence[str | Path] = (), *, owl: bool = True, use_cache: bool = True, max_bytes: int | None = None
) -> ValidationReport:
    """Validate the shipped knowledge graph, or the given data files, against the ontology.

    Data files over ``max_bytes`` (default :data:`spasmkg.safety.MAX_VALIDATE_BYTES`) are refused.
    """
    from spasmkg.safety import atomic_write_text
    from spasmkg.store import cache_root

    files = _inputs(data, max_bytes)
    names = [str(f) if data else "shipped graph (ontology/knowledge.ttl)" for f in files]
    key = _key(files, owl)
    cache = cache_root() / "validate" / f"{key}.json"
    if use_cache and cache.exists():
        try:
            raw = json.loads(cache.read_text(encoding="utf-8"))
            return ValidationReport([Check(**c) for c in raw["checks"]], names, cached=True)
        except (OSError, ValueError, TypeError, KeyError):
            pass
    report = run_checks(files, names, owl=owl)
    if use_cache:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(cache, json.dumps(report.to_dict()))
        except (OSError, ValueError):
            pass
    return report


def run_checks(files: Sequence[Path], names: list[str], *, owl: bool = True) -> ValidationReport:
    import tempfile

    from spasmkg.rdfio import parse_files

    tbox = parse_files([resources.tbox_path()])
    abox = parse_files(files)
    results: dict[str, Check] = {}
    with tempfile.TemporaryDirectory(prefix="spasmkg-validate-") as tmp:
        owl_job = start_owl(tbox + abox, Path(tmp)) if owl else None
        results["shacl"] = check_shacl(abox, tbox)
        results["evidence"] = check_evidence(abox)
        results["qc"] = check_qc(tbox, abox)
        if owl_job is not None:
            results["owl"] = owl_job()
    order = ["shacl", "owl", "evidence", "qc"]
    return ValidationReport([results[k] for k in order if k in results], names)


def check_shacl(abox: rdflib.Graph, tbox: rdflib.Graph) -> Check:
    """pySHACL with the ontology as ont_graph and RDFS inference (OWL-RL is far slower)."""
    import pyshacl
    import rdflib

    started = time.perf_counter()
    shapes = rdflib.Graph().parse(resources.shapes_path())
    conforms, results_graph, _ = pyshacl.validate(
        abox,
        shacl_graph=shapes,
        ont_graph=tbox,
        inference="rdfs",
        advanced=True,
        allow_warnings=True,
        inplace=False,
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = []
    for r in results_graph.subjects(rdflib.RDF.type, sh.ValidationResult):
        sev = results_graph.value(r, sh.resultSeverity)
        focus = results_graph.value(r, sh.focusNode)
        path = results_graph.value(r, sh.resultPath)
        violations.append(
            {
                "severity": curie(str(sev)).replace("http://www.w3.org/ns/shacl#", "sh:"),
                "focus": curie(str(focus)) if isinstance(focus, rdflib.URIRef) else "(blank node)",
                "path": curie(str(path)) if isinstance(path, rdflib.URIRef) else None,
                "message": str(results_graph.value(r, sh.resultMessage) or ""),
                "shape": curie(str(results_graph.value(r, sh.sourceShape))),
            }
        )
    violations.sort(key=lambda v: (v["severity"], v["focus"], v["message"]))
    errors = [v for v in violations if str(v["severity"]).endswith("Violation")]
    ok = bool(conforms) or not errors
    summary = (
        "conforms" if not violations else f"{len(errors)} violation(s), {len(violations) - len(errors)} warning(s)"
    )
    return Check("shacl", ok, summary, violations, time.perf_counter() - started)


def start_owl(graph: rdflib.Graph, tmp: Path) -> Callable[[], Check]:
    """Start HermiT in a separate process (true parallelism with pySHACL); return a function that
    waits for it and returns the check, with the clashes our materialiser can explain."""
    import subprocess
    import sys

    from spasmkg.reason import materialise, write_for_owl

    started = time.perf_counter()
    path = write_for_owl(graph, tmp / "graph.nt")
    try:
        proc: subprocess.Popen[str] | None = subprocess.Popen(
            [sys.executable, "-m", "spasmkg.reason", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    except OSError as exc:
        proc, error = None, str(exc)
    m = materialise(graph)

    def finish() -> Check:
        violations: list[dict[str, Any]] = [{"message": c} for c in m.clashes]
        if proc is None:
            return Check("owl", False, f"could not run HermiT: {error}", violations, time.perf_counter() - started)
        out, err = proc.communicate()
        try:
            rep = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            rep = {"error": " ".join((err or out).split())[-300:] or f"reasoner exited {proc.returncode}"}
        if "error" in rep:
            summary = f"could not run HermiT: {rep['error']}"
            return Check("owl", False, summary, violations, time.perf_counter() - started)
        for c in rep["unsatisfiable"]:
            violations.append({"message": f"unsatisfiable class {curie(c)}", "focus": curie(c)})
        if not rep["consistent"] and not rep["unsatisfiable"]:
            violations.append({"message": rep["message"]})
        ok = bool(rep["consistent"]) and not m.clashes
        summary = f"HermiT: {rep['message']}" + (f"; {len(m.clashes)} clash(es) explained" if m.clashes else "")
        return Check("owl", ok, summary, violations, time.perf_counter() - started)

    return finish


def check_owl(graph: rdflib.Graph) -> Check:
    """OWL 2 DL consistency and unsatisfiable classes with HermiT, plus the clashes we can explain."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="spasmkg-owl-") as tmp:
        return start_owl(graph, Path(tmp))()


def check_evidence(abox: rdflib.Graph) -> Check:
    """Every evidence quote equals corpus[start:end]; the source document's SHA-256 matches."""
    import rdflib

    from spasmkg.namespaces import OA, SPASMKG

    started = time.perf_counter()
    sk = rdflib.Namespace(SPASMKG)
    oa = rdflib.Namespace(OA)
    corpus = resources.corpus_text()
    sha = resources.sha256_file(resources.corpus_path())
    violations = []
    n = 0
    for ev in sorted(abox.subjects(rdflib.RDF.type, sk.Evidence), key=str):
        n += 1
        quote = abox.value(ev, oa.exact)
        start, end = abox.value(ev, oa.start), abox.value(ev, oa.end)
        try:
            s, e = int(str(start)), int(str(end))
        except (TypeError, ValueError):
            violations.append({"focus": curie(str(ev)), "message": "evidence offsets are missing or not integers"})
            continue
        if quote is None or corpus[s:e] != str(quote):
            violations.append(
                {"focus": curie(str(ev)), "message": f"quote does not match corpus[{s}:{e}] = {corpus[s:e][:60]!r}"}
            )
            continue
        prefix, suffix = abox.value(ev, oa.prefix), abox.value(ev, oa.suffix)
        if prefix is not None and not corpus[:s].endswith(str(prefix)):
            violations.append({"focus": curie(str(ev)), "message": "oa:prefix is not the corpus text before the quote"})
        if suffix is not None and not corpus[e:].startswith(str(suffix)):
            violations.append({"focus": curie(str(ev)), "message": "oa:suffix is not the corpus text after the quote"})
    for doc in abox.subjects(sk.sha256, None):
        if str(abox.value(doc, sk.sha256)) != sha:
            violations.append({"focus": curie(str(doc)), "message": "source SHA-256 differs from the shipped corpus"})
    summary = f"{n} evidence quote(s) checked against the corpus" + (
        f"; {len(violations)} mismatch(es)" if violations else ""
    )
    return Check("evidence", not violations, summary, violations, time.perf_counter() - started)


def check_qc(tbox: rdflib.Graph, abox: rdflib.Graph) -> Check:
    """Run every ``queries/qc/*-violation.rq``: each must return no rows."""
    import pyoxigraph

    from spasmkg import catalog, engine

    started = time.perf_counter()
    store = pyoxigraph.Store()
    store.load((tbox + abox).serialize(format="nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    violations = []
    queries = catalog.qc_queries()
    for name, q in queries.items():
        res = engine.run(q.text, store=store, limit=100, timeout=None)  # shipped, trusted queries
        for row in res.rows:
            shown = ", ".join(f"{k}={curie(str(v))}" for k, v in row.items() if v is not None)
            violations.append({"message": f"{name}: {shown}", "query": name})
    summary = f"{len(queries)} QC queries" + (f"; {len(violations)} row(s) returned" if violations else ", no rows")
    return Check("qc", not violations, summary, violations, time.perf_counter() - started)
