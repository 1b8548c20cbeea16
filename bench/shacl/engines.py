"""The SHACL engines compared for issue 13, each as ``run(data files) -> (results, timings)``.

    python bench/shacl/engines.py ENGINE DATA... [--no-results]   # one run, JSON on stdout
    python bench/shacl/engines.py compiled DATA... --per-shape     # and seconds per shape on stderr

Engines (the data graph is always the data files plus ontology/spasmkg.ttl, as in tests/test_shacl_engine.py):

``pyshacl``          the reference: the pySHACL call of ``spasmkg validate --engine pyshacl``
                     (src/spasmkg/check/shacl.py, ``check_shacl_pyshacl``: rdflib graphs,
                     ``ont_graph``, ``inference="rdfs"``, ``advanced``, ``inplace=False``).
``pyshacl-preinf``   pySHACL without its cost centres in the set-up: ontology and data parsed into
                     one private rdflib graph (no mixing copy), the rdf:type triples of RDFS
                     entailment added by a small closure (:func:`rdfs_types`) instead of OWL-RL's
                     RDFS rules, ``inference="none"``, ``inplace=True`` (no clone).
``pyshacl-fast``     ``pyshacl-preinf`` plus a cache of parsed SPARQL: pySHACL re-parses the text of
                     a SPARQL constraint for every focus node (rdflib's pyparsing grammar); the
                     cache parses each text once (a monkeypatch of pySHACL's DataGraph.query).
``pyshacl-ox``       ``pyshacl-fast``'s set-up on a pyoxigraph store (pySHACL 0.40 accepts one):
                     the SPARQL constraints run in oxigraph.
``compiled``         what ``spasmkg validate`` runs (src/spasmkg/check/shacl_sparql.py): the shapes
                     compiled by ``spasmkg.check.shacl.compiled_shapes``, the store built by
                     ``spasmkg.check.validate.load_validation_store`` (see :func:`validation_store`).
                     Until 1dc689c this was the prototype bench/shacl/compile.py, which became
                     shacl_sparql.py; fidelity.json and measurements.json were recorded with it.
``rudof``            pyrudof 0.3.35, in its own venv (rudof_runner.py), blank nodes skolemised.
``rudof-closure``    the same with the RDFS rdf:type closure added to the data first.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

import canon

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology"
TBOX = ONTOLOGY / "spasmkg.ttl"
SHAPES = ONTOLOGY / "shapes.ttl"
RUDOF_PYTHON = Path(os.environ.get("RUDOF_PYTHON", "/tmp/shacl-eval/venv-rudof/bin/python"))
SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Row:
    """One validation result, with engine-independent names (see canon.py)."""

    focus: str
    shape: str
    severity: str
    component: str = ""
    path: str | None = None
    value: str | None = None
    message: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.focus, self.shape, self.severity)


Timings = dict[str, float]
Engine = Callable[[Sequence[Path]], tuple[list[Row], Timings]]


# ------------------------------------------------------------------------------ rdflib helpers


def rdflib_namer(graph: Any) -> Callable[[Any], str | None]:
    from rdflib import BNode, Literal, URIRef

    def plain(t: Any) -> str | None:
        if isinstance(t, URIRef):
            return str(t)
        if isinstance(t, Literal):
            return str(t)
        return None

    def name(t: Any) -> str | None:
        if t is None:
            return None
        if isinstance(t, BNode):
            return canon.describe((str(p), plain(o)) for p, o in graph.predicate_objects(t))
        return plain(t)

    return name


def report_rows(report: Any, name: Callable[[Any], str | None]) -> list[Row]:
    """The results of a pySHACL report graph, with terms named by ``name``."""
    from rdflib import URIRef
    from rdflib.namespace import SH as RSH

    rows = []
    for r in report.objects(None, RSH.result):
        comp = str(report.value(r, RSH.sourceConstraintComponent) or "").split("#")[-1]
        path = report.value(r, RSH.resultPath)
        rows.append(
            Row(
                focus=name(report.value(r, RSH.focusNode)) or "",
                shape=str(report.value(r, RSH.sourceShape)),
                severity=str(report.value(r, RSH.resultSeverity)),
                component=comp.removesuffix("ConstraintComponent"),
                path=str(path) if isinstance(path, URIRef) else ("(path)" if path is not None else None),
                value=name(report.value(r, RSH.value)),
                message=str(report.value(r, RSH.resultMessage) or ""),
            )
        )
    return rows


def rdfs_types(graph: Any) -> set[tuple[Any, Any, Any]]:
    """The rdf:type triples RDFS entailment adds (rules rdfs2, rdfs3, rdfs9 over rdfs11), as a set.

    This is all that pySHACL's ``inference="rdfs"`` contributes to SHACL validation here: the
    other RDFS rules add rdfs:Resource / rdf:Property typings and rdfs:subPropertyOf edges
    (refused below: its entailed edges would need rule rdfs7).
    """
    from rdflib import RDF, RDFS, Literal

    if next(graph.triples((None, RDFS.subPropertyOf, None)), None) is not None:
        raise NotImplementedError("rdfs:subPropertyOf in the data: use inference='rdfs'")
    direct: dict[Any, set[Any]] = defaultdict(set)
    for c, d in graph.subject_objects(RDFS.subClassOf):
        direct[c].add(d)
    memo: dict[Any, set[Any]] = {}

    def supers(c: Any) -> set[Any]:  # c and all its superclasses
        if c not in memo:
            seen, todo = {c}, [c]
            while todo:
                for d in direct.get(todo.pop(), ()):
                    if d not in seen:
                        seen.add(d)
                        todo.append(d)
            memo[c] = seen
        return memo[c]

    out: set[tuple[Any, Any, Any]] = set()
    for x, c in graph.subject_objects(RDF.type):
        out.update((x, RDF.type, d) for d in supers(c))
    for p, c in graph.subject_objects(RDFS.domain):
        classes = supers(c)
        for s in set(graph.subjects(p, None)):
            out.update((s, RDF.type, d) for d in classes)
    for p, c in graph.subject_objects(RDFS.range):
        classes = supers(c)
        for o in set(graph.objects(None, p)):
            if not isinstance(o, Literal):
                out.update((o, RDF.type, d) for d in classes)
    return out


def rdflib_format(path: Path) -> str:
    return "nt" if path.suffix == ".nt" else "turtle"


# ------------------------------------------------------------------------------ pySHACL engines


def pyshacl_reference(files: Sequence[Path]) -> tuple[list[Row], Timings]:
    """The pySHACL call of ``check_shacl_pyshacl`` (src/spasmkg/check/shacl.py), on ``files`` alone.

    Written out rather than imported: ``check_shacl_pyshacl`` always merges the shipped knowledge
    into the data graph (a fixture must be validated alone) and returns CURIE'd strings without
    ``sh:value`` or the edges that name a blank node, which the comparison here needs.
    """
    import pyshacl
    import rdflib

    from spasmkg.io.rdf import parse_files

    t0 = time.perf_counter()
    tbox = parse_files([TBOX])
    abox = parse_files(files)
    shapes = rdflib.Graph().parse(SHAPES)
    t1 = time.perf_counter()
    _, report, _ = pyshacl.validate(
        abox,
        shacl_graph=shapes,
        ont_graph=tbox,
        inference="rdfs",
        advanced=True,
        allow_warnings=True,
        inplace=False,
    )
    t2 = time.perf_counter()
    return report_rows(report, rdflib_namer(abox)), {"parse": t1 - t0, "validate": t2 - t1}


_QUERY_CACHE: dict[str, Any] = {}


def cache_sparql_parses() -> None:
    """Make pySHACL parse each SPARQL text once instead of once per focus node."""
    from pyshacl.graph_abstraction import RdfLibDataGraph
    from rdflib.plugins.sparql import prepareQuery

    if getattr(RdfLibDataGraph.query, "_cached", False):
        return
    original = RdfLibDataGraph.query

    def query(self: Any, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            prepared = _QUERY_CACHE.get(query_object)
            if prepared is None:
                prepared = _QUERY_CACHE[query_object] = prepareQuery(query_object)
            query_object = prepared
        return original(self, query_object, *args, **kwargs)

    query._cached = True  # type: ignore[attr-defined]
    RdfLibDataGraph.query = query  # type: ignore[method-assign]


def pyshacl_preinf(files: Sequence[Path], *, cache: bool = False) -> tuple[list[Row], Timings]:
    import pyshacl
    import rdflib

    if cache:
        cache_sparql_parses()
    t0 = time.perf_counter()
    data = rdflib.Graph()
    for f in [TBOX, *files]:
        data.parse(f, format=rdflib_format(Path(f)))
    shapes = rdflib.Graph().parse(SHAPES)
    t1 = time.perf_counter()
    for t in rdfs_types(data):
        data.add(t)
    t2 = time.perf_counter()
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, inplace=True
    )
    t3 = time.perf_counter()
    return report_rows(report, rdflib_namer(data)), {"parse": t1 - t0, "inference": t2 - t1, "validate": t3 - t2}


def pyshacl_fast(files: Sequence[Path]) -> tuple[list[Row], Timings]:
    return pyshacl_preinf(files, cache=True)


def pyshacl_ox(files: Sequence[Path]) -> tuple[list[Row], Timings]:
    import pyoxigraph as ox
    import pyshacl
    import rdflib

    from spasmkg.check.shacl_sparql import load_store

    t0 = time.perf_counter()
    store = load_store([TBOX, *files], lexical=False)
    shapes = rdflib.Graph().parse(SHAPES)
    t1 = time.perf_counter()
    store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in store.query(canon.RDFS_TYPES)])
    t2 = time.perf_counter()
    _, report, _ = pyshacl.validate(
        store, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, inplace=True
    )
    t3 = time.perf_counter()
    describe = canon.ox_describer(store)
    plain = rdflib_namer(rdflib.Graph())

    def name(t: Any) -> str | None:  # blank nodes of the report keep the store's labels
        return describe(ox.BlankNode(str(t))) if isinstance(t, rdflib.BNode) else plain(t)

    return report_rows(report, name), {"parse": t1 - t0, "inference": t2 - t1, "validate": t3 - t2}


# ------------------------------------------------------------------------------ compiled SPARQL


@contextlib.contextmanager
def ontology_as_shipped_graph() -> Iterator[None]:
    """Make ``spasmkg validate``'s code load ontology/spasmkg.ttl alone as the shipped graph.

    ``load_validation_store`` (hence ``run_checks``) always loads ``resources.graph_files()``
    (ontology and shipped knowledge) before the ``--data`` files; every engine here validates
    ontology/spasmkg.ttl plus the data files alone (a fixture must not be merged with the shipped
    knowledge; for the shipped graph the data file is knowledge.ttl). Inside this block the shipped
    part is narrowed to the ontology; the loading itself is the production code's.
    """
    from spasmkg import resources

    with mock.patch.object(resources, "graph_files", return_value=[resources.tbox_path()]):
        yield


def validation_store(files: Sequence[Path]) -> Any:
    """The store ``spasmkg validate`` builds (``load_validation_store``: bulk load, named graphs
    merged, lexical side table) for ontology/spasmkg.ttl plus ``files``."""
    from spasmkg.check.validate import load_validation_store

    with ontology_as_shipped_graph():
        return load_validation_store(files)


def compiled_engine(
    files: Sequence[Path], *, progress: Callable[[Any, int, float], None] | None = None
) -> tuple[list[Row], Timings]:
    """What ``spasmkg validate`` runs: the same compiled shapes, the same store, the same queries.

    ``check_shacl_compiled`` calls ``shacl_sparql.validate`` as here, then turns the results into
    CURIE'd strings (a blank focus node becomes "(blank node)"); the raw results are kept here so
    that blank nodes can be named by their edges (canon.py).
    """
    import pyoxigraph as ox

    from spasmkg.check.shacl import compiled_shapes
    from spasmkg.check.shacl_sparql import validate

    compiled = compiled_shapes()
    t1 = time.perf_counter()
    store = validation_store(files)
    t2 = time.perf_counter()
    results = validate(store, compiled, progress=progress)
    t3 = time.perf_counter()
    name = canon.ox_describer(store)
    rows = [
        Row(
            focus=name(r.focus),
            shape=name(r.shape),
            severity=r.severity,
            component=r.component,
            path=name(r.path) if isinstance(r.path, ox.NamedNode) else ("(path)" if r.path is not None else None),
            value=name(r.value) if r.value is not None else None,
            message=r.message,
        )
        for r in results
    ]
    return rows, {"compile": compiled.seconds, "parse": t2 - t1, "validate": t3 - t2}


# ------------------------------------------------------------------------------ pyrudof


def rudof(files: Sequence[Path], *, closure: bool = False) -> tuple[list[Row], Timings]:
    argv = [str(RUDOF_PYTHON), str(Path(__file__).with_name("rudof_runner.py")), *map(str, files)]
    if closure:
        argv.append("--closure")
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=3600, check=False)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if "error" in out:
        raise RuntimeError(out["error"])
    rows = [Row(**r) for r in out["results"]]
    return rows, out["timings"]


ENGINES: dict[str, Engine] = {
    "pyshacl": pyshacl_reference,
    "pyshacl-preinf": pyshacl_preinf,
    "pyshacl-fast": pyshacl_fast,
    "pyshacl-ox": pyshacl_ox,
    "compiled": compiled_engine,
    "rudof": rudof,
    "rudof-closure": lambda files: rudof(files, closure=True),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("engine", choices=sorted(ENGINES))
    ap.add_argument("data", nargs="+", type=Path)
    ap.add_argument("--no-results", action="store_true", help="print counts only")
    ap.add_argument("--per-shape", action="store_true", help="compiled: one line per shape on stderr")
    args = ap.parse_args(argv)
    engine = ENGINES[args.engine]
    if args.per_shape and args.engine == "compiled":

        def progress(q: Any, n: int, secs: float) -> None:
            print(f"{secs:7.3f} s {n:6d} result(s)  {q.label}", file=sys.stderr, flush=True)

        engine = functools.partial(compiled_engine, progress=progress)
    started = time.perf_counter()
    try:
        rows, timings = engine(args.data)
    except Exception as exc:
        print(json.dumps({"engine": args.engine, "error": f"{type(exc).__name__}: {exc}"}))
        return 2
    timings["total"] = time.perf_counter() - started
    out: dict[str, Any] = {
        "engine": args.engine,
        "timings": timings,
        "n": len(rows),
        "violations": sum(r.severity == SH + "Violation" for r in rows),
    }
    if not args.no_results:
        out["results"] = [asdict(r) for r in rows]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
