"""Federation safety: SERVICE calls are checked before evaluation, and a refused one makes no connection."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.listener import RESULT, Listener, http_answer
from support.servers import start_server

from clustergraph.query.guard import FederationGuard, FederationRefused
from clustergraph.query.service_relay import ServiceRelay
from clustergraph.query.sparql_text import service_calls
from clustergraph.settings import Settings

PUBLIC = "https://sparql.example.org/sparql"


def guard(
    allowlist: list[str],
    *,
    allow_private: bool = False,
    addresses: dict[str, list[str]] | None = None,
    lookups: list | None = None,
) -> FederationGuard:
    """A guard whose DNS answers come from ``addresses`` (recording each lookup in ``lookups``)."""

    def resolve(host: str, port: int) -> list[str]:
        if lookups is not None:
            lookups.append(host)
        if addresses is None or host not in addresses:
            raise OSError("no such host")
        return addresses[host]

    settings = Settings(store="memory", service_allowlist=allowlist, service_allow_private=allow_private)
    return FederationGuard(settings, resolver=resolve)


@pytest.mark.parametrize(
    ("query", "endpoints"),
    [
        ("SELECT * { SERVICE <http://a.example/sparql> { ?s ?p ?o } }", ["http://a.example/sparql"]),
        ("select * { service silent <http://a.example/sparql> { ?s ?p ?o } }", ["http://a.example/sparql"]),
        ("PREFIX e: <http://a.example/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }", ["http://a.example/sparql"]),
        ("PREFIX e: <http://a.example/> SELECT * { SERVICE e:a\\/b { ?s ?p ?o } }", ["http://a.example/a/b"]),
        ("BASE <http://a.example/x/> SELECT * { SERVICE <../sparql> { ?s ?p ?o } }", ["http://a.example/sparql"]),
        ("SELECT * { SERVICE <http://a.example\\u002Fsparql> { ?s ?p ?o } }", ["http://a.example/sparql"]),
        (
            "SELECT * { OPTIONAL { { SERVICE <http://a.example/1> {} } UNION { SERVICE <http://b.example/2> {} } } }",
            ["http://a.example/1", "http://b.example/2"],
        ),
        ("SELECT * { SERVICE ?where { ?s ?p ?o } }", [None]),
        (
            "INSERT { GRAPH <g> { ?s ?p ?o } } WHERE { SERVICE <http://a.example/sparql> { ?s ?p ?o } }",
            ["http://a.example/sparql"],
        ),
        # not calls: in a string, a comment, an IRI, a property name
        ('SELECT * { ?s <http://x.example/service> "SERVICE <http://a.example/>" } # SERVICE <http://b.example/>', []),
    ],
)
def test_the_lexer_finds_every_service_endpoint_as_the_engine_would_resolve_it(query: str, endpoints: list) -> None:
    assert [c.endpoint for c in service_calls(query)] == endpoints


def test_a_query_without_service_passes_without_any_lookup() -> None:
    lookups: list = []
    assert guard([PUBLIC], lookups=lookups).check("SELECT * { ?s ?p ?o }") == []
    assert lookups == []


def test_an_endpoint_off_the_allowlist_is_refused_without_a_dns_lookup() -> None:
    lookups: list = []
    with pytest.raises(FederationRefused, match="allow-list"):
        guard([PUBLIC], lookups=lookups).check("SELECT * { SERVICE <https://other.example.org/sparql> {} }")
    assert lookups == []


def test_an_allowlisted_public_endpoint_is_allowed() -> None:
    query = f"SELECT * {{ SERVICE <{PUBLIC}> {{ ?s ?p ?o }} }}"
    [call] = guard([PUBLIC], addresses={"sparql.example.org": ["93.184.216.34"]}).check(query)
    assert call.endpoint == PUBLIC
    start, end, endpoint = call.span
    assert query[start:end] == f"<{PUBLIC}>" and endpoint == PUBLIC


def test_a_variable_endpoint_is_refused() -> None:
    with pytest.raises(FederationRefused, match="variable"):
        guard([PUBLIC]).check("SELECT * { VALUES ?e { <https://sparql.example.org/sparql> } SERVICE ?e { ?s ?p ?o } }")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_loopback_private_and_link_local_addresses_are_refused_even_when_allowlisted(address: str) -> None:
    host_endpoint = "http://internal.example.org/sparql"
    with pytest.raises(FederationRefused, match="resolves to"):
        guard([host_endpoint], addresses={"internal.example.org": ["93.184.216.34", address]}).check(
            f"SELECT * {{ SERVICE <{host_endpoint}> {{}} }}"
        )
    literal = f"http://[{address}]/sparql" if ":" in address else f"http://{address}/sparql"
    with pytest.raises(FederationRefused):
        guard([literal]).check(f"SELECT * {{ SERVICE <{literal}> {{}} }}")


def test_private_addresses_can_be_allowed_explicitly() -> None:
    endpoint = "http://127.0.0.1:3030/sparql"
    [call] = guard([endpoint], allow_private=True).check(f"SELECT * {{ SERVICE <{endpoint}> {{}} }}")
    assert call.endpoint == endpoint


def test_an_allowlisted_host_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(FederationRefused, match="does not resolve"):
        guard([PUBLIC], addresses={}).check(f"SELECT * {{ SERVICE <{PUBLIC}> {{}} }}")


def test_only_http_endpoints_can_be_called() -> None:
    with pytest.raises(FederationRefused, match="http"):
        guard(["file:///etc/passwd"]).check("SELECT * { SERVICE <file:///etc/passwd> {} }")


# --- against a live server and a real listening socket ------------------------------------------

@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


def ask(server_url: str, query: str) -> httpx.Response:
    return httpx.get(
        f"{server_url}/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )


def test_a_service_call_to_a_refused_address_makes_no_connection(tmp_path: Path, listener: Listener) -> None:
    # Allow-listed, but a loopback address: refused unless private addresses are allowed.
    server = start_server(tmp_path, CLUSTERGRAPH_SERVICE_ALLOWLIST=listener.url)
    try:
        allowlisted = ask(server.url, f"SELECT ?x WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?x }} }}")
        off_list = ask(server.url, f"SELECT ?x WHERE {{ SERVICE <{listener.url}?other> {{ ?s ?p ?x }} }}")
        variable = ask(server.url, f"SELECT ?x WHERE {{ BIND(<{listener.url}> AS ?e) SERVICE ?e {{ ?s ?p ?x }} }}")
        silent = ask(server.url, f"SELECT ?x WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?x }} }}")
    finally:
        server.stop()

    for response in (allowlisted, off_list, variable, silent):
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("application/problem+json")
    assert "loopback" in allowlisted.json()["detail"]
    assert listener.connections == 0


def test_the_same_call_reaches_the_listener_once_private_addresses_are_allowed(
    tmp_path: Path, listener: Listener
) -> None:
    """The control for the test above: the listener does see calls the policy lets through."""
    server = start_server(
        tmp_path, CLUSTERGRAPH_SERVICE_ALLOWLIST=listener.url, CLUSTERGRAPH_SERVICE_ALLOW_PRIVATE="true"
    )
    try:
        response = ask(server.url, f"SELECT ?x WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?x }} }}")
    finally:
        server.stop()

    assert response.status_code == 200, response.text
    values = [b["x"]["value"] for b in response.json()["results"]["bindings"]]
    assert values == ["from the listener"]
    assert listener.connections == 1


def test_a_service_call_is_cut_at_the_per_call_timeout(tmp_path: Path) -> None:
    silent = Listener(answer=None)  # accepts, never answers
    server = start_server(
        tmp_path,
        CLUSTERGRAPH_SERVICE_ALLOWLIST=silent.url,
        CLUSTERGRAPH_SERVICE_ALLOW_PRIVATE="true",
        CLUSTERGRAPH_SERVICE_TIMEOUT="1",
        CLUSTERGRAPH_QUERY_TIMEOUT="60",
    )
    try:
        failed = ask(server.url, f"SELECT ?x WHERE {{ SERVICE <{silent.url}> {{ ?s ?p ?x }} }}")
        tolerated = ask(server.url, f"SELECT ?x WHERE {{ SERVICE SILENT <{silent.url}> {{ ?s ?p ?x }} }}")
    finally:
        server.stop()
        silent.close()

    assert failed.status_code == 502  # the call failed; not a 503 query timeout
    assert failed.json()["detail"].endswith("the federated endpoint could not be reached or did not answer")
    assert tolerated.status_code == 200 and tolerated.json()["results"]["bindings"] == [{}]
    assert silent.connections >= 1


def relay_for(resolver=None, *, allow_private: bool = True, max_bytes: int = 1_000_000) -> ServiceRelay:
    return ServiceRelay(timeout=5, allow_private=allow_private, max_bytes=max_bytes, resolver=resolver)


def test_the_relay_does_not_follow_redirects() -> None:
    target = Listener()
    redirect = Listener(answer=http_answer("302 Found", location=target.url))
    relay = relay_for()
    try:
        with pytest.raises(Exception, match="redirect"):
            relay.call("POST", redirect.url, b"SELECT * {}", {"content-type": "application/sparql-query"})
    finally:
        relay.close()
        redirect.close()
        target.close()
    assert redirect.connections == 1 and target.connections == 0


def test_the_relay_checks_the_address_it_connects_to(listener: Listener) -> None:
    # The guard saw a public address; by the time of the call the name points to loopback.
    port = int(listener.url.split(":")[2].split("/")[0])
    relay = relay_for(lambda host, _port: ["127.0.0.1"], allow_private=False)
    try:
        with pytest.raises(Exception, match="could not be reached"):
            relay.call("POST", f"http://rebinding.example.org:{port}/sparql", b"SELECT * {}", {})
    finally:
        relay.close()
    assert listener.connections == 0
    assert relay.refusals == [
        f"SERVICE <http://rebinding.example.org:{port}/sparql>: refused, "
        "rebinding.example.org resolves to 127.0.0.1, a loopback, private or link-local address"
    ]


def test_the_relay_caps_the_size_of_an_answer(listener: Listener) -> None:
    relay = relay_for(max_bytes=10)
    try:
        with pytest.raises(Exception, match="more than 10 bytes"):
            relay.call("POST", listener.url, b"SELECT * {}", {})
    finally:
        relay.close()


def test_the_relay_rewrites_only_the_endpoint_spans(listener: Listener) -> None:
    query = f"SELECT ?x WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?x }} }}"
    [call] = service_calls(query)
    relay = relay_for()
    try:
        rewritten = relay.rewrite(query, [call.span])
        status, _type, body = relay.call("POST", listener.url, b"", {})
    finally:
        relay.close()
    assert rewritten.startswith("SELECT ?x WHERE { SERVICE <http://127.0.0.1:") and rewritten.endswith(
        "> { ?s ?p ?x } }"
    )
    assert listener.url not in rewritten
    assert status == 200 and body == RESULT
