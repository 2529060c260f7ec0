"""The API and the pages read through the query executor, on a real server (uvicorn on
127.0.0.1): a write shows at once in cached reads, and a read that runs past the query
timeout is a clean 503, not a hang."""

from __future__ import annotations

import html
import time
from collections.abc import Iterator

import httpx
import pytest

from support.servers import LiveServer, start_server

TOKEN = "reads-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CHEMIE = "https://w3id.org/clustergraph/cluster/chemie-nrw"
SOURCE = "https://w3id.org/clustergraph/source/nrw-innovationspartner-chemie-nrw"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("reads"), CLUSTERGRAPH_UPDATE_TOKEN=TOKEN)
    yield server
    server.stop()


def get(server: LiveServer, path: str, accept: str = "application/json") -> httpx.Response:
    response = httpx.get(server.url + path, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200, response.text
    return response


def test_a_sparql_update_shows_at_once_in_the_api_and_the_cluster_page(writable: LiveServer) -> None:
    name = "Chemie-Cluster (read path test)"
    # Asked twice: the second answer comes from the cache of the current store version.
    for _ in range(2):
        assert name not in get(writable, "/api/v1/clusters/chemie-nrw").json()["alt_names"]
        assert name not in get(writable, "/cluster/chemie-nrw", "text/html").text
    update = f'INSERT DATA {{ GRAPH <{SOURCE}> {{ <{CHEMIE}> <{SKOS}altLabel> "{name}"@de }} }}'
    done = httpx.post(
        writable.url + "/sparql/update", content=update,
        headers={"Content-Type": "application/sparql-update", **AUTH}, timeout=60,
    )
    assert done.status_code in (200, 204), done.text
    assert name in get(writable, "/api/v1/clusters/chemie-nrw").json()["alt_names"]
    assert name in get(writable, "/cluster/chemie-nrw", "text/html").text


def test_a_graph_store_write_shows_at_once_in_the_cluster_list_and_related_clusters(writable: LiveServer) -> None:
    before = get(writable, "/api/v1/clusters?limit=100").json()
    new = "https://w3id.org/clustergraph/cluster/read-path-test"
    assert httpx.get(writable.url + "/api/v1/clusters/read-path-test/related", timeout=60).status_code == 404
    body = (
        f"<{new}> a <https://w3id.org/clustergraph/ontology/StateCluster> ;\n"
        f'  <{SKOS}prefLabel> "Read path test cluster"@en, "Lesepfad-Testcluster"@de ;\n'
        f"  <https://w3id.org/clustergraph/ontology/innovationField> "
        f"<https://w3id.org/clustergraph/innovation-field/key-technologies-ict> ;\n"
        f"  <https://w3id.org/clustergraph/ontology/managingBodyUnknown> true .\n"
    )
    added = httpx.post(
        writable.url + "/graph-store", params={"graph": SOURCE}, content=body,
        headers={"Content-Type": "text/turtle", **AUTH}, timeout=60,
    )
    assert added.status_code in (200, 201, 204), added.text[:500]
    after = get(writable, "/api/v1/clusters?limit=100").json()
    assert after["count"] == before["count"] + 1
    assert "read-path-test" in {c["id"] for c in after["data"]}
    assert "Read path test cluster" in get(writable, "/cluster/read-path-test", "text/html").text
    # The ties of every cluster are read once per store version: the new cluster has its own now,
    # and each tie is mutual.
    related = get(writable, "/api/v1/clusters/read-path-test/related?limit=100").json()
    assert related["count"] > 0
    other = related["data"][0]["cluster"]["id"]
    back = get(writable, f"/api/v1/clusters/{other}/related?limit=100").json()
    assert "read-path-test" in {r["cluster"]["id"] for r in back["data"]}


@pytest.fixture(scope="module")
def hasty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose queries may run one millisecond: any real catalogue read runs over."""
    server = start_server(tmp_path_factory.mktemp("hasty"), CLUSTERGRAPH_QUERY_TIMEOUT="0.001")
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("path", "accept"),
    [("/api/v1/clusters", "application/json"), ("/api/v1/clusters/its-owl/related", "application/json"),
     ("/cluster/its-owl", "text/html")],
)
def test_a_read_over_the_query_timeout_is_a_503_problem_not_a_hang(hasty: LiveServer, path: str, accept: str) -> None:
    started = time.monotonic()
    response = httpx.get(hasty.url + path, headers={"Accept": accept}, timeout=60)
    assert time.monotonic() - started < 30
    assert response.status_code == 503, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "limit" in response.json()["detail"]
    # The server is still there for cheap requests.
    assert httpx.get(hasty.url + "/health", timeout=30).status_code == 200


def test_reads_work_beside_federation(tmp_path_factory: pytest.TempPathFactory) -> None:
    """With an allow-list, query workers get a dialer; a read job carries it like a query does."""
    server = start_server(
        tmp_path_factory.mktemp("federated"), CLUSTERGRAPH_SERVICE_ALLOWLIST="https://query.wikidata.org/sparql"
    )
    try:
        assert get(server, "/api/v1/clusters").json()["count"] > 0
        name = get(server, "/api/v1/clusters/its-owl").json()["name"]
        assert html.escape(name, quote=False) in get(server, "/cluster/its-owl", "text/html").text
    finally:
        server.stop()
