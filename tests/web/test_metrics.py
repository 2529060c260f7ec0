"""/metrics: Prometheus text with query counts by status, latencies, timeouts, cache and workers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from support.servers import LiveServer, start_server

from clustergraph.web.metrics import BUCKETS, Metrics

SAMPLE = re.compile(r"^(?P<name>[a-z_]+)(?:\{(?P<labels>[^}]*)\})? (?P<value>[0-9.e+-]+)$")
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def parse_exposition(text: str) -> dict[tuple[str, frozenset], float]:
    """Samples of the Prometheus text format by (name, labels); every line must be a comment or a sample."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a Prometheus sample line: {line!r}"
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match["labels"] or ""))
        samples[(match["name"], labels)] = float(match["value"])
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    running = start_server(tmp_path_factory.mktemp("metrics"), CLUSTERGRAPH_QUERY_TIMEOUT="1.5")
    yield running
    running.stop()


def scrape(server: LiveServer) -> dict:
    response = httpx.get(f"{server.url}/metrics", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return parse_exposition(response.text)


def test_metrics_count_queries_by_status_with_latencies_and_timeouts(server: LiveServer) -> None:
    before = scrape(server)
    sparql = f"{server.url}/sparql"
    for query in ("ASK {}", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "ASK {}"):
        assert httpx.get(sparql, params={"query": query}, timeout=30).status_code == 200
    assert httpx.get(sparql, params={"query": "SELECT WHERE"}, timeout=30).status_code == 400
    assert httpx.get(sparql, params={"query": RUNAWAY}, timeout=30).status_code == 503
    refused = httpx.post(
        f"{sparql}/update", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"}, timeout=30
    )
    assert refused.status_code == 403

    after = scrape(server)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("clustergraph_sparql_requests_total", operation="query", code="200") == 3
    assert grew("clustergraph_sparql_requests_total", operation="query", code="400") == 1
    assert grew("clustergraph_sparql_requests_total", operation="query", code="503") == 1
    assert grew("clustergraph_sparql_requests_total", operation="update", code="403") == 1
    assert grew("clustergraph_sparql_timeouts_total") == 1
    assert grew("clustergraph_sparql_cache_hits_total") >= 1  # the second ASK {}
    assert grew("clustergraph_sparql_request_duration_seconds_count", operation="query") == 5
    # the runaway query took at least the timeout: it sits above the 1 s bucket
    assert (
        grew("clustergraph_sparql_request_duration_seconds_bucket", operation="query", le="+Inf")
        - grew("clustergraph_sparql_request_duration_seconds_bucket", operation="query", le="1")
        >= 1
    )
    assert value(after, "clustergraph_query_workers", state="idle") >= 1
    assert after[("clustergraph_query_requests_waiting", frozenset())] == 0  # nobody is left waiting


def test_histogram_buckets_are_cumulative() -> None:
    metrics = Metrics()
    for seconds in (0.0005, 0.02, 0.02, 3.0, 100.0):
        metrics.observe("query", 200, seconds)
    samples = parse_exposition(metrics.render())
    counts = [
        value(samples, "clustergraph_sparql_request_duration_seconds_bucket", operation="query", le=f"{b:g}")
        for b in BUCKETS
    ]
    assert counts == sorted(counts)
    assert value(samples, "clustergraph_sparql_request_duration_seconds_bucket", operation="query", le="0.001") == 1
    assert value(samples, "clustergraph_sparql_request_duration_seconds_bucket", operation="query", le="0.025") == 3
    assert value(samples, "clustergraph_sparql_request_duration_seconds_bucket", operation="query", le="+Inf") == 5
    assert value(samples, "clustergraph_sparql_request_duration_seconds_sum", operation="query") == pytest.approx(
        103.0405
    )
