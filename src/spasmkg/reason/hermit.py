"""**HermiT** (owlready2 + Java) decides OWL 2 DL consistency and unsatisfiable classes. It always
runs in a child process (``python -m spasmkg.reason.hermit``) that leads a process group of its own,
with a Java heap limit (:data:`HERMIT_MEMORY_MB`; ``SPASMKG_HERMIT_MB`` changes it) and a time
limit. The parent kills that group (the child and its JVM) when done, on error, on Ctrl-C and
at the time limit; if the parent dies first (SIGTERM, SIGKILL), the child removes its work
folder and kills its own group, so no JVM is left running.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from spasmkg.errors import InputError, ReasonerError
from spasmkg.namespaces import OWL, SPASMKG, curie
from spasmkg.reason.rules import Triple
from spasmkg.text import brief

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "DEFAULT_TIMEOUT",
    "HERMIT_MEMORY_MB",
    "JAVA_MISSING",
    "HermitRun",
    "OwlReport",
    "ProcessGroupRun",
    "hermit",
    "hermit_file",
    "hermit_memory_mb",
    "java_executable",
    "require_java",
    "write_for_owl",
]


@dataclass
class OwlReport:
    consistent: bool
    unsatisfiable: list[str]
    inferred_values: set[Triple]
    message: str
    seconds: float


#: Java heap for HermiT in MB (``SPASMKG_HERMIT_MB`` overrides it). The shipped graph runs in
#: 64 MB (measured); a 401-byte cardinality axiom exhausts 1024 MB in 15-40 s and is reported
#: as "out of memory" instead of taking the machine's memory (2.2 GB with owlready2's 2000 MB).
HERMIT_MEMORY_MB = 1024

#: Default time limit in seconds: for HermiT in ``validate`` (``--owl-timeout``) and for the
#: whole of ``reason`` (``--timeout``). HermiT takes about 10 s on the shipped graph.
DEFAULT_TIMEOUT = 300.0


JAVA_MISSING = (
    "the OWL reasoner (HermiT) needs Java, found neither on PATH nor in JAVA_HOME: "
    "install a JRE (e.g. apt-get install default-jre-headless)"
)


def java_executable() -> str | None:
    """The Java launcher HermiT will use: ``java`` on PATH, else ``$JAVA_HOME/bin/java``; None if neither."""
    import shutil

    found = shutil.which("java")
    if found:
        return found
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def require_java(hint: str = "") -> str:
    """The Java launcher, or a :class:`ReasonerError` saying how to get one (``hint`` is appended)."""
    java = java_executable()
    if java is None:
        raise ReasonerError(JAVA_MISSING + hint)
    return java


def hermit_memory_mb() -> int:
    """HermiT's Java heap in MB: ``SPASMKG_HERMIT_MB`` (64 or more) or :data:`HERMIT_MEMORY_MB`."""
    raw = os.environ.get("SPASMKG_HERMIT_MB", "").strip()
    if not raw:
        return HERMIT_MEMORY_MB
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 64 <= value <= 1 << 20:
        raise InputError(f"SPASMKG_HERMIT_MB={raw!r}: give the Java heap for HermiT in MB (an integer, 64 or more)")
    return value


def _without_imports(g: rdflib.Graph) -> rdflib.Graph:
    """The graph without ``owl:imports`` triples (owlready2 downloads imports when it loads a file,
    and HermiT's OWL API, a JVM out of reach of the Python audit hook, would too) and without
    ill-typed literals (owlready2's parser stops at them; ``validate`` reports them itself)."""
    import rdflib

    imports = rdflib.URIRef(OWL + "imports")
    bad = [t for t in g if isinstance(t[2], rdflib.Literal) and t[2].ill_typed]
    if (None, imports, None) not in g and not bad:
        return g
    copy = rdflib.Graph()
    copy += g
    copy.remove((None, imports, None))
    for t in bad:
        copy.remove(t)
    return copy


def write_for_owl(g: rdflib.Graph, path: Path) -> Path:
    """Write the graph as N-Triples for the reasoner, without owl:imports (nothing is fetched)."""
    _without_imports(g).serialize(path, format="nt", encoding="utf-8")
    return path


