"""Reasoning: materialise what the ontology entails, explain each inferred edge, check with HermiT.

The materialiser applies the OWL 2 RL rules for the axioms the ontology uses (inverseOf,
SymmetricProperty, TransitiveProperty, propertyChainAxiom, subPropertyOf, subClassOf, domain,
range), reading the axioms from the ontology itself, and records for every inferred triple the
rule, the axiom and the premises it came from, so ``explain`` can print a derivation down to
the asserted edges and their evidence quotes. It also reports the clashes it can see
(disjoint classes, functional properties). HermiT (owlready2, Java) decides OWL 2 DL consistency
and unsatisfiable classes, and its inferred property values can be compared with ours.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg.evidence import SUPPORT, Evidence, evidence_lines
from spasmkg.namespaces import OA, OWL, RDF, RDFS, SKOS, SKR, SPASMKG, curie
from spasmkg.safety import InputError, brief

if TYPE_CHECKING:
    import rdflib

Triple = tuple[str, str, str]
TYPE = RDF + "type"


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


def read_axioms(g: rdflib.Graph) -> Axioms:
    """Collect the axioms the materialiser applies from an rdflib graph."""
    import rdflib
    from rdflib.collection import Collection

    ax = Axioms()
    o = rdflib.Namespace(OWL)
    r = rdflib.Namespace(RDFS)
    for p in g.subjects(rdflib.RDF.type, o.ObjectProperty):
        if isinstance(p, rdflib.URIRef):
            ax.object_props.add(str(p))
    for a, b in g.subject_objects(o.inverseOf):
        ax.inverse[str(a)].add(str(b))
        ax.inverse[str(b)].add(str(a))
    ax.symmetric = {str(p) for p in g.subjects(rdflib.RDF.type, o.SymmetricProperty)}
    ax.transitive = {str(p) for p in g.subjects(rdflib.RDF.type, o.TransitiveProperty)}
    ax.functional = {str(p) for p in g.subjects(rdflib.RDF.type, o.FunctionalProperty)}
    for p, lst in g.subject_objects(o.propertyChainAxiom):
        ax.chains.append(([str(x) for x in Collection(g, lst)], str(p)))
    for a, b in g.subject_objects(r.subPropertyOf):
        ax.subprop[str(a)].add(str(b))
    for a, b in g.subject_objects(r.subClassOf):
        if isinstance(b, rdflib.URIRef):
            ax.subclass[str(a)].add(str(b))
    # named classes only: a class expression (conflictsWith's unionOf) entails no single type
    for p, c in g.subject_objects(r.domain):
        if isinstance(c, rdflib.URIRef):
            ax.domain[str(p)].add(str(c))
    for p, c in g.subject_objects(r.range):
        if isinstance(c, rdflib.URIRef):
            ax.range[str(p)].add(str(c))
    for a, b in g.subject_objects(o.disjointWith):
        ax.disjoint.append((str(a), str(b)))
    for node in g.subjects(rdflib.RDF.type, o.AllDisjointClasses):
        head = g.value(node, o.members)
        members = [str(x) for x in Collection(g, head)] if head is not None else []
        ax.disjoint += [(x, y) for i, x in enumerate(members) for y in members[i + 1 :]]
    return ax


def _c(x: str) -> str:
    return curie(x)


def materialise(g: rdflib.Graph) -> Materialisation:
    """Compute the closure of the individual-level edges and types, with a derivation for each."""
    import rdflib

    ax = read_axioms(g)
    asserted: set[Triple] = set()
    for gs, gp, go in g:
        if not (isinstance(gs, rdflib.URIRef) and isinstance(go, rdflib.URIRef)):
            continue
        ps = str(gp)
        if ps in ax.object_props or (ps == TYPE and str(go).startswith(SPASMKG) and str(gs).startswith(SKR)):
            asserted.add((str(gs), ps, str(go)))
    m = Materialisation(asserted=asserted)
    known: set[Triple] = set(asserted)
    by_sp: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # p -> s -> {o}
    queue = list(asserted)

    def add(t: Triple, rule: str, axiom: str, premises: tuple[Triple, ...]) -> None:
        if t not in known:
            known.add(t)
            m.derivations[t] = Derivation(rule, axiom, premises)
            queue.append(t)

    for t in asserted:
        by_sp[t[1]][t[0]].add(t[2])
    while queue:
        t = queue.pop()
        s, p, o = t
        by_sp[p][s].add(o)
        if p == TYPE:
            for sup in ax.subclass.get(o, ()):
                add((s, TYPE, sup), "subclass", f"{_c(o)} SubClassOf {_c(sup)}", (t,))
            continue
        for q in ax.inverse.get(p, ()):
            add((o, q, s), "inverse", f"{_c(p)} InverseOf {_c(q)}", (t,))
        if p in ax.symmetric:
            add((o, p, s), "symmetric", f"SymmetricProperty({_c(p)})", (t,))
        for sup in ax.subprop.get(p, ()):
            add((s, sup, o), "subproperty", f"{_c(p)} SubPropertyOf {_c(sup)}", (t,))
        for c in ax.domain.get(p, ()):
            add((s, TYPE, c), "domain", f"{_c(p)} Domain {_c(c)}", (t,))
        for c in ax.range.get(p, ()):
            add((o, TYPE, c), "range", f"{_c(p)} Range {_c(c)}", (t,))
        if p in ax.transitive:
            for o2 in list(by_sp[p].get(o, ())):
                add((s, p, o2), "transitive", f"TransitiveProperty({_c(p)})", (t, (o, p, o2)))
            for s0, objs in list(by_sp[p].items()):
                if s in objs:
                    add((s0, p, o), "transitive", f"TransitiveProperty({_c(p)})", ((s0, p, s), t))
        for chain, target in ax.chains:
            if len(chain) != 2:
                continue
            first, second = chain
            text = f"{_c(first)} o {_c(second)} SubPropertyOf {_c(target)}"
            if p == first:
                for o2 in list(by_sp[second].get(o, ())):
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
                m.clashes.append(f"{_c(ind)} is both {_c(a)} and {_c(b)}, which are disjoint classes")
    for p in sorted(ax.functional & ax.object_props):
        for s, objs in sorted(by_sp[p].items()):
            if len(objs) > 1:
                m.clashes.append(
                    f"{_c(s)} has {len(objs)} values for functional property {_c(p)}: "
                    + ", ".join(sorted(_c(o) for o in objs))
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


# ----------------------------------------------------------------- HermiT (owlready2)


@dataclass
class OwlReport:
    consistent: bool
    unsatisfiable: list[str]
    inferred_values: set[Triple]
    message: str
    seconds: float


def _without_imports(g: rdflib.Graph) -> rdflib.Graph:
    """The graph without ``owl:imports`` triples: owlready2 downloads imports when it loads a
    file, and HermiT's OWL API (a JVM, out of reach of the Python audit hook) would too."""
    import rdflib

    imports = rdflib.URIRef(OWL + "imports")
    if (None, imports, None) not in g:
        return g
    copy = rdflib.Graph()
    copy += g
    copy.remove((None, imports, None))
    return copy


