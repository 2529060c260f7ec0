"""SERVICE cannot be turned against the service's own network: the guard fails closed, and the
processes that evaluate queries and updates have no network of their own."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.listener import Listener
from support.servers import LiveServer, start_server

from clustergraph.query import sandbox

TOKEN = "reliability-token"


def bypasses(url: str) -> list[str]:
    """Ways to write a SERVICE call to ``url`` that a text check might misread."""
    host_url = url.replace("127.0.0.1", "localhost")
    nested = "{" * 300 + f"SERVICE <{url}> {{ ?s ?p ?o }}" + "}" * 300
    return [
        # the lexer reads <'> as an IRI and the rest as a string; rdflib cannot read triple terms
        f"SELECT * WHERE {{ BIND(1<'>' AS ?c) SERVICE <{url}> {{ ?s ?p ?o }} BIND('' AS ?z) "
        "BIND(<<( <http://a> <http://b> <http://c> )>> AS ?t) }",
        f"SELECT * WHERE {{ BIND(1<'>' AS ?c) SERVICE <{host_url}x?y=1> {{ ?s ?p ?o }} BIND('' AS ?z) }}",
        f"SELECT * WHERE {{ BIND(1<'>' AS ?c) SERVICE <{url}> {{ ?s ?p ?o }} BIND('' AS ?z) }}",
        f'SELECT * WHERE {{ BIND(1<">" AS ?c) SERVICE <{url}> {{ ?s ?p ?o }} BIND("" AS ?z) }}',
        f"SELECT * WHERE {{ ?a ?b ?c LATERAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {nested}",
        f"select * where {{ sErViCe <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z .SERVICE<{url}>{{?s ?p ?o}} }}",
        f"PREFIX e: <{url}> SELECT * WHERE {{ SERVICE e: {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ FILTER(1<2 && 3>2) SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <http://[]a/> SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ]


def update_bypasses(url: str) -> list[str]:
    return [
        f"INSERT {{ GRAPH <http://example.org/g> {{ ?s ?p ?o }} }} WHERE {{ BIND(1<'>' AS ?c) "
        f"SERVICE <{url}> {{ ?s ?p ?o }} BIND('' AS ?z) }}",
        f"INSERT {{ GRAPH <http://example.org/g> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"LOAD <{url}> INTO GRAPH <http://example.org/g>",
        f"INSERT DATA {{ GRAPH <http://example.org/g> {{ <http://a> <http://b> '<' }} }} ; LOAD <{url}>",
    ]


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


@pytest.fixture(scope="module")
def closed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Federation off (the default), updates on."""
    server = start_server(tmp_path_factory.mktemp("closed"), CLUSTERGRAPH_UPDATE_TOKEN=TOKEN)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def federating_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Federation on, to a public endpoint only; private addresses not allowed."""
    server = start_server(
        tmp_path_factory.mktemp("federating"),
        CLUSTERGRAPH_UPDATE_TOKEN=TOKEN,
        CLUSTERGRAPH_SERVICE_ALLOWLIST="https://query.wikidata.org/sparql",
    )
    yield server
    server.stop()


def _query(server: LiveServer, text: str) -> httpx.Response:
    return httpx.post(f"{server.url}/sparql", data={"query": text}, timeout=60)


def _update(server: LiveServer, text: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/sparql/update", data={"update": text}, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60
    )


@pytest.mark.parametrize("server_name", ["closed_server", "federating_server"])
def test_no_smuggled_service_call_reaches_a_loopback_listener(
    server_name: str, listener: Listener, request: pytest.FixtureRequest, figures: dict
) -> None:
    """Guarantee: no query, however it is written, makes the server connect to a loopback address."""
    server: LiveServer = request.getfixturevalue(server_name)
    before = listener.connections
    statuses = [_query(server, text).status_code for text in bypasses(listener.url)]
    figures.update(bypasses_tried=len(statuses), bypasses_blocked=len(statuses) - (listener.connections - before))
    assert listener.connections == before
    assert all(status in (400, 403) for status in statuses), statuses


@pytest.mark.parametrize("server_name", ["closed_server", "federating_server"])
def test_no_smuggled_service_or_load_in_an_update_reaches_a_loopback_listener(
    server_name: str, listener: Listener, request: pytest.FixtureRequest, figures: dict
) -> None:
    """Guarantee: no update (SERVICE in its WHERE, LOAD) makes the server connect out or write anything."""
    server: LiveServer = request.getfixturevalue(server_name)
    before = listener.connections
    statuses = [_update(server, text).status_code for text in update_bypasses(listener.url)]
    written = _query(server, "ASK { GRAPH <http://example.org/g> { ?s ?p ?o } }").json()["boolean"]
    figures.update(bypasses_tried=len(statuses), bypasses_blocked=len(statuses) - (listener.connections - before))
    assert listener.connections == before
    assert all(status in (400, 403) for status in statuses), statuses
    assert written is False


def test_a_refused_service_call_does_not_tell_what_listens_behind_the_firewall(tmp_path: Path) -> None:
    """Guarantee: a failed federated call answers 'could not be reached', never the socket's error (no port scans)."""
    closed_port = Listener()
    closed_port.close()  # nothing listens there now
    open_port = Listener()
    server = start_server(
        tmp_path,
        CLUSTERGRAPH_SERVICE_ALLOWLIST=f"{closed_port.url},{open_port.url}",
        CLUSTERGRAPH_SERVICE_ALLOW_PRIVATE="true",
        CLUSTERGRAPH_SERVICE_TIMEOUT="2",
    )
    try:
        closed = _query(server, f"SELECT * WHERE {{ SERVICE <{closed_port.url}> {{ ?s ?p ?o }} }}")
    finally:
        server.stop()
        open_port.close()
    assert closed.status_code == 502
    detail = closed.json()["detail"]
    assert "could not be reached" in detail
    assert "refused" not in detail.lower() and "errno" not in detail.lower()