class ProcessGroupRun:
    """A child process leading a process group of its own (HermiT's JVM runs inside it). Use as a
    context manager: leaving it kills the whole group unless the child ended cleanly. The one home of
    that clean-up for :class:`HermitRun` and :class:`spasmkg.check.owl.HermitClassify`."""

    proc: subprocess.Popen[str]
    hint: str = ""
    started: float = 0.0

    def _start(self, cmd: list[str], *, cwd: str | None = None) -> None:
        """Start ``cmd`` leading a new process group, pipes for its output, nothing on its stdin."""
        self.started = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                cmd,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,  # its own process group: the JVM can be killed with it
            )
        except OSError as exc:
            raise ReasonerError(f"could not start the OWL reasoner: {exc.strerror or exc}{self.hint}") from None

    def _communicate(self, deadline: float | None, limit: float | None) -> tuple[str, str]:
        """The child's stdout and stderr once it ends; past ``deadline`` (``time.monotonic()``) the
        group is killed and :class:`ReasonerError` names ``limit``."""
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            return self.proc.communicate(timeout=left)
        except subprocess.TimeoutExpired:
            self.close()
            shown = f"{limit:g} s" if limit is not None else "its time limit"
            raise ReasonerError(f"HermiT did not finish within {shown}{self.hint}") from None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Kill the child's process group (the child and HermiT's JVM) unless it ended cleanly."""
        if self.proc.returncode is None or self.proc.returncode != 0:
            # the group outlives an abnormally ended child while its JVM runs; killing it is then safe
            with contextlib.suppress(ProcessLookupError, PermissionError):
                killpg = getattr(os, "killpg", None)
                if killpg is not None:
                    killpg(self.proc.pid, signal.SIGKILL)
                elif self.proc.returncode is None:  # no process groups (Windows): the child only
                    self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


class HermitRun(ProcessGroupRun):
    """HermiT on an N-Triples file (from :func:`write_for_owl`) in a child process that leads its own
    process group. Use as a context manager: leaving the block kills whatever is left of the group.

    ``hint`` is appended to every error message (e.g. "; or skip the OWL check with --no-owl").
    """

    def __init__(
        self, path: Path, *, infer_property_values: bool = False, workdir: Path | None = None, hint: str = ""
    ) -> None:
        self.hint = hint
        java = require_java(hint)
        self.memory_mb = hermit_memory_mb()
        cmd = [sys.executable, "-m", "spasmkg.reason.hermit", "--parent", str(os.getpid()), "--java", java]
        cmd += ["--memory", str(self.memory_mb)]
        if infer_property_values:
            cmd.append("--values")
        if workdir is not None:
            cmd += ["--workdir", str(workdir)]
        cmd.append(str(path))
        self._start(cmd)

    def report(self, *, deadline: float | None = None, limit: float | None = None) -> OwlReport:
        """Wait for HermiT (until ``deadline``, a ``time.monotonic()`` value) and return its answer.

        Raises :class:`ReasonerError` (exit 2) if it ran out of memory, out of time or failed.
        """
        out, err = self._communicate(deadline, limit)
        try:
            rep = json.loads(out.strip().splitlines()[-1])
            if not isinstance(rep, dict):
                raise ValueError(rep)
        except (ValueError, IndexError):
            why = brief(err or out) or f"it exited with code {self.proc.returncode}"
            raise ReasonerError(f"could not run HermiT: {why}{self.hint}") from None
        if "error" in rep:
            kind = rep.get("kind")
            if kind == "memory":
                raise ReasonerError(
                    f"HermiT ran out of memory (Java heap limit {self.memory_mb} MB; "
                    f"SPASMKG_HERMIT_MB raises it){self.hint}"
                )
            if kind == "java-missing":
                raise ReasonerError(JAVA_MISSING + self.hint)
            raise ReasonerError(f"could not run HermiT: {brief(str(rep['error']))}{self.hint}")
        values = {(a, b, c) for a, b, c in rep.get("values", [])}
        return OwlReport(
            bool(rep["consistent"]),
            list(rep["unsatisfiable"]),
            values,
            str(rep["message"]),
            time.monotonic() - self.started,
        )


def hermit(
    g: rdflib.Graph, *, infer_property_values: bool = True, timeout: float | None = DEFAULT_TIMEOUT, hint: str = ""
) -> OwlReport:
    """Run HermiT on the graph (in its own process group, with a heap and a time limit).

    Raises :class:`ReasonerError` if there is no Java, or HermiT runs out of memory or time.
    """
    require_java(hint)
    deadline = None if timeout is None else time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="spasmkg-owl-") as tmp:
        path = write_for_owl(g, Path(tmp) / "graph.nt")
        with HermitRun(path, infer_property_values=infer_property_values, workdir=Path(tmp), hint=hint) as run:
            return run.report(deadline=deadline, limit=timeout)


def _java_cause(text: str) -> str:
    """The line of a Java error that names the exception (not the last lines of its stack trace)."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("at ") and ("Exception" in stripped or "Error" in stripped):
            return brief(stripped, 200)
    return brief(text[-200:]) or "no message from Java"


