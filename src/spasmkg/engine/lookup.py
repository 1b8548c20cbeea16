"""Find concepts by CURIE, IRI, label, synonym or lay term (case-insensitive), and rank text matches.

Ranking errs on the safe side: among the concepts a text matches by word or substring, red flags
come first, most urgent first (so "numbness" lists *sudden one-sided numbness or weakness*, which
needs immediate care, above a milder numbness node that matches the word exactly); fuzzy matches
follow.

Terms are at most :data:`spasmkg.engine.catalog.MAX_TERM_CHARS` characters (longer ones are refused
before any matching), and the fuzzy score is only computed for labels whose cheap upper bounds
(``real_quick_ratio``, ``quick_ratio``: linear in the lengths) can still reach the cut-off, so a
hostile ``--data`` label of any length costs linear time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from spasmkg.engine.catalog import check_term_length
from spasmkg.engine.evidence import URGENCY_WORDS
from spasmkg.engine.store import DataArg, open_store
from spasmkg.errors import UnknownTerm
from spasmkg.namespaces import RDF, SPASMKG, curie, expand

RDF_TYPE = RDF + "type"

if TYPE_CHECKING:
    import pyoxigraph

__all__ = ["RDF_TYPE", "URGENCY_ORDER", "LabelIndex", "Match", "label_index", "normalise", "resolve"]

_LABELS_QUERY = """
SELECT ?s ?label ?pref ?cls ?urgency WHERE {
  { ?s rdfs:label ?label BIND(true AS ?pref) }
  UNION { ?s skos:altLabel ?label BIND(false AS ?pref) }
  UNION { ?s skos:hiddenLabel ?label BIND(false AS ?pref) }
  OPTIONAL { ?s a owl:Class BIND(true AS ?cls) }
  OPTIONAL { ?s spasmkg:hasUrgency ?urgency }
  FILTER(isIRI(?s))
}
"""

_FUZZY_CUTOFF = 0.45

#: Urgency levels, most urgent first (the order search ranks red flags in).
URGENCY_ORDER = tuple(URGENCY_WORDS)


@dataclass(frozen=True)
class Match:
    iri: str
    label: str
    matched: str
    score: float
    urgency: str | None = None


def normalise(text: str) -> str:
    """Lower-case, curly quotes straightened, white space folded.

    >>> normalise("  Back’s   SPASM ")
    "back's spasm"
    """
    return " ".join(text.replace("’", "'").lower().split())


class LabelIndex:
    """Labels and synonyms of every IRI in a store."""

    def __init__(self, store: pyoxigraph.Store):
        from spasmkg.namespaces import ALL_PREFIXES

        self.labels: dict[str, str] = {}
        self.entries: list[tuple[str, str, bool]] = []  # (normalised text, iri, is class)
        self.classes: set[str] = set()
        self.urgency: dict[str, str] = {}
        for sol in store.query(_LABELS_QUERY, prefixes=ALL_PREFIXES):  # type: ignore[union-attr]
            iri = sol["s"].value
            text = sol["label"].value
            if sol["urgency"] is not None:
                self.urgency[iri] = sol["urgency"].value
            if sol["pref"].value == "true" and iri not in self.labels:
                self.labels[iri] = text
            is_class = sol["cls"] is not None
            if is_class:
                self.classes.add(iri)
            self.entries.append((normalise(text), iri, is_class))
        self.entries.sort()

    def label(self, iri: str) -> str:
        return self.labels.get(iri, curie(iri))

    def resolve_property(self, text: str) -> str:
        """A property by CURIE, IRI, local name or label (``contraindicatedDuring``, ``contraindicated during``);
        ``a``/``type`` is ``rdf:type``."""
        iri = expand(text)
        if iri is None and (SPASMKG + text) in self.labels:
            iri = SPASMKG + text
        if iri is not None and iri in self.labels:
            return iri
        if text in ("a", "rdf:type", "type"):
            return RDF_TYPE
        return self.resolve(text, what="predicate")

    def resolve(self, text: str, *, classes: bool | None = None, what: str = "concept") -> str:
        """Return the IRI for a CURIE, IRI, label or synonym; raise UnknownTerm otherwise."""
        raw = text.strip()
        if not raw:
            raise UnknownTerm(f"empty {what}", [])
        check_term_length(raw, what)
        iri = expand(raw)
        if iri is not None and iri in self.labels and (classes is None or (iri in self.classes) == classes):
            return iri
        if classes and iri is None and (SPASMKG + raw) in self.classes:
            return SPASMKG + raw
        key = normalise(raw)
        hits = {i for t, i, c in self.entries if t == key and (classes is None or c == classes)}
        if len(hits) == 1:
            return hits.pop()
        if not hits:
            # a unique prefix ("injury" for "injury cause") is accepted
            hits = {i for t, i, c in self.entries if t.startswith(key) and (classes is None or c == classes)}
            if len(hits) == 1:
                return hits.pop()
        if hits:
            options = sorted(f"{curie(i)} ({self.label(i)})" for i in hits)
            raise UnknownTerm(f"{what} {raw!r} is ambiguous: {'; '.join(options[:8])}", options)
        suggestions = [f"{curie(m.iri)} ({m.label})" for m in self.search(raw, limit=5, classes=classes)]
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        raise UnknownTerm(f"no {what} matches {raw!r}{hint}", suggestions)

    def search(self, text: str, *, limit: int = 10, classes: bool | None = None) -> list[Match]:
        """Rank concepts whose label or synonym matches ``text`` (exact > prefix > substring > fuzzy)."""
        import difflib  # lazily: not on the path of a plain query

        check_term_length(text.strip(), "search text")
        key = normalise(text)
        if not key:
            return []
        best: dict[str, Match] = {}
        for t, iri, is_class in self.entries:
            if classes is not None and is_class != classes:
                continue
            if t == key:
                score = 1.0
            elif t.startswith(key):
                score = 0.9 - 0.001 * (len(t) - len(key))
            elif key in t:
                score = 0.8 - 0.001 * (len(t) - len(key))
            elif all(w in t for w in key.split()):
                score = 0.7
            else:
                # the quick ratios are upper bounds of ratio(): skip the quadratic part when they
                # already rule the label out (same results, linear time for far-off labels)
                sm = difflib.SequenceMatcher(None, key, t)
                if sm.real_quick_ratio() * 0.65 < _FUZZY_CUTOFF or sm.quick_ratio() * 0.65 < _FUZZY_CUTOFF:
                    continue
                score = sm.ratio() * 0.65
                if score < _FUZZY_CUTOFF:
                    continue
            if iri not in best or score > best[iri].score:
                best[iri] = Match(iri, self.label(iri), t, round(score, 3), self.urgency.get(iri))
        return sorted(best.values(), key=self._rank)[:limit]

    @staticmethod
    def _rank(m: Match) -> tuple[int, int, float, str]:
        """Word and substring matches before fuzzy ones; among them, red flags by urgency first."""
        fuzzy = int(m.score < 0.7)
        urgency = URGENCY_ORDER.index(m.urgency) if m.urgency in URGENCY_ORDER else len(URGENCY_ORDER)
        return (fuzzy, urgency if not fuzzy else len(URGENCY_ORDER), -m.score, m.label)


_INDEXES: dict[int, LabelIndex] = {}


def label_index(data: DataArg = ()) -> LabelIndex:
    """Labels and synonyms of the graph, for resolving terms (memoised per store)."""
    st = open_store(tuple(str(d) for d in data))
    if id(st) not in _INDEXES:
        _INDEXES[id(st)] = LabelIndex(st)
    return _INDEXES[id(st)]


def resolve(term: str, data: DataArg = ()) -> str:
    """IRI of a concept given as CURIE, IRI, label or synonym (case-insensitive)."""
    return label_index(data).resolve(term)
