"""``spasmkg validate``: SHACL, OWL 2 DL consistency, literals, evidence quotes and QC queries.

What is validated: the shipped graph (ontology + knowledge), merged with the ``--data`` files if
any, so a user's file is checked in the graph it is queried in (its links to shipped concepts
resolve). A violation on a node of a user's file names that file instead of the curation tables.

**One store** (issue 13): the ontology, the knowledge and the ``--data`` files are parsed once, by
pyoxigraph, into one in-memory store (plus the lexical side table of
:mod:`spasmkg.check.shacl_sparql`), and every check runs on it: ``shacl`` (the shapes compiled to
SPARQL, :mod:`spasmkg.check.shacl`), ``literals`` (:mod:`spasmkg.check.literals`), ``evidence``
(:mod:`spasmkg.check.evidence`), ``qc`` (:mod:`spasmkg.check.qc`). ``owl``
(:mod:`spasmkg.check.owl`) runs HermiT in its own process group, started before the other checks
so that it runs alongside them. ``engine="pyshacl"`` (``--engine pyshacl``) runs the SHACL check
with pySHACL on rdflib graphs instead, the reference engine (18 s of CPU on the shipped graph).

Measured by ``bench/run.py`` (2-core machine, load ~2.4; ``bench/results.md``): the SHACL step on
the shipped graph 0.06 s; cold ``validate --no-owl`` 0.42 s (it was 10-15 s); cold ``validate``
with HermiT 1.76 s (pySHACL alone: 18 s); ``validate --no-owl`` on 100 copies of the graph
(``bench/synth.py``, 1.07 M triples, 150 MB of N-Triples) 25.6 s and 611 MB, growing as N^1.07
from N = 10; with HermiT 87 s and 1.0 GB. The size limit of the ``--data`` files (in total)
follows: :data:`NO_OWL_MAX_BYTES` (200 MiB, the tool's input limit: ~35 s, ~0.85 GB by
extrapolation) with ``--no-owl``;
:data:`spasmkg.check.owl.OWL_MAX_BYTES` (64 MiB) with the OWL check, where HermiT's Java heap is
the bound (N = 100 needs the whole default 1024 MB heap). ``--max-mb`` changes either.

Order: the ``--data`` files are read, then Java is looked for, so a bad file and then a missing JRE
are one error line each (exit 2, with a hint at ``--no-owl``) before anything slow. A HermiT
failure (out of memory, over its time limit) is an error, exit 2, never a violation, and never
cached. A SHACL feature the compiled engine does not support (in the shapes, or
``rdfs:subPropertyOf`` in the data) is an error too (exit 2, with a hint at ``--engine pyshacl``).

Progress: with a ``progress`` callback (the CLI's, unless ``--quiet``), a run longer than ~2 s
prints one line per check on stderr as it completes.

Cache: a report is stored under a key over the content of every input (ontology, knowledge,
``--data`` files, shapes, corpus, QC queries), the code that checks them (every module of the
package), the SHACL engine and the versions of pySHACL, rdflib, owlready2 and pyoxigraph, so a
changed rule never serves a stale answer. An entry holds its key and the SHA-256 of its body and is
checked field by field; anything else (truncated, corrupt, edited, copied from another key) is
ignored and rewritten. The folder is created 0700, a folder that another user owns is not used,
and if the cache cannot be read or written validate runs uncached.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg import resources
from spasmkg.check.report import CHECK_NAMES, Check, Origin, Progress, for_data_file, violation_nodes
from spasmkg.errors import InputError

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = [
    "CHECK_NAMES",
    "NO_OWL_HINT",
    "NO_OWL_MAX_BYTES",
    "Check",
    "Origin",
    "Progress",
    "ValidationReport",
    "for_data_file",
    "load_validation_store",
    "max_data_bytes",
    "run_checks",
    "validate",
]

#: Appended to reasoner errors: what to do instead.
NO_OWL_HINT = "; or skip the OWL check with --no-owl"
#: Appended to SHACL-engine refusals.
PYSHACL_HINT = "; validate with --engine pyshacl (the reference engine, much slower)"

_CACHE_FORMAT = "spasmkg-validate-4"
SHIPPED = "shipped graph (ontology/knowledge.ttl)"

#: Largest total of ``--data`` files with ``--no-owl``: the tool's input limit. 100 copies of the
#: shipped graph (150 MB of N-Triples) validate in 26 s with 0.6 GB of memory.
NO_OWL_MAX_BYTES = 200 * 1024 * 1024


@dataclass
class ValidationReport:
    """Every check's outcome; ``ok`` when all pass. ``inputs`` names what was validated."""

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


