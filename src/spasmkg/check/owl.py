"""The ``owl`` check: OWL 2 DL consistency and unsatisfiable classes (HermiT), plus the clashes the
rule-based materialiser sees (:func:`spasmkg.reason.rules.materialise`: disjoint types, a
functional property with two values -- the graph's individuals are distinct by design, which
HermiT does not assume).

**HermiT's cost, and how it is bounded** (issue 13; 2-core machine shared with other jobs;
the shipped graph is ~11 k triples, N copies of it from ``bench/synth.py``, 150 MB at N = 100):

=============================================  =============  ===============  ==================
HermiT run (Java 17, HermiT 1.4 from owlready2)  shipped graph  N = 10           N = 100
=============================================  =============  ===============  ==================
owlready2's ``sync_reasoner_hermit`` (before)    12.5-15.8 s    132-175 s        not run (~25 min)
``-c`` only (classification)                     3.1-3.6 s      13.5 s, 0.4 GB   108 s, 2.4 GB RSS
``-c`` + :data:`JVM_FLAGS` (this module)         1.6 s          5.7 s, 0.27 GB   54 s, 1.0 GB RSS
``-c`` on the TBox + the ABox typing only        -              -                48 s, 0.96 GB
=============================================  =============  ===============  ==================

owlready2 runs HermiT with ``-c -O -D -I``: ``-I`` *realises* every individual (computes all its
types), 75-90 % of the time; ``validate`` needs only consistency and the unsatisfiable classes,
which classification (``-c``) decides (an inconsistent ontology is reported as such). On two cores
the C2 compiler's threads compete with HermiT: the C1 compiler alone and the serial collector
(:data:`JVM_FLAGS`) halve the time again and the memory too. So HermiT's command line is run
directly here, on an N-Triples file written from the parsed inputs (their lexical forms intact:
the validation store canonicalises literals), without ``owl:imports`` (nothing is fetched) and
without the ill-typed literals (reported by the ``literals`` check; HermiT's parser stops at them).
Restricting HermiT to the TBox plus the ABox typing was measured too and not adopted: it gains
less than the flags and drops what HermiT infers from property assertions.

Whole ``validate`` with HermiT (``bench/run.py``): 1.76 s on the shipped graph (HermiT ~1.4 s,
alongside the other checks), 5.4 s at N = 10, 87 s and 1.0 GB at N = 100. HermiT still dominates
``validate`` on big inputs (``--no-owl`` at N = 100: 26 s), so it is bounded: by
:data:`OWL_MAX_BYTES`, the default ``--data`` limit with the OWL check (64 MiB: half of what the
default 1024 MB Java heap was measured to handle, N = 100 in 1.0 GB RSS), by ``--owl-timeout``
(300 s) and by the heap (``SPASMKG_HERMIT_MB``). ``--no-owl`` allows 200 MiB. The JVM runs in its
own process group under a small watcher process that kills the group if this process dies; it is
killed at the time limit, on error and on exit.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg.check.report import Check, violation
from spasmkg.errors import ReasonerError
from spasmkg.namespaces import OWL, curie
from spasmkg.reason.hermit import JAVA_MISSING, OwlReport, ProcessGroupRun, hermit_memory_mb, require_java
from spasmkg.text import brief

if TYPE_CHECKING:
    import pyoxigraph as ox

#: Largest total of ``--data`` files that ``validate`` accepts with the OWL check by default: half of
#: what HermiT handles with the default 1024 MB heap (150 MB of N-Triples at N = 100: 1.0 GB RSS).
OWL_MAX_BYTES = 64 * 1024 * 1024

#: HotSpot flags for a short, single-threaded batch job: the C1 compiler only (C2's compile threads
#: compete with HermiT for the cores) and the serial collector. HermiT on the shipped graph 3.1 ->
#: 1.6 s, at N = 10 13.5 -> 5.7 s and 425 -> 270 MB (2-core machine). Other JVMs ignore them.
JVM_FLAGS = (
    "-XX:+IgnoreUnrecognizedVMOptions",
    "-XX:TieredStopAtLevel=1",
    "-XX:CICompilerCount=1",
    "-XX:+UseSerialGC",
)

_NOTHING = OWL + "Nothing"
_IMPORTS = OWL + "imports"
_IRI = re.compile(r"<([^<>\s]+)>")

#: The watcher: runs the JVM in this (new) process group; if the parent dies, it removes the work
#: folder (HermiT's input file) and kills the group.
_WATCHER = """
import os, shutil, signal, subprocess, sys, time
parent, workdir = int(sys.argv[1]), sys.argv[2]
child = subprocess.Popen(sys.argv[3:])
def kill_group(*_):
    if workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    os.killpg(0, signal.SIGKILL)
signal.signal(signal.SIGTERM, kill_group)
while child.poll() is None:
    if os.getppid() != parent:
        kill_group()
    time.sleep(0.2)
