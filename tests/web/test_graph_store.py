"""The Graph Store Protocol at /graph-store on a real server with the bundled data.

Reads are open; writes need the update token and pass the SHACL gate. Expected graphs
are built from the ``store`` fixture (the same bundled data loaded in-process), with
the store's skolem IRIs read as blank nodes, as the protocol returns them.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pyoxigraph import NamedNode
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from clustergraph.loading.validation import to_rdflib
from clustergraph.settings import DEFAULT_BASE_IRI
from support.servers import LiveServer, start_server

TOKEN = "gsp-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GENID = f"{DEFAULT_BASE_IRI}.well-known/genid/"
FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with the bundled data that accepts writes with TOKEN (and small bodies only)."""
    server = start_server(
        tmp_path_factory.mktemp("gsp"), CLUSTERGRAPH_UPDATE_TOKEN=TOKEN, CLUSTERGRAPH_MAX_BODY_BYTES="200000"
    )
    yield server
    server.stop()


def as_rdflib(term):
    term = to_rdflib(term)
    if isinstance(term, URIRef) and str(term).startswith(GENID):
        return BNode(str(term)[len(GENID):])
    return term


def stored_graph(store, iri: str | None) -> Graph:
    """The graph ``iri`` (None: the merge of all graphs) of the in-process store, as the protocol returns it."""
    graph = Graph()
    quads = store.quads(graph=NamedNode(iri)) if iri else store.quads()
    for q in quads:
        graph.add((as_rdflib(q.subject), as_rdflib(q.predicate), as_rdflib(q.object)))
    return graph


def biggest_graph(store) -> str:
    return max(store.named_graphs(), key=lambda g: sum(1 for _ in store.quads(graph=g))).value


def fetch(server: LiveServer, graph: str | None, accept: str = "text/turtle") -> tuple[httpx.Response, Graph]:
    params = {"graph": graph} if graph else None
    url = f"{server.url}/graph-store" + ("" if graph else "?default")
    response = httpx.get(url, params=params, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200, response.text
    parsed = Graph().parse(data=response.content, format=FORMATS[accept.split(";")[0]])
    return response, parsed


def test_a_source_graph_is_served_as_stored(live_server: LiveServer, store) -> None:
    iri = biggest_graph(store)
    response, graph = fetch(live_server, iri)
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert len(graph) > 0
    assert isomorphic(graph, stored_graph(store, iri))


@pytest.mark.parametrize("accept", list(FORMATS))
def test_every_graph_format_carries_the_same_graph(live_server: LiveServer, store, accept: str) -> None:
    iri = biggest_graph(store)
    response, graph = fetch(live_server, iri, accept)
    assert response.headers["content-type"].split(";")[0] == accept
    assert isomorphic(graph, stored_graph(store, iri))


def test_the_format_follows_the_q_values_of_accept(live_server: LiveServer, store) -> None:
    iri = biggest_graph(store)
    response = httpx.get(
        f"{live_server.url}/graph-store", params={"graph": iri},
        headers={"Accept": "text/turtle;q=0.5, application/n-triples;q=0.9, */*;q=0.1"},
    )
    assert response.headers["content-type"].startswith("application/n-triples")


def test_the_default_graph_is_the_merge_of_all_graphs(live_server: LiveServer, store) -> None:
    _response, graph = fetch(live_server, None, "application/n-triples")
    assert isomorphic(graph, stored_graph(store, None))


def test_an_unknown_graph_is_404_for_get_and_head(live_server: LiveServer) -> None:
    missing = f"{DEFAULT_BASE_IRI}source/no-such-source"
    got = httpx.get(f"{live_server.url}/graph-store", params={"graph": missing})
    assert got.status_code == 404
    assert got.headers["content-type"] == "application/problem+json"
    assert missing in got.json()["detail"]
    assert httpx.head(f"{live_server.url}/graph-store", params={"graph": missing}).status_code == 404


def test_head_gives_the_headers_of_get_without_a_body(live_server: LiveServer, store) -> None:
    iri = biggest_graph(store)
    head = httpx.head(f"{live_server.url}/graph-store", params={"graph": iri}, headers={"Accept": "application/ld+json"})
    assert head.status_code == 200
    assert head.headers["content-type"].startswith("application/ld+json")
    assert head.content == b""


def test_an_unchanged_graph_revalidates_with_304(live_server: LiveServer, store) -> None:
    iri = biggest_graph(store)
    first = httpx.get(f"{live_server.url}/graph-store", params={"graph": iri})
    again = httpx.get(f"{live_server.url}/graph-store", params={"graph": iri}, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?graph=http%3A%2F%2Fexample.org%2Fg&default", 400),
        ("?graph=not-an-iri", 400),
        ("", 400),
    ],
)
def test_a_request_that_names_no_single_graph_is_400(live_server: LiveServer, query: str, status: int) -> None:
    response = httpx.get(f"{live_server.url}/graph-store{query}")
    assert response.status_code == status
    assert response.json()["status"] == status


