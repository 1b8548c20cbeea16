"""What a check returns (:class:`Check`), how a violation names the ``--data`` file it is about
(:class:`Origin`, :func:`for_data_file`), and the progress lines of a long ``validate`` run."""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

#: The checks of a report, in order (``owl`` is absent with ``owl=False``).
CHECK_NAMES = ("shacl", "owl", "literals", "evidence", "qc")


@dataclass
class Check:
    """The outcome of one check: its violations are dicts of strings (``message`` always; ``severity``,
    ``focus``, ``path``, ``shape``, ``query`` when they apply)."""

    name: str
    ok: bool
    summary: str
    violations: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


#: The key under which a violation keeps the IRIs it is about until :meth:`Origin.word_all` words it.
NODES = "_nodes"


def violation(message: str, nodes: Iterable[object] = (), **fields: str | None) -> dict[str, Any]:
    """A violation dict; ``nodes`` (IRIs, or pyoxigraph/rdflib terms) say which nodes it is about."""
    iris = [n if isinstance(n, str) else getattr(n, "value", str(n)) for n in nodes if n is not None]
    return {"message": message, **fields, NODES: [i for i in iris if "://" in i or i.startswith("urn:")]}


# ----------------------------------------------------------------- where a node comes from


class Origin:
    """Which ``--data`` files mention a node (as subject or object), to word messages for their users.

    Only the nodes of violations are looked up (:meth:`scan`), so a clean run over a big file pays
    nothing for it.
    """

    def __init__(self, files_by_node: dict[str, set[str]] | None = None) -> None:
        self._files = files_by_node or {}

    @classmethod
    def scan(cls, files: Sequence[Path], nodes: set[str]) -> Origin:
        """Read ``files`` once (pyoxigraph's parser) and note which of ``nodes`` each mentions."""
        if not files or not nodes:
            return cls()
        import pyoxigraph as ox

        from spasmkg.io.inputs import rdf_format

        found: dict[str, set[str]] = {}
        for f in files:
            fmt = ox.RdfFormat.from_media_type(rdf_format(f))
            if fmt is None:
                continue
            for q in ox.parse(path=str(f), format=fmt, base_iri=f.resolve().as_uri()):
                for term in (q.subject, q.object):
                    if isinstance(term, ox.NamedNode) and term.value in nodes:
                        found.setdefault(term.value, set()).add(str(f))
        return cls(found)

    def files(self, *nodes: str) -> list[str]:
        return sorted({f for n in nodes for f in self._files.get(n, ())})

    def word(self, message: str, *nodes: str) -> str:
        files = self.files(*nodes)
        return for_data_file(message, files) if files else message

    def word_all(self, checks: Iterable[Check]) -> None:
        """Reword every violation about a node of a ``--data`` file, and drop the node lists."""
        for c in checks:
            for v in c.violations:
                v["message"] = self.word(v["message"], *v.pop(NODES, ()))


def violation_nodes(checks: Iterable[Check]) -> set[str]:
    return {n for c in checks for v in c.violations for n in v.get(NODES, ())}


# Words that start a curator's instructions in the shapes' messages (tables a --data user does not have).
_CURATION_HINTS = ("ontology/curation", "spasmkg.kb.build", "knowledge.ttl", "` column", "`quote`", "column of")
_SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)\. ")


def for_data_file(message: str, files: Sequence[str]) -> str:
    """``message`` without its advice on curation tables, saying which data file(s) the node is in.

    >>> for_data_file("A red flag needs an urgency: add a row to ontology/curation/claims/.", ["mine.ttl"])
    'A red flag needs an urgency (in your data file mine.ttl)'
    """
    at = min((message.find(h) for h in _CURATION_HINTS if h in message), default=-1)
    if at >= 0:
        head = message[:at]
        ends = [head.rfind(sep) for sep in (": ", " (", "; ")]
        ends += [m.start() for m in _SENTENCE_END.finditer(head)]
        cut = max(ends)
        message = (head[:cut] if cut > 0 else head).rstrip(" .,;:")
    plural = "s" if len(files) > 1 else ""
    return f"{message} (in your data file{plural} {', '.join(files)})"


# ----------------------------------------------------------------- progress


class Progress:
    """One line per finished step on ``stream`` (stderr) when the run takes longer than ``after`` seconds.

    Lines of steps that finish earlier are held; ``after`` seconds into the run (a timer thread) they
    are printed, and every later line is printed as its step completes. A quick run prints nothing.
    Use as a context manager (the timer is cancelled on exit).
    """

    def __init__(self, stream: TextIO | None = None, *, after: float = 2.0, enabled: bool = True) -> None:
        self.stream = stream
        self.after = after
        self.enabled = enabled
        self.started = time.monotonic()
        self.held: list[str] = []
        self.live = False
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        if enabled:
            self._timer = threading.Timer(after, self._go_live)
            self._timer.daemon = True
            self._timer.start()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _print(self, text: str) -> None:
        print(text, file=self.stream or sys.stderr, flush=True)

    def _go_live(self) -> None:
        with self._lock:
            self.live = True
            for text in self.held:
                self._print(text)
            self.held.clear()

    def __call__(self, line: str) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        text = f"validate: {line} [{elapsed:.1f} s]"
        if not self.live and elapsed >= self.after:
            self._go_live()
        with self._lock:
            if self.live:
                self._print(text)
            else:
                self.held.append(text)


ProgressFn = Callable[[str], None]
