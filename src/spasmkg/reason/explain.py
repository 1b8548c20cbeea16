"""The ``reason`` and ``explain`` commands' library functions: a materialisation with HermiT's verdict,
and the derivation of an edge down to the asserted edges and their quotes."""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from spasmkg.engine.evidence import AXIOM_EVIDENCE, collect, evidence_lines
from spasmkg.errors import InputError, ReasonerError
from spasmkg.io.literals import ill_typed_literals, quiet_literal_log
from spasmkg.reason.hermit import DEFAULT_TIMEOUT, HermitRun, OwlReport, require_java, write_for_owl
from spasmkg.reason.rules import Materialisation, Triple, cached_materialise, explain_tree

if TYPE_CHECKING:
    import rdflib

__all__ = ["ReasonReport", "explain_text", "reason", "unsupported_warning"]


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
        from spasmkg.io.rdf import serialise

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
    from spasmkg.reason.graph import load

    deadline = None if timeout is None else time.monotonic() + timeout
    hint = "; or run 'spasmkg reason' without --check-hermit"
    if check_hermit:
        require_java(hint)
    with quiet_literal_log():
        g = load(data=data)
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


_EVIDENCE = f"SELECT * WHERE {{ {AXIOM_EVIDENCE} }}"


def _evidence(t: Triple, data: Sequence[str]) -> list[str]:
    """Lines of the evidence of an asserted triple (through :data:`AXIOM_EVIDENCE`, the one home)."""
    import pyoxigraph

    from spasmkg.engine.execute import run

    bindings = {k: pyoxigraph.NamedNode(v) for k, v in zip(("src", "p", "tgt"), t, strict=True)}
    rows = run(_EVIDENCE, data=data, bindings=bindings, limit=None, timeout=None).rows
    found = collect(rows).get((), [])
    return [line for ev in found for line in evidence_lines(ev)]


def explain_text(subject: str, predicate: str, obj: str, *, data: Sequence[str] = ()) -> str:
    """Human-readable derivation of an edge (asserted or inferred)."""
    from spasmkg.engine.lookup import label_index
    from spasmkg.reason.graph import load

    idx = label_index(data)
    s = idx.resolve(subject, what="subject")
    o = idx.resolve(obj, what="object")
    p = idx.resolve_property(predicate)
    with quiet_literal_log():
        g = load(data=data)
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
            for q in _evidence(tr, data):
                lines.append(f"{pad}    {q}" if q.startswith(" ") else f"{pad}  evidence: {q}")
        else:
            lines.append(f"{pad}by {kind}")
            if depth:
                lines.append(f"{pad}  gives: {fmt(tr)}")
    return "\n".join(lines) + "\n"
