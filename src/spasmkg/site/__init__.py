"""A static website of the graph, to browse offline or host anywhere (``spasmkg site -o DIR``).

Pages: ``index.html`` (concepts by category, a search box over ``assets/search-index.js``),
``concepts/<name>.html`` (label, types, definition, synonyms, cross-references linked to their
resolvers, every relation in and out with its quote in context, support, hedges and curator's note,
a red banner with the care level on red flags) with a neighbourhood picture ``concepts/<name>.svg``,
``queries/<name>.html`` (each named query's current result), ``ontology.html`` (classes, properties,
individuals). Links are relative, nothing is fetched from the network, and the same graph gives the
same bytes. The folder is written atomically (built beside the target, then renamed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SiteSummary", "build_site"]


@dataclass(frozen=True)
class SiteSummary:
    """What was written."""

    path: Path
    files: int
    concepts: int
    queries: int
    red_flags: int


def build_site(target: Path | str, *, data: Sequence[Path | str] = (), pictures: bool = True) -> SiteSummary:
    """Build the site of the shipped graph (merged with ``data`` files) into the folder ``target``.

    An existing folder is replaced only if it is empty or a site made here; on failure it is untouched.
    """
    from spasmkg import resources
    from spasmkg._version import __version__
    from spasmkg.site.data import collect
    from spasmkg.site.output import check_target, write_tree
    from spasmkg.site.render import render_site

    check_target(target)  # a bad -o fails before the work
    site, graph = collect(data)
    corpus = resources.corpus_path()
    meta = {
        "version": __version__,
        "corpus_name": corpus.name,
        "corpus_sha": resources.sha256_file(corpus) if corpus.is_file() else "",
    }
    files = render_site(site, graph, meta=meta, pictures=pictures)
    path = write_tree(target, files)
    return SiteSummary(
        path=path,
        files=len(files) + 1,
        concepts=len(site.concepts),
        queries=len(site.queries),
        red_flags=sum(1 for c in site.concepts if c["redFlag"]),
    )
