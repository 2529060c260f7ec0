"""A second, throwaway Virtuoso standing in for the EU endpoints, loaded with tests/fixtures/eu.

It runs beside the remote-store Virtuoso (which the store tests empty before each test) on
ports of its own with ``ResultSetMaxRows=10``, so every answer of more than ten rows is cut
and must be paged. ``.ci/run`` starts it and exports ``CLUSTERGRAPH_TEST_EU_VIRTUOSO_URL``
(its ``/sparql-auth``), ``_USER`` and ``_PASSWORD``; without them these tests fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from clustergraph.loading.loader import load, without_their_merge
from clustergraph.settings import Settings
from clustergraph.store import EmbeddedStore

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "eu"
GRAPHS = {"nuts.ttl": "http://fixtures.clustergraph.test/nuts", "eurio.ttl": "http://fixtures.clustergraph.test/eurio"}


@dataclass(frozen=True)
class EuVirtuoso:
    auth_url: str
    user: str
    password: str

    @property
    def endpoint(self) -> str:
        """The anonymous query endpoint, as the connectors reach the real EU endpoints."""
        return self.auth_url.rsplit("/", 1)[0] + "/sparql"


@pytest.fixture(scope="session")
def eu_virtuoso() -> EuVirtuoso:
    """The EU stand-in, loaded with the fixtures (each graph replaced, so reruns start equal)."""
    url = os.environ.get("CLUSTERGRAPH_TEST_EU_VIRTUOSO_URL")
    if not url:
        pytest.fail("CLUSTERGRAPH_TEST_EU_VIRTUOSO_URL is not set: start the EU stand-in as .ci/run does")
    server = EuVirtuoso(url, os.environ["CLUSTERGRAPH_TEST_EU_VIRTUOSO_USER"], os.environ["CLUSTERGRAPH_TEST_EU_VIRTUOSO_PASSWORD"])
    crud = server.auth_url.rsplit("/", 1)[0] + "/sparql-graph-crud-auth"
    auth = httpx.DigestAuth(server.user, server.password)
    for name, graph in GRAPHS.items():
        response = httpx.put(
            crud, params={"graph-uri": graph}, content=(FIXTURES / name).read_bytes(),
            headers={"Content-Type": "text/turtle"}, auth=auth, timeout=30,
        )
        assert response.status_code in (200, 201, 204), response.text
    return server


@pytest.fixture(scope="session")
def bundled_store_dump(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bundled data, loaded and validated once, as N-Quads to copy into each test's store."""
    from pyoxigraph import RdfFormat

    store = EmbeddedStore(None)
    load(store, Settings(store="memory", _env_file=None))
    return store.dump(RdfFormat.N_QUADS)


@pytest.fixture
def store(bundled_store_dump: bytes) -> Iterator[EmbeddedStore]:
    """An in-memory store holding the bundled data."""
    from pyoxigraph import RdfFormat, parse

    db = EmbeddedStore(None)
    db.apply(add=without_their_merge(list(parse(bundled_store_dump, format=RdfFormat.N_QUADS))))
    yield db
    db.close()


@pytest.fixture
def settings(eu_virtuoso: EuVirtuoso) -> Settings:
    """Settings pointing both connectors at the stand-in, with no waiting between retries."""
    return Settings(
        store="memory", nuts_endpoint=eu_virtuoso.endpoint, cordis_endpoint=eu_virtuoso.endpoint,
        connector_timeout=10, connector_retries=1, _env_file=None,
    )
