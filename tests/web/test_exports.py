"""Downloads for European platforms: the DCAT-AP catalogue, dumps and ECCP profiles over HTTP."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCAT, RDF

from clustergraph.settings import Settings
from clustergraph.web.app import create_app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", _env_file=None))) as test_client:
        yield test_client


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
])
def test_catalog_negotiates_its_format_and_points_at_this_server(client, accept, rdflib_format) -> None:
    response = client.get("/catalog", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.text, format=rdflib_format)
    endpoints = {graph.value(service, DCAT.endpointURL) for service in graph.subjects(RDF.type, DCAT.DataService)}
    assert endpoints == {URIRef("http://testserver/sparql"), URIRef("http://testserver/oai")}


def test_catalog_uses_the_public_url_when_one_is_set() -> None:
    settings = Settings(store="memory", public_url="https://clusters.example.org/", _env_file=None)
    with TestClient(create_app(settings)) as client:
        graph = Graph().parse(data=client.get("/catalog?format=turtle").text, format="turtle")
    assert (URIRef("https://clusters.example.org/catalog"), RDF.type, DCAT.Catalog) in graph


def test_nquads_dump_holds_every_quad_with_its_source_graph(client) -> None:
    response = client.get("/dump.nq")
    assert response.status_code == 200
    dataset = Dataset()
    dataset.parse(data=response.text, format="nquads")
    store = client.app.state.store
    named = [q for q in dataset.quads((None, None, None, None)) if q[3] is not None and q[3] != DATASET_DEFAULT_GRAPH_ID]
    assert len(named) == store.count()
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} >= {g.value for g in store.named_graphs()}


def test_turtle_dump_is_the_union_of_all_graphs(client) -> None:
    graph = Graph().parse(data=client.get("/dump.ttl").text, format="turtle")
    cluster = URIRef("https://w3id.org/clustergraph/cluster/its-owl")
    assert (cluster, None, None) in graph


def test_unknown_dump_extension_is_a_404_problem(client) -> None:
    response = client.get("/dump.xlsx")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert ".nq" in response.json()["detail"]


def test_eccp_profiles_as_csv_and_json_agree(client) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/exports/eccp.csv").text)))
    body = client.get("/exports/eccp.json").json()
    assert body["count"] == len(rows) == len(body["data"]) >= 23
    assert {r["id"] for r in rows} == {r["id"] for r in body["data"]}
