"""The ``shacl`` check, with either engine: ``compiled`` (default) or ``pyshacl`` (the reference).

``compiled`` runs ``ontology/shapes.ttl`` compiled to SPARQL (:mod:`spasmkg.check.shacl_sparql`) on
the validation store: 0.07 s on the shipped graph, 7 s for 100 copies. ``pyshacl`` is pySHACL 0.40
exactly as before issue 13 (rdflib graphs, the ontology as ``ont_graph``, RDFS inference): 18 s of
CPU on the shipped graph, minutes per MiB of data. Both report the same (focus node, source shape,
severity) set on every fixture and on the shipped graph (``tests/test_shacl_engine.py``); the
compiled engine refuses, with an error, any SHACL feature it does not translate.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg import resources
from spasmkg.check.report import Check, violation
from spasmkg.namespaces import curie

if TYPE_CHECKING:
    import pyoxigraph as ox

    from spasmkg.check.shacl_sparql import CompiledShape, CompiledShapes

SH = "http://www.w3.org/ns/shacl#"
ENGINES = ("compiled", "pyshacl")


@cache
def compiled_shapes() -> CompiledShapes:
    """``ontology/shapes.ttl`` compiled (7-30 ms; memoised). Raises UnsupportedShaclFeature."""
    from spasmkg.check.shacl_sparql import compile_shapes

    return compile_shapes(resources.shapes_path())


def _summary(violations: list[dict[str, Any]]) -> tuple[bool, str]:
    violations.sort(key=lambda v: (v["severity"], v["focus"], v["message"]))
    errors = [v for v in violations if str(v["severity"]).endswith("Violation")]
    summary = (
        "conforms" if not violations else f"{len(errors)} violation(s), {len(violations) - len(errors)} warning(s)"
    )
    return not errors, summary


def _severity(iri: str) -> str:
    return curie(iri).replace(SH, "sh:")


def check_shacl_compiled(
    store: ox.Store, *, progress: Callable[[CompiledShape, int, float], None] | None = None
) -> Check:
    """The compiled engine on the validation store (data, ontology and lexical side table)."""
    import pyoxigraph as ox

    from spasmkg.check.shacl_sparql import validate

    started = time.perf_counter()
    violations = []
    for r in validate(store, compiled_shapes(), progress=progress):
        focus = r.focus
        violations.append(
            violation(
                r.message,
                [focus],
                severity=_severity(r.severity),
                focus=curie(focus.value) if isinstance(focus, ox.NamedNode) else "(blank node)",
                path=curie(r.path.value) if isinstance(r.path, ox.NamedNode) else None,
                shape=curie(r.shape.value) if isinstance(r.shape, ox.NamedNode) else str(r.shape),
            )
        )
    # one result per (focus, shape, path, message): the compiled engine may find a value twice
    unique = {(v["severity"], v["focus"], v["shape"], v["path"], v["message"]): v for v in violations}
    violations = list(unique.values())
    ok, summary = _summary(violations)
    return Check("shacl", ok, summary, violations, time.perf_counter() - started)


def check_shacl_pyshacl(files: Sequence[Path]) -> Check:
    """pySHACL (the reference engine) on the shipped graph merged with ``files``, parsed by rdflib."""
    import pyshacl
    import rdflib

    from spasmkg.io.literals import quiet_literal_log
    from spasmkg.io.rdf import parse_files

    started = time.perf_counter()
    with quiet_literal_log():
        tbox = parse_files([resources.tbox_path()])
        abox = parse_files([resources.knowledge_path(), *files])
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
    sh = rdflib.Namespace(SH)
    violations = []
    for r in results_graph.subjects(rdflib.RDF.type, sh.ValidationResult):
        sev = results_graph.value(r, sh.resultSeverity)
        focus = results_graph.value(r, sh.focusNode)
        path = results_graph.value(r, sh.resultPath)
        message = str(results_graph.value(r, sh.resultMessage) or "")
        violations.append(
            violation(
                message,
                [str(focus)] if isinstance(focus, rdflib.URIRef) else [],
                severity=_severity(str(sev)),
                focus=curie(str(focus)) if isinstance(focus, rdflib.URIRef) else "(blank node)",
                path=curie(str(path)) if isinstance(path, rdflib.URIRef) else None,
                shape=curie(str(results_graph.value(r, sh.sourceShape))),
            )
        )
    ok, summary = _summary(violations)
    return Check("shacl", bool(conforms) or ok, summary, violations, time.perf_counter() - started)
