"""Running a query on a remote SPARQL 1.1 endpoint: the one place where spasmkg opens the network.

Nothing here runs unless the user names an endpoint (``spasmkg query NAME --endpoint URL``,
``spasmkg sparql --endpoint URL``, ``spasmkg publish --store URL``): that is the explicit opt-in.
Even then :func:`allow_hosts` lets Python code reach *only* the named host (every other connection
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
import contextlib
import ipaddress
import json
import socket
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spasmkg.errors import InputError, NetworkRefused, QueryTimeout
from spasmkg.text import brief, one_line

#: Largest response read from an endpoint (bytes); a bigger one is an error, not a partial result.
MAX_RESPONSE_BYTES = 256 * 2**20

#: Seconds an endpoint gets to answer, by default.
DEFAULT_TIMEOUT = 30.0

_LOCK = threading.Lock()
_ALLOWED: dict[str, set[str]] = {"names": set(), "addrs": set()}
_POLICY_DEPTH = 0
_HOOK_INSTALLED = False

_CONNECT_EVENTS = frozenset({"socket.connect", "socket.sendto", "socket.sendmsg"})
_NAME_EVENTS = frozenset({"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex"})
_OTHER_EVENTS = frozenset({"socket.gethostbyaddr", "ftplib.connect", "smtplib.connect", "webbrowser.open"})


def _policy_hook(event: str, args: tuple[Any, ...]) -> None:
    """While a policy is active, refuse connections and look-ups that are not to an allowed host."""
    if _POLICY_DEPTH == 0:
        return
    if event in _CONNECT_EVENTS:
        sock = args[0] if args else None
        if getattr(sock, "family", None) == getattr(socket, "AF_UNIX", object()):
            return
        addr = args[1] if event == "socket.connect" and len(args) > 1 else (args[-1] if args else None)
        host = addr[0] if isinstance(addr, tuple) and addr else None
        if host is None or str(host) in _ALLOWED["addrs"] or str(host) in _ALLOWED["names"]:
            return
        raise NetworkRefused(f"network access refused: {str(host)[:80]} is not the endpoint you named")
    if event in _NAME_EVENTS:
        host = args[0] if args else None
        if host is None or str(host) in _ALLOWED["names"] or str(host) in _ALLOWED["addrs"]:
            return
        raise NetworkRefused(f"network access refused: {str(host)[:80]} is not the endpoint you named")
    if event in _OTHER_EVENTS:
        raise NetworkRefused(f"network access refused at run time ({event})")


def _addresses(host: str) -> set[str]:
    """The IP addresses of ``host`` (looked up once, while the policy allows it)."""
    try:
        return {str(ipaddress.ip_address(host))}
    except ValueError:
        pass
    try:
        return {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        raise InputError(f"cannot resolve host {host[:80]!r}: {one_line(str(exc))}") from None


@contextlib.contextmanager
def allow_hosts(hosts: Iterable[str]) -> Iterator[None]:
    """Let Python code reach ``hosts`` (and nothing else) inside the block.

    The project's no-network guard (:func:`spasmkg.io.guards.install_network_guard`) is paused and
    this module's narrower policy takes its place: a connection or DNS look-up for any other host is
    refused with :class:`~spasmkg.errors.NetworkRefused`. Audit hooks are process-wide; the policy
    is, too.
    """
    global _POLICY_DEPTH, _HOOK_INSTALLED
    from spasmkg.io import guards

    hosts = [h for h in hosts if h]
    with _LOCK:
        if not _HOOK_INSTALLED:
            sys.addaudithook(_policy_hook)
            _HOOK_INSTALLED = True
        _ALLOWED["names"].update(hosts)
        _POLICY_DEPTH += 1
        was_active = guards._GUARD_ACTIVE
        guards._GUARD_ACTIVE = False  # the policy above is narrower: only the named hosts
    try:
        for h in hosts:
            _ALLOWED["addrs"].update(_addresses(h))
        yield
    finally:
        with _LOCK:
            _POLICY_DEPTH -= 1
            if _POLICY_DEPTH == 0:
                guards._GUARD_ACTIVE = was_active


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
    if auth is not None:
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, url, auth[0], auth[1])
        handlers += [urllib.request.HTTPDigestAuthHandler(mgr), urllib.request.HTTPBasicAuthHandler(mgr)]
    handlers.append(_NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    where = redact(url)
    with allow_hosts([parts.hostname or ""]):
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


def query_endpoint(url: str, text: str, *, timeout: float = DEFAULT_TIMEOUT) -> tuple[str, Any]:
    """Run ``text`` on the endpoint at ``url`` (SPARQL 1.1 Protocol, POST form).

    Returns ("select", (columns, rows)) with rows as SPARQL-JSON binding dicts, ("ask", bool) or
    ("graph", N-Triples text). The text is checked first: SERVICE, LOAD and updates never leave.
    """
    from spasmkg.engine.sparqlcheck import check_query

    form = check_query(text)
    graph = form in ("CONSTRUCT", "DESCRIBE")
    accept = "application/n-triples" if graph else "application/sparql-results+json"
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    resp = request(url, method="POST", body=body, headers=headers, timeout=timeout)
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
