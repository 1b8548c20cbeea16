"""Generate ``ontology/knowledge.ttl`` from the curation tables (the one hand-edited source).

The curation tables under ``ontology/curation/`` hold one row per fact with the verbatim
corpus quote that supports it. This module finds each quote's character offsets in the
corpus, reifies every edge and typing as an ``owl:Axiom`` annotated with its evidence
(as OBO ontologies annotate axioms) and writes deterministic Turtle (rdflib ``longturtle``).

Run ``python -m spasmkg.kb.build`` after editing a table; ``--check`` exits 1 when the
committed ``knowledge.ttl`` is not what the tables generate.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from spasmkg import resources
from spasmkg.io.cache import sha256_file, sha256_text
from spasmkg.kb.reify import reify
from spasmkg.namespaces import OA, OBO, SKE, SKR, SPASMKG, XREF_PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = [
    "CONTEXT_CHARS",
    "CORPUS_ID",
    "GUIDANCE_KINDS",
    "HEADER",
    "IAO_DEFINITION_IRI",
    "MAPPING_JUSTIFICATION",
    "MAPPING_PREDICATES",
    "SUPPORT_ECO",
    "UCUM_UNITS",
    "CurationError",
    "Grade",
    "Row",
    "build_graph",
    "locate",
    "main",
    "read_table",
    "render",
    "tables",
    "where_seen",
]

#: Closed lists checked at build time (and again by the SHACL shapes).
GUIDANCE_KINDS = (
    "spasm-duration",
    "application-duration",
    "interval-between-applications",
    "start-after",
    "daily-requirement",
    "session-duration",
    "sessions-per-week",
    "rest-duration",
)
UCUM_UNITS = ("s", "min", "h", "d", "wk", "mg/d", "/wk")
MAPPING_PREDICATES = ("exactMatch", "closeMatch", "relatedMatch", "narrowMatch", "broadMatch")
#: Every curated cross-reference is a manual mapping (SSSOM ``mapping_justification``).
MAPPING_JUSTIFICATION = "semapv:ManualMappingCuration"
CORPUS_ID = "back-spasm-corpus"
#: IAO:0000115 "definition" (IAO ontology-metadata.owl), given next to every skos:definition.
IAO_DEFINITION_IRI = OBO + "IAO_0000115"
#: ``support`` column -> Evidence & Conclusion Ontology class (the axiom's ``spasmkg:evidenceType``).
SUPPORT_ECO = {
    "stated": OBO + "ECO_0000303",  # author statement without traceable support used in manual assertion
    "inferred": OBO + "ECO_0000305",  # curator inference used in manual assertion
}
#: Characters of corpus context kept as ``oa:prefix`` / ``oa:suffix`` around each quote.
CONTEXT_CHARS = 32


class CurationError(ValueError):
    """A curation table row that cannot be turned into RDF."""


@dataclass(frozen=True)
class Row:
    """One table row with the file and line it came from (for error messages)."""

    file: str
    line: int
    data: dict[str, str]

    def get(self, key: str) -> str:
        return (self.data.get(key) or "").strip()

    def where(self) -> str:
        return f"{self.file}:{self.line}"


def read_table(path: Path) -> Iterator[Row]:
    """Yield the rows of a TSV table; ``#`` lines and blank lines are skipped."""
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [(n, line) for n, line in enumerate(fh, start=1) if line.strip() and not line.startswith("#")]
    if not lines:
        return
    header = lines[0][1].rstrip("\n").split("\t")
    for n, line in lines[1:]:
        cells = next(csv.reader([line.rstrip("\n")], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) > len(header):
            raise CurationError(f"{path.name}:{n}: {len(cells)} cells but the header has {len(header)}")
        yield Row(path.name, n, dict(zip(header, cells, strict=False)))


def tables(kind: str, root: Path | None = None) -> Iterator[Row]:
    folder = (root or resources.curation_dir()) / kind
    for path in sorted(folder.glob("*.tsv")):
        yield from read_table(path)


def where_seen(other: str) -> str:
    """The ``where_seen`` value of an SSSOM ``other`` cell (``|``-separated ``key=value`` pairs).

    >>> where_seen("where_seen=symp.obo (2013 copy)")
    'symp.obo (2013 copy)'
    >>> where_seen("")
    ''
    """
    for pair in other.split("|"):
        key, _, value = pair.partition("=")
        if key.strip() == "where_seen":
            return value.strip()
    return ""


def locate(quote: str, corpus: str, where: str) -> tuple[int, int]:
    """Return the (start, end) offsets of the first occurrence of ``quote`` in ``corpus``.

    >>> locate("cold", "hot or cold", "t")
    (7, 11)
    """
    if not quote:
        raise CurationError(f"{where}: empty quote")
    start = corpus.find(quote)
    if start < 0:
        raise CurationError(f"{where}: quote not found verbatim in the corpus: {quote[:80]!r}")
    return start, start + len(quote)


def build_graph(root: Path | None = None, corpus: str | None = None) -> Graph:
    """Build the knowledge graph (ABox) from the curation tables. Raises CurationError."""
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

    sk = Namespace(SPASMKG)
    oa = Namespace(OA)
    skr = Namespace(SKR)
    ske = Namespace(SKE)
    text = corpus if corpus is not None else resources.corpus_text()
    tbox = Graph().parse(resources.tbox_path())
    tbox_terms = {str(s) for s in tbox.subjects() if isinstance(s, URIRef)}

    g = Graph()
    g.bind("spasmkg", sk)
    g.bind("skr", skr)
    g.bind("ske", ske)
    g.bind("skos", SKOS)
    g.bind("owl", OWL)
    g.bind("dcterms", DCTERMS)
    g.bind("oa", oa)
    g.bind("eco", Namespace(OBO + "ECO_"))
    g.bind("iao", Namespace(OBO + "IAO_"))
    iao_definition = URIRef(IAO_DEFINITION_IRI)
    for prefix, ns in XREF_PREFIXES.items():
        g.bind(prefix.lower(), Namespace(ns))

    doc = skr[CORPUS_ID]
    g.add((doc, RDF.type, OWL.NamedIndividual))
    g.add((doc, RDF.type, sk.SourceDocument))
    g.add((doc, RDFS.label, Literal("back muscle spasm web-text corpus", lang="en")))
    g.add((doc, sk.sha256, Literal(sha256_file(resources.corpus_path()) if corpus is None else sha256_text(text))))
    g.add((doc, DCTERMS.source, Literal("ontology/sources/back-spasm-corpus.txt")))

    errors: list[str] = []

    def evidence(quote: str, where: str) -> URIRef | None:
        try:
            start, end = locate(quote, text, where)
        except CurationError as exc:
            errors.append(str(exc))
            return None
        node = ske[f"{start}-{end}"]
        g.add((node, RDF.type, OWL.NamedIndividual))
        g.add((node, RDFS.label, Literal(f"evidence {start}-{end}", lang="en")))  # OBO: every entity has a label
        for cls in (sk.Evidence, oa.TextQuoteSelector, oa.TextPositionSelector):
            g.add((node, RDF.type, cls))
        g.add((node, oa.exact, Literal(quote)))
        g.add((node, oa.prefix, Literal(text[max(0, start - CONTEXT_CHARS) : start])))
        g.add((node, oa.suffix, Literal(text[end : end + CONTEXT_CHARS])))
        g.add((node, oa.start, Literal(start, datatype=XSD.nonNegativeInteger)))
        g.add((node, oa.end, Literal(end, datatype=XSD.nonNegativeInteger)))
        g.add((node, sk.source, doc))
        return node

    seen_axioms: set[tuple[object, ...]] = set()

    def grade(row: Row) -> Grade | None:
        """The row's support, hedges and note, checked against its quote."""
        try:
            return Grade.of(row)
        except CurationError as exc:
            errors.append(str(exc))
            return None

    def annotate(s: URIRef, p: URIRef, o: URIRef, ev: URIRef | None, how: Grade | None) -> None:
        """Reify one claim row as its own owl:Axiom: evidence, evidence type, hedges, note."""
        key = (s, p, o, ev, how)
        if key in seen_axioms:
            return
        seen_axioms.add(key)
        ax = reify(g, s, p, o)
        if ev is not None:
            g.add((ax, sk.hasEvidence, ev))
        if how is not None:
            g.add((ax, sk.evidenceType, URIRef(SUPPORT_ECO[how.support])))
            for hedge in how.hedges:
                g.add((ax, sk.hedge, Literal(hedge)))
            if how.note:
                g.add((ax, SKOS.editorialNote, Literal(how.note, lang="en")))

    def term(ref: str, where: str, *, tbox_only: bool = False) -> URIRef | None:
        if ref.startswith("spasmkg:"):
            iri = SPASMKG + ref.split(":", 1)[1]
            if iri not in tbox_terms:
                errors.append(f"{where}: {ref} is not defined in spasmkg.ttl")
                return None
            return URIRef(iri)
        if tbox_only:
            iri = SPASMKG + ref
            if iri not in tbox_terms:
                errors.append(f"{where}: {ref} is not a class or property of spasmkg.ttl")
                return None
            return URIRef(iri)
        if ref not in entities and ref not in guidance_ids:
            errors.append(f"{where}: unknown entity id {ref!r} (add it to a table under curation/entities)")
            return None
        return skr[ref]

    # ---- entities: typing, labels, synonyms, definitions
    entities: dict[str, Row] = {}
    guidance_ids = {row.get("id") for row in tables("guidance", root)}
    for row in tables("entities", root):
        ident = row.get("id")
        if not ident:
            errors.append(f"{row.where()}: missing id")
            continue
        if ident in entities:
            errors.append(f"{row.where()}: id {ident!r} already defined at {entities[ident].where()}")
            continue
        entities[ident] = row
    for ident, row in entities.items():
        node = skr[ident]
        g.add((node, RDF.type, OWL.NamedIndividual))
        g.add((node, RDFS.label, Literal(row.get("label"), lang="en")))
        for syn in _split(row.get("synonyms")):
            g.add((node, SKOS.altLabel, Literal(syn, lang="en")))
        for lay in _split(row.get("lay_terms")):
            g.add((node, SKOS.hiddenLabel, Literal(lay, lang="en")))
        definition = row.get("definition")
        if definition:
            if definition not in text:
                errors.append(f"{row.where()}: definition is not a verbatim corpus quote: {definition[:80]!r}")
            g.add((node, SKOS.definition, Literal(definition, lang="en")))
            g.add((node, iao_definition, Literal(definition, lang="en")))  # the OBO definition property
        types = row.get("types").split()
        if not types:
            errors.append(f"{row.where()}: no type for {ident}")
        ev = evidence(row.get("quote"), row.where())
        how = grade(row)
        for t in types:
            cls = term(t, row.where(), tbox_only=True)
            if cls is None:
                continue
            g.add((node, RDF.type, cls))
            annotate(node, RDF.type, cls, ev, how)

    # ---- claims: object property edges between entities
    for row in tables("claims", root):
        s = term(row.get("subject"), row.where())
        if row.get("predicate") == "a":  # a typing with its own evidence
            p: URIRef | None = RDF.type
            o = term(row.get("object").removeprefix("spasmkg:"), row.where(), tbox_only=True)
        else:
            p = term(row.get("predicate"), row.where(), tbox_only=True)
            o = term(row.get("object"), row.where())
        ev = evidence(row.get("quote"), row.where())
        how = grade(row)
        if s is None or p is None or o is None:
            continue
        g.add((s, p, o))
        annotate(s, p, o, ev, how)

    # ---- quantitative guidance: typed values with UCUM units
    for row in tables("guidance", root):
        ident = row.get("id")
        about = term(row.get("about"), row.where())
        ev = evidence(row.get("quote"), row.where())
        how = grade(row)
        stated = row.get("stated")
        if not stated or stated not in row.get("quote"):
            errors.append(f"{row.where()}: 'stated' must be the part of the quote that gives the quantity: {stated!r}")
        else:
            g.add((skr[ident], sk.statedAs, Literal(stated)))
        kind, unit = row.get("kind"), row.get("unit")
        if kind not in GUIDANCE_KINDS:
            errors.append(f"{row.where()}: kind {kind!r} not in {GUIDANCE_KINDS}")
        numbers = [row.get(c) for c in ("min", "max", "typical") if row.get(c)]
        if unit not in UCUM_UNITS and (numbers or unit):
            errors.append(f"{row.where()}: unit {unit!r} not in {UCUM_UNITS} (a unit is needed with a number)")
        node = skr[ident]
        g.add((node, RDF.type, OWL.NamedIndividual))
        g.add((node, RDF.type, sk.QuantitativeGuidance))
        g.add((node, RDFS.label, Literal(row.get("label"), lang="en")))
        g.add((node, sk.guidanceKind, Literal(kind)))
        if unit:
            g.add((node, sk.unit, Literal(unit)))
        for col, prop in (("min", sk.minValue), ("max", sk.maxValue), ("typical", sk.typicalValue)):
            if row.get(col):
                try:
                    g.add((node, prop, Literal(Decimal(row.get(col)), datatype=XSD.decimal)))
                except InvalidOperation:
                    errors.append(f"{row.where()}: {col} {row.get(col)!r} is not a number")
        if ev is not None:
            g.add((node, sk.guidanceEvidence, ev))
        if about is not None:
            g.add((about, sk.hasGuidance, node))
            annotate(about, sk.hasGuidance, node, ev, how)

    # ---- cross-references (SSSOM tables): only identifiers verified in a primary source
    for row in tables("mappings", root):
        subject, pred = row.get("subject_id"), row.get("predicate_id")
        if not subject.startswith("skr:"):
            errors.append(f"{row.where()}: subject_id {subject!r} is not a skr: CURIE")
            continue
        s = term(subject.removeprefix("skr:"), row.where())
        if not pred.startswith("skos:") or pred.removeprefix("skos:") not in MAPPING_PREDICATES:
            errors.append(f"{row.where()}: predicate_id {pred!r} is not one of skos:{MAPPING_PREDICATES}")
            continue
        pred = pred.removeprefix("skos:")
        prefix, _, local = row.get("object_id").partition(":")
        if prefix not in XREF_PREFIXES or not local:
            errors.append(f"{row.where()}: {row.get('object_id')!r} is not a CURIE of {sorted(XREF_PREFIXES)}")
            continue
        if row.get("mapping_justification") != MAPPING_JUSTIFICATION:
            errors.append(f"{row.where()}: mapping_justification must be {MAPPING_JUSTIFICATION}")
        seen = where_seen(row.get("other"))
        if not seen:
            errors.append(f"{row.where()}: mapping without where_seen (other: where_seen=SOURCE)")
        if s is None:
            continue
        target = URIRef(XREF_PREFIXES[prefix] + local)
        g.add((s, SKOS[pred], target))
        ax = reify(g, s, SKOS[pred], target)
        g.add((ax, sk.verifiedIn, Literal(seen)))
        if row.get("object_label"):
            g.add((ax, RDFS.label, Literal(row.get("object_label"))))
        if row.get("comment"):
            g.add((ax, SKOS.editorialNote, Literal(row.get("comment"), lang="en")))

    if errors:
        raise CurationError("\n".join(errors))
    return g


def _split(cell: str) -> list[str]:
    """``a|b`` -> ``["a", "b"]``, blanks dropped.

    >>> _split(" may | usually |")
    ['may', 'usually']
    """
    return [part.strip() for part in cell.split("|") if part.strip()]


@dataclass(frozen=True)
class Grade:
    """How a claim row is supported: ``stated`` or ``inferred``, its verbatim hedges, the curator's note."""

    support: str
    hedges: tuple[str, ...]
    note: str

    @classmethod
    def of(cls, row: Row) -> Grade:
        """Read and check the ``support``, ``hedge`` and ``note`` cells of ``row``.

        >>> Grade.of(Row("t.tsv", 2, {"quote": "It may help.", "support": "stated", "hedge": "may"}))
        Grade(support='stated', hedges=('may',), note='')
        >>> Grade.of(Row("t.tsv", 3, {"quote": "It helps.", "support": "inferred"}))
        Traceback (most recent call last):
        spasmkg.kb.build.CurationError: t.tsv:3: an inferred claim needs a note saying what the curator concluded
        """
        support, note, quote = row.get("support"), row.get("note"), row.get("quote")
        if support not in SUPPORT_ECO:
            raise CurationError(f"{row.where()}: support must be one of {sorted(SUPPORT_ECO)}, not {support!r}")
        if support == "inferred" and not note:
            raise CurationError(f"{row.where()}: an inferred claim needs a note saying what the curator concluded")
        hedges = tuple(_split(row.get("hedge")))
        for hedge in hedges:
            if hedge not in quote:
                raise CurationError(f"{row.where()}: hedge {hedge!r} is not verbatim in the quote")
        return cls(support, hedges, note)


HEADER = (
    "# GENERATED FILE - do not edit. Source: ontology/curation/*.tsv; regenerate with\n"
    "#   python -m spasmkg.kb.build\n"
    "# Each edge and typing is reified as an owl:Axiom with spasmkg:hasEvidence -> ske:START-END.\n"
)


def render(graph: Graph) -> str:
    """Serialise deterministically: canonical blank-node labels, then rdflib longturtle."""
    from spasmkg.io.rdf import canonical

    out = canonical(graph)
    out.bind("iao", OBO + "IAO_")  # IAO:0000115 as iao:0000115, as eco: and the xref prefixes
    return HEADER + out.serialize(format="longturtle")


def main(argv: list[str] | None = None) -> int:
    """``python -m spasmkg.kb.build [--check]``: write knowledge.ttl, or (``--check``) exit 1 if it is stale.
    Exit 2 on a usage error (argparse), never writing anything then."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m spasmkg.kb.build",
        description="Build ontology/knowledge.ttl from the curation tables (ontology/curation/*.tsv).",
    )
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if knowledge.ttl is out of date")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        text = render(build_graph())
    except CurationError as exc:
        print(f"curation errors:\n{exc}", file=sys.stderr)
        return 2
    target = resources.knowledge_path()
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is out of date: run python -m spasmkg.kb.build", file=sys.stderr)
            return 1
        print(f"{target.name} is current")
        return 0
    from spasmkg.io.atomic import atomic_write_text

    atomic_write_text(target, text)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
