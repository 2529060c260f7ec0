"""The SPARQL 1.1 Protocol at /sparql on a real uvicorn server, spoken to by SPARQLWrapper and httpx.

Expected answers come from the ``store`` fixture: the same bundled data, queried in-process.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results
from rdflib import Graph
from rdflib.namespace import RDF
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, XML, SPARQLWrapper
from support.servers import LiveServer, start_server

from clustergraph.namespaces import SD

TOKEN = "protocol-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PREFIXES = (
    "PREFIX cg: <https://w3id.org/clustergraph/ontology/>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
)
CLUSTERS = (
    PREFIXES
    + """
SELECT ?cluster ?name WHERE {
  ?cluster a/rdfs:subClassOf* cg:Cluster ; skos:prefLabel ?name .
  FILTER(LANGMATCHES(LANG(?name), "en"))
} ORDER BY ?cluster ?name
"""
)
CLUSTER_GRAPH = (
    PREFIXES
    + "CONSTRUCT { ?c a cg:Cluster ; skos:prefLabel ?n } WHERE { ?c a/rdfs:subClassOf* cg:Cluster ; skos:prefLabel ?n }"
)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
CHEMIE = "<https://w3id.org/clustergraph/cluster/chemie-nrw>"
CHEMIE_SOURCE = "<https://w3id.org/clustergraph/source/nrw-innovationspartner-chemie-nrw>"
ALT_LABEL = (
    PREFIXES + f'INSERT DATA {{ GRAPH {CHEMIE_SOURCE} {{ {CHEMIE} skos:altLabel "Chemie-Cluster (test)"@de }} }}'
)
NOT_A_DATE = PREFIXES + f'INSERT DATA {{ GRAPH {CHEMIE_SOURCE} {{ {CHEMIE} cg:foundingDate "last year" }} }}'


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Small limits: 5 s per query, 5 rows, 3000-byte responses, 4000-byte bodies, one warm worker."""
    server = start_server(
        tmp_path_factory.mktemp("limited"),
        CLUSTERGRAPH_QUERY_TIMEOUT="5",
        CLUSTERGRAPH_MAX_ROWS="5",
        CLUSTERGRAPH_MAX_RESPONSE_BYTES="3000",
        CLUSTERGRAPH_MAX_BODY_BYTES="4000",
        CLUSTERGRAPH_QUERY_WORKERS="1",
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("writable"), CLUSTERGRAPH_UPDATE_TOKEN=TOKEN)
    yield server
    server.stop()