sys.exit(child.returncode)
"""


def hermit_classpath() -> str:
    """The classpath of the HermiT jar that owlready2 ships (found without importing owlready2)."""
    import importlib.util

    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        raise ReasonerError("owlready2 (which ships HermiT) is not installed")
    folder = Path(spec.origin).parent / "hermit"
    return os.pathsep.join([str(folder), str(folder / "HermiT.jar")])


def write_owl_input(files: Sequence[Path], out: Path, skip: Collection[str] = ()) -> int:
    """Write ``files`` (parsed by pyoxigraph, lexical forms kept) as one N-Triples file for HermiT,
    without ``owl:imports`` and without the literals in ``skip`` (their N-Triples text: the
    ill-typed ones). Returns the number of triples written."""
    import pyoxigraph as ox

    from spasmkg.io.inputs import rdf_format

    n = 0

    def triples() -> Iterable[ox.Triple]:
        nonlocal n
        for f in files:
            fmt = ox.RdfFormat.from_media_type(rdf_format(f))
            if fmt is None:
                continue
            for q in ox.parse(path=str(f), format=fmt, base_iri=f.resolve().as_uri()):
                if q.predicate.value == _IMPORTS:
                    continue
                if skip and isinstance(q.object, ox.Literal) and str(q.object) in skip:
                    continue
                n += 1
                yield ox.Triple(q.subject, q.predicate, q.object)

    ox.serialize(triples(), out, format=ox.RdfFormat.N_TRIPLES)
    return n


class HermitClassify(ProcessGroupRun):
    """HermiT's command line with ``-c`` (classification, which decides consistency) on an N-Triples
    file, in a process group of its own. Use as a context manager: leaving it kills the group.
    ``workdir`` (the folder of ``path``) is removed by the watcher if this process dies first."""

    def __init__(self, path: Path, *, workdir: Path | None = None, hint: str = "") -> None:
        self.hint = hint
        java = require_java(hint)
        self.memory_mb = hermit_memory_mb()
        jvm = [
            java,
            f"-Xmx{self.memory_mb}M",
            *JVM_FLAGS,
            "-cp",
            hermit_classpath(),
            "org.semanticweb.HermiT.cli.CommandLine",
        ]
        jvm += ["-c", path.resolve().as_uri()]
        watcher = [sys.executable, "-c", _WATCHER, str(os.getpid()), str(workdir or "")]
        cmd = [*watcher, *jvm] if hasattr(os, "killpg") else jvm
        # HermiT's command line derives a default base IRI from the working folder and fails
        # ("unable to create default IRI base") when that is "/": run it in the work folder
        self._start(cmd, cwd=str(workdir or path.resolve().parent))

    def report(self, *, deadline: float | None = None, limit: float | None = None) -> OwlReport:
        """Wait for HermiT (until ``deadline``, a ``time.monotonic()`` value) and read its answer.

        Raises :class:`ReasonerError` if it ran out of memory or time, or failed.
        """
        out, err = self._communicate(deadline, limit)
        seconds = time.monotonic() - self.started
        # the exception's own line, not a stack frame (an out-of-memory trace can pass through
        # Reasoner.throwInconsistentOntologyExceptionIfNecessary)
        thrown = [line for line in err.splitlines() if line.strip() and not line.strip().startswith("at ")]
        out_of_memory = any("OutOfMemoryError" in line for line in thrown)
        inconsistent = any("InconsistentOntologyException" in line for line in thrown)
        if self.proc.returncode != 0 and inconsistent and not out_of_memory:
            return OwlReport(False, [], set(), "the ontology is inconsistent (HermiT)", seconds)
        if self.proc.returncode != 0:
            if out_of_memory:
                raise ReasonerError(
                    f"HermiT ran out of memory (Java heap limit {self.memory_mb} MB; "
                    f"SPASMKG_HERMIT_MB raises it){self.hint}"
                )
            if "java" in err.lower() and "not found" in err.lower():
                raise ReasonerError(JAVA_MISSING + self.hint)
            raise ReasonerError(f"could not run HermiT: {_java_cause(err, self.proc.returncode)}{self.hint}")
        unsat: set[str] = set()
        for line in out.splitlines():
            if line.startswith("EquivalentClasses(") and f"<{_NOTHING}>" in line:
                unsat.update(i for i in _IRI.findall(line) if i != _NOTHING)
        names = sorted(unsat)
        msg = "consistent" if not names else f"{len(names)} unsatisfiable class(es): {', '.join(map(curie, names))}"
        return OwlReport(not names, names, set(), msg, seconds)


def _java_cause(text: str, code: int | None) -> str:
    """The line of a Java error that names the exception (not the stack trace)."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("at ") and ("Exception" in stripped or "Error" in stripped):
            return brief(stripped, 200)
    return brief(text[-200:]) or f"it exited with code {code}"


#: What the rules read: every IRI-to-IRI / blank-node triple except the reified axioms' annotations
#: (owl:Axiom nodes: 70 % of the non-literal triples, no part in the rules); literals play no part.
RULE_INPUT = f"""
SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(!isLiteral(?o)) FILTER NOT EXISTS {{ ?s a <{OWL}Axiom> }} }}"""


def rule_clashes(store: ox.Store) -> list[str]:
    """The clashes of :func:`spasmkg.reason.rules.materialise` (types and object-property edges),
    read from the store by :data:`RULE_INPUT`: 0.5 s for 10 copies of the graph."""
    import pyoxigraph as ox
    import rdflib

    from spasmkg.check.shacl_sparql import select
    from spasmkg.reason.rules import materialise

    g = rdflib.Graph()

    def term(t: Any) -> Any:
        return rdflib.URIRef(t.value) if isinstance(t, ox.NamedNode) else rdflib.BNode(t.value)

    g.addN((term(r["s"]), rdflib.URIRef(r["p"].value), term(r["o"]), g) for r in select(store, RULE_INPUT))
    return materialise(g).clashes


def owl_check(rep: OwlReport, clashes: list[str]) -> Check:
    """The ``owl`` check from HermiT's report and the rule clashes."""
    violations: list[dict[str, Any]] = [violation(c) for c in clashes]
    for c in rep.unsatisfiable:
        violations.append(violation(f"unsatisfiable class {curie(c)}", [c], focus=curie(c)))
    if not rep.consistent and not rep.unsatisfiable:
        violations.append(violation(rep.message))
    summary = f"HermiT: {rep.message}" + (f"; {len(clashes)} clash(es) explained" if clashes else "")
    return Check("owl", rep.consistent and not clashes, summary, violations, rep.seconds)
