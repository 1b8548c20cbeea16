"""Baseline for the benchmark: the least a program can do to answer a named query.

It imports pyoxigraph only (not spasmkg), loads the shipped graph files into an in-memory
store, runs the named query's SPARQL text with the same prefixes as spasmkg (a parameter is pre-bound
with a VALUES clause at the start of the WHERE group, as spasmkg does), and prints the
rows as JSON (IRIs and literals as strings).

    python bench/baseline_query.py queries/contraindicated-while-driving.rq [--data FILE ...]
        [--bind VAR=IRI ...] [--root REPO]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pyoxigraph

# Inlined copy of spasmkg.namespaces.ALL_PREFIXES (so this script does not import spasmkg).
PREFIXES = {
    "spasmkg": "https://w3id.org/spasmkg/",
    "skr": "https://w3id.org/spasmkg/resource/",
    "ske": "https://w3id.org/spasmkg/evidence/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "hp": "http://purl.obolibrary.org/obo/HP_",
    "mondo": "http://purl.obolibrary.org/obo/MONDO_",
    "chebi": "http://purl.obolibrary.org/obo/CHEBI_",
    "maxo": "http://purl.obolibrary.org/obo/MAXO_",
    "doid": "http://purl.obolibrary.org/obo/DOID_",
    "uberon": "http://purl.obolibrary.org/obo/UBERON_",
    "symp": "http://purl.obolibrary.org/obo/SYMP_",
    "mesh": "http://id.nlm.nih.gov/mesh/",
    "rxnorm": "http://purl.bioontology.org/ontology/RXNORM/",
}

FORMATS = {".ttl": pyoxigraph.RdfFormat.TURTLE, ".nt": pyoxigraph.RdfFormat.N_TRIPLES}


def _in_comment(text: str, pos: int) -> bool:
    line = text[text.rfind("\n", 0, pos) + 1 : pos]
    return "#" in line


def main(argv: list[str]) -> int:
    args = list(argv)
    root = Path(__file__).resolve().parents[1]
    extra: list[Path] = []
    binds: dict[str, str] = {}
    rq: Path | None = None
    while args:
        a = args.pop(0)
        if a == "--data":
            extra.append(Path(args.pop(0)))
        elif a == "--bind":
            k, _, v = args.pop(0).partition("=")
            binds[k] = v
        elif a == "--root":
            root = Path(args.pop(0))
        else:
            rq = Path(a)
    if rq is None:
        print(__doc__, file=sys.stderr)
        return 2
    files = [root / "ontology" / "spasmkg.ttl", root / "ontology" / "knowledge.ttl", *extra]
    store = pyoxigraph.Store()
    for f in files:
        store.bulk_load(path=str(f), format=FORMATS[f.suffix])
    text = rq.read_text(encoding="utf-8")
    if binds:  # pre-bind as spasmkg does: VALUES at the start of the WHERE group
        m = next(m for m in re.finditer(r"(?i)\bWHERE\s*\{", text) if not _in_comment(text, m.start()))
        clause = " ".join(f"VALUES ?{k} {{ {pyoxigraph.NamedNode(v)} }}" for k, v in sorted(binds.items()))
        text = text[: m.end()] + " " + clause + text[m.end() :]
    res = store.query(text, prefixes=PREFIXES)
    if isinstance(res, pyoxigraph.QueryBoolean):
        out: object = {"boolean": bool(res)}
    else:
        cols = [v.value for v in res.variables]
        rows = []
        for sol in res:
            row = {}
            for c in cols:
                t = sol[c]
                row[c] = None if t is None else t.value
            rows.append(row)
        out = {"columns": cols, "rows": rows}
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