def wrapper(server: LiveServer, query: str, fmt: str, *, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method == POST:
        client.setMethod(POST)
    elif method == POSTDIRECTLY:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    return client


def expected_clusters(store) -> list[tuple[str, str]]:
    return [(row["cluster"].value, row["name"].value) for row in store.query(CLUSTERS)]


def get(
    server: LiveServer, params: dict | list, accept: str = "application/sparql-results+json", **kwargs
) -> httpx.Response:
    return httpx.get(
        f"{server.url}/sparql",
        params=params,
        headers={"Accept": accept, **kwargs.pop("headers", {})},
        timeout=60,
        **kwargs,
    )


def post(
    server: LiveServer, body, content_type: str, *, path: str = "/sparql", params=None, headers=None
) -> httpx.Response:
    all_headers = {"Content-Type": content_type, "Accept": "application/sparql-results+json", **(headers or {})}
    return httpx.post(f"{server.url}{path}", content=body, params=params, headers=all_headers, timeout=60)


def bindings(response: httpx.Response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def dataset_hash(server: LiveServer) -> str:
    """A hash of every quad the server holds, read over the protocol."""
    response = get(server, {"query": ALL_QUADS}, accept="text/tab-separated-values")
    assert response.status_code == 200
    lines = sorted(response.text.splitlines()[1:])
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


# --- queries with SPARQLWrapper ----------------------------------------------------------------


def test_select_as_json_with_sparqlwrapper(live_server: LiveServer, store) -> None:
    result = wrapper(live_server, CLUSTERS, JSON).query().convert()
    rows = [(b["cluster"]["value"], b["name"]["value"]) for b in result["results"]["bindings"]]
    assert rows == expected_clusters(store) and rows


def test_select_as_xml_with_sparqlwrapper(live_server: LiveServer, store) -> None:
    document = wrapper(live_server, CLUSTERS, XML).query().convert()
    parsed = parse_query_results(document.toxml().encode(), format=QueryResultsFormat.XML)
    assert [(r["cluster"].value, r["name"].value) for r in parsed] == expected_clusters(store)


def test_select_as_csv_with_sparqlwrapper(live_server: LiveServer, store) -> None:
    body = wrapper(live_server, CLUSTERS, CSV).query().convert()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0] == ["cluster", "name"]
    assert [tuple(r) for r in rows[1:]] == expected_clusters(store)


def test_construct_as_turtle_with_sparqlwrapper(live_server: LiveServer, store) -> None:
    body = wrapper(live_server, CLUSTER_GRAPH, TURTLE).query().convert()
    graph = Graph().parse(data=body, format="turtle")
    expected = Graph().parse(data=store.dump(RdfFormat.N_TRIPLES) if False else _construct_nt(store), format="nt")
    assert len(graph) == len(expected) > 0
    assert set(graph) == set(expected)


def _construct_nt(store) -> str:
    from pyoxigraph import serialize

    return serialize(store.query(CLUSTER_GRAPH), format=RdfFormat.N_TRIPLES).decode()


@pytest.mark.parametrize("method", [POST, POSTDIRECTLY])
def test_select_by_post_with_sparqlwrapper(live_server: LiveServer, store, method: str) -> None:
    result = wrapper(live_server, CLUSTERS, JSON, method=method).query().convert()
    assert [(b["cluster"]["value"], b["name"]["value"]) for b in result["results"]["bindings"]] == expected_clusters(
        store
    )


def test_ask_with_sparqlwrapper(live_server: LiveServer) -> None:
    assert wrapper(live_server, PREFIXES + "ASK { ?c a cg:Cluster }", JSON).query().convert()["boolean"] is True
    assert wrapper(live_server, "ASK { <http://nothing.example/> ?p ?o }", JSON).query().convert()["boolean"] is False


# --- formats and content negotiation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "content_type", "results_format"),
    [
        ("text/tab-separated-values", "text/tab-separated-values", QueryResultsFormat.TSV),
        ("application/sparql-results+xml", "application/sparql-results+xml", QueryResultsFormat.XML),
        ("text/csv;q=0.5, application/sparql-results+json", "application/sparql-results+json", QueryResultsFormat.JSON),
    ],
)
def test_select_formats_follow_accept(
    live_server: LiveServer, store, accept: str, content_type: str, results_format
) -> None:
    response = get(live_server, {"query": CLUSTERS}, accept=accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == content_type
    parsed = parse_query_results(response.content, format=results_format)
    assert [(r["cluster"].value, r["name"].value) for r in parsed] == expected_clusters(store)


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/rdf+xml", RdfFormat.RDF_XML),
        ("application/n-quads", RdfFormat.N_QUADS),
        ("application/trig", RdfFormat.TRIG),
    ],
)
def test_construct_formats_follow_accept(live_server: LiveServer, store, accept: str, rdf_format) -> None:
    response = get(live_server, {"query": CLUSTER_GRAPH}, accept=accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    served = {(q.subject, q.predicate, q.object) for q in parse(response.content, format=rdf_format)}
    expected = {(t.subject, t.predicate, t.object) for t in store.query(CLUSTER_GRAPH)}
    assert served == expected


def test_the_format_parameter_overrides_accept(live_server: LiveServer) -> None:
    response = get(
        live_server, {"query": "SELECT (1 AS ?one) {}", "format": "csv"}, accept="application/sparql-results+json"
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines() == ["one", "1"]


def test_nothing_acceptable_is_406(live_server: LiveServer) -> None:
    assert get(live_server, {"query": COUNT}, accept="image/png").status_code == 406
    # a graph format only, for a table: the query runs, but no format fits its result
    table_as_turtle = get(live_server, {"query": COUNT}, accept="text/turtle")
    assert table_as_turtle.status_code == 406
    assert table_as_turtle.headers["content-type"] == "application/problem+json"


# --- the dataset -----------------------------------------------------------------------------------


def test_without_a_dataset_the_default_graph_is_the_merge_of_all_graphs(live_server: LiveServer, store) -> None:
    [row] = bindings(get(live_server, {"query": COUNT}))
    assert int(row["n"]["value"]) == int(next(iter(store.query(COUNT)))["n"].value) > 0


def test_default_graph_uri_and_named_graph_uri_set_the_dataset(live_server: LiveServer, store) -> None:
    graphs = [g.value for g in store.named_graphs()][:2]
    sizes = [sum(1 for _ in store.quads(graph=g)) for g in store.named_graphs()[:2]]
    [row] = bindings(get(live_server, [("query", COUNT), ("default-graph-uri", graphs[0])]))
    assert int(row["n"]["value"]) == sizes[0]

    named = get(
        live_server, [("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"), ("named-graph-uri", graphs[1])]
    )
    assert [b["g"]["value"] for b in bindings(named)] == [graphs[1]]

    # POST with the query in the body and the dataset in the URL (the W3C protocol tests do this)
    direct = post(live_server, COUNT, "application/sparql-query", params={"default-graph-uri": graphs[1]})
    assert int(bindings(direct)[0]["n"]["value"]) == sizes[1]
    form = post(
        live_server, f"query={COUNT}", "application/x-www-form-urlencoded", params={"default-graph-uri": graphs[1]}
    )
    assert int(bindings(form)[0]["n"]["value"]) == sizes[1]


def test_from_in_the_query_is_honoured(live_server: LiveServer, store) -> None:
    graph = store.named_graphs()[0]
    size = sum(1 for _ in store.quads(graph=graph))
    [row] = bindings(get(live_server, {"query": f"SELECT (COUNT(*) AS ?n) FROM <{graph.value}> WHERE {{ ?s ?p ?o }}"}))
    assert int(row["n"]["value"]) == size


def test_the_endpoint_answers_with_a_trailing_slash_too(live_server: LiveServer) -> None:
    response = httpx.post(
        f"{live_server.url}/sparql/", content="ASK {}", headers={"Content-Type": "application/sparql-query"}, timeout=30
    )
    assert response.status_code == 200 and response.json()["boolean"] is True


# --- bad requests ----------------------------------------------------------------------------------


def test_a_malformed_query_is_400_saying_where_and_what_was_expected(live_server: LiveServer) -> None:
    response = get(live_server, {"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    problem = response.json()
    assert problem["status"] == 400
    assert problem["detail"].startswith("Syntax error at line 1, column 24 near '}': expected an object")
    assert problem["parser"].startswith("error at 1:")


def test_two_query_parameters_are_400(live_server: LiveServer) -> None:
    assert get(live_server, [("query", "ASK {}"), ("query", "SELECT * {}")]).status_code == 400
    both = post(live_server, "query=ASK%20%7B%7D", "application/x-www-form-urlencoded", params={"query": "ASK {}"})
    assert both.status_code == 400


def test_an_update_sent_as_a_query_is_400(live_server: LiveServer) -> None:
    as_query = get(live_server, {"query": ALT_LABEL})
    assert as_query.status_code == 400 and "Update" in as_query.json()["detail"]
    assert get(live_server, {"update": "CLEAR ALL"}).status_code == 400


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json", "application/sparql-query; charset=UTF-16", ""]
)
def test_a_wrong_content_type_is_415(live_server: LiveServer, content_type: str) -> None:
    response = post(live_server, "ASK {}".encode("utf-16") if "16" in content_type else b"ASK {}", content_type)
    assert response.status_code == 415, response.text


def test_a_body_over_the_limit_is_413(limited_server: LiveServer) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 5000
    assert post(limited_server, query, "application/sparql-query").status_code == 413
    assert post(limited_server, f"query={query}", "application/x-www-form-urlencoded").status_code == 413
    assert get(limited_server, {"query": query}).status_code == 414  # the same limit for a query in the URL


def test_other_methods_are_refused(live_server: LiveServer) -> None:
    response = httpx.put(f"{live_server.url}/sparql", params={"query": "ASK {}"}, timeout=30)
    assert response.status_code == 405


# --- limits ----------------------------------------------------------------------------------------


def test_a_result_over_the_row_cap_is_cut_and_flagged(limited_server: LiveServer, store) -> None:
    response = get(limited_server, {"query": CLUSTERS})
    assert response.status_code == 200
    assert response.headers["x-clustergraph-truncated"] == "rows; limit=5"
    assert [(b["cluster"]["value"], b["name"]["value"]) for b in bindings(response)] == expected_clusters(store)[:5]

    graph = get(limited_server, {"query": CLUSTER_GRAPH}, accept="application/n-triples")
    assert graph.headers["x-clustergraph-truncated"] == "rows; limit=5"
    assert len(list(parse(graph.content, format=RdfFormat.N_TRIPLES))) == 5

    small = get(limited_server, {"query": "SELECT * WHERE { VALUES ?x { 1 2 3 } }"})
    assert "x-clustergraph-truncated" not in small.headers and len(bindings(small)) == 3


def test_a_response_over_the_size_cap_is_507(limited_server: LiveServer) -> None:
    query = PREFIXES + "SELECT (GROUP_CONCAT(?l) AS ?all) WHERE { ?s skos:prefLabel ?l }"
    response = get(limited_server, {"query": query})
    assert response.status_code == 507
    assert "3000 bytes" in response.json()["detail"]


def descendants(pid: int) -> list[int]:
    """Process ids of every process below ``pid`` (children, grandchildren...)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            parents[int(entry)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent]
        found += children
        frontier += children
    return found


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    return None if fields[0] == "Z" else (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)
    return condition()


def test_a_runaway_query_is_cut_at_the_timeout_while_a_lookup_still_answers(limited_server: LiveServer) -> None:
    answers: dict[str, httpx.Response] = {}
    heavy = threading.Thread(target=lambda: answers.setdefault("runaway", get(limited_server, {"query": RUNAWAY})))
    heavy.start()
    deadline = time.monotonic() + 10
    busy: list[int] = []
    while time.monotonic() < deadline and not busy:  # the worker on it is the one whose CPU time grows
        start = {p: cpu_seconds(p) or 0 for p in descendants(limited_server.process.pid)}
        time.sleep(0.3)
        busy = [p for p, spent in start.items() if (cpu_seconds(p) or spent) - spent > 0.05]
    assert busy, "no worker process evaluates the runaway query"

    lookup = get(limited_server, {"query": f"ASK {{ {CHEMIE} ?p ?o }}"})
    still_running = heavy.is_alive()
    heavy.join(30)

    assert lookup.status_code == 200 and lookup.json()["boolean"] is True
    assert still_running  # the lookup was answered while the runaway query ran
    runaway = answers["runaway"]
    assert runaway.status_code == 503
    assert runaway.json()["title"] == "Query timed out"
    # SIGKILL is asynchronous: give the kernel a moment to tear the process down.
    assert wait_until(lambda: all(cpu_seconds(p) is None for p in busy)), (
        "the worker of the runaway query is still alive"
    )
    remaining = descendants(limited_server.process.pid)
    spent = sum(cpu_seconds(p) or 0 for p in remaining)
    time.sleep(1)
    assert sum(cpu_seconds(p) or 0 for p in remaining) == spent  # the CPU is free


# --- updates -----------------------------------------------------------------------------------------


def test_updates_are_refused_when_no_token_is_configured(live_server: LiveServer) -> None:
    before = dataset_hash(live_server)
    for path in ("/sparql/update", "/sparql"):
        response = post(live_server, ALT_LABEL, "application/sparql-update", path=path, headers=AUTH)
        assert response.status_code == 403
        form = post(live_server, f"update={ALT_LABEL}", "application/x-www-form-urlencoded", path=path)
        assert form.status_code == 403
    assert dataset_hash(live_server) == before


def test_an_update_without_or_with_a_wrong_token_is_refused_and_changes_nothing(writable_server: LiveServer) -> None:
    before = dataset_hash(writable_server)
    missing = post(writable_server, ALT_LABEL, "application/sparql-update", path="/sparql/update")
    wrong = post(
        writable_server,
        ALT_LABEL,
        "application/sparql-update",
        path="/sparql/update",
        headers={"Authorization": "Bearer nope"},
    )
    assert missing.status_code == 401 and "bearer" in missing.headers["www-authenticate"].lower()
    assert wrong.status_code == 403
    assert dataset_hash(writable_server) == before


def test_an_update_that_breaks_the_shapes_is_422_with_the_report_and_changes_nothing(
    writable_server: LiveServer,
) -> None:
    before = dataset_hash(writable_server)
    response = post(writable_server, NOT_A_DATE, "application/sparql-update", path="/sparql/update", headers=AUTH)
    assert response.status_code == 422
    report = response.json()["report"]
    assert report["conforms"] is False
    assert any((r["path"] or "").endswith("foundingDate") for r in report["results"])
    assert dataset_hash(writable_server) == before


def test_an_allowed_update_is_applied_and_seen_by_the_next_query(writable_server: LiveServer) -> None:
    labels = PREFIXES + f"SELECT ?l WHERE {{ {CHEMIE} skos:altLabel ?l }}"
    before = {b["l"]["value"] for b in bindings(get(writable_server, {"query": labels}))}
    assert "Chemie-Cluster (test)" not in before

    response = post(
        writable_server, f"update={ALT_LABEL}", "application/x-www-form-urlencoded", path="/sparql", headers=AUTH
    )

    assert response.status_code == 200, response.text
    assert response.json()["added"] == 1
    after = {b["l"]["value"] for b in bindings(get(writable_server, {"query": labels}))}
    assert after == before | {"Chemie-Cluster (test)"}


def test_load_is_refused(writable_server: LiveServer) -> None:
    response = post(
        writable_server,
        "LOAD <http://127.0.0.1:9/x.ttl>",
        "application/sparql-update",
        path="/sparql/update",
        headers=AUTH,
    )
    assert response.status_code == 403 and "LOAD" in response.json()["detail"]


# --- browsers: CORS, compression, description --------------------------------------------------


def test_cors_allows_reads_from_any_origin_with_preflight(live_server: LiveServer) -> None:
    origin = {"Origin": "https://notebook.example.org"}
    simple = get(live_server, {"query": "ASK {}"}, headers=origin)
    assert simple.headers["access-control-allow-origin"] == "*"

    preflight = httpx.options(
        f"{live_server.url}/sparql",
        headers={**origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
        timeout=30,
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()

    with_token = httpx.options(
        f"{live_server.url}/sparql/update",
        headers={**origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"},
        timeout=30,
    )
    assert with_token.status_code == 400  # the update token cannot be sent from another origin


def test_large_results_are_gzipped(live_server: LiveServer, store) -> None:
    response = get(live_server, {"query": ALL_QUADS}, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["results"]["bindings"]) == store.count()  # httpx decompressed it
    small = get(live_server, {"query": "ASK {}"}, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


def test_a_get_without_a_query_describes_the_service_or_opens_the_editor(live_server: LiveServer) -> None:
    description = httpx.get(f"{live_server.url}/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert description.status_code == 200
    graph = Graph().parse(data=description.text, format="turtle")
    assert any(graph.subjects(RDF.type, SD.Service))

    page = httpx.get(
        f"{live_server.url}/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, timeout=30
    )
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "yasgui" in page.text.lower()


def test_json_problem_details_for_errors(live_server: LiveServer) -> None:
    response = get(live_server, {"query": "SELEKT"})
    assert response.headers["content-type"] == "application/problem+json"
    assert set(json.loads(response.text)) >= {"type", "title", "status", "detail"}