def test_the_engine_in_a_sandboxed_process_cannot_connect_anywhere(listener: Listener) -> None:
    """Guarantee: a SERVICE call that got past every text check still makes no connection (network namespace)."""
    from pyoxigraph import Store

    before = listener.connections
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child evaluates the query with no guard at all, as a worker would
        os.close(read)
        isolated = sandbox.isolate()
        try:
            list(Store().query(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
            outcome = b"answered"
        except Exception:  # noqa: BLE001 - any failure to connect is the expected outcome
            outcome = b"failed"
        os.write(write, (b"isolated " if isolated else b"shared ") + outcome)
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as pipe:
        report = pipe.read()
    assert report == b"isolated failed"
    assert listener.connections == before


def test_query_workers_live_in_a_network_of_their_own(closed_server: LiveServer) -> None:
    """Guarantee: the processes that evaluate queries are not in the server's network namespace."""
    assert _query(closed_server, "ASK { ?s ?p ?o }").status_code == 200
    server_ns = os.readlink(f"/proc/{closed_server.process.pid}/ns/net")
    namespaces = [os.readlink(f"/proc/{pid}/ns/net") for pid in _descendants(closed_server.process.pid)]
    isolated = [ns for ns in namespaces if ns != server_ns]
    assert len(isolated) >= 2  # the warm pool of query workers (CLUSTERGRAPH_QUERY_WORKERS=2)
    assert len(set(isolated)) == len(isolated)  # each worker has a network of its own


def _descendants(pid: int) -> list[int]:
    """Every descendant process of ``pid``."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if ppid == parent:
                found.append(int(entry))
                todo.append(int(entry))
    return found


def test_deep_nesting_is_a_400_and_the_server_lives(closed_server: LiveServer) -> None:
    """Guarantee: deeply nested queries and updates are refused with a 400; no process crashes."""
    texts = [
        "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000,
        "SELECT * WHERE { FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }",
        "SELECT * WHERE { BIND(" + "CONCAT(" * 3000 + "'a'" + ")" * 3000 + " AS ?x) }",
    ]
    statuses = [_query(closed_server, text).status_code for text in texts]
    chain = _query(closed_server, "SELECT * WHERE { FILTER(" + "&&".join(["true"] * 20000) + ") }")
    update = _update(closed_server, "INSERT DATA { GRAPH <http://example.org/g> " + "{" * 5000 + "}" * 5000 + " }")
    assert statuses == [400, 400, 400]
    assert chain.status_code == 200
    assert update.status_code == 400
    assert "levels deep" in update.json()["detail"]
    assert httpx.get(f"{closed_server.url}/health", timeout=5).status_code == 200


def test_a_runaway_update_is_stopped_at_the_timeout_and_writes_nothing(tmp_path: Path) -> None:
    """Guarantee: an update runs under the query timeout; when it runs over it is stopped, nothing is written."""
    server = start_server(tmp_path, CLUSTERGRAPH_UPDATE_TOKEN=TOKEN, CLUSTERGRAPH_QUERY_TIMEOUT="2")
    try:
        started = time.monotonic()
        runaway = _update(
            server,
            "INSERT { GRAPH <http://example.org/g> { ?a <http://example.org/p> ?e } } "
            "WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } GRAPH ?g3 { ?h ?i ?j } }",
        )
        elapsed = time.monotonic() - started
        written = _query(server, "ASK { GRAPH <http://example.org/g> { ?s ?p ?o } }").json()["boolean"]
        lookup = _query(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    finally:
        server.stop()
    assert runaway.status_code == 503
    assert elapsed < 10
    assert written is False
    assert lookup.status_code == 200


RUNAWAY_PATTERN = "GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } GRAPH ?g3 { ?h ?i ?j }"


@pytest.mark.parametrize("kind", ["update", "queries"])
def test_sigterm_stops_the_server_during_runaway_work(tmp_path: Path, kind: str) -> None:
    """Guarantee: SIGTERM stops the server within 10 s, even while an update or many queries run."""
    import threading

    server = start_server(tmp_path, CLUSTERGRAPH_UPDATE_TOKEN=TOKEN, CLUSTERGRAPH_QUERY_TIMEOUT="300")
    if kind == "update":
        work = [
            lambda: _update(
                server,
                f"INSERT {{ GRAPH <http://example.org/g> {{ ?a <http://example.org/p> ?e }} }} WHERE {{ {RUNAWAY_PATTERN} }}",
            )
        ]
    else:
        work = [lambda: _query(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ {RUNAWAY_PATTERN} }}")] * 6
    threads = [threading.Thread(target=_swallow, args=(call,), daemon=True) for call in work]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    finally:
        server.stop()
    assert time.monotonic() - started < 10


def _swallow(call) -> None:
    try:
        call()
    except httpx.HTTPError:
        pass


def test_the_answer_cache_does_not_keep_query_texts(tmp_path: Path) -> None:
    """Guarantee: the answer cache stays within its limit however long the cached queries are."""
    from clustergraph.query.cache import ResultCache
    from clustergraph.query.evaluation import OK, QueryJob, QueryOutcome

    cache = ResultCache(max_bytes=100_000)
    for i in range(300):
        job = QueryJob(sparql=f"SELECT * WHERE {{ ?s ?p ?o }} # {i} " + "x" * 900_000)
        cache.put(("v", job.cache_key()), QueryOutcome(OK, body=b"{}"))
    key_bytes = sum(len(key[1]) for key in cache._entries)
    assert cache.size <= 100_000
    assert key_bytes < 300 * 100