def test_nothing_acceptable_is_406(live_server: LiveServer, store) -> None:
    response = httpx.get(
        f"{live_server.url}/graph-store", params={"graph": biggest_graph(store)},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 406


# --- writes ---------------------------------------------------------------------------

BAD_CLUSTER = """
@prefix cg: <https://w3id.org/clustergraph/ontology/> .
<https://w3id.org/clustergraph/cluster/Not_A_Slug> a cg:Cluster .
"""


def quads_now(server: LiveServer) -> int:
    return httpx.get(f"{server.url}/health").json()["quads"]


def test_a_read_only_service_refuses_writes_with_403(live_server: LiveServer, store) -> None:
    before = quads_now(live_server)
    response = httpx.put(
        f"{live_server.url}/graph-store", params={"graph": biggest_graph(store)},
        content=BAD_CLUSTER, headers={"Content-Type": "text/turtle", **AUTH},
    )
    assert response.status_code == 403
    assert quads_now(live_server) == before


@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({"Authorization": "Bearer wrong"}, 403)])
def test_a_write_without_the_right_token_is_refused_and_changes_nothing(
    writable_server: LiveServer, store, headers: dict, status: int
) -> None:
    iri = biggest_graph(store)
    before = fetch(writable_server, iri)[1]
    for method in ("PUT", "POST", "DELETE"):
        response = httpx.request(
            method, f"{writable_server.url}/graph-store", params={"graph": iri},
            content=BAD_CLUSTER if method != "DELETE" else None, headers={"Content-Type": "text/turtle", **headers},
        )
        assert response.status_code == status, method
        if status == 401:
            assert response.headers["www-authenticate"].startswith("Bearer")
    assert isomorphic(fetch(writable_server, iri)[1], before)


def test_a_put_that_breaks_the_shapes_is_422_with_the_report_and_changes_nothing(writable_server: LiveServer, store) -> None:
    iri = biggest_graph(store)
    before, count = fetch(writable_server, iri)[1], quads_now(writable_server)
    response = httpx.put(
        f"{writable_server.url}/graph-store", params={"graph": iri},
        content=BAD_CLUSTER, headers={"Content-Type": "text/turtle", **AUTH}, timeout=120,
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["report"]["conforms"] is False
    assert problem["report"]["violations"] > 0
    assert isomorphic(fetch(writable_server, iri)[1], before)
    assert quads_now(writable_server) == count


def test_facts_put_into_the_default_graph_are_refused_for_lack_of_provenance(writable_server: LiveServer) -> None:
    count = quads_now(writable_server)
    response = httpx.put(
        f"{writable_server.url}/graph-store?default",
        content='<https://w3id.org/clustergraph/cluster/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .',
        headers={"Content-Type": "application/n-triples", **AUTH}, timeout=120,
    )
    assert response.status_code == 422
    assert "default graph" in str(response.json()["report"])
    assert quads_now(writable_server) == count


def test_a_graph_put_back_as_fetched_is_accepted_unchanged(writable_server: LiveServer, store) -> None:
    iri = biggest_graph(store)
    response, graph = fetch(writable_server, iri)
    put = httpx.put(
        f"{writable_server.url}/graph-store", params={"graph": iri},
        content=response.content, headers={"Content-Type": "text/turtle", **AUTH}, timeout=120,
    )
    assert put.status_code == 204, put.text
    assert isomorphic(fetch(writable_server, iri)[1], graph)


def test_post_adds_to_a_graph(writable_server: LiveServer, store) -> None:
    cluster = next(q for q in store.quads(predicate=NamedNode(str(SKOS.prefLabel))) if "/cluster/" in q.subject.value)
    iri = cluster.graph_name.value
    triple = f'<{cluster.subject.value}> <{SKOS.altLabel}> "Graph Store test name"@en .'
    response = httpx.post(
        f"{writable_server.url}/graph-store", params={"graph": iri},
        content=triple, headers={"Content-Type": "application/n-triples", **AUTH}, timeout=120,
    )
    assert response.status_code == 204, response.text
    graph = fetch(writable_server, iri)[1]
    assert (URIRef(cluster.subject.value), SKOS.altLabel, Literal("Graph Store test name", lang="en")) in graph
    assert len(graph) == len(stored_graph(store, iri)) + 1


def test_a_body_over_the_limit_is_413(writable_server: LiveServer, store) -> None:
    response = httpx.post(
        f"{writable_server.url}/graph-store", params={"graph": biggest_graph(store)},
        content=b"#" * 300_000, headers={"Content-Type": "text/turtle", **AUTH},
    )
    assert response.status_code == 413


@pytest.mark.parametrize("content_type", ["application/sparql-query", "application/trig", None])
def test_a_body_that_is_not_a_graph_format_is_415(writable_server: LiveServer, store, content_type: str | None) -> None:
    headers = {**AUTH, **({"Content-Type": content_type} if content_type else {})}
    response = httpx.post(
        f"{writable_server.url}/graph-store", params={"graph": biggest_graph(store)}, content=BAD_CLUSTER, headers=headers
    )
    assert response.status_code == 415


def test_a_syntax_error_in_the_body_is_400_with_the_position(writable_server: LiveServer, store) -> None:
    response = httpx.post(
        f"{writable_server.url}/graph-store", params={"graph": biggest_graph(store)},
        content=b"<http://a> <http://b> .", headers={"Content-Type": "text/turtle", **AUTH},
    )
    assert response.status_code == 400
    assert "syntax error" in response.json()["detail"]


def test_a_graph_larger_than_the_response_cap_is_507(tmp_path, store) -> None:
    server = start_server(tmp_path, CLUSTERGRAPH_MAX_RESPONSE_BYTES="2000")
    try:
        response = httpx.get(f"{server.url}/graph-store", params={"graph": biggest_graph(store)})
    finally:
        server.stop()
    assert response.status_code == 507
    assert "2000" in response.json()["detail"]
