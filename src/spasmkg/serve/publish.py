"""``spasmkg publish``: upload the graph to a SPARQL 1.1 store and check that it arrived.

The upload is one SPARQL 1.1 Graph Store HTTP Protocol ``PUT ?graph=IRI`` (replaces that named
graph) of N-Triples; the graph is then read back (GSP ``GET``, or a ``COUNT`` query on
``--count-endpoint``) and the triple counts compared. Tested against the Oxigraph server
(``/store``) and Virtuoso 7 (``/sparql-graph-crud-auth``, HTTP Digest). The password comes from an
environment variable or ``~/.netrc``, never from the command line or the URL, and is never printed.
"""

from __future__ import annotations

import netrc
import os
import tempfile
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spasmkg.engine.remote import endpoint_url, query_endpoint, redact, request
from spasmkg.errors import InputError
from spasmkg.text import brief, one_line


@dataclass
class PublishReport:
    """What was sent and what was read back."""

    store: str
    graph: str
    sent: int
    read_back: int

    @property
    def same(self) -> bool:
        return self.sent == self.read_back

    def line(self) -> str:
        verdict = "same" if self.same else f"DIFFERENT ({self.read_back - self.sent:+d})"
        return (
            f"published {self.sent} triples to <{self.graph}> at {redact(self.store)}; "
            f"read back {self.read_back}: {verdict}"
        )


def credentials(
    store_url: str, *, user: str | None = None, password_env: str | None = None, use_netrc: bool = False
) -> tuple[str, str] | None:
    """(user, password) from ``--user`` + ``--password-env VAR`` or from ``~/.netrc`` (``$NETRC``), or None."""
    parts = endpoint_url(store_url)
    if parts.username or parts.password:
        raise InputError("put no user name or password in the store URL; use --user with --password-env, or --netrc")
    if use_netrc and (user or password_env):
        raise InputError("give --netrc, or --user with --password-env, not both")
    if use_netrc:
        path = os.environ.get("NETRC") or str(Path.home() / ".netrc")
        try:
            entry = netrc.netrc(path).authenticators(parts.hostname or "")
        except FileNotFoundError:
            raise InputError(f"--netrc: {path} does not exist") from None
        except (netrc.NetrcParseError, OSError) as exc:
            # the message names the file and line only, never its content
            raise InputError(f"--netrc: cannot read {path}: {type(exc).__name__}") from None
        if entry is None or not entry[0]:
            raise InputError(f"--netrc: no login for host {parts.hostname!r} in {path}")
        return entry[0], entry[2] or ""
    if password_env and not user:
        raise InputError("--password-env needs --user")
    if user:
        if not password_env:
            raise InputError(
                "--user needs --password-env VAR (the name of an environment variable holding the password)"
            )
        if password_env not in os.environ:
            raise InputError(f"environment variable {password_env} is not set")
        return user, os.environ[password_env]
    return None


def graph_url(store_url: str, graph_iri: str) -> str:
    """``store_url`` with ``graph=IRI`` added (SPARQL 1.1 Graph Store Protocol, indirect graph identification)."""
    parts = endpoint_url(store_url)
    iri = urllib.parse.urlsplit(graph_iri)
    if not iri.scheme or not (iri.netloc or iri.path) or any(c in graph_iri for c in '<>" {}|\\^`\n\r\t'):
        raise InputError(f"--graph must be an absolute IRI, not {brief(graph_iri, 80)!r}")
    query = [*urllib.parse.parse_qsl(parts.query, keep_blank_values=True), ("graph", graph_iri)]
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, urllib.parse.urlencode(query), ""))


def count_triples(body: bytes, content_type: str, where: str) -> int:
    """Number of triples in an RDF document (parsed by pyoxigraph by its media type)."""
    import pyoxigraph

    media = content_type.split(";")[0].strip().lower() or "application/n-triples"
    if media in ("text/plain", "application/octet-stream"):
        media = "application/n-triples"
    fmt = pyoxigraph.RdfFormat.from_media_type(media)
    if fmt is None:
        raise InputError(f"{where} answered {media!r}, not an RDF format spasmkg reads")
    try:
        return sum(1 for _ in pyoxigraph.parse(body, fmt))
    except SyntaxError as exc:
        raise InputError(f"{where} answered {media} that does not parse: {one_line(brief(str(exc), 150))}") from None


def publish(
    store_url: str,
    graph_iri: str,
    *,
    data: Sequence[str] = (),
    inferred: bool = False,
    auth: tuple[str, str] | None = None,
    timeout: float = 120.0,
    count_endpoint: str | None = None,
) -> PublishReport:
    """PUT the graph into ``graph_iri`` at ``store_url``, read it back, compare the triple counts."""
    from spasmkg.serve.dataset import write_ntriples

    target = graph_url(store_url, graph_iri)
    where = redact(store_url)
    with tempfile.TemporaryDirectory(prefix="spasmkg-publish-") as tmp:
        path = Path(tmp) / "graph.nt"
        sent = write_ntriples(path, data=data, inferred=inferred)
        body = path.read_bytes()
    resp = request(
        target,
        method="PUT",
        body=body,
        headers={"Content-Type": "application/n-triples"},
        timeout=timeout,
        auth=auth,
    )
    if resp.status == 401:
        raise InputError(f"{where} refused the upload: HTTP 401 (wrong or missing credentials)")
    if resp.status not in (200, 201, 204):
        detail = one_line(brief(resp.body[:300].decode("utf-8", "replace"), 160))
        raise InputError(f"{where} refused the upload: HTTP {resp.status}{': ' + detail if detail else ''}")
    if count_endpoint:
        _, payload = query_endpoint(
            count_endpoint,
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}",
            timeout=timeout,
        )
        try:
            read_back = int(payload[1][0]["n"]["value"])
        except (TypeError, KeyError, IndexError, ValueError):
            raise InputError(f"{redact(count_endpoint)} did not answer a triple count") from None
    else:
        got = request(
            target,
            headers={"Accept": "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"},
            timeout=timeout,
            auth=auth,
        )
        if got.status != 200:
            raise InputError(f"{where} did not give the graph back: HTTP {got.status}")
        read_back = count_triples(got.body, got.content_type, where)
    return PublishReport(store_url, graph_iri, sent, read_back)
