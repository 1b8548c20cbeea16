"""``spasmkg validate --no-owl`` on the bench's data graph: every check on one pyoxigraph store (issue 13).

    python bench/shacl/pipeline.py DATA... [--json] [--quiet]

This runs the production checks, ``spasmkg.check.validate.run_checks(files, owl=False)``: one store
(``load_validation_store``: bulk load, lexical side table), then ``shacl`` (the compiled shapes),
``literals``, ``evidence`` and ``qc`` on it. What ``spasmkg validate --no-owl --no-cache`` adds on top
(the ``--data`` file checks and size limits, the report) is left out, and the data graph is the
one every engine of engines.py validates: ontology/spasmkg.ttl plus DATA (for the shipped graph,
DATA is ontology/knowledge.ttl), not the shipped graph plus DATA (``engines.ontology_as_shipped_graph``).

Until 1dc689c this was a prototype of that pipeline on bench/shacl/compile.py, with its own copies of
the evidence and QC checks (and no ``literals`` check); the ``pipeline`` rows of measurements.json
and of the README were measured with it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import engines


def main(argv: list[str] | None = None) -> int:
    from spasmkg.check.validate import run_checks

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="+", type=Path)
    ap.add_argument("--json", action="store_true", help="one JSON line with the timings on stdout")
    ap.add_argument("--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    loaded: list[float] = []

    def progress(line: str) -> None:
        if not loaded:  # the first line is "loaded N triples"
            loaded.append(time.perf_counter() - started)
        if not args.quiet:
            print(f"  {time.perf_counter() - started:7.2f} s  {line}", file=sys.stderr, flush=True)

    with engines.ontology_as_shipped_graph():
        checks = run_checks(args.data, owl=False, progress=progress)
    t = {"parse": loaded[0] if loaded else 0.0, **{c.name: c.seconds for c in checks}}
    t["total"] = time.perf_counter() - started
    by_name = {c.name: c for c in checks}
    summary = {
        "engine": "pipeline",
        "timings": t,
        "n": len(by_name["shacl"].violations),
        "ok": {c.name: c.ok for c in checks},
        "summaries": {c.name: c.summary for c in checks},
    }
    if args.json:
        print(json.dumps(summary))
    else:
        for k, v in summary.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
