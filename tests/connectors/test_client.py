"""The SPARQL client against a real Virtuoso (row cap 10, cost limit) and a scripted endpoint."""

from __future__ import annotations

import time

import pytest
from conftest import FIXTURES
from scripted_endpoint import CUT_JSON, HANG, MALFORMED, OK, SERVER_ERROR, ScriptedEndpoint

from clustergraph.connectors.client import SparqlClient
from clustergraph.connectors.errors import (
    EndpointHttpError,
    EndpointTimeout,
    EndpointUnreachable,
    MalformedAnswer,
    QueryTooExpensive,
)

ALL_NUTS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?region ?label WHERE { GRAPH <http://fixtures.clustergraph.test/nuts> { ?region skos:prefLabel ?label } }
ORDER BY ?region ?label"""
EXPENSIVE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o FILTER(STR(?c) = STR(?o)) } ORDER BY ?a"


def fixture_labels() -> set[tuple[str, str]]:
    from rdflib import Graph
    from rdflib.namespace import SKOS

    graph = Graph().parse(FIXTURES / "nuts.ttl")
    return {(str(s).rsplit("/", 1)[-1], str(o)) for s, o in graph.subject_objects(SKOS.prefLabel)}


def test_an_answer_cut_at_the_row_cap_is_paged_to_the_last_row(eu_virtuoso) -> None:
    client = SparqlClient(eu_virtuoso.endpoint, page_size=1000)
    rows = client.select_all(ALL_NUTS)
    labels = [(r["region"]["value"].rsplit("/", 1)[-1], r["label"]["value"]) for r in rows]
    assert len(labels) == 34  # 17 regions, de and en: more than three times the cap of 10
    assert set(labels) == fixture_labels()  # every row once: none lost or repeated at a page border
    assert ("DEA", "Nordrhein-Westfalen") in labels and ("DEA47", "Paderborn") in labels
    assert client.cuts == 1  # the first page carried X-SPARQL-MaxRows: 10; then pages of 10
    assert client.requests == 4  # 10 + 10 + 10 + 4 rows


def test_full_pages_without_a_cap_header_are_read_on(eu_virtuoso) -> None:
    client = SparqlClient(eu_virtuoso.endpoint, page_size=7)
    rows = client.select_all(ALL_NUTS)
    assert len(rows) == 34
    assert client.cuts == 0 and client.requests == 5  # 4 full pages of 7, then 6 rows


def test_a_query_refused_as_too_expensive_says_so_and_is_not_retried(eu_virtuoso) -> None:
    waits: list[float] = []
    client = SparqlClient(eu_virtuoso.endpoint, retries=3, sleep=waits.append)
    with pytest.raises(QueryTooExpensive) as raised:
        client.select_all(EXPENSIVE)
    assert "refused the query as too expensive" in str(raised.value)
    assert "exceeds the limit of 400" in str(raised.value)
    assert client.requests == 1 and waits == []


def test_a_syntax_error_is_an_http_400_and_is_not_retried(eu_virtuoso) -> None:
    waits: list[float] = []
    client = SparqlClient(eu_virtuoso.endpoint, retries=3, sleep=waits.append)
    with pytest.raises(EndpointHttpError) as raised:
        client.select_all("SELECT ?x WHERE { ?x ?y } ORDER BY ?x")
    assert raised.value.status == 400
    assert "answered HTTP 400" in str(raised.value)
    assert client.requests == 1 and waits == []


def test_a_server_error_is_retried_with_growing_waits_then_succeeds() -> None:
    waits: list[float] = []
    with ScriptedEndpoint(SERVER_ERROR, SERVER_ERROR, OK) as endpoint:
        client = SparqlClient(endpoint.url, retries=3, backoff=0.5, sleep=waits.append)
        rows = client.select_all("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x")
    assert [r["x"]["value"] for r in rows] == ["ok"]
    assert waits == [0.5, 1.0]
    assert len(endpoint.requests) == 3
    assert b"POST" in endpoint.requests[0][:4] and b"LIMIT 1000" in endpoint.requests[0].replace(b"+", b" ").replace(b"%0A", b" ")


def test_a_server_error_that_persists_ends_with_a_clear_message() -> None:
    waits: list[float] = []
    with ScriptedEndpoint(SERVER_ERROR) as endpoint:
        client = SparqlClient(endpoint.url, retries=2, sleep=waits.append)
        with pytest.raises(EndpointHttpError) as raised:
            client.select_all("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x")
    assert raised.value.status == 500
    assert f"{endpoint.url} answered HTTP 500" in str(raised.value)
    assert len(endpoint.requests) == 3 and waits == [1.0, 2.0]


@pytest.mark.parametrize("answer", [MALFORMED, CUT_JSON], ids=["html", "cut-json"])
def test_an_answer_that_is_not_sparql_json_is_malformed(answer: bytes) -> None:
    with ScriptedEndpoint(answer) as endpoint:
        client = SparqlClient(endpoint.url, retries=1, sleep=lambda _s: None)
        with pytest.raises(MalformedAnswer) as raised:
            client.select_all("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x")
    assert "not SPARQL JSON results" in str(raised.value)
    assert len(endpoint.requests) == 2  # asked again once: a proxy's error page may pass


def test_a_hanging_endpoint_times_out_at_the_connector_timeout() -> None:
    with ScriptedEndpoint(HANG) as endpoint:
        client = SparqlClient(endpoint.url, timeout=1, retries=1, sleep=lambda _s: None)
        started = time.monotonic()
        with pytest.raises(EndpointTimeout) as raised:
            client.select_all("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x")
        elapsed = time.monotonic() - started
    assert "within 1 s" in str(raised.value)
    assert len(endpoint.requests) == 2
    assert elapsed < 6


def test_an_endpoint_nobody_listens_on_is_unreachable() -> None:
    with ScriptedEndpoint(OK) as endpoint:
        url = endpoint.url
    client = SparqlClient(url, retries=0)
    with pytest.raises(EndpointUnreachable) as raised:
        client.select_all("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x")
    assert "could not be reached" in str(raised.value)
