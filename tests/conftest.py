"""Fixtures: settings, a loaded store, the app and a live server, built per test from real parts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from clustergraph.loading.loader import gate_for, load
from clustergraph.loading.validation import ShaclGate
from clustergraph.settings import Settings
from clustergraph.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shacl_gate() -> ShaclGate:
    """One gate for the session: parsing the shapes and ontology once keeps tests fast."""
    return gate_for(Settings(store="memory"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an in-memory store with the bundled data; no environment needed."""
    return Settings(store="memory", _env_file=None)


@pytest.fixture(scope="session")
def loaded_quads(shacl_gate: ShaclGate) -> list:
    """The bundled ontology and data as quads, loaded once per session."""
    store = EmbeddedStore(None)
    load(store, Settings(store="memory"), gate=shacl_gate)
    return list(store.quads())


@pytest.fixture
def store(loaded_quads: list) -> Iterator[EmbeddedStore]:
    """A fresh in-memory store holding the bundled ontology and data."""
    db = EmbeddedStore(None)
    db.apply(add=loaded_quads)
    yield db
    db.close()


@pytest.fixture
def empty_store() -> Iterator[EmbeddedStore]:
    db = EmbeddedStore(None)
    yield db
    db.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    env: dict[str, str]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_server(tmp_path: Path, **env: str) -> LiveServer:
    """Start ``clustergraph serve`` in its own process on a free port and wait until it answers."""
    port = free_port()
    environment = {**os.environ, "CLUSTERGRAPH_STORE": "memory", **env}
    log = open(tmp_path / f"server-{port}.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "clustergraph.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {(tmp_path / f'server-{port}.log').read_text()}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return LiveServer(url, process, environment)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not answer within 60 s")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real uvicorn server on 127.0.0.1 with the bundled data, shared by the session (read-only tests)."""
    server = start_server(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()