def _require_java() -> None:
    import shutil

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise InputError("the OWL reasoner needs Java: install a JRE (e.g. apt-get install default-jre-headless)")


def write_for_owl(g: rdflib.Graph, path: Path) -> Path:
    """Write the graph as N-Triples for the reasoner, without owl:imports (nothing is fetched)."""
    _without_imports(g).serialize(path, format="nt", encoding="utf-8")
    return path


def hermit(g: rdflib.Graph, *, infer_property_values: bool = True) -> OwlReport:
    """Run HermiT through owlready2 on the graph (written to a temporary N-Triples file)."""
    _require_java()
    with tempfile.TemporaryDirectory(prefix="spasmkg-owl-") as tmp:
        return hermit_file(write_for_owl(g, Path(tmp) / "graph.nt"), infer_property_values=infer_property_values)


def hermit_file(path: Path, *, infer_property_values: bool = True) -> OwlReport:
    """Run HermiT on an N-Triples file written by :func:`write_for_owl`."""
    _require_java()
    import owlready2

    started = time.perf_counter()
    world = owlready2.World()
    onto = world.get_ontology(Path(path).resolve().as_uri()).load()
    try:
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=infer_property_values, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return OwlReport(False, [], set(), "the ontology is inconsistent (HermiT)", time.perf_counter() - started)
    except owlready2.OwlReadyJavaError as exc:
        msg = " ".join(str(exc).split())[-300:]
        return OwlReport(False, [], set(), f"HermiT failed: {msg}", time.perf_counter() - started)
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


