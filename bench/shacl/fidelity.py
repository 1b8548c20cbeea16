"""Fidelity: does each engine report what pySHACL reports, on every SHACL fixture and the shipped graph?

    python bench/shacl/fidelity.py                       # all engines; writes /tmp/shacl-eval/fidelity.json
    python bench/shacl/fidelity.py --engines compiled    # only some

Cases: every tests/fixtures/shacl/*.ttl, tests/fixtures/shacl_cases/*.ttl (what the fixtures do not
cover) and ontology/knowledge.ttl. The reference is pySHACL called as ``spasmkg validate --engine
pyshacl`` calls it (engines.py, ``pyshacl``). tests/test_shacl_engine.py makes the same comparison
for the production engine (``compiled``) on every run of the tests; this script adds the other
engines and the ``sh:value`` detail. Results are compared on the set of (focus node, source shape,
severity) -- what tests/test_shapes.py compares -- and, as a detail, on (focus node, source shape,
severity, sh:value). Blank nodes are named by their edges (canon.py).

bench/shacl/fidelity.json is the record of this script at 16a21b9, when ``compiled`` was the
prototype bench/shacl/compile.py (and the extra case was bench/shacl/cases/, now
tests/fixtures/shacl_cases/); pass ``-o bench/shacl/fidelity.json`` only to replace that record.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import engines

FIXTURES = engines.ROOT / "tests" / "fixtures" / "shacl"
SHIPPED = engines.ONTOLOGY / "knowledge.ttl"
#: extra cases that the test fixtures do not cover (e.g. typing by rdfs:domain / rdfs:range)
EXTRA = engines.ROOT / "tests" / "fixtures" / "shacl_cases"
CANDIDATES = ["pyshacl-preinf", "pyshacl-fast", "pyshacl-ox", "compiled", "rudof", "rudof-closure"]


def short(text: str) -> str:
    for ns, p in (
        ("https://w3id.org/spasmkg/resource/", "skr:"),
        ("https://w3id.org/spasmkg/evidence/", "ske:"),
        ("https://w3id.org/spasmkg/", "spasmkg:"),
        ("http://www.w3.org/ns/shacl#", "sh:"),
        ("http://www.w3.org/2002/07/owl#", "owl:"),
    ):
        text = text.replace(ns, p)
    return text


def compare(ref: list[engines.Row], got: list[engines.Row]) -> dict[str, Any]:
    rk, gk = {r.key for r in ref}, {r.key for r in got}
    rv = {(*r.key, r.value) for r in ref}
    gv = {(*r.key, r.value) for r in got}
    return {
        "same": rk == gk,
        "missing": sorted(" | ".join(map(short, k)) for k in rk - gk),
        "extra": sorted(" | ".join(map(short, k)) for k in gk - rk),
        "same_values": rv == gv,
        "value_diff": sorted(" | ".join(map(short, map(str, k))) for k in rv ^ gv)[:6],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engines", default=",".join(CANDIDATES))
    ap.add_argument("--no-shipped", action="store_true", help="fixtures only")
    ap.add_argument("-o", "--output", type=Path, default=Path("/tmp/shacl-eval/fidelity.json"))
    args = ap.parse_args(argv)
    names = [e for e in args.engines.split(",") if e]
    cases = [(p.name, [p]) for p in sorted(FIXTURES.glob("*.ttl"))]
    cases += [(f"extra: {p.name}", [p]) for p in sorted(EXTRA.glob("*.ttl"))]
    if not args.no_shipped:
        cases.append(("shipped graph (knowledge.ttl)", [SHIPPED]))
    report: dict[str, Any] = {"cases": {}, "summary": {}}
    for label, files in cases:
        started = time.perf_counter()
        ref, _ = engines.pyshacl_reference(files)
        case: dict[str, Any] = {"reference": sorted(" | ".join(map(short, r.key)) for r in ref)}
        for name in names:
            try:
                got, _ = engines.ENGINES[name](files)
                case[name] = compare(ref, got)
            except Exception as exc:
                case[name] = {"same": False, "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
        report["cases"][label] = case
        verdicts = " ".join(f"{n}={'ok' if case[n]['same'] else 'DIFF'}" for n in names)
        print(f"{time.perf_counter() - started:6.1f} s  {label:42} {verdicts}", file=sys.stderr, flush=True)
    for name in names:
        differing = {k: v[name] for k, v in report["cases"].items() if not v[name]["same"]}
        report["summary"][name] = {
            "agree": len(cases) - len(differing),
            "differ": len(differing),
            "value_detail_differs": sorted(k for k, v in report["cases"].items() if not v[name].get("same_values")),
            "differences": differing,
        }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    for name, s in report["summary"].items():
        print(f"{name:15} agree {s['agree']:3d}  differ {s['differ']:3d}")
        for case, d in s["differences"].items():
            what = d.get("error") or f"missing {d['missing'][:3]} extra {d['extra'][:3]}"
            print(f"    {case}: {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
