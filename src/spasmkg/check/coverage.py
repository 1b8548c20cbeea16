"""Every sentence of the corpus accounted for: cited by a claim, or triaged with a reason.

Sentences come from pySBD (a rule-based segmenter, Golden-Rules tested, pure Python) with three
documented rules on top for the corpus's odd spots, which pySBD keeps inside one segment:

1. a truncated teaser glued to the next sentence by an ellipsis (``reveal for … Read and follow``)
   is split after ``…`` when a capital letter or digit follows;
2. a period glued to the next sentence (``leg muscles.But any muscles``) is split after the period
   when a lower-case letter precedes it and a capital follows;
3. a ``|`` separator (``|\\xa0 Pushing through the pain``) ends a segment.

Spans are then trimmed of white space (including no-break spaces) and segments without a letter are
dropped. A sentence is *cited* when any evidence quote of the graph overlaps its span; every other
sentence must have a row in ``ontology/curation/triage/*.tsv`` whose ``sentence`` is its exact text and
whose ``reason`` is one of :data:`REASONS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from spasmkg import resources

#: Why a sentence is not cited (closed list).
REASONS = ("navigation", "heading", "truncated", "duplicate", "no-medical-content")

_SPLITS = re.compile(r"(?<=…)\s+(?=[A-Z0-9“\"])|(?<=[a-z]\.)(?=[A-Z])|\|")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass
class Coverage:
    """The result of :func:`coverage`: counts, and what is not accounted for."""

    sentences: int
    cited: int
    triaged: int
    untriaged: list[Sentence] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.untriaged or self.stale or self.invalid)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences,
            "cited": self.cited,
            "triaged": self.triaged,
            "untriaged": len(self.untriaged),
            "untriaged_sentences": [{"start": s.start, "end": s.end, "text": s.text} for s in self.untriaged],
            "stale_triage_rows": self.stale,
            "invalid_triage_rows": self.invalid,
        }


def segment(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with their code-point offsets (see the module docstring).

    >>> [s.text for s in segment("It’s this tip that could reveal for … Read the label. Muscles.But toes can spasm.")]
    ['It’s this tip that could reveal for …', 'Read the label.', 'Muscles.', 'But toes can spasm.']
    >>> [(s.start, s.end) for s in segment("A cramp. |\\xa0 Rest.")]
    [(0, 8), (12, 17)]
    """
    import pysbd

    out: list[Sentence] = []
    for span in pysbd.Segmenter(language="en", clean=False, char_span=True).segment(text):
        pieces, last = [], span.start
        for m in _SPLITS.finditer(text, span.start, span.end):
            pieces.append((last, m.start()))
            last = m.end()
        pieces.append((last, span.end))
        for a, b in pieces:
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if any(ch.isalpha() for ch in text[a:b]):
                out.append(Sentence(a, b, text[a:b]))
    return out


@cache
def corpus_sentences() -> tuple[Sentence, ...]:
    """The shipped corpus, segmented (memoised: pySBD takes about 0.3 s)."""
    return tuple(segment(resources.corpus_text()))


_SPANS = "SELECT DISTINCT ?start ?end WHERE { ?ev a spasmkg:Evidence ; oa:start ?start ; oa:end ?end }"


def coverage() -> Coverage:
    """Account for every sentence of the shipped corpus against the shipped graph and triage tables."""
    from spasmkg.engine import execute as engine
    from spasmkg.kb.build import tables

    spans = sorted((int(r["start"]), int(r["end"])) for r in engine.run(_SPANS, limit=None).rows)
    triage: dict[str, str] = {}
    invalid: list[str] = []
    for row in tables("triage"):
        sentence, reason = row.get("sentence"), row.get("reason")
        if reason not in REASONS:
            invalid.append(f"{row.where()}: reason {reason!r} is not one of {', '.join(REASONS)}")
        elif sentence in triage:
            invalid.append(f"{row.where()}: sentence triaged twice")
        else:
            triage[sentence] = reason
    cited = triaged = 0
    untriaged: list[Sentence] = []
    used: set[str] = set()
    for s in corpus_sentences():
        if any(a < s.end and s.start < b for a, b in spans):
            cited += 1
        elif s.text in triage:
            triaged += 1
            used.add(s.text)
        else:
            untriaged.append(s)
    stale = sorted(f"{text[:80]!r} ({triage[text]})" for text in set(triage) - used)
    return Coverage(len(corpus_sentences()), cited, triaged, untriaged, stale, invalid)
