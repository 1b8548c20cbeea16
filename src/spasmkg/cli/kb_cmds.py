"""show, search, stats."""

from __future__ import annotations

import json
from typing import Any

import click

from spasmkg.cli.common import data_of, data_option, emit, format_option
from spasmkg.engine.evidence import Evidence, evidence_lines


@click.command("show")
@click.argument("term")
@format_option(("text", "json"), "text")
@data_option
@click.pass_context
def show_cmd(ctx: click.Context, term: str, fmt: str, data: tuple[str, ...]) -> None:
    """Show one concept: label, types and edges each with its quotes, synonyms, definition, cross-references.

    TERM may be a CURIE (skr:heavy_lifting), an IRI, a label or a synonym (case-insensitive).
    """
    from spasmkg import api
    from spasmkg.engine.execute import DEFAULT_TIMEOUT, bounded

    all_data = data_of(ctx, data)
    api.store(all_data)  # load first; resolving the term and the queries are bounded (terms: 500 chars)
    page = bounded(lambda: api.show(term, data=all_data), timeout=DEFAULT_TIMEOUT, what="show")
    if fmt == "json":
        emit(json.dumps(page, indent=2, ensure_ascii=False) + "\n", machine=True)
        return
    from spasmkg.text import terminal_safe

    def t(value: object) -> str:  # one field of the data, never a control sequence or a fake line
        return terminal_safe(str(value), multiline=False)

    view: dict[str, Any] = {
        **page,
        **{k: t(page[k]) for k in ("label", "curie", "iri")},
        "types": [t(x) for x in page["types"]],
        "typeClaims": [{**c, "label": t(c["label"])} for c in page["typeClaims"]],
        "synonyms": [t(x) for x in page["synonyms"]],
        "definition": t(page["definition"]) if page["definition"] else None,
        "edges": [
            {**e, "predicateLabel": t(e["predicateLabel"]), "otherLabel": t(e["otherLabel"])} for e in page["edges"]
        ],
    }
    lines = [f"{view['label']}  ({view['curie']})", f"  IRI: {view['iri']}"]
    if view["types"]:
        lines.append(f"  types: {', '.join(sorted(view['types']))}")
    for c in sorted(view["typeClaims"], key=lambda c: (c["label"], c["type"])):  # a typing is a claim too
        lines.append(f"    {c['label']}")
        lines.extend(_evidence_lines(c["evidence"]))
    if view["synonyms"]:
        lines.append(f"  synonyms: {'; '.join(view['synonyms'])}")
    if view["definition"]:
        lines.append(f"  definition: {view['definition']}")
    for x in view["xrefs"]:
        lines.append(f"  {x['relation']}: {x['curie']}  <{x['iri']}>")
    for direction, title in (("out", "edges out"), ("in", "edges in")):
        edges = [e for e in view["edges"] if e["direction"] == direction]
        if not edges:
            continue
        lines.append(f"  {title}:")
        for e in edges:
            arrow = (
                f"{e['predicateLabel']} -> {e['otherLabel']}"
                if direction == "out"
                else f"{e['otherLabel']} {e['predicateLabel']} -> this"
            )
            lines.append(f"    {arrow}")
            lines.extend(_evidence_lines(e["evidence"]))
    emit("\n".join(lines) + "\n", medical=True)


def _evidence_lines(evidence: list[dict[str, Any]]) -> list[str]:
    """The evidence of one claim of ``show`` (an edge or a typing), or that it has none."""
    lines = [line for ev in evidence for line in evidence_lines(Evidence.from_dict(ev), indent=8)]
    return lines or ["        (no evidence)"]


@click.command("search")
@click.argument("text")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@format_option(("table", "json"), "table")
@data_option
@click.pass_context
def search_cmd(ctx: click.Context, text: str, limit: int, fmt: str, data: tuple[str, ...]) -> None:
    """Concepts whose label or synonym matches TEXT, best first."""
    from spasmkg import api
    from spasmkg.engine.evidence import URGENCY_WORDS
    from spasmkg.engine.execute import DEFAULT_TIMEOUT, bounded
    from spasmkg.namespaces import curie

    all_data = data_of(ctx, data)
    api.store(all_data)  # load first; matching is bounded (terms: 500 chars, linear fuzzy matching)
    matches = bounded(lambda: api.search(text, limit=limit, data=all_data), timeout=DEFAULT_TIMEOUT, what="search")
    if fmt == "json":
        emit(
            json.dumps(
                [
                    {
                        "iri": m.iri,
                        "curie": curie(m.iri),
                        "label": m.label,
                        "matched": m.matched,
                        "score": m.score,
                        "urgency": curie(m.urgency) if m.urgency else None,
                    }
                    for m in matches
                ],
                indent=2,
            )
            + "\n",
            machine=True,
        )
        return
    if not matches:
        click.echo(f"no concept matches {text!r}")
        return
    lines = [
        f"{m.score:5.3f}  {curie(m.iri):45}  {m.label}"
        + (f"  (matched {m.matched!r})" if m.matched != m.label.lower() else "")
        + (f"  [red flag: {URGENCY_WORDS.get(m.urgency, curie(m.urgency))}]" if m.urgency else "")
        for m in matches
    ]
    emit("\n".join(lines) + "\n", medical=any(m.urgency for m in matches))


@click.command("stats")
@format_option(("table", "json"), "table")
@data_option
@click.pass_context
def stats_cmd(ctx: click.Context, fmt: str, data: tuple[str, ...]) -> None:
    """Counts per class and per property, and evidence coverage."""
    from spasmkg import api

    s = api.stats(data=data_of(ctx, data))
    if fmt == "json":
        emit(json.dumps(s, indent=2) + "\n", machine=True)
        return
    lines = [f"triples: {s['triples']}", "", "individuals per class (incl. subclasses):"]
    for c, v in s["classes"].items():
        lines.append(f"  {v['count']:5d}  {v['label']:35} {c}")
    lines += ["", "edges per property:"]
    lines += [f"  {n:5d}  {p}" for p, n in s["properties"].items()]
    ev = s["evidence"]
    lines += [
        "",
        f"evidence: {ev['with_evidence']} of {ev['assertions']} asserted edges and typings ({ev['coverage']:.1%})",
        "",
        "claims by support (stated in the source = ECO:0000303, curator inference = ECO:0000305):",
    ]
    lines += [
        f"  {c:40} stated {v['stated']:4d}   inferred {v['inferred']:4d}"
        + (f"   ungraded {v['ungraded']}" if v["ungraded"] else "")
        for c, v in s["support"].items()
    ]
    emit("\n".join(lines) + "\n")


COMMANDS = [show_cmd, search_cmd, stats_cmd]
