"""How a claim is supported: the one home for reading evidence and printing a quote in its context.

Every asserted claim is an ``owl:Axiom`` (one per curation row) with ``spasmkg:hasEvidence`` -> an
evidence node that is a W3C Web Annotation ``oa:TextQuoteSelector`` (``oa:exact``, ``oa:prefix``,
``oa:suffix``) and ``oa:TextPositionSelector`` (``oa:start``, ``oa:end``) on the corpus, plus
``spasmkg:evidenceType`` (ECO), ``spasmkg:hedge`` and ``skos:editorialNote``. ``show``, ``explain``
and ``network`` read it through :data:`AXIOM_EVIDENCE` and :func:`collect`, and print it with
:meth:`Evidence.in_context`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from spasmkg.namespaces import OBO, SPASMKG

__all__ = ["AXIOM_EVIDENCE", "INFERRED", "STATED", "SUPPORT", "URGENCY_WORDS", "Evidence", "collect", "evidence_lines"]

STATED = OBO + "ECO_0000303"
INFERRED = OBO + "ECO_0000305"
#: Evidence type IRI -> the word the tables, queries and CLI use.
SUPPORT: dict[str, str] = {STATED: "stated", INFERRED: "inferred"}

#: Urgency level IRI -> what to do, as the CLI prints it.
URGENCY_WORDS: dict[str, str] = {
    SPASMKG + "ImmediateCare": "seek immediate medical care",
    SPASMKG + "PromptCare": "seek prompt medical care",
    SPASMKG + "SeeDoctor": "see a doctor",
}

#: SPARQL group: the evidence of every axiom reifying ``?src ?p ?tgt`` (bind those three first).
#: One row per (axiom, hedge); :func:`collect` folds them back into one :class:`Evidence` per axiom.
AXIOM_EVIDENCE = """
    ?ax owl:annotatedSource ?src ; owl:annotatedProperty ?p ; owl:annotatedTarget ?tgt ; spasmkg:hasEvidence ?ev .
    ?ev oa:exact ?quote ; oa:start ?start ; oa:end ?end .
    OPTIONAL { ?ev oa:prefix ?prefix } OPTIONAL { ?ev oa:suffix ?suffix }
    OPTIONAL { ?ax spasmkg:evidenceType ?eco } OPTIONAL { ?ax skos:editorialNote ?note }
    OPTIONAL { ?ax spasmkg:hedge ?hedge }
"""


@dataclass(frozen=True)
class Evidence:
    """One supporting quote of a claim, how it supports it, its hedges and the curator's note."""

    quote: str
    start: int
    end: int
    support: str = "stated"
    hedges: tuple[str, ...] = ()
    note: str = ""
    prefix: str = ""
    suffix: str = ""

    def in_context(self, *, width: int = 32) -> str:
        """The quote in its corpus context, the quote itself in ``**bold**``.

        >>> Evidence("rest", 10, 14, prefix="plenty of ", suffix=" helps.").in_context()
        '…plenty of **rest** helps.…'
        """
        return f"…{self.prefix[-width:]}**{self.quote}**{self.suffix[:width]}…"

    def describe(self) -> str:
        """One line: support, hedges, offsets.

        >>> Evidence("It may help.", 0, 12, hedges=("may",)).describe()
        'stated; hedged: "may"; [0:12]'
        """
        parts = [self.support]
        if self.hedges:
            parts.append("hedged: " + ", ".join(f'"{h}"' for h in self.hedges))
        parts.append(f"[{self.start}:{self.end}]")
        return "; ".join(parts)

    def one_line(self) -> str:
        """``"quote" [start:end]``, flagged when a curator inferred the claim or the quote hedges it
        (the short form under paths and neighbourhoods), terminal-safe.

        >>> print(Evidence("It may help.", 5, 17, "inferred", ("may",)).one_line())
        "It may help." [5:17] (curator inference; hedged: 'may')
        """
        from spasmkg.text import terminal_safe

        def shown(text: str) -> str:
            return terminal_safe(text, multiline=False)

        flags = [] if self.support == "stated" else ["curator inference"]
        flags += [f"hedged: {shown(repr(h))}" for h in self.hedges]
        return f'"{shown(self.quote)}" [{self.start}:{self.end}]' + (f" ({'; '.join(flags)})" if flags else "")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Evidence:
        """The inverse of :meth:`as_dict` (evidence as stored on networkx edges and in JSON)."""
        return cls(**{**d, "hedges": tuple(d.get("hedges", ()))})

    def as_dict(self) -> dict[str, Any]:
        return {
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "support": self.support,
            "hedges": list(self.hedges),
            "note": self.note,
            "prefix": self.prefix,
            "suffix": self.suffix,
        }


@dataclass
class _Acc:
    row: Mapping[str, Any]
    hedges: set[str] = field(default_factory=set)


def collect(rows: Iterable[Mapping[str, Any]], key: tuple[str, ...] = ()) -> dict[tuple[Any, ...], list[Evidence]]:
    """Fold query rows that used :data:`AXIOM_EVIDENCE` into ``{key values: [Evidence, ...]}``.

    Rows without a quote (no axiom matched the OPTIONAL) give an empty list for their key.
    Evidence lists are sorted by offset, then support.
    """
    groups: dict[tuple[Any, ...], dict[Any, _Acc]] = {}
    for row in rows:
        k = tuple(row[c] for c in key)
        per_axiom = groups.setdefault(k, {})
        if row.get("quote") is None:
            continue
        acc = per_axiom.setdefault((row.get("ax"), row["quote"], row["start"]), _Acc(row))
        if row.get("hedge"):
            acc.hedges.add(str(row["hedge"]))
    out: dict[tuple[Any, ...], list[Evidence]] = {}
    for k, per_axiom in groups.items():
        evs = {
            Evidence(
                quote=str(a.row["quote"]),
                start=int(a.row["start"]),
                end=int(a.row["end"]),
                support=SUPPORT.get(str(a.row.get("eco") or ""), "unknown"),
                hedges=tuple(sorted(a.hedges)),
                note=str(a.row.get("note") or ""),
                prefix=str(a.row.get("prefix") or ""),
                suffix=str(a.row.get("suffix") or ""),
            )
            for a in per_axiom.values()
        }
        out[k] = sorted(evs, key=lambda e: (e.start, e.end, e.support, e.hedges, e.note))
    return out


def evidence_lines(ev: Evidence, *, indent: int = 0) -> list[str]:
    """Human-readable lines for one piece of evidence: quote in context, support and hedges, note.

    >>> for line in evidence_lines(Evidence("It may help.", 5, 17, "inferred", ("may",), "read with care")):
    ...     print(line)
    …**It may help.**…
      curator inference; hedged: "may"; [5:17]
      note: read with care
    """
    from spasmkg.text import terminal_safe

    pad = " " * indent
    support = "stated in the source" if ev.support == "stated" else "curator inference"
    lines = [pad + ev.in_context(), pad + "  " + ev.describe().replace(ev.support, support, 1)]
    if ev.note:
        lines.append(pad + "  note: " + ev.note)
    return [terminal_safe(line, multiline=False) for line in lines]
