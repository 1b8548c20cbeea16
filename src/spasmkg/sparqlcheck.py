"""A small SPARQL lexer that finds the query form and refuses updates and SERVICE.

It blanks out comments, string literals and IRIs, then looks at keywords, so a keyword
inside a string (``"DROP ALL"``) or an IRI is not mistaken for one.

>>> query_form("PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p 'INSERT DATA' }")
'SELECT'
>>> query_form("DROP ALL")
'UPDATE'
"""

from __future__ import annotations

import re

from spasmkg.safety import InputError

_STRING = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"", re.S)
_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_COMMENT = re.compile(r"#[^\n]*")
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


def _kw(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w?$:.\-]){word}(?![\w:\-])", re.I)


_FORM_RE = {w: _kw(w) for w in (*_FORMS, *_UPDATES, "SERVICE")}


def strip(text: str) -> str:
    """Blank out strings, IRIs and comments (in the order a SPARQL lexer would meet them)."""
    out: list[str] = []
    i = 0
    n = len(text)
    token = re.compile(_STRING.pattern + "|" + _IRI.pattern + "|" + _COMMENT.pattern, re.S)
    while i < n:
        m = token.search(text, i)
        if m is None:
            out.append(text[i:])
            break
        out.append(text[i : m.start()])
        out.append(" ")
        i = m.end()
    return "".join(out)


def query_form(text: str) -> str:
    """Return SELECT, ASK, CONSTRUCT, DESCRIBE, or UPDATE for an update request; '' if none found."""
    body = strip(text)
    first: tuple[int, str] | None = None
    for word, rx in _FORM_RE.items():
        if word == "SERVICE":
            continue
        m = rx.search(body)
        if m and (first is None or m.start() < first[0]):
            first = (m.start(), word)
    if first is None:
        return ""
    return "UPDATE" if first[1] in _UPDATES else first[1]


def check_query(text: str, *, allow_update: bool = False) -> str:
    """Refuse what must never run: updates (unless allowed), SERVICE (network). Return the form."""
    if not text or not text.strip():
        raise InputError("empty SPARQL query")
    body = strip(text)
    if _FORM_RE["SERVICE"].search(body):
        raise InputError("SERVICE clauses are refused: spasmkg never opens network connections")
    form = query_form(text)
    if form == "UPDATE" and not allow_update:
        raise InputError("SPARQL UPDATE is refused: the graph is read-only (INSERT, DELETE, LOAD, CLEAR, DROP, ...)")
    if form == "UPDATE":
        return form
    if any(_FORM_RE[w].search(body) for w in ("INSERT", "LOAD", "CLEAR", "DROP", "CREATE")) and form != "":
        # an update operation after a query (e.g. "SELECT ... ; DROP ALL") is still an update
        for w in ("INSERT", "LOAD", "CLEAR", "DROP", "CREATE"):
            m = _FORM_RE[w].search(body)
            if m and ";" in body[: m.start()] and not allow_update:
                raise InputError("SPARQL UPDATE is refused: the graph is read-only")
    if not form:
        raise InputError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return form
