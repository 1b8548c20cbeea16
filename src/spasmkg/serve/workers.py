"""The query engine of ``spasmkg serve``: pyoxigraph in a few worker processes that can be killed.

Each worker holds the graph in an in-memory pyoxigraph store and answers one query at a time over
a pipe with the serialised result (pyoxigraph's own SPARQL JSON/XML/CSV/TSV and RDF writers). A
query past its deadline is stopped by killing its worker (pyoxigraph cannot interrupt a query) and
a fresh worker takes its place. A result is written through a size-capped writer, so a result over
the bound stops the serialisation instead of filling memory. Workers have no network (the query
text was checked by :func:`spasmkg.engine.sparqlcheck.check_query` before it is sent) and no
write API. This module imports nothing heavy at import time: the workers are started with
``spawn`` and import it.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from spasmkg.errors import InputError

#: Seconds a worker gets to load the graph.
START_TIMEOUT = 120.0

#: Media types served for SELECT/ASK (SPARQL 1.1 result formats), the first is the default.
RESULT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
#: Aliases clients send.
RESULT_ALIASES = {"application/json": RESULT_TYPES[0], "application/xml": RESULT_TYPES[1], "text/xml": RESULT_TYPES[1]}
#: Media types served for CONSTRUCT/DESCRIBE, the first is the default.
GRAPH_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
    "application/n-quads",
    "application/trig",
    "text/n3",
)
GRAPH_ALIASES = {"application/x-turtle": "text/turtle", "text/plain": "application/n-triples"}


def negotiate(accept: str, form: str) -> str | None:
    """The media type to answer for ``accept`` (an Accept header) and the query form; None if none fits."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    offered, aliases = (GRAPH_TYPES, GRAPH_ALIASES) if graph else (RESULT_TYPES, RESULT_ALIASES)
    wanted: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                with contextlib.suppress(ValueError):
                    q = float(p[2:])
        if media:
            wanted.append((-q, i, media.lower()))
    if not wanted:
        return offered[0]
    for neg_q, _, media in sorted(wanted):
        if neg_q >= 0:
            continue
        media = aliases.get(media, media)
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return offered[0]
    return None


class _Capped:
    """A binary writer that refuses more than ``cap`` bytes (stops the serialiser)."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.cap:
            raise _TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


class _TooLarge(Exception):
    pass


def _worker_main(conn: Connection, graph_file: str) -> None:  # pragma: no cover - runs in the worker
    """Load the graph, then answer (text, media type, cap) requests with (status, media type, body)."""
    import signal

    import pyoxigraph

    from spasmkg.io.guards import install_network_guard

    install_network_guard()  # Python code here never connects anywhere (SERVICE is refused before)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us (Ctrl-C reaches the whole group)
    try:
        store = pyoxigraph.Store()
        store.bulk_load(path=graph_file, format=pyoxigraph.RdfFormat.N_TRIPLES)
        conn.send(("ready", len(store)))
    except Exception as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    while True:
        try:
            text, media, cap = conn.recv()
        except (EOFError, OSError):
            return
        out: Any = _Capped(cap)  # duck-typed IO[bytes]: pyoxigraph only calls write()
        try:
            res = store.query(text)
            if isinstance(res, (pyoxigraph.QuerySolutions, pyoxigraph.QueryBoolean)):
                res.serialize(out, pyoxigraph.QueryResultsFormat.from_media_type(media))
            else:
                res.serialize(out, pyoxigraph.RdfFormat.from_media_type(media))
            reply = (200, media, b"".join(out.parts))
        except _TooLarge:
            reply = (507, "text/plain", f"result larger than {cap // 2**20} MiB; add a LIMIT".encode())
        except SyntaxError as exc:
            reply = (400, "text/plain", f"SPARQL syntax error: {' '.join(str(exc).split())}".encode())
        except Exception as exc:
            reply = (500, "text/plain", f"query failed: {type(exc).__name__}: {' '.join(str(exc).split())}".encode())
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process (spawn context)
    conn: Connection

    def ask(self, text: str, media: str, cap: int) -> tuple[int, str, bytes]:
        self.conn.send((text, media, cap))
        reply: tuple[int, str, bytes] = self.conn.recv()
        return reply

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()


def _start_worker(graph_file: Path) -> _Worker:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_worker_main, args=(child, str(graph_file)), name="spasmkg-serve-worker", daemon=True)
    proc.start()
    child.close()
    if not parent.poll(START_TIMEOUT):
        proc.kill()
        raise InputError(f"a query worker did not load the graph within {START_TIMEOUT:g} s")
    try:
        status, detail = parent.recv()
    except EOFError:
        raise InputError("a query worker stopped while loading the graph") from None
    if status != "ready":
        proc.kill()
        raise InputError(f"a query worker could not load the graph: {detail}")
    return _Worker(proc, parent)


class Pool:
    """``size`` workers; :meth:`run` answers a checked query within a deadline or kills the worker."""

    def __init__(self, graph_file: Path, size: int) -> None:
        self.graph_file = graph_file
        self.size = size
        self._workers: list[_Worker] = []
        self._idle: asyncio.Queue[_Worker] | None = None
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start every worker (in parallel) and wait until each holds the graph."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(self.size) as ex:
            futures = [ex.submit(_start_worker, self.graph_file) for _ in range(self.size)]
            errors = []
            for f in futures:
                try:
                    self._workers.append(f.result())
                except Exception as exc:
                    errors.append(exc)
        if errors:
            self.close()
            raise errors[0]

    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers]

    def _queue(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:  # created in the server's event loop
            self._idle = asyncio.Queue()
            for w in self._workers:
                self._idle.put_nowait(w)
        return self._idle

    async def run(self, text: str, media: str, cap: int) -> tuple[int, str, bytes]:
        """Answer ``text`` as ``media``; the caller bounds the time (``asyncio.timeout``)."""
        idle = self._queue()
        worker = await idle.get()
        try:
            reply = await asyncio.to_thread(worker.ask, text, media, cap)
        except asyncio.CancelledError:  # the deadline passed: the query cannot be stopped, its worker can
            self._replace(worker)
            raise
        except (EOFError, OSError):  # the worker died (e.g. out of memory)
            self._replace(worker)
            return 500, "text/plain", b"the query worker stopped; try again with a smaller query"
        idle.put_nowait(worker)
        return reply

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background; it joins the idle queue when ready."""
        worker.kill()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
        loop = asyncio.get_running_loop()
        idle = self._queue()

        def spawn() -> None:
            if self._closed:
                return
            try:
                fresh = _start_worker(self.graph_file)
            except Exception:
                return  # capacity drops by one; the others keep serving
            with self._lock:
                if self._closed:
                    fresh.kill()
                    return
                self._workers.append(fresh)
            loop.call_soon_threadsafe(idle.put_nowait, fresh)

        threading.Thread(target=spawn, name="spasmkg-serve-respawn", daemon=True).start()

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers, self._workers = self._workers, []
        for w in workers:
            w.kill()


def default_workers() -> int:
    """One worker per core, at least 2, at most 8."""
    return max(2, min(8, os.cpu_count() or 2))
