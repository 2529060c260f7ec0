"""The remote store on a real Virtuoso: chunked writes that undo themselves, no silent
truncation, no system graphs, the right errors, and the CLI and server on top of it.

Needs ``CLUSTERGRAPH_TEST_VIRTUOSO_URL`` (``source .ci/virtuoso.sh start``); see conftest.
What the tests wrote is read back with SPARQLWrapper, a client independent of the store.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Store,
    Triple,
    parse,
    serialize,
)
from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper
from store_backends import VIRTUOSO_SCRIPT, Virtuoso

from clustergraph.errors import (
    ClusterGraphError,
    Forbidden,
    LimitExceeded,
    QueryError,
    QueryTimeout,
    StoreUnavailable,
)
from clustergraph.query.guard import FederationGuard
from clustergraph.serve_process import free_port, start_serve_process
from clustergraph.settings import Settings
from clustergraph.store import content_hash, open_store
from clustergraph.store.remote import RemoteStore

pytestmark = pytest.mark.virtuoso

BASE = "https://w3id.org/clustergraph/"
XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = NamedNode(BASE + "source/remote-store-test")
OTHER = NamedNode(BASE + "source/remote-store-test-other")
NOTE = NamedNode(BASE + "ontology/note")
VIRTRDF = "http://www.openlinksw.com/schemas/virtrdf#"


def many_quads(n: int, graph: NamedNode = GRAPH) -> list[Quad]:
    """``n`` quads with literals of several datatypes, more than one write request holds."""
    kinds = [
        lambda i: Literal(f"note {i} with \"quotes\" and ünïcode"),
        lambda i: Literal(str(i), datatype=NamedNode(XSD + "integer")),
        lambda i: Literal(f"{i}.50", datatype=NamedNode(XSD + "decimal")),
        lambda i: Literal(str(1990 + i % 30), datatype=NamedNode(XSD + "gYear")),
        lambda i: Literal(f"{1990 + i % 30}-01", datatype=NamedNode(XSD + "gYearMonth")),
        lambda i: Literal("true" if i % 2 else "false", datatype=NamedNode(XSD + "boolean")),
        lambda i: Literal(f"name {i}", language="de"),
        lambda i: NamedNode(f"{BASE}organisation/o{i}"),
    ]
    return [Quad(NamedNode(f"{BASE}cluster/c{i}"), NOTE, kinds[i % len(kinds)](i), graph) for i in range(n)]


def as_embedded(quads: list[Quad]) -> set[Quad]:
    """The quads as the embedded store holds them (literals in canonical form: "7.50" is "7.5")."""
    store = Store()
    store.extend(quads)
    return set(store)


def sparqlwrapper(virtuoso: Virtuoso, query: str) -> dict:
    """Ask the test Virtuoso directly, with Digest auth, POST and JSON, as a researcher would."""
    client = SPARQLWrapper(virtuoso.url)
    client.setHTTPAuth(DIGEST)
    client.setCredentials(virtuoso.user, virtuoso.password)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setQuery(query)
    return client.query().convert()


def count_in(virtuoso: Virtuoso, graph: NamedNode) -> int:
    answer = sparqlwrapper(virtuoso, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    return int(answer["results"]["bindings"][0]["n"]["value"])


# -- identity and dataset --------------------------------------------------------------------


def test_virtuoso_is_recognised_and_its_system_graphs_are_never_listed_counted_or_dumped(remote: RemoteStore, virtuoso: Virtuoso) -> None:
    assert remote.dialect == "virtuoso"
    assert count_in(virtuoso, NamedNode(VIRTRDF)) > 100  # they are there ...
    remote.apply(add=many_quads(10))
    assert remote.named_graphs() == [GRAPH]  # ... but not part of the dataset
    assert remote.count() == 10
    dumped = list(parse(remote.dump(RdfFormat.N_QUADS), format=RdfFormat.N_QUADS))
    assert {q.graph_name for q in dumped} == {GRAPH, DefaultGraph()} and len(dumped) == 20  # the sources and their merge
    assert list(remote.quads(graph=NamedNode(VIRTRDF))) == []
    answer = remote.query("SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?g) AS ?graphs) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    assert [(row["n"].value, row["graphs"].value) for row in answer] == [("20", "1")]  # nor seen by queries


def test_the_anonymous_endpoint_serves_the_same_data_without_credentials(remote: RemoteStore, virtuoso: Virtuoso) -> None:
    remote.apply(add=many_quads(8))
    anonymous = RemoteStore(virtuoso.anonymous_url)
    try:
        assert set(anonymous.quads()) == set(remote.quads())
        assert bool(anonymous.query(f"ASK {{ GRAPH {GRAPH} {{ ?s ?p ?o }} }}"))
    finally:
        anonymous.close()


# -- writes ----------------------------------------------------------------------------------


def test_a_change_larger_than_one_request_is_written_completely_and_exactly(remote: RemoteStore, virtuoso: Virtuoso) -> None:
    quads = many_quads(2600)  # three INSERT DATA requests of at most 1000 quads
    remote.apply(add=quads)
    assert set(remote.quads(graph=GRAPH)) == as_embedded(quads)  # gYear next to gYearMonth, decimals, booleans: all kept as written
    assert count_in(virtuoso, GRAPH) == 2600
    assert {(q.subject, q.predicate, q.object) for q in remote.quads(graph=DefaultGraph())} == {
        (q.subject, q.predicate, q.object) for q in as_embedded(quads)
    }


def test_a_failing_later_request_is_undone_and_the_store_is_unchanged(remote: RemoteStore, virtuoso: Virtuoso) -> None:
    remote.apply(add=many_quads(300, OTHER))
    before = content_hash(remote)
    # Virtuoso cannot store this xsd:time ("Incorrect hour field length"), so the third
    # INSERT DATA fails after two have been committed.
    broken = many_quads(2500) + [Quad(NamedNode(BASE + "event/e"), NOTE, Literal("10:00:00", datatype=NamedNode(XSD + "time")), GRAPH)]
    with pytest.raises(QueryError, match="DT011|time"):
        remote.apply(add=broken)
    assert content_hash(remote) == before
    assert count_in(virtuoso, GRAPH) == 0


def test_a_failed_replacement_puts_the_cleared_graph_back(remote: RemoteStore) -> None:
    original = many_quads(1500)
    remote.apply(add=original)
    before = content_hash(remote)
    replacement = many_quads(1200) + [Quad(NamedNode(BASE + "event/e"), NOTE, Literal("10:00:00", datatype=NamedNode(XSD + "time")), GRAPH)]
    with pytest.raises(ClusterGraphError):
        remote.apply(add=replacement, remove=original[:5], clear_graphs=[GRAPH])
    assert content_hash(remote) == before
    assert set(remote.quads(graph=GRAPH)) == as_embedded(original)


def test_removing_quads_that_are_not_there_changes_nothing(remote: RemoteStore) -> None:
    remote.apply(add=many_quads(20))
    before = content_hash(remote)
    remote.apply(remove=many_quads(5, OTHER))
    assert content_hash(remote) == before


def test_blank_nodes_are_refused_before_anything_is_written(remote: RemoteStore) -> None:
    with pytest.raises(ClusterGraphError, match="blank node"):
        remote.apply(add=many_quads(5) + [Quad(BlankNode("b"), NOTE, Literal("x"), GRAPH)])
    assert remote.count() == 0
    assert list(remote.quads()) == []


# -- reading everything, however small the server's row cap ----------------------------------


@pytest.fixture
def capped_virtuoso(tmp_path: Path) -> Iterator[Virtuoso]:
    """A second Virtuoso from .ci/virtuoso.sh, cutting every answer at 100 rows."""
    env = {
        **os.environ,
        "VIRTUOSO_DIR": str(tmp_path / "capped"),
        "VIRTUOSO_HTTP_PORT": str(free_port()),
        "VIRTUOSO_SQL_PORT": str(free_port()),
        "VIRTUOSO_MAX_ROWS": "100",
    }
    started = subprocess.run(["bash", str(VIRTUOSO_SCRIPT), "start"], env=env, check=False, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    try:
        again = subprocess.run(["bash", str(VIRTUOSO_SCRIPT), "start"], env=env, check=False, capture_output=True, text=True, timeout=60)
        assert again.returncode == 0 and again.stdout == started.stdout, "start is idempotent"
        values = dict(line.removeprefix("export ").split("=", 1) for line in started.stdout.splitlines())
        yield Virtuoso(
            url=values["CLUSTERGRAPH_TEST_VIRTUOSO_URL"],
            user=values["CLUSTERGRAPH_TEST_VIRTUOSO_USER"],
            password=values["CLUSTERGRAPH_TEST_VIRTUOSO_PASSWORD"],
            sql_port=values["CLUSTERGRAPH_TEST_VIRTUOSO_SQL_PORT"],
        )
    finally:
        stopped = subprocess.run(["bash", str(VIRTUOSO_SCRIPT), "stop"], env=env, check=False, capture_output=True, text=True, timeout=60)
        assert stopped.returncode == 0, stopped.stderr
    assert not (tmp_path / "capped" / "pid").exists()


def test_a_small_row_cap_never_shortens_quads_or_dumps_and_cut_answers_are_refused(capped_virtuoso: Virtuoso) -> None:
    store = capped_virtuoso.open(page_size=1000)
    try:
        quads = many_quads(1050)
        store.apply(add=quads)
        assert set(store.quads(graph=GRAPH)) == as_embedded(quads)
        assert len(set(parse(store.dump(RdfFormat.N_QUADS), format=RdfFormat.N_QUADS))) == 2100  # the graph and the merge
        assert len(set(store.quads(graph=DefaultGraph()))) == 1050
        assert store.count() == 1050
        with pytest.raises(LimitExceeded, match="100 rows"):
            store.query("SELECT ?s ?o WHERE { ?s ?p ?o }")
        with pytest.raises(LimitExceeded, match="101 triples"):
            store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {GRAPH} {{ ?s ?p ?o }} }}")
        assert len(list(store.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 10"))) == 10
    finally:
        store.close()


def written_by_another_client(virtuoso: Virtuoso, graphs: dict[NamedNode, list[Quad]]) -> None:
    """Put each graph into the test Virtuoso with the Graph Store protocol, as any other client may."""
    with httpx.Client(auth=httpx.DigestAuth(virtuoso.user, virtuoso.password), timeout=120) as client:
        for graph, quads in graphs.items():
            body = serialize((Triple(q.subject, q.predicate, q.object) for q in quads), format=RdfFormat.N_TRIPLES)
            response = client.put(
                virtuoso.url.replace("/sparql-auth", "/sparql-graph-crud-auth"),
                params={"graph": graph.value},
                content=body,
                headers={"Content-Type": "text/turtle"},
            )
            assert response.status_code in (200, 201), response.text


def test_a_store_past_virtuoso_s_sort_limit_is_read_and_dumped_whole(remote: RemoteStore, virtuoso: Virtuoso) -> None:
    """60,000 quads in five graphs (120,000 with their merge): Virtuoso refuses ORDER BY pages
    past 10,000 rows ("SR353 Sorted TOP clause"), so the store is read in parts that each fit
    in one answer; every quad comes back exactly once, through ``quads`` and ``dump``."""
    sizes = (32_000, 12_000, 8_000, 5_000, 3_000)
    graphs: dict[NamedNode, list[Quad]] = {}
    start = 0
    for i, size in enumerate(sizes):
        graph = NamedNode(f"{BASE}source/large-{i}")
        graphs[graph] = [
            Quad(
                NamedNode(f"{BASE}cluster/c{n // 7}"),
                NamedNode(f"{BASE}ontology/p{n % 7}"),
                Literal(f"value {n} ü") if n % 3 else NamedNode(f"{BASE}organisation/o{n % 5000}"),
                graph,
            )
            for n in range(start, start + size)
        ]
        start += size
    written_by_another_client(virtuoso, graphs)
    store = virtuoso.open()  # builds the merged default graph of a store written by another client
    try:
        named = {q for quads in graphs.values() for q in quads}
        merged = {Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in named}
        assert store.count() == len(named) == sum(sizes)
        dumped = list(parse(store.dump(RdfFormat.N_QUADS), format=RdfFormat.N_QUADS))  # quads(), serialised
        assert len(dumped) == len(named) + len(merged) and set(dumped) == named | merged
        largest = next(iter(graphs))
        assert sorted(map(str, store.quads(graph=largest))) == sorted(map(str, graphs[largest]))
    finally:
        # One update clears it (apply would save every quad first, to be able to undo).
        store.update(" ;\n".join(f"CLEAR SILENT GRAPH {graph}" for graph in graphs))
        assert store.count() == 0 and list(store.quads()) == []
        store.close()


# -- errors and safety -----------------------------------------------------------------------


def test_a_malformed_query_is_a_query_error_with_the_server_s_message(remote: RemoteStore) -> None:
    with pytest.raises(QueryError, match="syntax error") as refused:
        remote.query("SELECT * WHERE { ?s ?p }")
    assert "SPARQL query:" not in str(refused.value)  # Virtuoso's echo of the request is left out


def test_an_update_sent_as_a_query_is_refused_and_not_executed(remote: RemoteStore, virtuoso: Virtuoso) -> None:
    with pytest.raises(QueryError):
        remote.query(f"INSERT DATA {{ GRAPH {GRAPH} {{ <{BASE}x> {NOTE} 'sneaked in' }} }}")
    assert count_in(virtuoso, GRAPH) == 0


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT (bif:getenv('HOME') AS ?home) WHERE {}",
        "SELECT (<bif:http_get>('http://127.0.0.1:8890/') AS ?page) WHERE {}",
        "PREFIX s: <sql:> SELECT (s:USER_SET_PASSWORD('dba', 'owned') AS ?x) WHERE {}",
        "define input:grab-all \"yes\" SELECT * WHERE { ?s ?p ?o }",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:8890/sparql> { ?s ?p ?o } }",
    ],
    ids=["bif function", "bif IRI", "sql procedure", "define pragma", "SERVICE off the allow-list"],
)
def test_what_would_reach_outside_the_dataset_is_forbidden(remote: RemoteStore, sparql: str) -> None:
    with pytest.raises(Forbidden):
        remote.query(sparql)


def test_an_allow_listed_service_is_called_by_the_store(remote: RemoteStore, virtuoso: Virtuoso) -> None:
    remote.apply(add=many_quads(3))
    guard = FederationGuard(Settings(store="memory", service_allowlist=virtuoso.anonymous_url, service_allow_private=True, _env_file=None))
    federating = virtuoso.open(federation=guard)
    try:
        answer = federating.query(f"SELECT ?s WHERE {{ SERVICE <{virtuoso.anonymous_url}> {{ GRAPH {GRAPH} {{ ?s ?p ?o }} }} }}")
        assert {row["s"] for row in answer} == {q.subject for q in many_quads(3)}
    finally:
        federating.close()


def test_load_is_refused_in_updates(remote: RemoteStore) -> None:
    with pytest.raises(Forbidden):
        remote.update(f"LOAD <http://127.0.0.1:8890/> INTO GRAPH {GRAPH}")


def test_a_slow_query_is_cut_at_the_timeout(remote: RemoteStore, virtuoso: Virtuoso) -> None:
    remote.apply(add=many_quads(3000))
    store = virtuoso.open(timeout=0.3)
    try:
        with pytest.raises(QueryTimeout, match="0.3 s"):  # 9 million string comparisons take seconds
            store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {GRAPH} {{ ?a ?b ?c }} GRAPH {GRAPH} {{ ?d ?e ?f }} FILTER(STR(?c) < STR(?f)) }}")
    finally:
        store.close()


def test_wrong_credentials_and_an_absent_store_are_store_unavailable(virtuoso: Virtuoso) -> None:
    with pytest.raises(StoreUnavailable, match="credentials"):
        RemoteStore(virtuoso.url, user=virtuoso.user, password="wrong")
    with pytest.raises(StoreUnavailable, match="cannot reach"):
        RemoteStore(f"http://127.0.0.1:{free_port()}/sparql")
    settings = Settings(store=virtuoso.url, store_user=virtuoso.user, store_password="wrong", _env_file=None)
    with pytest.raises(StoreUnavailable):
        open_store(settings)


def test_open_store_reads_the_remote_settings(virtuoso: Virtuoso) -> None:
    settings = Settings(store=virtuoso.url, store_user=virtuoso.user, store_password=virtuoso.password, _env_file=None)
    store = open_store(settings)
    try:
        assert isinstance(store, RemoteStore) and store.kind == "remote"
        assert store.version != store.version  # other clients may write at any time: no promise of equal content
    finally:
        store.close()


# -- the CLI and the server on a remote store --------------------------------------------------


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clustergraph.cli", *args], env=env, check=False, capture_output=True, text=True, timeout=300)


@pytest.fixture
def remote_env(remote: RemoteStore, virtuoso: Virtuoso) -> dict[str, str]:
    """The environment that points clustergraph at the (emptied) test Virtuoso."""
    return {
        **os.environ,
        "CLUSTERGRAPH_STORE": virtuoso.url,
        "CLUSTERGRAPH_STORE_USER": virtuoso.user,
        "CLUSTERGRAPH_STORE_PASSWORD": virtuoso.password,
    }


def test_the_cli_loads_and_queries_a_remote_store(remote_env: dict[str, str], remote: RemoteStore, store, virtuoso: Virtuoso) -> None:
    loaded = cli(remote_env, "load")
    assert loaded.returncode == 0, loaded.stderr
    assert set(remote.quads()) == set(store.quads())
    query = "SELECT ?c WHERE { ?c a <https://w3id.org/clustergraph/ontology/Cluster> }"
    answered = cli(remote_env, "query", query, "--format", "json")
    assert answered.returncode == 0, answered.stderr
    clusters = {row["c"]["value"] for row in json.loads(answered.stdout)["results"]["bindings"]}
    assert clusters == {row["c"].value for row in store.query(query)} and clusters
    stats = cli(remote_env, "stats", "--format", "json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["quads"] == store.count()
    direct = sparqlwrapper(virtuoso, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}ontology> {{ ?s ?p ?o }} }}")
    assert int(direct["results"]["bindings"][0]["n"]["value"]) == len(list(store.quads(graph=NamedNode(BASE + "ontology"))))


def test_the_cli_refuses_broken_data_on_a_remote_store_and_leaves_it_unchanged(remote_env: dict[str, str], remote: RemoteStore) -> None:
    assert cli(remote_env, "load").returncode == 0
    before = content_hash(remote)
    refused = cli(remote_env, "load", str(Path(__file__).parent / "fixtures" / "cluster-without-name.trig"))
    assert refused.returncode == 1
    assert "needs a name" in refused.stderr and "Traceback" not in refused.stderr
    assert content_hash(remote) == before


def test_the_cli_says_in_one_line_when_the_remote_store_is_unreachable(remote_env: dict[str, str]) -> None:
    env = {**remote_env, "CLUSTERGRAPH_STORE": f"http://127.0.0.1:{free_port()}/sparql"}
    failed = cli(env, "query", "ASK {}")
    assert failed.returncode == 5
    assert failed.stderr.strip().startswith("error:") and len(failed.stderr.strip().splitlines()) == 1


def test_serve_on_a_remote_store_answers_sparql_like_the_embedded_store(remote_env: dict[str, str], remote: RemoteStore, store, tmp_path: Path) -> None:
    server = start_serve_process(remote_env, tmp_path / "server.log", timeout=120)
    try:
        health = httpx.get(f"{server.url}/health", timeout=10).json()
        assert health["store"] == "remote" and health["quads"] == store.count()  # an empty store is loaded first
        client = SPARQLWrapper(f"{server.url}/sparql")
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        query = "SELECT ?c ?l WHERE { ?c a <https://w3id.org/clustergraph/ontology/Cluster> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"
        client.setQuery(query)
        rows = {(b["c"]["value"], b["l"]["value"]) for b in client.query().convert()["results"]["bindings"]}
        assert rows == {(r["c"].value, r["l"].value) for r in store.query(query)} and rows
    finally:
        server.stop()

