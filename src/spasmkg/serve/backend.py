"""The Oxigraph server (PyPI ``oxigraph``): found, and started read-only on a private loopback port.

Not the engine of ``spasmkg serve`` (see :mod:`spasmkg.serve`): it is what ``bench/serve_load.py
--compare`` measures that design against, and the tests use the binary as a real SPARQL 1.1 store
to publish to.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spasmkg.errors import InputError

#: Seconds the Oxigraph server gets to load the graph and start listening.
START_TIMEOUT = 60.0


def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` server binary: ``SPASMKG_OXIGRAPH``, next to this Python, or on PATH."""
    env = os.environ.get("SPASMKG_OXIGRAPH")
    candidates = [env] if env else []
    candidates.append(str(Path(sys.executable).parent / "oxigraph"))
    found = shutil.which("oxigraph")
    if found:
        candidates.append(found)
    for c in candidates:
        if c and os.access(c, os.X_OK) and Path(c).is_file():
            return c
    raise InputError("the Oxigraph server is not installed: pip install 'oxigraph==0.5.*' (or set SPASMKG_OXIGRAPH)")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the child gets SIGTERM if this process dies without stopping it (no orphan server)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Backend:
    """A running read-only Oxigraph server holding one graph."""

    url: str
    process: subprocess.Popen[bytes]
    folder: Path
    triples: int
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.folder / "oxigraph.log"

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s) and remove its folder."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.folder, ignore_errors=True)


def start(*, data: Sequence[str] = (), inferred: bool = False, timeout: float = 10.0) -> Backend:
    """Write the graph, load it into an Oxigraph store in a private temporary folder and start
    ``oxigraph serve-read-only`` on a free loopback port with ``--timeout-s``."""
    from spasmkg.serve.dataset import write_ntriples

    binary = oxigraph_binary()
    folder = Path(tempfile.mkdtemp(prefix="spasmkg-serve-"))
    os.chmod(folder, 0o700)
    try:
        nt = folder / "graph.nt"
        triples = write_ntriples(nt, data=data, inferred=inferred)
        db = folder / "db"
        done = subprocess.run(
            [binary, "load", "--location", str(db), "--file", str(nt)],
            capture_output=True,
            timeout=START_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            err = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise InputError(f"oxigraph load failed: {err[-1] if err else done.returncode}")
        nt.unlink()
        port = free_port()
        log = (folder / "oxigraph.log").open("wb")
        proc = subprocess.Popen(
            [
                binary,
                "serve-read-only",
                "--location",
                str(db),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout-s",
                str(max(1, round(timeout))),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal reaches us, and we stop it in order
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        log.close()
        backend = Backend(f"http://127.0.0.1:{port}", proc, folder, triples)
        _wait_listening(backend, port)
        return backend
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _wait_listening(backend: Backend, port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if backend.process.poll() is not None:
            text = backend.log.read_text("utf-8", "replace").strip().splitlines()
            backend.stop()
            raise InputError(
                f"the Oxigraph server stopped at start: {text[-1] if text else backend.process.returncode}"
            )
        with contextlib.suppress(OSError):
            if "Listening" in backend.log.read_text("utf-8", "replace"):
                return
        time.sleep(0.02)
    backend.stop()
    raise InputError(f"the Oxigraph server did not start within {START_TIMEOUT:g} s")
