"""Helpers for the tests and the CI script: start ``spasmkg serve`` as a child process, and a
loopback HTTP server that records every request it gets (it must get none)."""

from __future__ import annotations

import contextlib
import http.server
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

SERVING = re.compile(r"^serving (http://\S+:(\d+)/query)$")


@dataclass
class Recorder:
    """A loopback HTTP server; ``requests`` lists (method, path) of everything it received."""

    url: str
    requests: list[tuple[str, str]] = field(default_factory=list)


@contextlib.contextmanager
def recording_server() -> Iterator[Recorder]:
    """Start a recorder on 127.0.0.1 (any free port) for the duration of the block."""
    rec = Recorder("")

    class Handler(http.server.BaseHTTPRequestHandler):
        def _record(self) -> None:
            rec.requests.append((self.command, self.path))
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[]}}')

        do_GET = do_POST = do_PUT = do_DELETE = _record

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.url = f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        httpd.shutdown()
        httpd.server_close()


@dataclass
class Served:
    """A running ``spasmkg serve``: its query URL and process."""

    url: str
    process: subprocess.Popen[str]
    first_line: str

    @property
    def base(self) -> str:
        return self.url[: -len("/query")]

    def children(self) -> list[int]:
        """Process ids whose parent is the server (its query workers)."""
        out = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                        stat = fh.read()
                    if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                        out.append(int(entry))
        return out

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> tuple[int, str]:
        """Send ``sig``, wait; return (exit code, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            _, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return self.process.returncode, err


def start_serve(*args: str, timeout: float = 120.0) -> Served:
    """Run ``python -m spasmkg serve --port 0 ARGS`` and wait for its first line."""
    cmd = [sys.executable, "-m", "spasmkg", "serve", "--port", "0", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    box: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        box.append(proc.stdout.readline())

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(timeout)
    line = box[0].rstrip("\n") if box else ""
    m = SERVING.match(line)
    if not m:
        proc.kill()
        _, err = proc.communicate()
        raise RuntimeError(f"spasmkg serve did not start: first line {line!r}, stderr {err.strip()[-500:]!r}")
    return Served(m.group(1), proc, line)
