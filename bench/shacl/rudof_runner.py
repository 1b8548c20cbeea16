"""Validate with pyrudof (Rust SHACL) and print the results as JSON; runs in its own venv.

    /tmp/shacl-eval/venv-rudof/bin/python bench/shacl/rudof_runner.py DATA.ttl [--closure] [--no-skolem]

Needs only ``pyrudof`` and ``pyoxigraph`` (not spasmkg), so that the project's venv is not changed:
``python3 -m venv /tmp/shacl-eval/venv-rudof && /tmp/shacl-eval/venv-rudof/bin/pip install pyrudof pyoxigraph``.

The data graph is the ontology plus the data files, as pySHACL sees it with ``ont_graph``. Two
preparations, each timed (both done with pyoxigraph, which then also names blank nodes):

* ``--skolem`` (default): blank nodes become IRIs under https://bnode.invalid/ -- pyrudof 0.3.35
  substitutes a blank focus node into the SPARQL of an sh:sparql constraint as ``VALUES`` and
  fails to parse the result ("expected UNDEF"), so the shipped graph does not validate at all
  without this.
* ``--closure``: add the rdf:type triples RDFS entailment gives (subClassOf, domain, range) before
  validating, since rudof does no inference (pySHACL runs with ``inference="rdfs"``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pyrudof
from canon import RDFS_TYPES, SKOLEM, ox_describer

ROOT = Path(__file__).resolve().parents[2]


def fmt(path: Path) -> ox.RdfFormat:
    return ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE


LITERAL = re.compile(r'^"(.*)"(@[A-Za-z0-9-]+|\^\^\S+)?$', re.DOTALL)


def lexical(value: object) -> str | None:
    """rudof prints values in Turtle syntax: keep the lexical form of a literal, as canon.py does."""
    if value is None:
        return None
    m = LITERAL.match(str(value))
    return m.group(1) if m else str(value).strip("<>")


def skolem(t: object) -> object:
    return ox.NamedNode(SKOLEM + t.value) if isinstance(t, ox.BlankNode) else t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="+", type=Path)
    ap.add_argument("--tbox", type=Path, default=ROOT / "ontology" / "spasmkg.ttl")
    ap.add_argument("--shapes", type=Path, default=ROOT / "ontology" / "shapes.ttl")
    ap.add_argument("--closure", action="store_true", help="add RDFS-entailed rdf:type triples first")
    ap.add_argument("--no-skolem", action="store_true", help="keep blank nodes (pyrudof fails on sh:sparql)")
    ap.add_argument("--no-results", action="store_true", help="print counts only")
    args = ap.parse_args(argv)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    # parse (pyoxigraph's parser keeps literals as written; its store would canonicalise them)
    convert = (lambda t: t) if args.no_skolem else skolem
    quads = [
        ox.Quad(convert(q.subject), q.predicate, convert(q.object))
        for f in [args.tbox, *args.data]
        for q in ox.parse(path=str(f), format=fmt(f))
    ]
    store = ox.Store()  # for the closure and for naming blank nodes
    store.extend(quads)
    if args.closure:
        quads += [ox.Quad(t.subject, t.predicate, t.object) for t in store.query(RDFS_TYPES)]
    text = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads)
    t1 = time.perf_counter()
    timings["prepare"] = t1 - t0
    r = pyrudof.Rudof(pyrudof.RudofConfig())
    r.read_data(text, format=pyrudof.RDFFormat.NTriples)
    r.read_shacl(str(args.shapes))
    t2 = time.perf_counter()
    timings["load"] = t2 - t1
    out: dict[str, object] = {
        "engine": "pyrudof " + pyrudof.__version__ if hasattr(pyrudof, "__version__") else "pyrudof"
    }
    try:
        report = r.validate_shacl()
    except Exception as exc:  # report the library's error instead of a traceback
        timings["validate"] = time.perf_counter() - t2
        out.update(error=f"{type(exc).__name__}: {exc}", timings=timings)
        print(json.dumps(out))
        return 2
    timings["validate"] = time.perf_counter() - t2
    name = ox_describer(store)
    results = []
    for v in report.violations:
        focus = str(v.focus_node).strip("<>")
        node: object = ox.NamedNode(focus) if focus.startswith(SKOLEM) else None
        results.append(
            {
                "focus": name(node) if node is not None else focus,
                "shape": str(v.source_shape).strip("<>"),
                "severity": "http://www.w3.org/ns/shacl#" + str(v.severity).split("#")[-1],
                "component": str(v.constraint_component).split("#")[-1].removesuffix("ConstraintComponent"),
                "path": str(v.path) if v.path is not None else None,
                "value": lexical(v.value),
                "message": str(v.message or ""),
            }
        )
    timings["total"] = time.perf_counter() - t0
    out.update(conforms=bool(report.conforms), timings=timings, n=len(results))
    if not args.no_results:
        out["results"] = results
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
