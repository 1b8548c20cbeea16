"""Running a query on a remote SPARQL 1.1 endpoint: the one place where spasmkg opens the network.

Nothing here runs unless the user names an endpoint (``spasmkg query NAME --endpoint URL``,
``spasmkg sparql --endpoint URL``, ``spasmkg publish --store URL``): that is the explicit opt-in.
Even then :func:`spasmkg.io.guards.allow_hosts` lets Python code reach *only* the named host (every other connection
or DNS look-up is still refused by an audit hook), every request has a timeout, and every failure
is one line (:class:`~spasmkg.errors.InputError`, exit 2), never a traceback. The query text is
checked (:func:`spasmkg.engine.sparqlcheck.check_query`) before it is sent, as locally.

Only the standard library (``urllib``) is used: no new dependency on the query path.

>>> endpoint_url("ftp://example.org/sparql")
Traceback (most recent call last):
...
spasmkg.errors.InputError: endpoint must be an http:// or https:// URL, not 'ftp://example.org/sparql'
"""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spasmkg.engine.execute import Result
from spasmkg.errors import InputError, NetworkRefused, QueryTimeout
from spasmkg.io.guards import allow_hosts
from spasmkg.text import brief, one_line

#: Largest response read from an endpoint (bytes); a bigger one is an error, not a partial result.
MAX_RESPONSE_BYTES = 256 * 2**20

#: Seconds an endpoint gets to answer, by default.
DEFAULT_TIMEOUT = 30.0


def endpoint_url(url: str) -> urllib.parse.SplitResult:
    """Check that ``url`` is an http(s) URL with a host; return it split."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise InputError(f"endpoint must be an http:// or https:// URL, not {brief(url, 80)!r}")
    if not parts.hostname:
        raise InputError(f"endpoint URL has no host: {brief(url, 80)!r}")
    return parts


def redact(url: str) -> str:
    """``url`` without user name, password, query or fragment (for messages)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


