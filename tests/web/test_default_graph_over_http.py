"""Over HTTP, the default graph is the merge of the sources' graphs, each fact once: at
/sparql (with and without a dataset), /void, the Graph Store's ``?default``, /dump.ttl,
and after SPARQL updates that make a second source state a fact and then drop it.

Expected numbers come from the ``store`` fixture's quads (the same bundled data),
counted in Python, never from the server under test.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, parse
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from support.servers import LiveServer, start_server

from clustergraph.namespaces import VOID

TOKEN = "merge-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BASE = "https://w3id.org/clustergraph/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CHEMIE = f"<{BASE}cluster/chemie-nrw>"
ALT_LABEL = f'{CHEMIE} <http://www.w3.org/2004/02/skos/core#altLabel> "Chemie-Cluster (merge test)"@de'
FIRST = f"<{BASE}source/nrw-innovationspartner-chemie-nrw>"


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("merge"), CLUSTERGRAPH_UPDATE_TOKEN=TOKEN, CLUSTERGRAPH_QUERY_CACHE_BYTES="0")
    yield server
    server.stop()


def distinct(store) -> set[tuple]:
    return {(q.subject, q.predicate, q.object) for q in store.quads() if not isinstance(q.graph_name, DefaultGraph)}


def count(server: LiveServer, sparql: str = COUNT, params: list | None = None) -> int:
    response = httpx.get(
        f"{server.url}/sparql", params=[("query", sparql), *(params or [])],
        headers={"Accept": "application/sparql-results+json"}, timeout=60,
    )
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def void_triples(server: LiveServer) -> int:
    graph = Graph().parse(data=httpx.get(f"{server.url}/void", headers={"Accept": "text/turtle"}, timeout=60).text, format="turtle")
    dataset = next(graph.subjects(RDF.type, VOID.Dataset))
    return int(graph.value(dataset, VOID.triples))


def update(server: LiveServer, sparql: str) -> None:
    response = httpx.post(
        f"{server.url}/sparql/update", content=sparql,
        headers={"Content-Type": "application/sparql-update", **AUTH}, timeout=120,
    )
    assert response.status_code in (200, 204), response.text


def test_count_star_is_the_number_of_distinct_triples_and_the_void_count(live_server: LiveServer, store) -> None:
    stored = sum(1 for q in store.quads() if not isinstance(q.graph_name, DefaultGraph))
    assert stored > len(distinct(store))  # some facts have several sources
    assert count(live_server) == len(distinct(store)) == void_triples(live_server)


def test_a_cluster_s_type_comes_once_however_many_sources_state_it(live_server: LiveServer) -> None:
    sparql = f"SELECT ?t WHERE {{ <{BASE}cluster/neurosys> a ?t }}"
    response = httpx.get(f"{live_server.url}/sparql", params={"query": sparql}, headers={"Accept": "application/sparql-results+json"})
    types = [b["t"]["value"] for b in response.json()["results"]["bindings"]]
    assert types and len(types) == len(set(types))


def overlapping_graphs(store) -> tuple[str, str, set[tuple]]:
    """Two named graphs that state some fact both, and the merge of their triples."""
    graphs = {g.value: {(q.subject, q.predicate, q.object) for q in store.quads(graph=g)} for g in store.named_graphs()}
    for first, triples in graphs.items():
        for second, others in graphs.items():
            if first < second and triples & others:
                return first, second, triples | others
    raise AssertionError("the bundled data has no fact stated by two sources")


def test_several_default_graph_uris_are_merged(live_server: LiveServer, store) -> None:
    first, second, merged = overlapping_graphs(store)
    stated = sum(1 for g in (first, second) for _ in store.quads(graph=NamedNode(g)))
    assert stated > len(merged)  # counted once per graph, the answer would be larger
    params = [("default-graph-uri", first), ("default-graph-uri", second)]
    assert count(live_server, params=params) == len(merged)
    assert count(live_server, f"SELECT (COUNT(*) AS ?n) FROM <{first}> FROM <{second}> WHERE {{ ?s ?p ?o }}") == len(merged)


def test_the_graph_store_default_graph_and_the_turtle_dump_hold_each_fact_once(live_server: LiveServer, store) -> None:
    expected = distinct(store)
    from_store = httpx.get(f"{live_server.url}/graph-store?default", headers={"Accept": "application/n-triples"}, timeout=60)
    lines = [line for line in from_store.text.splitlines() if line.strip()]
    assert len(lines) == len(set(lines)) == len(expected)
    dump = httpx.get(f"{live_server.url}/dump.ttl", timeout=60)
    assert {(t.subject, t.predicate, t.object) for t in parse(dump.content, format=RdfFormat.TURTLE)} == expected
    quads = list(parse(httpx.get(f"{live_server.url}/dump.nq", timeout=60).content, format=RdfFormat.N_QUADS))
    assert {(q.subject, q.predicate, q.object) for q in quads if isinstance(q.graph_name, DefaultGraph)} == expected


def test_a_fact_stays_while_one_source_states_it_and_leaves_when_none_does(writable_server: LiveServer) -> None:
    second = f"<{BASE}source/editorial>"
    before = count(writable_server)
    update(writable_server, f"INSERT DATA {{ GRAPH {FIRST} {{ {ALT_LABEL} }} }}")
    assert count(writable_server) == before + 1
    update(writable_server, f"INSERT DATA {{ GRAPH {second} {{ {ALT_LABEL} }} }}")  # a second source states it
    assert count(writable_server) == before + 1 == void_triples(writable_server)
    assert count(writable_server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {ALT_LABEL} }} }}") == 2
    update(writable_server, f"DELETE DATA {{ GRAPH {FIRST} {{ {ALT_LABEL} }} }}")  # the first drops it
    assert count(writable_server, f"SELECT (COUNT(*) AS ?n) WHERE {{ {ALT_LABEL} }}") == 1
    assert count(writable_server) == before + 1
    update(writable_server, f"DELETE DATA {{ GRAPH {second} {{ {ALT_LABEL} }} }}")  # and the second
    assert count(writable_server, f"SELECT (COUNT(*) AS ?n) WHERE {{ {ALT_LABEL} }}") == 0
    assert count(writable_server) == before == void_triples(writable_server)


def test_rdflib_s_sparql_store_sees_no_fact_twice_after_a_second_source_states_one(writable_server: LiveServer) -> None:
    second = f"<{BASE}source/editorial>"
    update(writable_server, f"INSERT DATA {{ GRAPH {FIRST} {{ {ALT_LABEL} }} GRAPH {second} {{ {ALT_LABEL} }} }}")
    try:
        remote = SPARQLStore(f"{writable_server.url}/sparql")
        graph = Graph(remote)
        labels = list(graph.triples((URIRef(CHEMIE.strip("<>")), None, Literal("Chemie-Cluster (merge test)", lang="de"))))
        assert len(labels) == 1
        assert len(graph) == count(writable_server)
        remote.close()
    finally:
        update(writable_server, f"DELETE DATA {{ GRAPH {FIRST} {{ {ALT_LABEL} }} GRAPH {second} {{ {ALT_LABEL} }} }}")


@pytest.fixture(scope="module")
def unchecked_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Writes not judged by the project's shapes, so an update may write any property."""
    server = start_server(tmp_path_factory.mktemp("merge-unchecked"), CLUSTERGRAPH_UPDATE_TOKEN=TOKEN, CLUSTERGRAPH_VALIDATE_WRITES="false")
    yield server
    server.stop()