# ----------------------------------------------------------------- inputs


def max_data_bytes(owl: bool) -> int:
    """The default size limit of the ``--data`` files (in total): lower with the OWL check."""
    from spasmkg.check.owl import OWL_MAX_BYTES

    return OWL_MAX_BYTES if owl else NO_OWL_MAX_BYTES


def _inputs(data: Sequence[str | Path], max_bytes: int | None = None, *, owl: bool = True) -> list[Path]:
    """The checked ``--data`` files; their total size is held to the same limit as each one."""
    from spasmkg.io.inputs import check_input_file
    from spasmkg.io.limits import MAX_INPUT_BYTES

    limit = max_bytes or max_data_bytes(owl)
    why = "HermiT needs about 16 times that in Java heap; use --no-owl for more" if owl else "the tool's input limit"

    def refuse(what: str, size: int) -> InputError:
        return InputError(
            f"{what} {size / 2**20:.1f} MiB, over the {limit / 2**20:.0f} MiB validate limit "
            f"({why}; raise the limit with 'validate --max-mb')"
        )

    files = []
    for d in data:
        path = Path(d)
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_size > limit:
                raise refuse(f"{path}: file is", path.stat().st_size)
        files.append(check_input_file(path, max_bytes=max(limit, MAX_INPUT_BYTES), purpose="validate"))
    total = sum(f.stat().st_size for f in files)
    if len(files) > 1 and total > limit:
        raise refuse("the --data files total", total)
    return files


def load_validation_store(files: Sequence[Path]) -> ox.Store:
    """The shipped graph and ``files`` in one in-memory pyoxigraph store, with the lexical side table.

    Named graphs of TriG / N-Quads files are merged into the default graph (as on the query path).
    A file that does not parse is an :class:`InputError` naming it (one line, never its content).
    """
    import pyoxigraph as ox

    from spasmkg.check.shacl_sparql import lexical_copies
    from spasmkg.io.inputs import QUAD_FORMATS, format_name, parse_error_text, rdf_format

    store = ox.Store()
    all_files = [*resources.graph_files(), *files]
    formats = []
    for f in all_files:
        media = rdf_format(f)
        fmt = ox.RdfFormat.from_media_type(media)
        if fmt is None:
            raise InputError(f"{f}: {format_name(media)} is not supported by validate")
        formats.append(fmt)
        try:
            store.bulk_load(path=str(f), format=fmt, base_iri=f.resolve().as_uri())
        except (SyntaxError, ValueError, OSError) as exc:
            # never the parser's excerpt: it may quote a file the user must not see (see inputs.py)
            raise InputError(f"{f}: invalid {format_name(media)}: {parse_error_text(str(exc))}") from None
    if any(rdf_format(f) in QUAD_FORMATS for f in all_files):
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } ; DROP NAMED")
    for f, fmt in zip(all_files, formats, strict=True):
        store.extend(list(lexical_copies(f, fmt)))
    return store


# ----------------------------------------------------------------- cache


