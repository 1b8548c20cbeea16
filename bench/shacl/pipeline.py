"""What ``spasmkg validate --no-owl`` would cost on one pyoxigraph store (prototype, issue 13).

    python bench/shacl/pipeline.py DATA... [--json]

The data files and ontology/spasmkg.ttl are parsed once, by pyoxigraph, into one in-memory store
(no rdflib anywhere: rdflib alone needs ≈ 40 s of CPU and 1.3 GB to parse N = 100). On that store:

* shacl     -- the compiled shapes (compile.py), one query per shape, a progress line per check
               when the run is long (here always on stderr unless --quiet);
* evidence  -- the same test as src/spasmkg/validate.py's check_evidence (quote == corpus[start:end],
               prefix/suffix context, source SHA-256), reading the evidence nodes with one SELECT;
* qc        -- the QC queries of queries/qc/ through spasmkg.engine.execute.run, as validate does.

The lexical side table lives in a named graph, so the QC queries (default graph) do not see it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import compile as shc

EVIDENCE = """
PREFIX spasmkg: <https://w3id.org/spasmkg/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?ev ?quote ?start ?end ?prefix ?suffix WHERE {
  ?ev rdf:type spasmkg:Evidence .
  OPTIONAL { ?ev oa:exact ?quote } OPTIONAL { ?ev oa:start ?start } OPTIONAL { ?ev oa:end ?end }
  OPTIONAL { ?ev oa:prefix ?prefix } OPTIONAL { ?ev oa:suffix ?suffix }
}
"""
SHA = "SELECT ?doc ?sha WHERE { ?doc <https://w3id.org/spasmkg/sha256> ?sha }"


def check_evidence(store: Any) -> tuple[int, list[str]]:
    from spasmkg import resources

    corpus = resources.corpus_text()
    sha = resources.sha256_file(resources.corpus_path())
    problems: list[str] = []
    seen: set[str] = set()
    for row in store.query(EVIDENCE):
        ev = str(row["ev"])
        if ev in seen:  # several quotes or offsets: the first row decides, as rdflib's value() does
            continue
        seen.add(ev)
        try:
            s, e = int(row["start"].value), int(row["end"].value)
        except (AttributeError, TypeError, ValueError):
            problems.append(f"{ev}: offsets missing or not integers")
            continue
        if row["quote"] is None or corpus[s:e] != row["quote"].value:
            problems.append(f"{ev}: quote does not match corpus[{s}:{e}]")
            continue
        if row["prefix"] is not None and not corpus[:s].endswith(row["prefix"].value):
            problems.append(f"{ev}: oa:prefix is not the text before the quote")
        if row["suffix"] is not None and not corpus[e:].startswith(row["suffix"].value):
            problems.append(f"{ev}: oa:suffix is not the text after the quote")
    for row in store.query(SHA):
        if row["sha"].value != sha:
            problems.append(f"{row['doc']}: source SHA-256 differs from the shipped corpus")
    return len(seen), problems


def check_qc(store: Any) -> list[str]:
    from spasmkg.engine import catalog
    from spasmkg.engine import execute as engine

    rows = []
    for name, q in catalog.qc_queries().items():
        res = engine.run(q.text, store=store, limit=100, timeout=None)
        rows += [f"{name}: {row}" for row in res.rows]
    return rows


def main(argv: list[str] | None = None) -> int:
    from spasmkg import resources

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="+", type=Path)
    ap.add_argument("--json", action="store_true", help="one JSON line with the timings on stdout")
    ap.add_argument("--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    t: dict[str, float] = {}
    started = time.perf_counter()

    def progress(q: shc.ShapeQuery, n: int, secs: float) -> None:
        if not args.quiet:
            print(f"  shacl {secs:6.2f} s  {n:5d} result(s)  {q.shape}", file=sys.stderr, flush=True)

    compiled = shc.compile_shapes(resources.shapes_path())
    store = shc.load_store([resources.tbox_path(), *args.data], lexical=compiled.needs_lexical)
    t["parse"] = time.perf_counter() - started
    mark = time.perf_counter()
    results = shc.validate_store(store, compiled, progress=progress)
    t["shacl"] = time.perf_counter() - mark
    mark = time.perf_counter()
    n_evidence, evidence_problems = check_evidence(store)
    t["evidence"] = time.perf_counter() - mark
    mark = time.perf_counter()
    qc_rows = check_qc(store)
    t["qc"] = time.perf_counter() - mark
    t["total"] = time.perf_counter() - started
    summary = {
        "engine": "pipeline",
        "timings": t,
        "n": len(results),
        "evidence_checked": n_evidence,
        "evidence_problems": len(evidence_problems),
        "qc_rows": len(qc_rows),
    }
    if args.json:
        print(json.dumps(summary))
    else:
        for k, v in summary.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