@dataclass
class Response:
    """What an endpoint answered."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str]


def request(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    auth: tuple[str, str] | None = None,
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> Response:
    """One HTTP request to ``url`` (network allowed for its host only); HTTP errors are returned,
    connection failures raise one-line :class:`InputError`/:class:`QueryTimeout`.

    ``auth`` is (user, password): Basic is sent only after the server asks for it, and Digest is
    answered when the server asks for Digest (Virtuoso's Graph Store endpoint does). The password
    never appears in a message.
    """
    parts = endpoint_url(url)
    handlers: list[urllib.request.BaseHandler] = []
    digest: urllib.request.HTTPDigestAuthHandler | None = None
    if auth is not None:
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, url, auth[0], auth[1])
        digest = urllib.request.HTTPDigestAuthHandler(mgr)
        handlers += [digest, urllib.request.HTTPBasicAuthHandler(mgr)]
    handlers.append(_NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    where = redact(url)
    with allow_hosts([parts.hostname or ""]):
        if auth is not None and body is not None and digest is not None:
            answered = _preauthorize(req, auth, digest, timeout)
            if isinstance(answered, Response):
                return answered  # the credentials were rejected before any byte of the body was sent
            if answered:
                opener = urllib.request.build_opener(_NoRedirect())  # answered up front: a 401 now is final
        try:
            with opener.open(req, timeout=timeout) as resp:
                data = resp.read(max_bytes + 1)
                status, ctype, hdrs = resp.status, resp.headers.get("Content-Type", ""), dict(resp.headers)
        except urllib.error.HTTPError as exc:
            data = exc.read(64 * 1024) if exc.fp is not None else b""
            status, ctype, hdrs = exc.code, exc.headers.get("Content-Type", ""), dict(exc.headers)
        except TimeoutError:
            raise QueryTimeout(f"{where} did not answer within {timeout:g} s") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise QueryTimeout(f"{where} did not answer within {timeout:g} s") from None
            raise InputError(f"cannot reach {where}: {one_line(str(reason))[:200]}") from None
        except NetworkRefused:
            raise
        except (OSError, ValueError) as exc:  # connection reset, bad status line, ...
            raise InputError(f"cannot reach {where}: {one_line(str(exc))[:200]}") from None
    if len(data) > max_bytes:
        raise InputError(f"{where} answered more than {max_bytes // 2**20} MiB; add a LIMIT")
    return Response(status, ctype, data, hdrs)


def _preauthorize(
    req: urllib.request.Request, auth: tuple[str, str], digest: urllib.request.HTTPDigestAuthHandler, timeout: float
) -> bool | Response:
    """Learn the server's challenge with a body-less GET, check the credentials with a second body-less
    GET, and answer the challenge on ``req`` up front.

    Without this a large upload is sent once unauthenticated, and a server that answers 401 at once
    and closes the connection (Virtuoso) makes the upload fail with a broken pipe; with wrong
    credentials the same happens to the answered upload, so they are checked first. Returns the
    server's 401 :class:`Response` if it rejects the credentials (the body is then never sent),
    else whether ``req`` now carries an ``Authorization`` header.
    """
    opener = urllib.request.build_opener(_NoRedirect())

    def probe(header: str | None) -> tuple[int, str, Response | None]:
        headers = {"Accept": "*/*", **({"Authorization": header} if header else {})}
        try:
            with opener.open(urllib.request.Request(req.full_url, method="GET", headers=headers), timeout=timeout):
                return 200, "", None
        except urllib.error.HTTPError as exc:
            body = exc.read(64 * 1024) if exc.fp is not None else b""
            got = Response(exc.code, exc.headers.get("Content-Type", ""), body, dict(exc.headers))
            exc.close()
            return exc.code, exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else "", got

    try:
        status, challenge, _ = probe(None)
        if status != 401:
            return False  # no authentication asked for GET; the handlers answer a challenge to the PUT
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() == "digest":
            chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
            check = digest.get_authorization(urllib.request.Request(req.full_url, method="GET"), chal)
            value = digest.get_authorization(req, chal)
            if not check or not value:
                return False
            header = f"Digest {value}"
            status, _, rejected = probe(f"Digest {check}")
        elif scheme.lower() == "basic":
            header = basic_auth_header(*auth)
            status, _, rejected = probe(header)
        else:
            return False
    except (OSError, ValueError):
        return False  # the real request reports the failure
    if status == 401 and rejected is not None:
        return rejected
    req.add_unredirected_header("Authorization", header)
    return True


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Follow no redirect: it could lead to another host, and a POST would silently become a GET."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def basic_auth_header(user: str, password: str) -> str:
    """The value of a Basic ``Authorization`` header."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _error_text(resp: Response) -> str:
    text = resp.body[:300].decode("utf-8", "replace")
    return one_line(brief(text, 200)) or f"HTTP {resp.status}"


def query_endpoint(
    url: str, text: str, *, timeout: float = DEFAULT_TIMEOUT, default_graphs: Sequence[str] = ()
) -> tuple[str, Any]:
    """Run ``text`` on the endpoint at ``url`` (SPARQL 1.1 Protocol, POST form).

    Parameters in the URL's query string (``?default-graph-uri=...``) and ``default_graphs`` are
    sent as protocol fields.

    Returns ("select", (columns, rows)) with rows as SPARQL-JSON binding dicts, ("ask", bool) or
    ("graph", N-Triples text). The text is checked first: SERVICE, LOAD and updates never leave.
    """
    from spasmkg.engine.sparqlcheck import check_query

    form = check_query(text)
    graph = form in ("CONSTRUCT", "DESCRIBE")
    accept = "application/n-triples" if graph else "application/sparql-results+json"
    parts = endpoint_url(url)
    fields = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)  # e.g. default-graph-uri=...
    fields += [("default-graph-uri", g) for g in default_graphs]
    body = urllib.parse.urlencode([("query", text), *fields]).encode("utf-8")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    bare = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))
    resp = request(bare, method="POST", body=body, headers=headers, timeout=timeout)
    where = redact(url)
    if resp.status != 200:
        raise InputError(f"{where} refused the query (HTTP {resp.status}): {_error_text(resp)}")
    if graph:
        return "graph", resp.body.decode("utf-8", "replace")
    try:
        doc = json.loads(resp.body)
    except ValueError:
        raise InputError(f"{where} did not answer SPARQL JSON results (Content-Type {resp.content_type!r})") from None
    if not isinstance(doc, dict):
        raise InputError(f"{where} did not answer SPARQL JSON results")
    if "boolean" in doc:
        return "ask", bool(doc["boolean"])
    try:
        columns = list(doc["head"]["vars"])
        rows = list(doc["results"]["bindings"])
    except (KeyError, TypeError):
        raise InputError(f"{where} did not answer SPARQL JSON results") from None
    return "select", (columns, rows)