def hermit_file(
    path: Path, *, infer_property_values: bool = True, java: str | None = None, memory_mb: int | None = None
) -> OwlReport:
    """Run HermiT through owlready2 on an N-Triples file, from this process (the child's side of
    :class:`HermitRun`; prefer :func:`hermit`, which runs it in a process group of its own)."""
    import owlready2
    import owlready2.reasoning

    owlready2.JAVA_EXE = java or require_java()
    owlready2.reasoning.JAVA_MEMORY = memory_mb or hermit_memory_mb()
    started = time.perf_counter()
    world = owlready2.World()
    onto = world.get_ontology(Path(path).resolve().as_uri()).load()
    try:
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=infer_property_values, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return OwlReport(False, [], set(), "the ontology is inconsistent (HermiT)", time.perf_counter() - started)
    unsat = sorted(c.iri for c in world.inconsistent_classes() if getattr(c, "iri", None))
    values: set[Triple] = set()
    if infer_property_values:
        for prop in world.object_properties():
            if not prop.iri.startswith(SPASMKG):
                continue
            for s, o in prop.get_relations():
                if hasattr(s, "iri") and hasattr(o, "iri"):
                    values.add((s.iri, prop.iri, o.iri))
    world.close()
    msg = "consistent" if not unsat else f"{len(unsat)} unsatisfiable class(es): {', '.join(map(curie, unsat))}"
    return OwlReport(not unsat, unsat, values, msg, time.perf_counter() - started)


def _kill_own_group(workdir: str | None) -> None:
    """Remove the work folder and kill this process's group (this process and its JVM), if it leads one."""
    import shutil

    if workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    if hasattr(os, "killpg") and os.getpgid(0) == os.getpid():  # never signal a group it does not lead
        os.killpg(os.getpid(), signal.SIGKILL)
    os._exit(1)


def _watch_parent(parent: int, workdir: str | None) -> None:
    """End this child (and its JVM) as soon as the parent is gone, whatever killed the parent."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        _kill_own_group(workdir)

    threading.Thread(target=watch, name="spasmkg-parent-watch", daemon=True).start()


def _hermit_main(argv: list[str]) -> int:
    """``python -m spasmkg.reason.hermit [--values] [--parent PID] [--workdir DIR] FILE.nt``: HermiT in a
    child process, one JSON line on stdout (``validate`` runs pySHACL meanwhile, without sharing a GIL).
    """
    import argparse

    from spasmkg.io.guards import install_network_guard

    install_network_guard()
    ap = argparse.ArgumentParser(prog="python -m spasmkg.reason.hermit")
    ap.add_argument("--parent", type=int, default=None)
    ap.add_argument("--java", default=None)
    ap.add_argument("--memory", type=int, default=None)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--values", action="store_true")
    ap.add_argument("path")
    args = ap.parse_args(argv)
    if args.workdir:
        tempfile.tempdir = args.workdir  # owlready2's temporary copy for HermiT goes there too
    signal.signal(signal.SIGTERM, lambda *_: _kill_own_group(args.workdir))
    if args.parent is not None:
        _watch_parent(args.parent, args.workdir)
    out: dict[str, Any]
    try:
        rep = hermit_file(Path(args.path), infer_property_values=args.values, java=args.java, memory_mb=args.memory)
        out = {"consistent": rep.consistent, "unsatisfiable": rep.unsatisfiable, "message": rep.message}
        out["values"] = sorted(rep.inferred_values)
    except ReasonerError as exc:
        out = {"error": str(exc), "kind": "java-missing"}
    except FileNotFoundError as exc:  # the Java launcher vanished
        out = {"error": brief(str(exc)), "kind": "java-missing" if "java" in str(exc).lower() else "failed"}
    except Exception as exc:  # reported by the parent as one line
        text = str(exc)
        if "OutOfMemoryError" in text:
            out = {"error": "out of memory", "kind": "memory"}
        elif type(exc).__name__ == "OwlReadyJavaError":
            out = {"error": _java_cause(text), "kind": "java"}
        else:
            out = {"error": brief(text) or type(exc).__name__, "kind": "failed"}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(_hermit_main(sys.argv[1:]))
