"""Make a larger graph of the same shape: the shipped knowledge replicated N times.

    python bench/synth.py --scale 10 -o bench/out/kg-x10.nt

Every copy K (0 .. N-1) of ``ontology/knowledge.ttl`` gets fresh IRIs:
``https://w3id.org/spasmkg/resource/X`` becomes ``.../resource/X__rK`` and
``https://w3id.org/spasmkg/evidence/X`` becomes ``.../evidence/X__rK``; blank nodes are renamed
per copy. Ontology terms (classes, properties), external cross-reference IRIs and all literals
are kept, so each copy has the same triples, evidence included. Labels and synonyms
(rdfs:label, skos:altLabel, skos:prefLabel) get a `` [rK]`` suffix unless ``--same-labels`` is
given, so that the copies stay valid (no duplicate-label QC rows, no ambiguous label lookups).

The output is N-Triples (``.nt``), written with pyoxigraph's term serialisation: each triple
of the input is turned once into a template, then the copies are plain string joins.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyoxigraph

ROOT = Path(__file__).resolve().parents[1]
RESOURCE = "https://w3id.org/spasmkg/resource/"
EVIDENCE = "https://w3id.org/spasmkg/evidence/"
LABELS = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
}


def _term(term: object, predicate: str | None, distinct_labels: bool) -> tuple[str, str] | str:
    """The N-Triples text of a term: a fixed string, or a (head, tail) pair with the copy tag between."""
    if isinstance(term, pyoxigraph.NamedNode):
        if term.value.startswith((RESOURCE, EVIDENCE)):
            text = str(term)  # <...>
            return (text[:-1] + "__r", ">")
        return str(term)
    if isinstance(term, pyoxigraph.BlankNode):
        return (f"_:{term.value}_r", "")
    if isinstance(term, pyoxigraph.Literal) and distinct_labels and predicate in LABELS:
        text = str(term)  # "..."@lang or "..."^^<datatype>: the last '"' closes the lexical form
        end = text.rindex('"')
        return (text[:end] + " [r", "]" + text[end:])
    return str(term)


def synthesise(source: Path, scale: int, out: Path, *, distinct_labels: bool = True) -> int:
    """Write ``scale`` renamed copies of ``source`` to ``out`` (N-Triples); return the triple count."""
    templates: list[tuple[tuple[str, str] | str, ...]] = []
    with source.open("rb") as fh:
        for t in pyoxigraph.parse(fh, format=pyoxigraph.RdfFormat.TURTLE):
            p = t.predicate.value
            templates.append(tuple(_term(x, p, distinct_labels) for x in (t.subject, t.predicate, t.object)))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".part")
    n = 0
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        for k in range(scale):
            tag = str(k)
            lines = []
            for tpl in templates:
                parts = [x if isinstance(x, str) else x[0] + tag + x[1] for x in tpl]
                lines.append(f"{parts[0]} {parts[1]} {parts[2]} .\n")
            fh.write("".join(lines))
            n += len(lines)
    tmp.replace(out)
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", "-n", type=int, required=True, help="number of copies (N >= 1)")
    ap.add_argument("-o", "--output", type=Path, required=True, help="output file (.nt)")
    ap.add_argument("--source", type=Path, default=ROOT / "ontology" / "knowledge.ttl", help="input Turtle file")
    ap.add_argument("--same-labels", action="store_true", help="keep labels identical in every copy")
    args = ap.parse_args(argv)
    if args.scale < 1:
        ap.error("--scale must be >= 1")
    if args.output.suffix != ".nt":
        ap.error("the output is N-Triples: use a .nt file name")
    started = time.perf_counter()
    n = synthesise(args.source, args.scale, args.output, distinct_labels=not args.same_labels)
    size = args.output.stat().st_size
    print(
        f"wrote {args.output}: {n} triples ({args.scale} copies), {size / 1e6:.1f} MB "
        f"in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
