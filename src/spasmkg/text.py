"""Text shown to people: one-line messages and terminal-safe output (no control, bidi or format characters)."""

from __future__ import annotations

import re

#: The not-medical-advice line every output of medical content carries (CLI, notebooks, site, release).
NOTICE = "Not medical advice: spasmkg summarises a web-text corpus; ask a clinician about your own care."

__all__ = ["NOTICE", "brief", "one_line", "terminal_safe"]


def one_line(text: str) -> str:
    """``text`` as one printable line: control and format characters (newlines, ANSI escapes,
    bidi overrides) in user-supplied names are shown escaped, never sent to the terminal.

    >>> one_line("bad\\nname\\x1b[31m.ttl: no such file")
    'bad\\\\nname\\\\x1b[31m.ttl: no such file'
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


#: Characters that can drive or fool a terminal: C0 controls (ESC starts CSI/OSC sequences, CR returns to
#: the line start, BEL), DEL, C1 controls (U+0085 NEL, U+009B CSI), bidi embeddings, overrides, isolates
#: and marks (they reorder what follows), invisible format characters (zero-width space, soft hyphen,
#: word joiner, BOM, tag characters), line/paragraph separators and lone surrogates (which cannot even be
#: encoded). ZWJ/ZWNJ (U+200C/D) are kept: scripts and emoji need them and they move nothing.
_TERMINAL_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f"
_TERMINAL_UNSAFE += "\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f"
_UNSAFE_MULTILINE = re.compile(f"[{_TERMINAL_UNSAFE}]")
_UNSAFE_ONE_LINE = re.compile(f"[\t\n{_TERMINAL_UNSAFE}]")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape", "backslashreplace").decode("ascii")


def terminal_safe(text: str, *, multiline: bool = True) -> str:
    """``text`` with every character that could move the cursor, recolour, retitle, hide or reorder
    what a terminal shows replaced by its visible escape (``ESC`` -> ``\\x1b``, CR -> ``\\r``,
    U+202E -> ``\\u202e``). Newlines and tabs are kept unless ``multiline`` is false (for one cell
    or one field, where a newline would fake a row). Idempotent; printable text (accents, NBSP, emoji)
    is unchanged. For human-readable output only: machine formats (JSON, CSV, TSV, RDF) stay exact.

    >>> terminal_safe("zzz\\r\\x1b[7A(all clear)\\x07 \\u202eevil")
    'zzz\\\\r\\\\x1b[7A(all clear)\\\\x07 \\\\u202eevil'
    >>> terminal_safe("two\\nlines", multiline=False)
    'two\\\\nlines'
    """
    pattern = _UNSAFE_MULTILINE if multiline else _UNSAFE_ONE_LINE
    return pattern.sub(_escape, text)


def brief(text: str, limit: int = 300) -> str:
    """``text`` on one line, white space collapsed, cut to ``limit`` characters (for library messages).

    >>> brief("line 3:   bad  token", limit=12)
    'line 3: bad '
    """
    return " ".join(text.split())[:limit]
