"""The HTTP front of ``spasmkg serve``: a Starlette app that checks every query before the engine
sees it, serves the query UI, and refuses everything that is not a read-only query."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from spasmkg.errors import InputError
from spasmkg.text import one_line

#: Largest request body accepted (bytes): a query, form-encoded or not.
MAX_REQUEST_BYTES = 1024 * 1024

#: Response headers on every answer: no sniffing, and the page may load nothing from elsewhere.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}

#: Protocol fields naming an RDF dataset (SPARQL 1.1 Protocol §2.1.4); this endpoint has one graph.
_FORWARDED = ("default-graph-uri", "named-graph-uri")

_READ_ONLY = "this endpoint is read-only: SPARQL updates and Graph Store writes are refused"


@dataclass
class Settings:
    """What the app needs to know."""

    pool: Any  # spasmkg.serve.workers.Pool: runs a checked query, serialised
    timeout: float = 10.0  # seconds per query, waiting for a free worker included
    max_result_bytes: int = 64 * 2**20
    queries: list[dict[str, Any]] | None = None  # the named queries offered by the UI


def static_dir() -> Path:
    """The query page's files (vendored: no CDN, nothing fetched at run time)."""
    return Path(__file__).with_name("static")


def _refuse(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(one_line(message) + "\n", status_code=status, headers=SECURITY_HEADERS)


async def _body(request: Request) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class _TooLarge(Exception):
    pass


def _fields(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


async def _query_request(request: Request) -> tuple[str, dict[str, list[str]]] | Response:
    """The query text and forwarded fields of a SPARQL 1.1 Protocol request, or a 4xx answer."""
    fields = _fields(list(request.query_params.multi_items()))
    text: str | None = None
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            body = await _body(request)
        except _TooLarge:
            return _refuse(413, f"request larger than {MAX_REQUEST_BYTES // 1024} KiB")
        try:
            decoded = body.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(400, "request body is not UTF-8")
        if ctype == "application/sparql-update":
            return _refuse(403, _READ_ONLY)
        if ctype == "application/x-www-form-urlencoded":
            for k, v in _fields(urllib.parse.parse_qsl(decoded, keep_blank_values=True)).items():
                fields.setdefault(k, []).extend(v)
        elif ctype == "application/sparql-query":
            text = decoded
        else:
            return _refuse(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded")
    if "update" in fields:
        return _refuse(403, _READ_ONLY)
    if text is None:
        got = fields.get("query", [])
        if len(got) != 1:
            return _refuse(400, "give exactly one 'query' parameter" if got else "missing 'query' parameter")
        text = got[0]
    elif "query" in fields:
        return _refuse(400, "give the query once: in the body or as a 'query' parameter, not both")
    return text, fields


def create_app(settings: Settings) -> Starlette:
    """The ASGI app: ``/`` (UI), ``/query`` (SPARQL 1.1 Protocol, read-only), ``/queries.json``."""
    from spasmkg.engine.sparqlcheck import check_query
    from spasmkg.serve.workers import negotiate

    async def index(request: Request) -> Response:
        return FileResponse(static_dir() / "index.html", headers=SECURITY_HEADERS)

    async def queries(request: Request) -> Response:
        return JSONResponse(settings.queries or [], headers=SECURITY_HEADERS)

    async def query(request: Request) -> Response:
        got = await _query_request(request)
        if isinstance(got, Response):
            return got
        text, fields = got
        try:
            form = check_query(text)
        except InputError as exc:
            # SERVICE, LOAD, an update, an empty query: refused before any engine sees it
            status = 403 if ("refused" in str(exc) or "update" in str(exc).lower()) else 400
            return _refuse(status, str(exc))
        if form == "UPDATE":  # pragma: no cover - check_query refuses updates already
            return _refuse(403, _READ_ONLY)
        if any(v for k in _FORWARDED for v in fields.get(k, [])):
            return _refuse(
                400, "this endpoint has one default graph: default-graph-uri and named-graph-uri are not used"
            )
        media = negotiate(request.headers.get("accept", ""), form)
        if media is None:
            kinds = (
                "RDF (text/turtle, ...)"
                if form in ("CONSTRUCT", "DESCRIBE")
                else "SPARQL results (JSON, XML, CSV, TSV)"
            )
            return _refuse(406, f"cannot answer {form} in the requested format; this endpoint serves {kinds}")
        try:
            async with asyncio.timeout(settings.timeout):
                status, ctype, body = await settings.pool.run(text, media, settings.max_result_bytes)
        except TimeoutError:
            return _refuse(503, f"query did not finish within {settings.timeout:g} s")
        if status >= 400:
            return _refuse(status, body.decode("utf-8", "replace")[:500])
        return Response(body, status_code=200, headers={**SECURITY_HEADERS, "Content-Type": ctype})

    async def refuse_other(request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return _refuse(405 if request.method not in ("POST",) else 403, _READ_ONLY)
        return _refuse(404, "not found: the SPARQL endpoint is /query, the query page is /")

    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/query", query, methods=["GET", "POST"]),
        Route("/queries.json", queries, methods=["GET", "HEAD"]),
        Mount("/static", app=StaticFiles(directory=static_dir()), name="static"),
        Route("/{path:path}", refuse_other, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]),
    ]
    return Starlette(routes=routes)


def named_queries_for_ui() -> list[dict[str, Any]]:
    """The named queries as the UI lists them: name, summary, parameters and the standalone text."""
    from spasmkg.engine import catalog

    out = []
    for q in catalog.named_queries().values():
        out.append(
            {
                "name": q.name,
                "summary": q.summary,
                "medical": q.medical,
                "params": [
                    {"name": p.name, "required": p.required, "example": p.example, "doc": p.doc} for p in q.params
                ],
                "text": catalog.standalone_text(q.text),
            }
        )
    return json.loads(json.dumps(out))
