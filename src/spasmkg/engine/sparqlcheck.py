"""A SPARQL tokenizer that finds the query form and refuses updates and SERVICE.

pyoxigraph evaluates ``SERVICE`` and ``LOAD`` with its own (Rust) HTTP client, which no
Python audit hook can see, so this check is what keeps queries off the network. It is
written to be conservative against the real parser (spargebra, a PEG parser):

* strings, IRIs, comments, variables, prefixed names (with ``\\'`` and ``\\#`` escapes),
  blank nodes, language tags and numbers are tokenized with the SPARQL 1.1 grammar's
  own character classes, so ``"SERVICE"`` in a string or ``<http://x/service>`` is not a keyword;
* spargebra needs no space after a keyword (``SERVICE:x{}``, ``trueSERVICE<...>{}``,
  ``SERVICEex:x{}`` all parse as SERVICE), so ``SERVICE`` is looked for *inside* every bare
  word, prefix name and language tag, not only as a whole word;
* ``<`` is either an IRI or the less-than operator depending on where it stands; when an
  IRI-looking span such as ``<'>`` or ``<1#>`` could be an operator followed by a string or a
  comment, both readings are tokenized and a keyword seen in either one counts;
* SPARQL 1.1 §19.2 lets ``\\uXXXX`` / ``\\UXXXXXXXX`` stand for any code point *anywhere* in a
  query, and rdflib expands them before parsing (``\\u0053ERVICE`` is ``SERVICE`` to it) while
  spargebra does not: the checks run on the text as written and on every expansion of its
  escapes (the spec's and rdflib's), and a keyword found in any of them counts.

Why a home-made tokenizer (code review 2026-11-30, measured): pyoxigraph's Python API has no switch to
turn ``SERVICE`` off (Rust oxigraph has ``without_service_handler``); rdflib's parser costs 581 ms to
import and 40 ms per query and has another grammar than spargebra, so it would not be a sound check.
This check takes 2.3 ms per query; a differential fuzz against a loopback server
(``tests/test_hostile_inputs.py``) keeps it honest.

>>> query_form("PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p 'INSERT DATA' }")
'SELECT'
>>> query_form("DROP ALL")
'UPDATE'
>>> query_form("select * where { ?s ?p ?o } ; insert data { <a> <b> <c> }")
'UPDATE'
>>> check_query("SELECT * WHERE { ?s ?p ?o .SERVICE <http://example.org/sparql> { ?x ?y ?z } }")
Traceback (most recent call last):
...
spasmkg.errors.InputError: SERVICE clauses are refused: spasmkg never opens network connections
>>> check_query("SELECT * WHERE { \\\\u0053ERVICE <http://example.org/sparql> {} }")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
spasmkg.errors.InputError: SERVICE clauses are refused: ... (written with \\u escapes)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spasmkg.errors import InputError

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

# Character classes of the SPARQL 1.1 grammar (section 19.8). Compiling the Unicode ranges costs
# ~30 ms, so an ASCII-only table (identical on ASCII text) serves ASCII queries, the usual case.
_NON_ASCII_BASE = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NON_ASCII_EXTRA = "\u00b7\u0300-\u036f\u203f-\u2040"


@cache
def _token_table(unicode: bool) -> list[tuple[str, re.Pattern[str]]]:
    base = "A-Za-z" + (_NON_ASCII_BASE if unicode else "")
    extra = _NON_ASCII_EXTRA if unicode else ""
    pn_chars_u = base + "_"
    pn_chars = pn_chars_u + r"\-0-9" + extra
    plx = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
    pn_prefix = rf"[{base}](?:[{pn_chars}.]*[{pn_chars}])?"
    pn_local = rf"(?:[{pn_chars_u}:0-9]|{plx})(?:(?:[{pn_chars}.:]|{plx})*(?:[{pn_chars}:]|{plx}))?"
    tokens = [
        ("ws", r"[ \t\r\n]+"),
        ("comment", r"#[^\r\n]*"),
        ("string", r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"),
        ("string", r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'),
        ("string", r"'(?:[^'\\\n\r]|\\.)*'"),
        ("string", r'"(?:[^"\\\n\r]|\\.)*"'),
        ("iri", r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>"),
        ("var", rf"[?$][{pn_chars_u}0-9][{pn_chars_u}0-9{extra}]*"),
        ("bnode", rf"_:[{pn_chars_u}0-9](?:[{pn_chars}.]*[{pn_chars}])?"),
        ("pname", rf"(?:{pn_prefix})?:(?:{pn_local})?"),
        ("langtag", r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*"),
        ("number", r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?"),
        ("word", r"\w+"),
        ("punct", r"."),
    ]
    return [(kind, re.compile(rx, re.S)) for kind, rx in tokens]


# An absolute IRI with an authority ("http://..."): read as an operator it would be
# "scheme: / / ...", which never parses, so such an IRI is never ambiguous.
_AUTHORITY_IRI = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*://")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def _table_for(text: str) -> list[tuple[str, re.Pattern[str]]]:
    return _token_table(not text.isascii())


def _token_at(text: str, pos: int, table: list[tuple[str, re.Pattern[str]]]) -> Token:
    for kind, rx in table:
        m = rx.match(text, pos)
        if m:
            return Token(kind, m.group(), pos)
    raise AssertionError("unreachable: 'punct' matches any character")  # pragma: no cover


def _ambiguous_iri(tok: Token) -> bool:
    """True if ``<...>`` might be read by the parser as ``<`` followed by a string or comment."""
    return ("'" in tok.text or "#" in tok.text) and not _AUTHORITY_IRI.match(tok.text)


def tokens(text: str) -> list[Token]:
    """The tokens of the most likely reading (every ``<...>`` that can be an IRI is one)."""
    table = _table_for(text)
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        tok = _token_at(text, pos, table)
        out.append(tok)
        pos += len(tok.text)
    return out


def all_readings(text: str) -> list[Token]:
    """Every token of every reading (an ambiguous ``<`` is tried as IRI and as operator).

    The tokenizer has no state besides the position, so the readings form a graph over
    positions; walking every reachable position once covers all of them in linear time.
    """
    table = _table_for(text)
    seen: set[int] = set()
    todo = [0]
    out: list[Token] = []
    while todo:
        pos = todo.pop()
        if pos in seen or pos >= len(text):
            continue
        seen.add(pos)
        tok = _token_at(text, pos, table)
        out.append(tok)
        todo.append(pos + len(tok.text))
        if tok.kind == "iri" and _ambiguous_iri(tok):
            todo.append(pos + 1)  # "<" as the less-than operator
    out.sort(key=lambda t: t.start)
    return out


def _words(tok: Token) -> str:
    """The part of a token in which the parser could see a keyword (upper case), else ''."""
    if tok.kind in ("word", "langtag"):
        return tok.text.upper()
    if tok.kind == "pname":  # "SERVICE:x" and "SERVICEex:x" parse as SERVICE + a prefixed name
        return tok.text.split(":", 1)[0].upper()
    return ""


def _next_significant(text: str, pos: int) -> Token | None:
    table = _table_for(text)
    while pos < len(text):
        tok = _token_at(text, pos, table)
        if tok.kind not in ("ws", "comment"):
            return tok
        pos += len(tok.text)
    return None


def _find_service(text: str, toks: list[Token]) -> Token | None:
    """A token in which the parser may read the SERVICE keyword.

    Any bare word or language tag containing it counts. A prefixed name counts when its
    prefix contains it and a ``{`` follows (``SERVICE:x {``): the prefix of a name that is
    used as a name (``PREFIX service: <...>``, ``?s service:p ?o``) is not a keyword.
    """
    for tok in toks:
        w = _words(tok)
        if "SERVICE" not in w:
            continue
        if tok.kind != "pname":
            return tok
        nxt = _next_significant(text, tok.start + len(tok.text))
        if nxt is not None and nxt.text == "{":
            return tok
    return None


def _find(toks: list[Token], keyword: str, *, inside: bool) -> Token | None:
    for tok in toks:
        w = _words(tok)
        if w and ((keyword in w) if inside else w.startswith(keyword)):
            return tok
    return None


def _update_word(text: str) -> Token | None:
    """The first bare word (in any reading) that starts an update operation."""
    for tok in all_readings(text):
        if tok.kind == "word" and tok.text.upper().startswith(UPDATES):
            return tok
    return None


def query_form(text: str) -> str:
    """Return SELECT, ASK, CONSTRUCT, DESCRIBE, or UPDATE for an update request; '' if none found.

    A query followed by an update (``SELECT ... ; DROP ALL``) is an UPDATE.
    """
    for tok in tokens(text):
        if tok.kind != "word":
            continue
        w = tok.text.upper()
        if w.startswith(UPDATES):
            return "UPDATE"
        form = next((f for f in FORMS if w.startswith(f)), None)
        if form is not None:
            return "UPDATE" if _update_word(text) else form
    return ""


def _where(text: str, tok: Token) -> str:
    line = text.count("\n", 0, tok.start) + 1
    col = tok.start - (text.rfind("\n", 0, tok.start) + 1) + 1
    return f"line {line}, column {col}"


# A code point escape as SPARQL 1.1 §19.2 defines it, and as rdflib's parser expands it (``\\u`` or
# ``\\U`` followed by 4 or 8 hex digits, greedily: rdflib reads ``\\u00530000`` as one 8-digit escape).
_ESCAPES_SPEC = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ESCAPES_RDFLIB = re.compile(r"\\[uU]([0-9A-Fa-f]{4}(?:[0-9A-Fa-f]{4})?)")


def _expand(rx: re.Pattern[str], text: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = int(next(g for g in m.groups() if g is not None), 16)
        return chr(code) if code <= 0x10FFFF else m.group()  # an invalid escape stays as written

    return rx.sub(one, text)


def readings(text: str) -> list[str]:
    """The query as each parser may read it: as written, and with its code point escapes expanded.

    >>> readings("SELECT * { \\\\u0053ERVICE <x> {} }")[1]
    'SELECT * { SERVICE <x> {} }'
    """
    out = [text]
    if "\\" in text:
        for rx in (_ESCAPES_SPEC, _ESCAPES_RDFLIB):
            expanded = _expand(rx, text)
            if expanded not in out:
                out.append(expanded)
    return out


def check_query(text: str, *, allow_update: bool = False) -> str:
    """Refuse what must never run: SERVICE and LOAD (network), updates unless allowed. Return the form.

    ``allow_update=True`` (a private writable copy) still refuses ``LOAD`` and ``SERVICE``. Every
    check also runs on the query with its ``\\u``/``\\U`` escapes expanded (see :func:`readings`).
    """
    if not text or not text.strip():
        raise InputError("empty SPARQL query")
    versions = readings(text)
    for n, version in enumerate(versions):
        _refuse_network(version, allow_update=allow_update, escaped=n > 0)
    form = query_form(text)
    expanded_forms = {query_form(v) for v in versions[1:]}
    if form == "UPDATE" or "UPDATE" in expanded_forms:
        if not allow_update:
            bad = next((b for b in (_update_word(v) for v in versions) if b is not None), None)
            what = f" (found {bad.text[:20]!r})" if bad else ""
            raise InputError(
                "SPARQL UPDATE is refused: the graph is read-only "
                f"(INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY, WITH){what}"
            )
        return "UPDATE"
    if not form:
        raise InputError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return form


def _refuse_network(text: str, *, allow_update: bool, escaped: bool) -> None:
    toks = all_readings(text)
    tok = _find_service(text, toks)
    how = " (written with \\u escapes)" if escaped else ""
    if tok is not None:
        hint = "" if _words(tok) == "SERVICE" else f" ('SERVICE' found in {tok.text[:40]!r} at {_where(text, tok)})"
        raise InputError(f"SERVICE clauses are refused: spasmkg never opens network connections{hint}{how}")
    tok = _find(toks, "LOAD", inside=True) if allow_update else None
    if tok is not None:
        raise InputError(f"LOAD is refused: spasmkg never fetches data from the network ({_where(text, tok)}){how}")
