"""Running ``spasmkg serve``: the engine, the checking front, the listening socket, clean stops."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import sys
from collections.abc import Callable, Sequence
from typing import Any

from spasmkg.errors import InputError


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_of(host: str, port: int, path: str = "/query") -> str:
    """``http://HOST:PORT/path`` (IPv6 hosts in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path}"


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    data: Sequence[str] = (),
    inferred: bool = False,
    timeout: float = 10.0,
    max_result_mb: int = 64,
    workers: int | None = None,
    announce: Callable[[str], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> None:
    """Serve the graph until SIGINT/SIGTERM; print ``serving URL`` once it accepts queries.

    The front is Starlette on uvicorn; the engine is pyoxigraph in ``workers`` processes
    (:mod:`spasmkg.serve.workers`). This process opens no connection: it only listens.
    """
    import shutil
    import tempfile
    from pathlib import Path

    import uvicorn

    from spasmkg.serve.app import Settings, create_app, named_queries_for_ui
    from spasmkg.serve.dataset import write_ntriples
    from spasmkg.serve.workers import Pool, default_workers

    say = announce or _print_line(sys.stdout)
    tell = warn or _print_line(sys.stderr)
    if not is_loopback(host):
        tell(
            f"warning: listening on {host}, not loopback: anyone who can reach this machine can query the graph "
            "(read-only, checked queries; no authentication, no TLS)"
        )
    sock = listening_socket(host, port)
    bound_port = int(sock.getsockname()[1])
    with contextlib.ExitStack() as stack:
        stack.callback(sock.close)
        folder = Path(tempfile.mkdtemp(prefix="spasmkg-serve-"))
        stack.callback(shutil.rmtree, folder, True)
        os.chmod(folder, 0o700)
        graph = folder / "graph.nt"
        write_ntriples(graph, data=data, inferred=inferred)
        pool = Pool(graph, workers or default_workers())
        pool.start()
        stack.callback(pool.close)
        settings = Settings(
            pool=pool,
            timeout=timeout,
            max_result_bytes=max_result_mb * 2**20,
            queries=named_queries_for_ui(),
        )
        config = uvicorn.Config(
            create_app(settings),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=max(1, int(timeout)),
            server_header=False,
        )
        server = _Server(config, on_ready=lambda: say(f"serving {url_of(host, bound_port)}"))
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the signal after a clean shutdown
            server.run(sockets=[sock])
        if not server.started:
            raise InputError("the server did not start")
    tell("stopped")


def _print_line(stream: Any) -> Callable[[str], None]:
    def write(line: str) -> None:
        stream.write(line + "\n")
        stream.flush()

    return write


class _Server:
    """uvicorn's Server, announcing the URL once it accepts connections."""

    def __init__(self, config: Any, on_ready: Callable[[], None]) -> None:
        import uvicorn

        on = on_ready

        class Announcing(uvicorn.Server):
            async def startup(self, sockets: list[socket.socket] | None = None) -> None:
                await super().startup(sockets=sockets)
                if self.started:
                    on()

        self._server = Announcing(config)

    @property
    def started(self) -> bool:
        return bool(self._server.started)

    def run(self, sockets: list[socket.socket]) -> None:
        self._server.run(sockets=sockets)
