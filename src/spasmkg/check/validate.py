"""``spasmkg validate``: SHACL, OWL 2 DL consistency, literals, evidence quotes and QC queries.

What is validated: the shipped graph (ontology + knowledge), merged with the ``--data`` files if
any, so a user's file is checked in the graph it is queried in (its links to shipped concepts
resolve). A violation on a node of a user's file names that file instead of the curation tables.

Order: the ``--data`` files are read, then Java is looked for, so a missing JRE is one error
line (exit 2, with a hint at ``--no-owl``) before the ~10 s SHACL run. HermiT then runs in its
own process group while pySHACL runs here (:class:`spasmkg.reason.rules.HermitRun`); a HermiT failure
(out of memory, over its time limit) is an error, exit 2, never a violation, and never cached.
Ill-typed literals (``"abc"^^xsd:integer``) are reported by the ``literals`` check, with rdflib's
traceback kept off stderr, and kept away from HermiT, whose parser stops at them.

Cache: a report is stored under a key over the content of every input (ontology, knowledge,
``--data`` files, shapes, corpus, QC queries), the code that checks them (every module of the
package) and the versions of pySHACL, rdflib, owlready2 and pyoxigraph, so a changed rule never
serves a stale answer. An entry holds its key and the SHA-256 of its body and is checked field
by field; anything else (truncated, corrupt, edited, copied from another key) is ignored and
rewritten. The folder is created 0700, a folder that another user owns is not used, and if the
cache cannot be read or written validate runs uncached. A repeated run takes ~0.1 s, not ~15 s.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg import resources
from spasmkg.io.literals import ill_typed_triples, literal_text, node_text, quiet_literal_log
from spasmkg.namespaces import curie

if TYPE_CHECKING:
    import rdflib

#: The checks of a report, in order (``owl`` is absent with ``owl=False``).
CHECK_NAMES = ("shacl", "owl", "literals", "evidence", "qc")

#: Appended to reasoner errors: what to do instead.
NO_OWL_HINT = "; or skip the OWL check with --no-owl"

_CACHE_FORMAT = "spasmkg-validate-3"
SHIPPED = "shipped graph (ontology/knowledge.ttl)"


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


# ----------------------------------------------------------------- where a node comes from


class Origin:
    """Which ``--data`` files mention a node (as subject or object), to word messages for their users."""

    def __init__(self, parsed: Sequence[tuple[Path, rdflib.Graph]] = ()) -> None:
        import rdflib

        self._files: dict[Any, set[str]] = defaultdict(set)
        for path, g in parsed:
            for s, _, o in g:
                self._files[s].add(str(path))
                if not isinstance(o, rdflib.Literal):
                    self._files[o].add(str(path))

    def files(self, *nodes: Any) -> list[str]:
        return sorted({f for n in nodes if n is not None for f in self._files.get(n, ())})

    def word(self, message: str, *nodes: Any) -> str:
        files = self.files(*nodes)
        return for_data_file(message, files) if files else message


# Words that start a curator's instructions in the shapes' messages (tables a --data user does not have).
_CURATION_HINTS = ("ontology/curation", "spasmkg.kb.build", "knowledge.ttl", "` column", "`quote`", "column of")
_SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)\. ")


def for_data_file(message: str, files: Sequence[str]) -> str:
    """``message`` without its advice on curation tables, saying which data file(s) the node is in.

    >>> for_data_file("A red flag needs an urgency: add a row to ontology/curation/claims/.", ["mine.ttl"])
    'A red flag needs an urgency (in your data file mine.ttl)'
    """
    at = min((message.find(h) for h in _CURATION_HINTS if h in message), default=-1)
    if at >= 0:
        head = message[:at]
        ends = [head.rfind(sep) for sep in (": ", " (", "; ")]
        ends += [m.start() for m in _SENTENCE_END.finditer(head)]
        cut = max(ends)
        message = (head[:cut] if cut > 0 else head).rstrip(" .,;:")
    plural = "s" if len(files) > 1 else ""
    return f"{message} (in your data file{plural} {', '.join(files)})"


# ----------------------------------------------------------------- entry point and cache


def _inputs(data: Sequence[str | Path], max_bytes: int | None = None) -> list[Path]:
    """The checked ``--data`` files; their total size is held to the same limit as each one."""
    from spasmkg.errors import InputError
    from spasmkg.io.inputs import check_validate_file
    from spasmkg.io.limits import MAX_VALIDATE_BYTES

    files = [check_validate_file(Path(d), max_bytes) for d in data]
    limit = max_bytes or MAX_VALIDATE_BYTES
    total = sum(f.stat().st_size for f in files)
    if len(files) > 1 and total > limit:
        raise InputError(
            f"the --data files total {total / 2**20:.1f} MiB, over the {limit / 2**20:.0f} MiB validate limit "
            "(SHACL takes minutes per MiB; raise the limit with 'validate --max-mb')"
        )
    return files


@functools.cache
def _code_digest() -> str:
    """SHA-256 over this package's modules and the versions of the libraries that do the checking."""
    import importlib.metadata

    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent
    for f in sorted(pkg.rglob("*.py")):
        h.update(f.relative_to(pkg).as_posix().encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    for dist in ("pyshacl", "rdflib", "owlready2", "pyoxigraph"):
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = "?"
        h.update(f"|{dist}={version}".encode())
    return h.hexdigest()


def _key(files: Sequence[Path], owl: bool) -> str:
    h = hashlib.sha256(f"{_CACHE_FORMAT}|owl={owl}|{_code_digest()}".encode())
    qc = sorted((resources.queries_dir() / "qc").glob("*.rq"))
    shipped = [resources.tbox_path(), resources.knowledge_path(), resources.shapes_path(), resources.corpus_path()]
    for f in [*shipped, *qc]:
        h.update(f.name.encode())
        h.update(resources.sha256_file(f).encode())
    for f in files:  # the path as given: messages name it
        h.update(str(f).encode())
        h.update(resources.sha256_file(f).encode())
    return h.hexdigest()


def _cache_dir() -> Path | None:
    """The validate cache folder (0700), or None if it cannot be used (then validate runs uncached)."""
    from spasmkg.engine.store import cache_root

    try:
        root = cache_root()
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = root / "validate"
        folder.mkdir(mode=0o700, exist_ok=True)
        st = folder.stat()
        getuid = getattr(os, "getuid", None)
        if getuid is not None and st.st_uid != getuid():
            return None  # someone else's folder: its entries are not ours to believe
        if st.st_mode & 0o077:
            os.chmod(folder, 0o700)
        return folder
    except OSError:  # unwritable, untraversable, a file in the way
        return None


def _body_digest(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


def _check_from(raw: Any) -> Check:
    """A :class:`Check` from cached JSON, refusing anything not shaped exactly like one."""
    if not isinstance(raw, dict) or set(raw) != {"name", "ok", "summary", "violations", "seconds"}:
        raise ValueError("not a check")
    name, ok, summary, violations, seconds = (raw[k] for k in ("name", "ok", "summary", "violations", "seconds"))
    if name not in CHECK_NAMES or not isinstance(ok, bool) or not isinstance(summary, str):
        raise ValueError("bad check fields")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not isinstance(violations, list):
        raise ValueError("bad check fields")
    for v in violations:
        if not isinstance(v, dict) or not all(isinstance(k, str) and isinstance(x, str | None) for k, x in v.items()):
            raise ValueError("bad violation")
    if ok and any(v.get("severity", "").endswith("Violation") for v in violations if v.get("severity")):
        raise ValueError("a passing check with violations")
    return Check(name, ok, summary, violations, float(seconds))


def _read_cache(path: Path, key: str, owl: bool) -> list[Check] | None:
    try:
        raw = json.loads(path.read_bytes())
    except (OSError, ValueError):  # missing, unreadable, truncated, not UTF-8, not JSON
        return None
    if not isinstance(raw, dict) or raw.get("format") != _CACHE_FORMAT or raw.get("key") != key:
        return None
    body = raw.get("checks")
    if raw.get("sha256") != _body_digest(body) or not isinstance(body, list):
        return None
    try:
        checks = [_check_from(c) for c in body]
    except ValueError:
        return None
    expected = [n for n in CHECK_NAMES if owl or n != "owl"]
    return checks if [c.name for c in checks] == expected else None


def _write_cache(path: Path, key: str, checks: list[Check]) -> None:
    from spasmkg.errors import InputError
    from spasmkg.io.atomic import atomic_write_text

    body = [asdict(c) for c in checks]
    entry = {"format": _CACHE_FORMAT, "key": key, "sha256": _body_digest(body), "checks": body}
    with contextlib.suppress(OSError, ValueError, InputError):
        atomic_write_text(path, json.dumps(entry))


def validate(
    data: Sequence[str | Path] = (),
    *,
    owl: bool = True,
    use_cache: bool = True,
    max_bytes: int | None = None,
    owl_timeout: float | None = None,
) -> ValidationReport:
    """Validate the shipped graph, merged with the given data files, against the ontology.

    Data files over ``max_bytes`` (default :data:`spasmkg.io.limits.MAX_VALIDATE_BYTES`), each or in
    total, are refused. ``owl_timeout`` bounds HermiT (default
    :data:`spasmkg.reason.rules.DEFAULT_TIMEOUT`). Raises :class:`spasmkg.reason.rules.ReasonerError` when the OWL
    check cannot give an answer (no Java, out of memory or time): such a run is not cached (a
    report cached from an earlier run with Java is still given without Java).
    """
    from spasmkg.reason.hermit import DEFAULT_TIMEOUT

    files = _inputs(data, max_bytes)
    names = [SHIPPED, *map(str, files)]
    folder = _cache_dir() if use_cache else None
    key = _key(files, owl) if folder is not None else ""
    if folder is not None:
        cached = _read_cache(folder / f"{key}.json", key, owl)
        if cached is not None:
            return ValidationReport(cached, names, cached=True)
    checks = run_checks(files, owl=owl, owl_timeout=DEFAULT_TIMEOUT if owl_timeout is None else owl_timeout)
    if folder is not None:
        _write_cache(folder / f"{key}.json", key, checks)
    return ValidationReport(checks, names)


def run_checks(files: Sequence[Path], *, owl: bool = True, owl_timeout: float | None = None) -> list[Check]:
    """Run every check on the shipped graph merged with ``files`` (parsed once, user files first).

    A bad file, then a missing Java (:class:`spasmkg.reason.rules.ReasonerError`), fail before anything slow.
    """
    import tempfile

    from spasmkg.io.rdf import parse_files
    from spasmkg.reason.hermit import HermitRun, require_java, write_for_owl
    from spasmkg.reason.rules import materialise

    results: dict[str, Check] = {}
    with quiet_literal_log():
        parsed = [(f, parse_files([f])) for f in files]
        if owl:
            require_java(NO_OWL_HINT)
        tbox = parse_files([resources.tbox_path()])
        abox = parse_files([resources.knowledge_path()])
        for _, g in parsed:
            abox += g
        origin = Origin(parsed)
        whole = tbox + abox
        with tempfile.TemporaryDirectory(prefix="spasmkg-validate-") as tmp, contextlib.ExitStack() as stack:
            run = None
            if owl:
                path = write_for_owl(whole, Path(tmp) / "graph.nt")
                run = stack.enter_context(HermitRun(path, workdir=Path(tmp), hint=NO_OWL_HINT))
                clashes = materialise(whole).clashes
            results["shacl"] = check_shacl(abox, tbox, origin)
            results["literals"] = check_literals(whole, origin)
            results["evidence"] = check_evidence(abox, origin)
            results["qc"] = check_qc(tbox, abox, origin)
            if run is not None:
                deadline = None if owl_timeout is None else run.started + owl_timeout
                rep = run.report(deadline=deadline, limit=owl_timeout)
                violations: list[dict[str, Any]] = [{"message": c} for c in clashes]
                for c in rep.unsatisfiable:
                    violations.append(
                        {"message": origin.word(f"unsatisfiable class {curie(c)}", _uri(c)), "focus": curie(c)}
                    )
                if not rep.consistent and not rep.unsatisfiable:
                    violations.append({"message": rep.message})
                summary = f"HermiT: {rep.message}" + (f"; {len(clashes)} clash(es) explained" if clashes else "")
                ok = rep.consistent and not clashes
                results["owl"] = Check("owl", ok, summary, violations, rep.seconds)
    return [results[k] for k in CHECK_NAMES if k in results]


def _uri(iri: str) -> Any:
    import rdflib

    return rdflib.URIRef(iri)


def check_shacl(abox: rdflib.Graph, tbox: rdflib.Graph, origin: Origin | None = None) -> Check:
    """pySHACL with the ontology as ont_graph and RDFS inference (OWL-RL is far slower)."""
    import pyshacl
    import rdflib

    started = time.perf_counter()
    origin = origin or Origin()
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
        message = str(results_graph.value(r, sh.resultMessage) or "")
        violations.append(
            {
                "severity": curie(str(sev)).replace("http://www.w3.org/ns/shacl#", "sh:"),
                "focus": curie(str(focus)) if isinstance(focus, rdflib.URIRef) else "(blank node)",
                "path": curie(str(path)) if isinstance(path, rdflib.URIRef) else None,
                "message": origin.word(message, focus),
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


def check_literals(g: rdflib.Graph, origin: Origin | None = None) -> Check:
    """Every typed literal's lexical form is valid for its datatype (an ill-typed one makes an OWL 2 DL
    ontology inconsistent, and owlready2 cannot even read it)."""
    import rdflib

    started = time.perf_counter()
    origin = origin or Origin()
    typed = sum(1 for o in g.objects() if isinstance(o, rdflib.Literal) and o.datatype is not None)
    violations = [
        {
            "focus": node_text(s),
            "path": curie(str(p)),
            "message": origin.word(f"ill-typed literal {literal_text(o)}: not a valid {curie(str(o.datatype))}", s),
        }
        for s, p, o in ill_typed_triples(g)
    ]
    summary = f"{typed} typed literal(s) checked" + (f"; {len(violations)} ill-typed" if violations else "")
    return Check("literals", not violations, summary, violations, time.perf_counter() - started)


def check_evidence(abox: rdflib.Graph, origin: Origin | None = None) -> Check:
    """Every evidence quote equals corpus[start:end] (0 <= start < end <= len(corpus)), its prefix and
    suffix are the corpus text around it, and every recorded source SHA-256 is the shipped corpus's."""
    import rdflib

    from spasmkg.namespaces import OA, SPASMKG

    started = time.perf_counter()
    origin = origin or Origin()
    sk = rdflib.Namespace(SPASMKG)
    oa = rdflib.Namespace(OA)
    corpus = resources.corpus_text()
    sha = resources.sha256_file(resources.corpus_path())
    violations = []

    def bad(node: Any, message: str) -> None:
        violations.append({"focus": node_text(node), "message": origin.word(message, node)})

    n = 0
    for ev in sorted(set(abox.subjects(rdflib.RDF.type, sk.Evidence)), key=str):
        n += 1
        quote = abox.value(ev, oa.exact)
        start, end = abox.value(ev, oa.start), abox.value(ev, oa.end)
        try:
            s, e = int(str(start)), int(str(end))
        except (TypeError, ValueError):
            bad(ev, "evidence offsets are missing or not integers")
            continue
        if not 0 <= s < e <= len(corpus):
            bad(ev, f"evidence offsets [{s}:{e}] are not a span of the corpus (0 to {len(corpus)})")
            continue
        if quote is None or corpus[s:e] != str(quote):
            shown = repr(str(quote)[:60]) if quote is not None else "(none)"
            bad(ev, f"quote {shown} does not match corpus[{s}:{e}] = {corpus[s:e][:60]!r}")
            continue
        prefix, suffix = abox.value(ev, oa.prefix), abox.value(ev, oa.suffix)
        if prefix is not None and not corpus[:s].endswith(str(prefix)):
            bad(ev, "oa:prefix is not the corpus text before the quote")
        if suffix is not None and not corpus[e:].startswith(str(suffix)):
            bad(ev, "oa:suffix is not the corpus text after the quote")
    for doc, recorded in sorted(abox.subject_objects(sk.sha256), key=lambda t: (str(t[0]), str(t[1]))):
        if str(recorded) != sha:
            bad(doc, f"source SHA-256 {str(recorded)[:16]}... differs from the shipped corpus's ({sha[:16]}...)")
    summary = f"{n} evidence quote(s) checked against the corpus" + (
        f"; {len(violations)} mismatch(es)" if violations else ""
    )
    return Check("evidence", not violations, summary, violations, time.perf_counter() - started)


def check_qc(tbox: rdflib.Graph, abox: rdflib.Graph, origin: Origin | None = None) -> Check:
    """Run every ``queries/qc/*-violation.rq``: each must return no rows."""
    import pyoxigraph
    import rdflib

    from spasmkg.engine import catalog
    from spasmkg.engine import execute as engine

    started = time.perf_counter()
    origin = origin or Origin()
    store = pyoxigraph.Store()
    store.load((tbox + abox).serialize(format="nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    violations = []
    queries = catalog.qc_queries()
    for name, q in queries.items():
        res = engine.run(q.text, store=store, limit=100, timeout=None)  # shipped, trusted queries
        for row in res.rows:
            shown = ", ".join(f"{k}={curie(str(v))}" for k, v in row.items() if v is not None)
            nodes = [rdflib.URIRef(str(v)) for v in row.values() if v is not None and "://" in str(v)]
            violations.append({"message": origin.word(f"{name}: {shown}", *nodes), "query": name})
    summary = f"{len(queries)} QC queries" + (f"; {len(violations)} row(s) returned" if violations else ", no rows")
    return Check("qc", not violations, summary, violations, time.perf_counter() - started)
