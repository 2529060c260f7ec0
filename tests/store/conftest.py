"""Backends for the store contract: embedded (memory, disk), a real Virtuoso and a real
Oxigraph server (the generic code path, for stores whose default graph is not the union).

The Virtuoso backend needs ``CLUSTERGRAPH_TEST_VIRTUOSO_URL`` (with ``_USER`` and
``_PASSWORD``), as printed by ``.ci/virtuoso.sh start``. That store is for tests
only: every test empties it first. Without the variable the Virtuoso tests skip
locally, and FAIL when ``CI`` is set, so CI cannot silently drop them. The Oxigraph
server (``oxigraph`` from PyPI, the ``test`` extra) is started here, in memory, on a
free loopback port.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from store_backends import Virtuoso, emptied, on_ci, require_virtuoso

from clustergraph.store import EmbeddedStore
from clustergraph.store.base import Store
from clustergraph.store.remote import RemoteStore

BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("disk", id="disk"),
    pytest.param("virtuoso", id="virtuoso", marks=pytest.mark.virtuoso),
    pytest.param("oxigraph-server", id="oxigraph-server"),
]


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The query URL of an in-memory ``oxigraph serve`` on a free loopback port."""
    binary = shutil.which("oxigraph")
    if binary is None:
        message = "the oxigraph server is not installed (pip install -e '.[test]')"
        if on_ci():
            pytest.fail(message)
        pytest.skip(message)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(tmp_path_factory.mktemp("oxigraph") / "server.log", "wb")  # noqa: SIM115  (open while the server runs)
    process = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.post(url, data={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"oxigraph serve did not answer on port {port}")
        time.sleep(0.05)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def virtuoso() -> Virtuoso:
    """The test Virtuoso (skips locally, fails on CI, when it is not configured)."""
    return require_virtuoso()


@pytest.fixture
def remote(virtuoso: Virtuoso) -> Iterator[RemoteStore]:
    """An emptied RemoteStore on the test Virtuoso."""
    store = virtuoso.open()
    emptied(store)
    yield store
    store.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each kind."""
    kind = request.param
    if kind == "memory":
        store: Store = EmbeddedStore(None)
    elif kind == "disk":
        store = EmbeddedStore(tmp_path / "store")
    elif kind == "virtuoso":
        store = emptied(require_virtuoso().open())
        assert store.dialect == "virtuoso"
    else:
        query_url = request.getfixturevalue("oxigraph_server")
        store = emptied(RemoteStore(query_url, update_url=query_url.replace("/query", "/update")))
        assert store.dialect == "generic"
    yield store
    store.close()
