"""Render the site's pages (Jinja2 templates shipped in ``spasmkg/site/templates``) to bytes."""

from __future__ import annotations

import io
import json
from importlib import resources
from typing import Any

from spasmkg.site.data import SiteData, search_index
from spasmkg.text import NOTICE

SUPPORT_WORDS = {"stated": "stated by the source", "inferred": "curator inference", "unknown": "support not given"}
SUPPORT_ECO = {
    "stated": "ECO:0000303 author statement without traceable support used in manual assertion",
    "inferred": "ECO:0000305 curator inference used in manual assertion",
    "unknown": "no evidence type recorded",
}
XREF_WORDS = {
    "exactMatch": "same as",
    "closeMatch": "close to",
    "broadMatch": "broader term",
    "narrowMatch": "narrower term",
    "relatedMatch": "related to",
}
STATIC_FILES = ("site.css", "search.js")


def environment() -> Any:
    """The Jinja2 environment: autoescaping on, undefined names are errors, templates from the package."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("spasmkg.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _static(name: str) -> bytes:
    return resources.files("spasmkg.site").joinpath("static", name).read_bytes()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def picture_svg(g: Any, iri: str) -> bytes:
    """The star picture of ``iri`` and its direct neighbours (the ``spasmkg draw`` layout), as SVG bytes."""
    import matplotlib

    from spasmkg.network.draw import render

    drawing = render(g, iri, depth=1)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "spasmkg"}):
        drawing.figure.savefig(buf, format="svg", dpi=72, metadata={"Date": None})
    return buf.getvalue()


def render_site(site: SiteData, graph: Any, *, meta: dict[str, Any], pictures: bool = True) -> dict[str, bytes]:
    """Every file of the site: relative POSIX path -> bytes."""
    env = environment()
    env.globals.update(
        {"notice": NOTICE, "support_words": SUPPORT_WORDS, "support_eco": SUPPORT_ECO, "pictures": pictures, **meta}
    )
    files: dict[str, bytes] = {}

    def page(path: str, template: str, **context: Any) -> None:
        root = "../" * path.count("/")
        html = env.get_template(template).render(root=root, **context)
        files[path] = html.encode("utf-8")

    by_category: dict[str, list[dict[str, Any]]] = {cat: [] for cat in site.categories}
    for c in site.concepts:
        by_category[c["category"]].append(c)
    for cat in by_category.values():
        cat.sort(key=lambda c: (c["urgency"]["rank"] if c["urgency"] else 9, c["label"].lower(), c["iri"]))
    page(
        "index.html",
        "index.html.j2",
        title="Back muscle spasms",
        concepts=site.concepts,
        categories=site.categories,
        by_category=by_category,
        stats=site.stats,
        search_page=True,
    )
    for c in site.concepts:
        page(c["path"], "concept.html.j2", title=c["label"], c=c, xref_words=XREF_WORDS, search_page=False)
        if pictures:
            files[c["picture"]] = picture_svg(graph, c["iri"])
    page("queries/index.html", "queries.html.j2", title="Named queries", queries=site.queries, search_page=False)
    for q in site.queries:
        page(q["path"], "query.html.j2", title=q["name"], q=q, search_page=False)
    kinds: dict[str, list[dict[str, Any]]] = {}
    for t in site.ontology["terms"]:
        kinds.setdefault(t["kind"], []).append(t)
    order = ("class", "object property", "datatype property", "annotation property", "individual")
    page(
        "ontology.html",
        "ontology.html.j2",
        title="Ontology reference",
        ontology=site.ontology,
        kinds=[(k, kinds[k]) for k in order if k in kinds],
        search_page=False,
    )
    index = search_index(site)
    files["assets/search-index.json"] = (_json(index) + "\n").encode("utf-8")
    # the same data as a script: browsers refuse fetch() of a file:// URL, and the site must work offline
    files["assets/search-index.js"] = ("window.SPASMKG_INDEX = " + _json(index) + ";\n").encode("utf-8")
    for name in STATIC_FILES:
        files[f"assets/{name}"] = _static(name)
    return files
