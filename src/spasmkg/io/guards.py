"""Guards that hold on every path: no network at run time, bounded memory and wall-clock time."""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from spasmkg.errors import InputError, NetworkRefused, TimeLimitExceeded
from spasmkg.io.limits import MAX_QUERY_MEMORY_GROWTH
from spasmkg.text import one_line

__all__ = [
    "allow_hosts",
    "install_network_guard",
    "network_guard",
    "network_guard_active",
    "query_memory_limit",
    "rss_bytes",
    "time_limit",
    "wait_bounded",
]

_GUARD_INSTALLED = False
_GUARD_ACTIVE = False

_BLOCKED_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyname_ex",
        "socket.gethostbyaddr",
        "socket.sendto",
        "socket.sendmsg",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "poplib.connect",
        "imaplib.open",
        "nntplib.connect",
        "telnetlib.Telnet.open",
        "webbrowser.open",
    }
)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _GUARD_ACTIVE or event not in _BLOCKED_EVENTS:
        return
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg") and args:
        # Unix sockets (e.g. multiprocessing) are local: allow them.
        af_unix = getattr(sys.modules.get("socket"), "AF_UNIX", None)
        if af_unix is not None and getattr(args[0], "family", None) == af_unix:
            return
    target = args[1] if event == "socket.connect" and len(args) > 1 else (args[0] if args else "")
    raise NetworkRefused(f"network access refused at run time ({event} {target!s:.80})")


def install_network_guard() -> None:
    """Refuse every outgoing connection from this process from now on (a ``sys.addaudithook``).

    It blocks what Python code does (urllib, http.client, sockets, DNS look-ups), e.g. rdflib
    fetching a JSON-LD context or owlready2 downloading an ``owl:imports``. It cannot see
    native code (pyoxigraph's Rust HTTP client for ``SERVICE``/``LOAD``) or child processes
    (HermiT's JVM): those are kept off the network by refusing ``SERVICE``/``LOAD`` before
    evaluation (:mod:`spasmkg.engine.sparqlcheck`) and by removing ``owl:imports`` before the
    reasoner sees a graph. The CLI installs it first thing; it is never switched off there.
    """
    global _GUARD_INSTALLED, _GUARD_ACTIVE
    if not _GUARD_INSTALLED:
        sys.addaudithook(_audit)
        _GUARD_INSTALLED = True
    _GUARD_ACTIVE = True


@contextlib.contextmanager
def network_guard() -> Iterator[None]:
    """Refuse network access from Python code inside the block (process-wide, all threads).

    For embedding and tests; audit hooks cannot be removed, so leaving the block only
    switches the check off again (unless it was already on).
    """
    global _GUARD_ACTIVE
    was_active = _GUARD_ACTIVE
    install_network_guard()
    try:
        yield
    finally:
        _GUARD_ACTIVE = was_active


def network_guard_active() -> bool:
    return _GUARD_ACTIVE


def rss_bytes() -> int | None:
    """The resident memory of this process now (Linux ``/proc``), else None."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def query_memory_limit() -> int:
    """Bytes a query may add to the resident memory: ``SPASMKG_MAX_QUERY_MB`` or the default."""
    try:
        mb = float(os.environ["SPASMKG_MAX_QUERY_MB"])
    except (KeyError, ValueError):
        return MAX_QUERY_MEMORY_GROWTH
    if not math.isfinite(mb) or mb <= 0:
        raise InputError(f"SPASMKG_MAX_QUERY_MB must be a positive finite number of MiB, not {mb}")
    return int(mb * 2**20)


def wait_bounded(
    worker: threading.Thread,
    timeout: float | None,
    *,
    max_growth: int | None = -1,
    poll: float = 0.05,
) -> str:
    """Wait for ``worker``; return "done", "timeout" or "memory" (it grew RSS by over ``max_growth``,
    by default :func:`query_memory_limit`; None for no memory bound).

    A stopped worker is not killed (native code cannot be interrupted); the CLI exits at once.
    """
    if max_growth == -1:
        max_growth = query_memory_limit()
    base = rss_bytes() if max_growth is not None else None
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            return "done" if not worker.is_alive() else "timeout"
        worker.join(poll if left is None else min(poll, left))
        if not worker.is_alive():
            return "done"
        if base is not None and max_growth is not None:
            now = rss_bytes()
            if now is not None and now - base > max_growth:
                return "memory"


# ---------------------------------------------------------------- time limits


class _Expired(BaseException):
    """Raised by the SIGALRM handler of :func:`time_limit` (a BaseException: no ``except Exception``
    in a library can swallow it)."""


@contextlib.contextmanager
def time_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Stop the block after ``seconds`` of wall-clock time with :class:`TimeLimitExceeded`.

    A ``SIGALRM`` timer interrupts Python code (networkx, matplotlib, numpy between calls), so the
    work really stops. Native code (a pyoxigraph query) is interrupted when it returns. Only in the
    main thread and only when no other ``SIGALRM`` handler or timer is in use; otherwise (a
    notebook thread, an application that owns the alarm) the block runs without a limit.
    """
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )
    if not usable:
        yield
        return
    assert seconds is not None

    def expire(signum: int, frame: Any) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    except _Expired:
        raise TimeLimitExceeded(f"{what} stopped after {seconds:g} s (raise --timeout)") from None
    finally:
        while True:  # the alarm may fire while it is being cancelled: the work is done, ignore it
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except _Expired:
                continue


# ---------------------------------------------------------------- the one opt-in: named hosts only

_POLICY_LOCK = threading.Lock()
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
        if getattr(sock, "family", None) == getattr(sys.modules.get("socket"), "AF_UNIX", object()):
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
    import ipaddress
    import socket

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

    The no-network guard (:func:`install_network_guard`) is paused and
    this module's narrower policy takes its place: a connection or DNS look-up for any other host is
    refused with :class:`~spasmkg.errors.NetworkRefused`. Audit hooks are process-wide; the policy
    is, too.
    """
    global _POLICY_DEPTH, _HOOK_INSTALLED, _GUARD_ACTIVE
    hosts = [h for h in hosts if h]
    with _POLICY_LOCK:
        if not _HOOK_INSTALLED:
            sys.addaudithook(_policy_hook)
            _HOOK_INSTALLED = True
        _ALLOWED["names"].update(hosts)
        _POLICY_DEPTH += 1
        was_active = _GUARD_ACTIVE
        _GUARD_ACTIVE = False  # the policy above is narrower: only the named hosts
    try:
        for h in hosts:
            _ALLOWED["addrs"].update(_addresses(h))
        yield
    finally:
        with _POLICY_LOCK:
            _POLICY_DEPTH -= 1
            if _POLICY_DEPTH == 0:
                _GUARD_ACTIVE = was_active
