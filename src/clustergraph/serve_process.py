"""``clustergraph serve`` in a process of its own on a free 127.0.0.1 port.

For whatever needs a real server over real HTTP: the W3C conformance run, the protocol
tests and the benchmarks. The server is configured by its environment only.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from clustergraph.errors import StoreUnavailable


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServerProcess:
    """A running ``clustergraph serve``: its base URL, process, environment and log file."""

    url: str
    process: subprocess.Popen
    env: dict[str, str]
    log: Path

    def stop(self) -> None:
        """Stop the server process this object started (by its own handle)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_serve_process(
    env: dict[str, str], log: Path, *, timeout: float = 60.0, port: int | None = None
) -> ServerProcess:
    """Start ``clustergraph serve`` with environment ``env``, its output in ``log``; wait until
    ``/health`` answers. ``port`` is a free one unless given (to name the server's own URL in
    ``env`` beforehand, e.g. as its base IRI). Raises ``StoreUnavailable`` (with the log's end)
    when the server exits or does not answer within ``timeout`` seconds."""
    port = port or free_port()
    with open(log, "wb") as out:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "clustergraph.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = ServerProcess(f"http://127.0.0.1:{port}", process, env, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StoreUnavailable(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise StoreUnavailable(f"the server did not answer within {timeout:.0f} s: {log.read_text(errors='replace')[-2000:]}")
