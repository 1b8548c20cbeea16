"""Named SPARQL queries: ``queries/*.rq`` with a metadata header read by the tool itself.

Header lines start with ``#+``::

    #+ name: treatments-for
    #+ summary: Treatments for a cause, condition or symptom, with the evidence quote
    #+ param: concept (concept, required) example: muscle strain -- the cause, condition or symptom
    #+ medical: true
    #+ critical: true      (rows are never cut by the result limit)

Parameter types: ``concept`` (a CURIE, IRI, label or synonym, bound as an IRI), ``class``
(a spasmkg class by label or local name, bound as an IRI) and ``string`` (bound as a literal).
Values are substituted as RDF terms, never pasted into the query text.
QC queries live in ``queries/qc/*-violation.rq`` and must return no rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spasmkg import resources
from spasmkg.errors import InputError

#: Longest parameter value or search term accepted (characters). The longest label or synonym in
#: the graph has under 100; a 123 KB value used to cost 50 s of fuzzy matching (security review M2).
MAX_TERM_CHARS = 500


def check_term_length(value: str, what: str) -> None:
    """Refuse a value longer than :data:`MAX_TERM_CHARS` (one line, the value is not echoed)."""
    if len(value) > MAX_TERM_CHARS:
        raise InputError(f"{what} is {len(value)} characters long; the limit is {MAX_TERM_CHARS}")


_PARAM = re.compile(
    r"^(?P<name>[a-z][a-z0-9_]*)\s*\((?P<type>concept|class|string)\s*,\s*(?P<req>required|optional)\)"
    r"(?:\s*example:\s*(?P<example>.*?))?(?:\s*--\s*(?P<doc>.*))?$"
)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    example: str = ""
    doc: str = ""

    def describe(self) -> str:
        req = "required" if self.required else "optional"
        ex = f", e.g. {self.example!r}" if self.example else ""
        return f"{self.name} ({self.type}, {req}{ex})"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    summary: str
    path: Path
    params: tuple[Param, ...] = ()
    medical: bool = False
    critical: bool = False
    role: str = "report"

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


class HeaderError(ValueError):
    """A ``.rq`` file whose header is malformed."""


def parse_header(path: Path) -> NamedQuery:
    """Read the ``#+`` header of a query file."""
    meta: dict[str, str] = {}
    params: list[Param] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#+"):
            if line.strip() and not line.startswith("#"):
                break
            continue
        key, _, value = line[2:].partition(":")
        key, value = key.strip(), value.strip()
        if key == "param":
            m = _PARAM.match(value)
            if not m:
                raise HeaderError(f"{path.name}: bad param line: {value!r}")
            params.append(
                Param(
                    m["name"], m["type"], m["req"] == "required", (m["example"] or "").strip(), (m["doc"] or "").strip()
                )
            )
        else:
            meta[key] = value
    name = meta.get("name", "")
    if name != path.stem:
        raise HeaderError(f"{path.name}: header name {name!r} must equal the file name {path.stem!r}")
    if not meta.get("summary"):
        raise HeaderError(f"{path.name}: missing '#+ summary:'")
    truthy = ("true", "yes", "1")
    return NamedQuery(
        name=name,
        summary=meta["summary"],
        path=path,
        params=tuple(params),
        medical=meta.get("medical", "false").lower() in truthy,
        critical=meta.get("critical", "false").lower() in truthy,
        role="qc" if name.endswith("-violation") else meta.get("role", "report"),
    )


@cache
def named_queries() -> dict[str, NamedQuery]:
    """All user-facing named queries, by name (``queries/*.rq``)."""
    return {q.name: q for q in (parse_header(p) for p in sorted(resources.queries_dir().glob("*.rq")))}


@cache
def qc_queries() -> dict[str, NamedQuery]:
    """Quality-control queries (``queries/qc/*-violation.rq``): each must return no rows."""
    return {q.name: q for q in (parse_header(p) for p in sorted((resources.queries_dir() / "qc").glob("*.rq")))}


_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def get(name: str) -> NamedQuery:
    """Look up a named query; unknown names get a 'did you mean' hint.

    A well-formed name is looked up by its file alone (the CLI runs one query per process).
    """
    if _NAME.fullmatch(name):
        qdir = resources.queries_dir()
        for path in (qdir / f"{name}.rq", qdir / "qc" / f"{name}.rq"):
            if path.is_file():
                return parse_header(path)
    import difflib

    queries = {**named_queries(), **qc_queries()}
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    hint = (
        f"; did you mean {', '.join(close)}?"
        if close
        else f"; see 'spasmkg queries' ({len(named_queries())} named queries)"
    )
    raise InputError(f"no query named {name!r}{hint}")