@pytest.mark.parametrize("how", ["USING clauses", "using-graph-uri"])
def test_an_update_using_several_graphs_matches_their_merge(unchecked_server: LiveServer, how: str) -> None:
    second = f"<{BASE}source/editorial>"
    target = f"<{BASE}source/merge-test-counts>"
    counted = f"<{BASE}ontology/mergeTestCount>"
    update(unchecked_server, f"INSERT DATA {{ GRAPH {FIRST} {{ {ALT_LABEL} }} GRAPH {second} {{ {ALT_LABEL} }} }}")
    try:
        insert = f"INSERT {{ GRAPH {target} {{ {CHEMIE} {counted} ?n }} }} "
        where = f"WHERE {{ SELECT (COUNT(*) AS ?n) WHERE {{ {ALT_LABEL} }} }}"
        if how == "USING clauses":
            response = httpx.post(
                f"{unchecked_server.url}/sparql/update", content=f"{insert}USING {FIRST} USING {second} {where}",
                headers={"Content-Type": "application/sparql-update", **AUTH}, timeout=120,
            )
        else:
            response = httpx.post(
                f"{unchecked_server.url}/sparql/update", content=insert + where,
                params=[("using-graph-uri", FIRST.strip("<>")), ("using-graph-uri", second.strip("<>"))],
                headers={"Content-Type": "application/sparql-update", **AUTH}, timeout=120,
            )
        assert response.status_code in (200, 204), response.text
        answer = f"SELECT ?n WHERE {{ GRAPH {target} {{ {CHEMIE} {counted} ?n }} }}"
        got = httpx.get(f"{unchecked_server.url}/sparql", params={"query": answer}, headers={"Accept": "application/sparql-results+json"})
        assert [b["n"]["value"] for b in got.json()["results"]["bindings"]] == ["1"]
        graphs = httpx.get(
            f"{unchecked_server.url}/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert not any("using-merge" in b["g"]["value"] for b in graphs.json()["results"]["bindings"])  # no scratch graph left
    finally:
        update(unchecked_server, f"DROP SILENT GRAPH {target}")
        update(unchecked_server, f"DELETE DATA {{ GRAPH {FIRST} {{ {ALT_LABEL} }} GRAPH {second} {{ {ALT_LABEL} }} }}")
