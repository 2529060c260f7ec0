"""The servers the client suites run against, one per store backend: ``clustergraph serve`` on
the embedded store (the session's ``live_server``) and on the test Virtuoso (the remote store),
both on the bundled data. Tests take ``served`` and run once per backend.

The Virtuoso backend needs ``CLUSTERGRAPH_TEST_VIRTUOSO_URL`` (``source .ci/virtuoso.sh start``):
it skips locally without it and fails on CI, like every Virtuoso test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pyoxigraph import DefaultGraph
from rdflib import RDF, VOID, Graph
from store.store_backends import Virtuoso, emptied, require_virtuoso
from support.servers import LiveServer, free_port, start_server

BACKENDS = [
    pytest.param("embedded", id="embedded"),
    pytest.param("virtuoso", id="virtuoso", marks=pytest.mark.virtuoso),
]


class VirtuosoServers:
    """At most one ``clustergraph serve`` on the test Virtuoso at a time (they would share its data).

    Asking for a server with another base IRI stops the running one, empties Virtuoso and
    starts a new server, which loads the bundled data into the empty store with that base.
    """

    def __init__(self, virtuoso: Virtuoso, folder: Path) -> None:
        self.virtuoso = virtuoso
        self.folder = folder
        self.running: tuple[bool, LiveServer] | None = None

    def server(self, *, own_base: bool = False) -> LiveServer:
        """The server on Virtuoso; with ``own_base`` its resource IRIs are its own URLs."""
        if self.running is not None and self.running[0] == own_base:
            return self.running[1]
        self.stop()
        store = self.virtuoso.open()
        try:
            # One update clears every graph (apply would save each quad first, to be able to undo).
            graphs = store.named_graphs()
            if graphs:
                store.update(" ;\n".join(f"CLEAR SILENT GRAPH {graph}" for graph in graphs))
            emptied(store)
        finally:
            store.close()
        port = free_port()
        env = {
            "CLUSTERGRAPH_STORE": self.virtuoso.url,
            "CLUSTERGRAPH_STORE_USER": self.virtuoso.user,
            "CLUSTERGRAPH_STORE_PASSWORD": self.virtuoso.password,
        }
        if own_base:
            env["CLUSTERGRAPH_BASE_IRI"] = f"http://127.0.0.1:{port}/"
        self.running = (own_base, start_server(self.folder, port=port, **env))
        return self.running[1]

    def stop(self) -> None:
        if self.running is not None:
            self.running[1].stop()
            self.running = None


@pytest.fixture(scope="package")
def virtuoso_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServers]:
    """Servers on the test Virtuoso for this package (skips locally, fails on CI, without it)."""
    servers = VirtuosoServers(require_virtuoso(), tmp_path_factory.mktemp("on-virtuoso"))
    yield servers
    servers.stop()


@pytest.fixture(params=BACKENDS)
def served(request: pytest.FixtureRequest) -> LiveServer:
    """A live server on the bundled data, once on each store backend."""
    if request.param == "embedded":
        return request.getfixturevalue("live_server")
    return request.getfixturevalue("virtuoso_servers").server()


@pytest.fixture(scope="module")
def embedded_own_base_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on the embedded store whose resource IRIs are its own URLs."""
    port = free_port()
    server = start_server(
        tmp_path_factory.mktemp("own-base"), port=port, CLUSTERGRAPH_BASE_IRI=f"http://127.0.0.1:{port}/"
    )
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def own_base_server(request: pytest.FixtureRequest) -> LiveServer:
    """A server whose resource IRIs are its own URLs, so every link in a page leads to a page
    here; once on each store backend."""
    if request.param == "embedded":
        return request.getfixturevalue("embedded_own_base_server")
    return request.getfixturevalue("virtuoso_servers").server(own_base=True)


@pytest.fixture
def void_triples(served: LiveServer) -> int:
    """``void:triples`` of the dataset, as the served ``/void`` states it."""
    response = httpx.get(f"{served.url}/void", headers={"Accept": "text/turtle"}, timeout=60)
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.text, format="turtle")
    return int(graph.value(next(graph.subjects(RDF.type, VOID.Dataset)), VOID.triples))


@pytest.fixture
def distinct_triple_count(store) -> int:
    """The number of distinct triples in the bundled data's named graphs, counted without SPARQL."""
    return len({(q.subject, q.predicate, q.object) for q in store.quads() if not isinstance(q.graph_name, DefaultGraph)})