def parse_params(query: NamedQuery, pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Turn ``KEY=VALUE`` strings into a dict, checking names and required parameters."""
    valid = ", ".join(p.describe() for p in query.params) or "none"
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep:
            raise InputError(f"parameter {pair[:80]!r} is not KEY=VALUE; {query.name} takes: {valid}")
        if query.param(key) is None:
            raise InputError(f"unknown parameter {key[:80]!r} for {query.name}; valid parameters: {valid}")
        if key in values:
            raise InputError(f"parameter {key!r} is given more than once; give each parameter once")
        check_term_length(value, f"parameter {key!r}")
        values[key] = value
    for p in query.params:
        if p.required and p.name not in values:
            raise InputError(f"missing parameter {p.name!r} for {query.name}; valid parameters: {valid}")
    return values


def inject_values(text: str, values: dict[str, str]) -> str:
    """Pre-bind variables as terms.

    A named query declares each parameter as a one-variable ``VALUES ?name { default }`` block
    (``UNDEF`` or an example term), so the file runs unchanged on any SPARQL 1.1 endpoint; the
    value bound here *replaces* that block's content. A variable without such a block gets
    ``VALUES ?v { term }`` inserted at the start of the WHERE group. ``values`` maps variable
    names to terms already serialised by an RDF library (N-Triples syntax, escaped), so nothing
    the user typed becomes query syntax.

    >>> inject_values("SELECT ?x WHERE { ?x ?p ?o }", {"o": '"a"'})
    'SELECT ?x WHERE { VALUES ?o { "a" } ?x ?p ?o }'
    >>> inject_values("SELECT ?x WHERE { VALUES ?o { UNDEF } ?x ?p ?o }", {"o": '"a"'})
    'SELECT ?x WHERE { VALUES ?o { "a" } ?x ?p ?o }'
    """
    if not values:
        return text
    blocks = parameter_blocks(text)
    out = text
    rest: dict[str, str] = {}
    # replace from the end so earlier offsets stay valid
    for name, term in sorted(values.items(), key=lambda kv: -blocks[kv[0]][0] if kv[0] in blocks else 0):
        if name in blocks:
            start, end = blocks[name]
            out = out[:start] + f" {term} " + out[end:]
        else:
            rest[name] = term
    if not rest:
        return out
    from spasmkg.engine.sparqlcheck import tokens

    toks = tokens(out)
    where = next((i for i, t in enumerate(toks) if t.kind == "word" and t.text.upper() == "WHERE"), -1)
    brace = next((t for t in toks[where + 1 :] if t.kind == "punct" and t.text == "{"), None)
    if brace is None:
        raise InputError("cannot bind parameters: the query has no WHERE group")
    clause = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in sorted(rest.items()))
    return out[: brace.start + 1] + " " + clause + out[brace.start + 1 :]


def parameter_blocks(text: str) -> dict[str, tuple[int, int]]:
    """For each one-variable ``VALUES ?name { ... }`` block: the span between its braces.

    Found on the tokens (never inside a string, an IRI or a comment). A variable with more than
    one such block is left out (it cannot be bound by replacing one).
    """
    from spasmkg.engine.sparqlcheck import tokens

    toks = [t for t in tokens(text) if t.kind not in ("ws", "comment")]
    found: dict[str, list[tuple[int, int]]] = {}
    for i in range(len(toks) - 3):
        a, v, b = toks[i], toks[i + 1], toks[i + 2]
        if a.kind == "word" and a.text.upper() == "VALUES" and v.kind == "var" and b.text == "{":
            close = next((t for t in toks[i + 3 :] if t.kind == "punct" and t.text == "}"), None)
            if close is not None:
                found.setdefault(v.text[1:], []).append((b.start + 1, close.start))
    return {k: spans[0] for k, spans in found.items() if len(spans) == 1}


def used_prefixes(text: str) -> list[str]:
    """Prefixes the query uses in prefixed names, in order of first use."""
    from spasmkg.engine.sparqlcheck import tokens

    seen: dict[str, None] = {}
    for t in tokens(text):
        if t.kind == "pname":
            seen.setdefault(t.text.split(":", 1)[0], None)
    return list(seen)


def declared_prefixes(text: str) -> set[str]:
    """Prefixes declared by ``PREFIX p: <...>`` lines of the query."""
    from spasmkg.engine.sparqlcheck import tokens

    toks = [t for t in tokens(text) if t.kind not in ("ws", "comment")]
    out = set()
    for i, t in enumerate(toks[:-1]):
        if t.kind == "word" and t.text.upper() == "PREFIX" and toks[i + 1].kind == "pname":
            out.add(toks[i + 1].text.split(":", 1)[0])
    return out


def standalone_text(text: str) -> str:
    """``text`` with a ``PREFIX`` line for every project prefix it uses but does not declare.

    A query that declares its prefixes (every ``queries/*.rq`` file) is returned unchanged.
    """
    from spasmkg.namespaces import ALL_PREFIXES

    missing = [p for p in used_prefixes(text) if p not in declared_prefixes(text) and p in ALL_PREFIXES]
    if not missing:
        return text
    prolog = "".join(f"PREFIX {p}: <{ALL_PREFIXES[p]}>\n" for p in missing)
    return prolog + text