def _hermit_main(argv: list[str]) -> int:
    """``python -m spasmkg.reason FILE.nt``: consistency check in its own process, JSON on stdout.

    ``validate`` runs it this way so HermiT's Python side does not compete with pySHACL for the GIL.
    """
    from spasmkg.safety import install_network_guard

    install_network_guard()
    try:
        rep = hermit_file(Path(argv[0]), infer_property_values=False)
        out = {"consistent": rep.consistent, "unsatisfiable": rep.unsatisfiable, "message": rep.message}
    except Exception as exc:  # reported by the parent as a failed check
        out = {"error": brief(str(exc))}
    print(json.dumps(out))
    return 0


# ----------------------------------------------------------------- commands' library functions


@dataclass
class ReasonReport:
    materialisation: Materialisation
    hermit: OwlReport | None

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


def _cache_file(kind: str, g_key: str) -> Path | None:
    from spasmkg.store import cache_root

    try:
        folder = cache_root() / kind
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{g_key}.json"
    except OSError:
        return None


def graph_key(files: Sequence[Path]) -> str:
    from spasmkg import __version__, resources

    h = hashlib.sha256(f"spasmkg-{__version__}".encode())
    for f in files:
        h.update(resources.sha256_file(f).encode())
    return h.hexdigest()


def reason(*, data: Sequence[str] = (), check_hermit: bool = False) -> ReasonReport:
    """Materialise the graph's entailments (cached per graph version by content hash)."""
    from spasmkg import api

    g = api.load(data=data)
    m = cached_materialise(g, data)
    return ReasonReport(m, hermit(g) if check_hermit else None)


_MEMO: dict[str, Materialisation] = {}


def cached_materialise(g: rdflib.Graph, data: Sequence[str] = ()) -> Materialisation:
    """Materialise, reusing a result cached on disk for the same inputs."""
    from spasmkg.store import input_files

    key = graph_key(input_files(tuple(data)))
    if key in _MEMO:
        return _MEMO[key]
    path = _cache_file("reason", key)
    if path is not None and path.exists():
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            m = Materialisation(asserted={(a, b, c) for a, b, c in raw["asserted"]})
            m.derivations = {
                (k[0], k[1], k[2]): Derivation(d["rule"], d["axiom"], tuple((x, y, z) for x, y, z in d["premises"]))
                for k, d in zip(raw["keys"], raw["derivations"], strict=True)
            }
            m.clashes = raw["clashes"]
            _MEMO[key] = m
            return m
        except (OSError, ValueError, KeyError, TypeError):
            pass
    m = materialise(g)
    _MEMO[key] = m
    if path is not None:
        from spasmkg.safety import atomic_write_text

        keys = sorted(m.derivations)
        payload = {
            "asserted": sorted(m.asserted),
            "keys": keys,
            "derivations": [
                {
                    "rule": m.derivations[k].rule,
                    "axiom": m.derivations[k].axiom,
                    "premises": list(m.derivations[k].premises),
                }
                for k in keys
            ],
            "clashes": m.clashes,
        }
        with contextlib.suppress(OSError, InputError):
            atomic_write_text(path, json.dumps(payload))
    return m


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
                found.append(
                    Evidence(
                        quote=str(g.value(ev, oa.exact)),
                        start=int(str(g.value(ev, oa.start))),
                        end=int(str(g.value(ev, oa.end))),
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
    import sys

    raise SystemExit(_hermit_main(sys.argv[1:]))