def json_term_value(term: dict[str, Any]) -> Any:
    """A SPARQL-JSON term as the plain value spasmkg's local results hold (IRI text, number, bool, str)."""
    kind, value = term.get("type"), term.get("value")
    if kind == "uri":
        return value
    if kind == "bnode":
        return f"_:{value}"
    dt = term.get("datatype", "")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    try:
        if dt in (xsd + "integer", xsd + "nonNegativeInteger", xsd + "int", xsd + "long", xsd + "positiveInteger"):
            return int(value)  # type: ignore[arg-type]
        if dt == xsd + "decimal":
            from decimal import Decimal

            d = Decimal(value)  # type: ignore[arg-type]
            return int(d) if d == d.to_integral_value() else float(d)
        if dt in (xsd + "double", xsd + "float"):
            return float(value)  # type: ignore[arg-type]
        if dt == xsd + "boolean":
            return value in ("true", "1")
    except (TypeError, ValueError, ArithmeticError):
        return value
    return value


#: A triple every copy of the spasmkg graph holds: the ontology header.
SENTINEL = "ASK { <https://w3id.org/spasmkg/spasmkg.owl> a <http://www.w3.org/2002/07/owl#Ontology> }"


def run_remote(
    url: str,
    text: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    limit: int | None = None,
    default_graphs: Sequence[str] = (),
    require_graph: bool = False,
) -> Result:
    """Run ``text`` on the endpoint and return a :class:`~spasmkg.engine.execute.Result` like a local run.

    ``require_graph``: first ask whether the endpoint holds the spasmkg graph (its ontology header),
    and say so in one line if it does not (a named query would otherwise just return no rows).
    """
    import time

    started = time.perf_counter()
    if require_graph:
        kind, holds = query_endpoint(url, SENTINEL, timeout=timeout, default_graphs=default_graphs)
        if kind != "ask" or not holds:
            raise InputError(
                f"{redact(url)} does not hold the spasmkg graph (no <https://w3id.org/spasmkg/spasmkg.owl>); "
                "load it with 'spasmkg publish', or name its graph with --graph IRI"
            )
    kind, payload = query_endpoint(url, text, timeout=timeout, default_graphs=default_graphs)
    if kind == "ask":
        result = Result("ask", boolean=bool(payload))
    elif kind == "graph":
        import pyoxigraph

        try:
            triples = [
                (t.subject, t.predicate, t.object) for t in pyoxigraph.parse(payload, pyoxigraph.RdfFormat.N_TRIPLES)
            ]
        except SyntaxError as exc:
            raise InputError(f"{redact(url)} answered N-Triples that do not parse: {brief(str(exc), 150)}") from None
        truncated = limit is not None and len(triples) > limit
        result = Result("graph", triples=triples[:limit] if limit is not None else triples, truncated=truncated)
    else:
        columns, bindings = payload
        rows = [{c: json_term_value(b[c]) if c in b else None for c in columns} for b in bindings]
        truncated = limit is not None and len(rows) > limit
        result = Result(
            "select", columns=columns, rows=rows[:limit] if limit is not None else rows, truncated=truncated
        )
    result.elapsed = time.perf_counter() - started
    return result