@functools.cache
def _code_digest() -> str:
    """SHA-256 over this package's modules and the versions of the libraries that do the checking."""
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parents[1]  # the whole package: a changed rule anywhere changes the key
    for f in sorted(pkg.rglob("*.py")):
        h.update(f.relative_to(pkg).as_posix().encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    for dist in ("pyshacl", "rdflib", "owlready2", "pyoxigraph"):
        h.update(f"|{dist}={_dist_version(dist)}".encode())
    return h.hexdigest()


def _dist_version(name: str) -> str:
    """The installed version of a distribution, from its ``.dist-info`` folder name on ``sys.path``
    (``importlib.metadata`` costs ~35 ms to import: a third of a cached ``validate``)."""
    import sys

    for entry in sys.path:
        folder = Path(entry or ".")
        with contextlib.suppress(OSError):
            for info in folder.glob(f"{name}-*.dist-info"):
                return info.name[len(name) + 1 : -len(".dist-info")]
    import importlib.metadata  # an egg, a zip, another layout: ask the slow way

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _key(files: Sequence[Path], owl: bool, engine: str = "compiled") -> str:
    h = hashlib.sha256(f"{_CACHE_FORMAT}|owl={owl}|engine={engine}|{_code_digest()}".encode())
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
    engine: str = "compiled",
    progress: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Validate the shipped graph, merged with the given data files, against the ontology.

    Data files over ``max_bytes`` (in total; default :func:`max_data_bytes`) are refused.
    ``owl_timeout`` bounds HermiT (default :data:`spasmkg.reason.hermit.DEFAULT_TIMEOUT`).
    ``engine`` is the SHACL engine: ``"compiled"`` or ``"pyshacl"``. ``progress`` receives one line
    per finished step (see :class:`spasmkg.check.report.Progress`). Raises
    :class:`spasmkg.errors.ReasonerError` when the OWL check cannot give an answer (no Java, out of
    memory or time): such a run is not cached (a report cached from an earlier run with Java is
    still given without Java). Raises :class:`InputError` for a bad input or a SHACL feature the
    compiled engine does not support.
    """
    from spasmkg.check.shacl import ENGINES
    from spasmkg.reason.hermit import DEFAULT_TIMEOUT

    if engine not in ENGINES:
        raise InputError(f"unknown SHACL engine {engine!r} (use one of {', '.join(ENGINES)})")
    files = _inputs(data, max_bytes, owl=owl)
    names = [SHIPPED, *map(str, files)]
    folder = _cache_dir() if use_cache else None
    key = _key(files, owl, engine) if folder is not None else ""
    if folder is not None:
        cached = _read_cache(folder / f"{key}.json", key, owl)
        if cached is not None:
            return ValidationReport(cached, names, cached=True)
    timeout = DEFAULT_TIMEOUT if owl_timeout is None else owl_timeout
    checks = run_checks(files, owl=owl, owl_timeout=timeout, engine=engine, progress=progress)
    if folder is not None:
        _write_cache(folder / f"{key}.json", key, checks)
    return ValidationReport(checks, names)


def run_checks(
    files: Sequence[Path],
    *,
    owl: bool = True,
    owl_timeout: float | None = None,
    engine: str = "compiled",
    progress: Callable[[str], None] | None = None,
) -> list[Check]:
    """Run every check on the shipped graph merged with ``files`` (parsed once, into one store).

    A bad file, then a missing Java (:class:`spasmkg.errors.ReasonerError`), fail before anything slow.
    """
    from spasmkg.check.evidence import check_evidence
    from spasmkg.check.literals import check_literals
    from spasmkg.check.qc import check_qc
    from spasmkg.check.shacl import check_shacl_compiled, check_shacl_pyshacl, compiled_shapes
    from spasmkg.check.shacl_sparql import ShaclError
    from spasmkg.reason.hermit import require_java

    say = progress or (lambda line: None)
    files = list(files)
    store = load_validation_store(files)
    say(f"loaded {len(store):,} triples")
    if owl:
        require_java(NO_OWL_HINT)
    try:
        if engine == "compiled":
            compiled_shapes()
    except ShaclError as exc:
        raise InputError(f"{exc}{PYSHACL_HINT}") from None
    results: dict[str, Check] = {}

    def done(c: Check) -> None:
        results[c.name] = c
        say(f"{c.name}: {'PASS' if c.ok else 'FAIL'} {c.summary} ({c.seconds:.2f} s)")

    literals, ill_typed = check_literals(store)
    with tempfile.TemporaryDirectory(prefix="spasmkg-validate-") as tmp, contextlib.ExitStack() as stack:
        run = None
        if owl:
            from spasmkg.check.owl import HermitClassify, write_owl_input

            path = Path(tmp) / "graph.nt"
            write_owl_input([*resources.graph_files(), *files], path, ill_typed)
            run = stack.enter_context(HermitClassify(path, workdir=Path(tmp), hint=NO_OWL_HINT))
            say("owl: HermiT started")
        try:
            done(check_shacl_compiled(store) if engine == "compiled" else check_shacl_pyshacl(files))
        except ShaclError as exc:
            raise InputError(f"{exc}{PYSHACL_HINT}") from None
        done(literals)
        done(check_evidence(store))
        done(check_qc(store))
        if run is not None:
            from spasmkg.check.owl import owl_check, rule_clashes

            clashes = rule_clashes(store)
            say("owl: waiting for HermiT")
            deadline = None if owl_timeout is None else run.started + owl_timeout
            done(owl_check(run.report(deadline=deadline, limit=owl_timeout), clashes))
    checks = [results[k] for k in CHECK_NAMES if k in results]
    nodes = violation_nodes(checks)
    Origin.scan(files, nodes).word_all(checks)
    return checks
