"""Reasoning: materialise what the ontology entails, explain each inferred edge, check with HermiT.

**The materialiser** (:func:`materialise`) reads the axioms from the graph itself and applies
these OWL 2 RL rules (names from the OWL 2 RL profile, section 4.3) to the edges between named
individuals (object properties) and to the types of the project's individuals (``skr:``):

* ``prp-inv1/2`` owl:inverseOf; ``prp-symp`` owl:SymmetricProperty; ``prp-trp`` owl:TransitiveProperty
* ``prp-spo1`` rdfs:subPropertyOf; ``prp-eqp1/2`` owl:equivalentProperty (sub-property both ways)
* ``prp-spo2`` owl:propertyChainAxiom of two properties
* ``prp-dom`` / ``prp-rng`` rdfs:domain / rdfs:range with a named class
* ``cax-sco`` rdfs:subClassOf a named class; ``cax-eqc1/2`` owl:equivalentClass of two named classes
* ``cls-oo`` owl:equivalentClass to an owl:oneOf enumeration (each member gets the class)
* clashes it reports: ``cax-dw`` owl:disjointWith and owl:AllDisjointClasses; ``prp-fp``
  owl:FunctionalProperty with two values (the graph's individuals are distinct by design)

Every inferred triple keeps its rule, axiom and premises, so ``explain`` prints a derivation down
to the asserted edges and their quotes. Axioms outside this list (chains of another length;
class expressions such as restrictions, intersections or complements under subClassOf,
equivalentClass, disjointWith or a type; owl:sameAs, owl:hasKey, owl:disjointUnionOf,
property disjointness; inverse-functional, reflexive, irreflexive or asymmetric properties;
negative property assertions) are **not applied** and are listed in
:attr:`Materialisation.unsupported` (the CLI prints them as a warning). A domain or range that is
a union of classes entails no named type, and owl:differentFrom / owl:AllDifferent entail no
edge: those are not reported. HermiT, run by ``validate``, covers all of OWL 2 DL.

Why home-made (code review 2026-11-30, same machine): the same individual-level closure as
owlrl 7.6.2 in 0.23 s instead of 11.6 s; ``reasonable`` 0.4.4 is as fast but misses the
property-chain inferences; neither records derivations.

**No disk cache.** Materialising the shipped graph takes 0.08-0.09 s (5 runs) and a JSON cache
hit 0.007 s, so the former cache saved about 0.1 s of a 0.9 s ``spasmkg reason`` (5 cold/warm
pairs: cold 0.82-0.99 s, warm 0.70-1.02 s), and it served stale results after a code change.
Results are memoised within the process only.

**HermiT** (owlready2 + Java) decides OWL 2 DL consistency and unsatisfiable classes. It always
runs in a child process (``python -m spasmkg.reason``) that leads a process group of its own,
with a Java heap limit (:data:`HERMIT_MEMORY_MB`; ``SPASMKG_HERMIT_MB`` changes it) and a time
limit. The parent kills that group (the child and its JVM) when done, on error, on Ctrl-C and
at the time limit; if the parent dies first (SIGTERM, SIGKILL), the child removes its work
folder and kills its own group, so no JVM is left running.

**Ill-typed literals** (``"abc"^^xsd:integer``) on the rdflib path: rdflib logs each with a Python
traceback; :func:`quiet_literal_log` keeps that off stderr and :func:`ill_typed_literals` reports
each in one line (``export`` and ``reason`` warn, ``validate`` fails its ``literals`` check).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg.evidence import SUPPORT, Evidence, evidence_lines
from spasmkg.namespaces import OA, OWL, RDF, RDFS, SKOS, SKR, SPASMKG, curie
from spasmkg.safety import InputError, SpasmkgError, brief

if TYPE_CHECKING:
    import rdflib

Triple = tuple[str, str, str]
TYPE = RDF + "type"

#: Java heap for HermiT in MB (``SPASMKG_HERMIT_MB`` overrides it). The shipped graph runs in
#: 64 MB (measured); a 401-byte cardinality axiom exhausts 1024 MB in 15-40 s and is reported
#: as "out of memory" instead of taking the machine's memory (2.2 GB with owlready2's 2000 MB).
HERMIT_MEMORY_MB = 1024

#: Default time limit in seconds: for HermiT in ``validate`` (``--owl-timeout``) and for the
#: whole of ``reason`` (``--timeout``). HermiT takes about 10 s on the shipped graph.
DEFAULT_TIMEOUT = 300.0


class ReasonerError(SpasmkgError):
    """The reasoner gave no answer: no Java, out of memory, over its time limit, failed (exit 2)."""


@dataclass(frozen=True)
class Derivation:
    rule: str
    axiom: str
    premises: tuple[Triple, ...]


@dataclass
class Materialisation:
    asserted: set[Triple]
    derivations: dict[Triple, Derivation] = field(default_factory=dict)
    clashes: list[str] = field(default_factory=list)
    #: Axioms of the graph the materialiser does not apply (one readable line each, sorted).
    unsupported: list[str] = field(default_factory=list)

    @property
    def inferred(self) -> list[tuple[Any, Any, Any]]:
        import rdflib

        return [tuple(rdflib.URIRef(x) for x in t) for t in sorted(self.derivations)]  # type: ignore[misc]


@dataclass
class Axioms:
    inverse: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    symmetric: set[str] = field(default_factory=set)
    transitive: set[str] = field(default_factory=set)
    functional: set[str] = field(default_factory=set)
    chains: list[tuple[list[str], str]] = field(default_factory=list)
    subprop: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    subclass: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    domain: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    range: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    disjoint: list[tuple[str, str]] = field(default_factory=list)
    object_props: set[str] = field(default_factory=set)
    #: class -> the individuals of an owl:oneOf it is equivalent to
    enumerations: dict[str, list[str]] = field(default_factory=dict)
    unsupported: list[str] = field(default_factory=list)


# Axioms that are never applied (reported in Materialisation.unsupported).
_UNSUPPORTED_PREDICATES = ("sameAs", "hasKey", "disjointUnionOf", "propertyDisjointWith")
_UNSUPPORTED_TYPES = (
    "InverseFunctionalProperty",
    "ReflexiveProperty",
    "IrreflexiveProperty",
    "AsymmetricProperty",
    "AllDisjointProperties",
    "NegativePropertyAssertion",
)
# What a class expression (a blank node) is, by the OWL predicate that makes it one.
_EXPRESSIONS = (
    ("onProperty", "a restriction"),
    ("intersectionOf", "an intersection"),
    ("unionOf", "a union"),
    ("complementOf", "a complement"),
    ("oneOf", "an enumeration"),
)


def _expression(g: rdflib.Graph, node: Any) -> str:
    """A few words naming the class expression ``node``: ``a restriction on e:p (owl:minCardinality)``."""
    import rdflib

    for local, words in _EXPRESSIONS:
        value = g.value(node, rdflib.URIRef(OWL + local))
        if value is None:
            continue
        if local == "onProperty":
            kinds = sorted(
                curie(str(p)) for p in set(g.predicates(node, None)) if str(p).startswith(OWL) and str(p) != OWL + local
            )
            return f"{words} on {_term(g, value)} ({', '.join(kinds)})"
        return words
    return "a class expression"


def _term(g: rdflib.Graph, node: Any) -> str:
    import rdflib

    if isinstance(node, rdflib.BNode):
        return f"[{_expression(g, node)}]"
    if isinstance(node, rdflib.Literal):
        return repr(str(node)[:40])
    return curie(str(node))


def read_axioms(g: rdflib.Graph) -> Axioms:
    """Collect the axioms the materialiser applies, and list the ones it does not."""
    import rdflib
    from rdflib.collection import Collection

    ax = Axioms()
    o = rdflib.Namespace(OWL)
    r = rdflib.Namespace(RDFS)
    unsupported: set[str] = set()

    def skip(s: Any, p: Any, x: Any) -> None:
        unsupported.add(f"{_term(g, s)} {curie(str(p))} {_term(g, x)}")

    def named(x: Any) -> bool:
        return isinstance(x, rdflib.URIRef)

    for p in g.subjects(rdflib.RDF.type, o.ObjectProperty):
        if named(p):
            ax.object_props.add(str(p))
    for a, b in g.subject_objects(o.inverseOf):
        if named(a) and named(b):
            ax.inverse[str(a)].add(str(b))
            ax.inverse[str(b)].add(str(a))
        else:
            skip(a, o.inverseOf, b)
    ax.symmetric = {str(p) for p in g.subjects(rdflib.RDF.type, o.SymmetricProperty)}
    ax.transitive = {str(p) for p in g.subjects(rdflib.RDF.type, o.TransitiveProperty)}
    ax.functional = {str(p) for p in g.subjects(rdflib.RDF.type, o.FunctionalProperty)}
    for p, lst in g.subject_objects(o.propertyChainAxiom):
        chain = [str(x) for x in Collection(g, lst)]
        if len(chain) == 2 and named(p):
            ax.chains.append((chain, str(p)))
        else:
            unsupported.add(
                f"{_term(g, p)} owl:propertyChainAxiom ({' o '.join(map(curie, chain))}): "
                f"a chain of {len(chain)} properties (only chains of 2 are applied)"
            )
    ax.chains.sort()
    for a, b in g.subject_objects(r.subPropertyOf):
        if named(a) and named(b):
            ax.subprop[str(a)].add(str(b))
        else:
            skip(a, r.subPropertyOf, b)
    for a, b in g.subject_objects(o.equivalentProperty):
        if named(a) and named(b):
            ax.subprop[str(a)].add(str(b))
            ax.subprop[str(b)].add(str(a))
        else:
            skip(a, o.equivalentProperty, b)
    for a, b in g.subject_objects(r.subClassOf):
        if named(a) and named(b):
            ax.subclass[str(a)].add(str(b))
        else:
            skip(a, r.subClassOf, b)
    for a, b in g.subject_objects(o.equivalentClass):
        if named(a) and named(b):
            ax.subclass[str(a)].add(str(b))
            ax.subclass[str(b)].add(str(a))
            continue
        cls, expr = (a, b) if named(a) else (b, a)
        head = g.value(expr, o.oneOf)
        if named(cls) and head is not None:
            ax.enumerations[str(cls)] = [str(x) for x in Collection(g, head)]
        else:
            skip(a, o.equivalentClass, b)
    # a union as domain or range entails no single named type: nothing to apply, nothing lost
    for prop, target in ((r.domain, ax.domain), (r.range, ax.range)):
        for p, c in g.subject_objects(prop):
            if named(c):
                target[str(p)].add(str(c))
            elif g.value(c, o.unionOf) is None:
                skip(p, prop, c)
    for a, b in g.subject_objects(o.disjointWith):
        if named(a) and named(b):
            ax.disjoint.append((str(a), str(b)))
        else:
            skip(a, o.disjointWith, b)
    for node in g.subjects(rdflib.RDF.type, o.AllDisjointClasses):
        head = g.value(node, o.members)
        members = [str(x) for x in Collection(g, head)] if head is not None else []
        ax.disjoint += [(x, y) for i, x in enumerate(members) for y in members[i + 1 :]]
    ax.disjoint.sort()
    for s, cls in g.subject_objects(rdflib.RDF.type):
        if isinstance(cls, rdflib.BNode):
            skip(s, rdflib.RDF.type, cls)
    for local in _UNSUPPORTED_PREDICATES:
        for s, x in g.subject_objects(o[local]):
            skip(s, o[local], x)
    for local in _UNSUPPORTED_TYPES:
        for s in g.subjects(rdflib.RDF.type, o[local]):
            unsupported.add(f"{_term(g, s)} a owl:{local}")
    ax.unsupported = sorted(unsupported)
    return ax


def materialise(g: rdflib.Graph, *, deadline: float | None = None) -> Materialisation:
    """Compute the closure of the individual-level edges and types, with a derivation for each.

    Deterministic: the same graph gives the same derivations whatever ``PYTHONHASHSEED`` is
    (every set is walked in sorted order). ``deadline`` (``time.monotonic()``) bounds the time.
    """
    import rdflib

    ax = read_axioms(g)
    asserted: set[Triple] = set()
    for gs, gp, go in g:
        if not (isinstance(gs, rdflib.URIRef) and isinstance(go, rdflib.URIRef)):
            continue
        ps = str(gp)
        if ps in ax.object_props or (ps == TYPE and str(go).startswith(SPASMKG) and str(gs).startswith(SKR)):
            asserted.add((str(gs), ps, str(go)))
    m = Materialisation(asserted=asserted, unsupported=list(ax.unsupported))
    known: set[Triple] = set(asserted)
    by_sp: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # p -> s -> {o}
    queue = sorted(asserted, reverse=True)  # popped from the end: asserted triples in sorted order

    def add(t: Triple, rule: str, axiom: str, premises: tuple[Triple, ...]) -> None:
        if t not in known:
            known.add(t)
            m.derivations[t] = Derivation(rule, axiom, premises)
            queue.append(t)

    for t in sorted(asserted):
        by_sp[t[1]][t[0]].add(t[2])
    for enumerated, members in sorted(ax.enumerations.items()):
        text = f"{curie(enumerated)} EquivalentTo {{{' '.join(map(curie, members))}}}"
        for ind in members:
            if ind.startswith(SKR):  # types are materialised for the project's individuals only
                add((ind, TYPE, enumerated), "enumeration", text, ())
    steps = 0
    while queue:
        steps += 1
        if deadline is not None and steps % 1024 == 0 and time.monotonic() > deadline:
            raise ReasonerError(f"reasoning stopped at its time limit ({len(m.derivations)} triples inferred so far)")
        t = queue.pop()
        s, p, o = t
        by_sp[p][s].add(o)
        if p == TYPE:
            for sup in sorted(ax.subclass.get(o, ())):
                add((s, TYPE, sup), "subclass", f"{curie(o)} SubClassOf {curie(sup)}", (t,))
            continue
        for q in sorted(ax.inverse.get(p, ())):
            add((o, q, s), "inverse", f"{curie(p)} InverseOf {curie(q)}", (t,))
        if p in ax.symmetric:
            add((o, p, s), "symmetric", f"SymmetricProperty({curie(p)})", (t,))
        for sup in sorted(ax.subprop.get(p, ())):
            add((s, sup, o), "subproperty", f"{curie(p)} SubPropertyOf {curie(sup)}", (t,))
        for c in sorted(ax.domain.get(p, ())):
            add((s, TYPE, c), "domain", f"{curie(p)} Domain {curie(c)}", (t,))
        for c in sorted(ax.range.get(p, ())):
            add((o, TYPE, c), "range", f"{curie(p)} Range {curie(c)}", (t,))
        if p in ax.transitive:
            for o2 in sorted(by_sp[p].get(o, ())):
                add((s, p, o2), "transitive", f"TransitiveProperty({curie(p)})", (t, (o, p, o2)))
            # the subject dicts fill in queue order, which is deterministic: no sorting needed
            for s0, objs in list(by_sp[p].items()):
                if s in objs:
                    add((s0, p, o), "transitive", f"TransitiveProperty({curie(p)})", ((s0, p, s), t))
        for (first, second), target in ax.chains:
            text = f"{curie(first)} o {curie(second)} SubPropertyOf {curie(target)}"
            if p == first:
                for o2 in sorted(by_sp[second].get(o, ())):
                    add((s, target, o2), "property chain", text, (t, (o, second, o2)))
            if p == second:
                for s0, objs in list(by_sp[first].items()):
                    if s in objs:
                        add((s0, target, o), "property chain", text, ((s0, first, s), t))
    # clashes visible at this level
    types: dict[str, set[str]] = defaultdict(set)
    for ks, kp, ko in known:
        if kp == TYPE:
            types[ks].add(ko)
    for ind, cls in sorted(types.items()):
        for a, b in ax.disjoint:
            if a in cls and b in cls:
                m.clashes.append(f"{curie(ind)} is both {curie(a)} and {curie(b)}, which are disjoint classes")
    for p in sorted(ax.functional & ax.object_props):
        for s, objs in sorted(by_sp[p].items()):
            if len(objs) > 1:
                m.clashes.append(
                    f"{curie(s)} has {len(objs)} values for functional property {curie(p)}: "
                    + ", ".join(sorted(curie(o) for o in objs))
                )
    return m


def explain_tree(m: Materialisation, t: Triple, depth: int = 0) -> list[tuple[int, str, Triple]]:
    """Flatten the derivation of ``t``: (depth, kind, triple) with kind 'asserted' or the rule."""
    if t in m.asserted:
        return [(depth, "asserted", t)]
    d = m.derivations.get(t)
    if d is None:
        return []
    out = [(depth, f"{d.rule}: {d.axiom}", t)]
    for prem in d.premises:
        out += explain_tree(m, prem, depth + 1)
    return out


# ----------------------------------------------------------------- ill-typed literals (rdflib path)


@contextlib.contextmanager
def quiet_literal_log() -> Iterator[None]:
    """Keep rdflib's "Failed to convert Literal lexical form" warnings (each with a Python traceback)
    off stderr inside the block; :func:`ill_typed_literals` reports those literals in one line each."""

    def keep(record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form")

    logger = logging.getLogger("rdflib.term")
    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


def ill_typed_triples(g: rdflib.Graph) -> list[tuple[Any, Any, Any]]:
    """The triples of ``g`` whose object is an ill-typed literal (``"abc"^^xsd:integer``), sorted."""
    import rdflib

    return sorted(t for t in g if isinstance(t[2], rdflib.Literal) and t[2].ill_typed)


def literal_text(o: Any) -> str:
    """A typed literal as ``"lexical form"^^xsd:datatype``, its text cut to 60 characters."""
    text = str(o)
    shown = text[:60] + ("..." if len(text) > 60 else "")
    return f"{json.dumps(shown, ensure_ascii=False)}^^{curie(str(o.datatype))}"


def node_text(n: Any) -> str:
    """A CURIE (or IRI) for an IRI, ``(blank node)`` for a blank node."""
    import rdflib

    return curie(str(n)) if isinstance(n, rdflib.URIRef) else "(blank node)"


def ill_typed_literals(g: rdflib.Graph, *, shown: int = 5) -> list[str]:
    """One warning line per ill-typed literal of ``g`` (at most ``shown``, then a count of the rest)."""
    bad = ill_typed_triples(g)
    lines = [
        f"ill-typed literal {literal_text(o)} ({node_text(s)} {curie(str(p))}): not a valid {curie(str(o.datatype))}"
        for s, p, o in bad[:shown]
    ]
    if len(bad) > shown:
        lines.append(f"... and {len(bad) - shown} more ill-typed literal(s)")
    return lines


# ----------------------------------------------------------------- HermiT (owlready2), in its own process group


@dataclass
class OwlReport:
    consistent: bool
    unsatisfiable: list[str]
    inferred_values: set[Triple]
    message: str
    seconds: float


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


class HermitRun:
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
        cmd = [sys.executable, "-m", "spasmkg.reason", "--parent", str(os.getpid()), "--java", java]
        cmd += ["--memory", str(self.memory_mb)]
        if infer_property_values:
            cmd.append("--values")
        if workdir is not None:
            cmd += ["--workdir", str(workdir)]
        cmd.append(str(path))
        self.started = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,  # its own process group: the JVM can be killed with it
            )
        except OSError as exc:
            raise ReasonerError(f"could not start the OWL reasoner: {exc.strerror or exc}{hint}") from None

    def __enter__(self) -> HermitRun:
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

    def report(self, *, deadline: float | None = None, limit: float | None = None) -> OwlReport:
        """Wait for HermiT (until ``deadline``, a ``time.monotonic()`` value) and return its answer.

        Raises :class:`ReasonerError` (exit 2) if it ran out of memory, out of time or failed.
        """
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            out, err = self.proc.communicate(timeout=left)
        except subprocess.TimeoutExpired:
            self.close()
            shown = f"{limit:g} s" if limit is not None else "its time limit"
            raise ReasonerError(f"HermiT did not finish within {shown}{self.hint}") from None
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
    """``python -m spasmkg.reason [--values] [--parent PID] [--workdir DIR] FILE.nt``: HermiT in a
    child process, one JSON line on stdout (``validate`` runs pySHACL meanwhile, without sharing a GIL).
    """
    import argparse

    from spasmkg.safety import install_network_guard

    install_network_guard()
    ap = argparse.ArgumentParser(prog="python -m spasmkg.reason")
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


# ----------------------------------------------------------------- commands' library functions


@dataclass
class ReasonReport:
    materialisation: Materialisation
    hermit: OwlReport | None
    #: ill-typed literals of the inputs and axioms the materialiser does not apply, one line each
    warnings: list[str] = field(default_factory=list)

    def graph(self) -> rdflib.Graph:
        import rdflib

        from spasmkg.namespaces import ALL_PREFIXES

        g = rdflib.Graph()
        for prefix, ns in ALL_PREFIXES.items():
            g.bind(prefix, ns)
        for t in self.materialisation.inferred:
            g.add(t)
        return g

    def serialise(self, fmt: str) -> str:
        from spasmkg.rdfio import serialise

        head = "# Inferred triples only (asserted ones are in knowledge.ttl). spasmkg reason; not medical advice.\n"
        body = serialise(self.graph(), fmt).decode("utf-8")
        return head + body if fmt == "turtle" else body

    def summary(self) -> str:
        m = self.materialisation
        rules: dict[str, int] = defaultdict(int)
        for d in m.derivations.values():
            rules[d.rule] += 1
        parts = ", ".join(f"{n} by {r}" for r, n in sorted(rules.items()))
        text = f"{len(m.derivations)} inferred triples ({parts}) from {len(m.asserted)} asserted"
        if m.clashes:
            text += f"; {len(m.clashes)} clash(es): " + "; ".join(m.clashes[:5])
        if self.hermit is not None:
            text += f"; HermiT: {self.hermit.message} ({self.hermit.seconds:.1f} s)"
        return text


def unsupported_warning(m: Materialisation, *, shown: int = 10) -> str | None:
    """One line naming the axioms the materialiser did not apply, or None if there are none."""
    if not m.unsupported:
        return None
    more = f"; and {len(m.unsupported) - shown} more" if len(m.unsupported) > shown else ""
    return (
        f"the materialiser does not apply {len(m.unsupported)} axiom(s) of the graph "
        f"(HermiT in 'spasmkg validate' does): {'; '.join(m.unsupported[:shown])}{more}"
    )


def reason(
    *, data: Sequence[str] = (), check_hermit: bool = False, timeout: float | None = DEFAULT_TIMEOUT
) -> ReasonReport:
    """Materialise the graph's entailments; with ``check_hermit`` also run HermiT.

    ``timeout`` (seconds) bounds the whole: reading, materialising and HermiT (:class:`ReasonerError`).
    """
    from spasmkg import api

    deadline = None if timeout is None else time.monotonic() + timeout
    hint = "; or run 'spasmkg reason' without --check-hermit"
    if check_hermit:
        require_java(hint)
    with quiet_literal_log():
        g = api.load(data=data)
    try:
        m = cached_materialise(g, data, deadline=deadline)
    except ReasonerError as exc:
        raise ReasonerError(f"{exc}: over the {timeout:g} s limit (raise it with --timeout)") from None
    owl = None
    if check_hermit:
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        with tempfile.TemporaryDirectory(prefix="spasmkg-owl-") as tmp:
            path = write_for_owl(g, Path(tmp) / "graph.nt")
            with HermitRun(path, infer_property_values=True, workdir=Path(tmp), hint=hint) as run:
                owl = run.report(deadline=None if left is None else time.monotonic() + left, limit=timeout)
    warnings = ill_typed_literals(g)
    unsupported = unsupported_warning(m)
    if unsupported:
        warnings.append(unsupported)
    return ReasonReport(m, owl, warnings)


_MEMO: dict[str, Materialisation] = {}


def _content_key(files: Sequence[Path]) -> str:
    from spasmkg import resources

    h = hashlib.sha256(b"spasmkg-materialise")
    for f in files:
        h.update(resources.sha256_file(f).encode())
    return h.hexdigest()


def cached_materialise(g: rdflib.Graph, data: Sequence[str] = (), *, deadline: float | None = None) -> Materialisation:
    """Materialise ``g`` (the shipped graph plus ``data``), memoised within the process by the
    content of the input files (``g`` may since have had the inferred triples added)."""
    from spasmkg.store import input_files

    key = _content_key(input_files(tuple(data)))
    if key not in _MEMO:
        _MEMO[key] = materialise(g, deadline=deadline)
    return _MEMO[key]


def _evidence(g: rdflib.Graph, t: Triple) -> list[str]:
    import rdflib

    o = rdflib.Namespace(OWL)
    sk = rdflib.Namespace(SPASMKG)
    s, p, obj = (rdflib.URIRef(x) for x in t)
    oa = rdflib.Namespace(OA)
    skos = rdflib.Namespace(SKOS)
    found = []
    for ax in g.subjects(o.annotatedSource, s):
        if (ax, o.annotatedProperty, p) in g and (ax, o.annotatedTarget, obj) in g:
            for ev in g.objects(ax, sk.hasEvidence):
                try:
                    start, end = int(str(g.value(ev, oa.start))), int(str(g.value(ev, oa.end)))
                except ValueError:  # a --data file's evidence without integer offsets: validate reports it
                    continue
                found.append(
                    Evidence(
                        quote=str(g.value(ev, oa.exact)),
                        start=start,
                        end=end,
                        support=SUPPORT.get(str(g.value(ax, sk.evidenceType)), "unknown"),
                        hedges=tuple(sorted(str(h) for h in g.objects(ax, sk.hedge))),
                        note=str(g.value(ax, skos.editorialNote) or ""),
                        prefix=str(g.value(ev, oa.prefix) or ""),
                        suffix=str(g.value(ev, oa.suffix) or ""),
                    )
                )
    return [line for ev in sorted(found, key=lambda e: (e.start, e.end, e.support)) for line in evidence_lines(ev)]


def explain_text(subject: str, predicate: str, obj: str, *, data: Sequence[str] = ()) -> str:
    """Human-readable derivation of an edge (asserted or inferred)."""
    from spasmkg import api

    idx = api.label_index(data)
    s = idx.resolve(subject, what="subject")
    o = idx.resolve(obj, what="object")
    p = resolve_property(predicate, idx)
    with quiet_literal_log():
        g = api.load(data=data)
    m = cached_materialise(g, data)
    t = (s, p, o)
    tree = explain_tree(m, t)
    if not tree:
        raise InputError(f"the graph does not state or entail: {idx.label(s)} {idx.label(p)} {idx.label(o)}")

    def fmt(tr: Triple) -> str:
        return f"{idx.label(tr[0])} --{idx.label(tr[1])}--> {idx.label(tr[2])}"

    lines = [f"{fmt(t)}  [{'asserted' if t in m.asserted else 'inferred'}]"]
    for depth, kind, tr in tree:
        pad = "  " * (depth + 1)
        if kind == "asserted":
            lines.append(f"{pad}asserted: {fmt(tr)}")
            for q in _evidence(g, tr):
                lines.append(f"{pad}    {q}" if q.startswith(" ") else f"{pad}  evidence: {q}")
        else:
            lines.append(f"{pad}by {kind}")
            if depth:
                lines.append(f"{pad}  gives: {fmt(tr)}")
    return "\n".join(lines) + "\n"


def resolve_property(text: str, idx: Any) -> str:
    """A property by CURIE, IRI, local name or label (``contraindicatedDuring``, ``contraindicated during``)."""
    from spasmkg.namespaces import expand

    iri = expand(text)
    if iri is None and (SPASMKG + text) in idx.labels:
        iri = SPASMKG + text
    if iri is not None and iri in idx.labels:
        return iri
    if text in ("a", "rdf:type", "type"):
        return TYPE
    resolved: str = idx.resolve(text, what="predicate")
    return resolved


if __name__ == "__main__":
    raise SystemExit(_hermit_main(sys.argv[1:]))
