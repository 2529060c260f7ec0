"""Fuzzing a live server (real uvicorn on 127.0.0.1), bounded in time: schemathesis over every route of
the OpenAPI document, hypothesis-generated query texts, paths and bodies, and mutations of the example
queries (tests/reliability/mutations.py), from several threads over pooled connections.

A response is expected when it is below 500, or a 503/507 for a documented limit (query timeout,
result too large). With CLUSTERGRAPH_RELIABILITY_RESULTS set, the counts go to ``fuzz.json`` there.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from conftest import results_dir
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from mutations import FuzzRequest, fuzz_requests
from support.servers import LiveServer, start_server

from clustergraph.bundled import bundled_dir

TOKEN = "fuzz-token"
MUTATIONS = 17_500
SCHEMA_EXAMPLES = 25  # per operation of the OpenAPI document
TEXT_EXAMPLES = 1_500
SENDERS = 4
MINIMUM_REQUESTS = 20_000
DOCUMENTED_LIMITS = {(503, "Query timed out"), (503, "Limit exceeded"), (507, "Result too large")}
SEED = 20_240_608


class Tally:
    """Counts of what was sent and what came back, shared by the sending threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[str] = Counter()
        self.by_kind: Counter[str] = Counter()
        self.by_kind_status: Counter[str] = Counter()
        self.limits: Counter[str] = Counter()
        self.unexpected: list[dict] = []
        self.unsendable = 0

    @property
    def requests(self) -> int:
        return sum(self.by_kind.values())

    def record(self, kind: str, request: str, response: httpx.Response) -> None:
        status = response.status_code
        title = _title(response) if status >= 500 else None
        with self.lock:
            self.by_kind[kind] += 1
            self.statuses[str(status)] += 1
            self.by_kind_status[f"{kind} {status}"] += 1
            if status >= 500 and (status, title) in DOCUMENTED_LIMITS:
                self.limits[f"{status} {title}"] += 1
            elif status >= 500:
                self.unexpected.append({"kind": kind, "status": status, "title": title, "request": request[:3000],
                                        "body": response.text[:300]})


def _title(response: httpx.Response) -> str | None:
    try:
        return response.json().get("title")
    except ValueError:
        return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The bundled data in memory, updates on, short limits so runaway mutations end quickly."""
    live = start_server(
        tmp_path_factory.mktemp("fuzz"), CLUSTERGRAPH_UPDATE_TOKEN=TOKEN, CLUSTERGRAPH_QUERY_TIMEOUT="1",
        CLUSTERGRAPH_MAX_ROWS="1000", CLUSTERGRAPH_LOG_LEVEL="warning",
    )
    yield live
    live.stop()


def send_mutations(server: LiveServer, requests: list[FuzzRequest], tally: Tally) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for item in requests:
            response = client.request(item.method, item.path, headers=item.headers, content=item.content)
            body = (item.content or b"")[:2500].decode("utf-8", "replace")
            tally.record(item.kind, f"{item.method} {item.path[:300]} {item.headers} {body}", response)


def send_case(client: httpx.Client, case, base_url: str, tally: Tally) -> None:
    """Send one schemathesis case with httpx (its own client pools connections)."""
    arguments = case.as_transport_kwargs(base_url=base_url)
    headers = dict(arguments.get("headers") or {})
    if arguments.get("cookies"):
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in arguments["cookies"].items())
    options: dict = {"params": arguments.get("params"), "headers": headers}
    if "json" in arguments:
        options["json"] = arguments["json"]
    elif "files" in arguments:
        options["files"], options["data"] = arguments["files"], arguments.get("data")
    elif isinstance(arguments.get("data"), dict):
        options["data"] = arguments["data"]
    elif arguments.get("data") is not None:
        options["content"] = arguments["data"]
    try:
        response = client.request(arguments["method"], arguments["url"], **options)
    except (httpx.LocalProtocolError, httpx.InvalidURL, UnicodeEncodeError, TypeError):
        with tally.lock:  # a header or URL no HTTP client can send
            tally.unsendable += 1
        return
    tally.record("schemathesis", f"{arguments['method']} {arguments['url'][:200]}", response)


def run_hypothesis(examples: int, strategy, body: Callable) -> None:
    """Run ``body`` on ``examples`` values drawn by hypothesis (generation only: no shrinking, no database)."""

    @given(value=strategy)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(value) -> None:
        body(value)

    run()


def schema_and_text_fuzz(server: LiveServer, tally: Tally) -> int:
    """schemathesis over every operation, then hypothesis texts as queries, paths and IRIs; the operation count."""
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    with httpx.Client(timeout=60) as client:
        for operation in operations:
            run_hypothesis(SCHEMA_EXAMPLES, operation.as_strategy(),
                           lambda case: send_case(client, case, server.url, tally))
        texts = st.text(max_size=300)

        def text_request(value: tuple[int, str]) -> None:
            way, text = value
            if way == 0:
                response = client.get(server.url + "/sparql", params={"query": text})
            elif way == 1:
                response = client.post(server.url + "/sparql", content=text.encode("utf-8", "surrogatepass"),
                                       headers={"Content-Type": "application/sparql-query"})
            elif way == 2:
                response = client.get(server.url + "/resource", params={"iri": text}, headers={"Accept": "text/html"})
            else:
                response = client.get(server.url + "/cluster/" + quote(text, safe=""))
            tally.record("hypothesis", f"{way} {text[:200]!r}", response)

        run_hypothesis(TEXT_EXAMPLES, st.tuples(st.integers(0, 3), texts), text_request)
    return len(operations)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process ``pid`` so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def watch_health(server: LiveServer, stop: threading.Event, latencies: list[float]) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        while not stop.wait(0.5):
            started = time.monotonic()
            assert client.get("/health").status_code == 200
            latencies.append(time.monotonic() - started)


def test_twenty_thousand_hostile_requests_give_no_unexpected_5xx_and_the_server_lives(
    server: LiveServer, figures: dict
) -> None:
    """Guarantee: over 20,000 fuzzed requests (every route, mutated and nested queries, updates,
    random bytes) not one answers 5xx except the documented limits (503 timeout, 507 too large);
    the server is alive at the end and /health answers fast throughout."""
    queries = [path.read_text(encoding="utf-8") for path in sorted(bundled_dir("queries").glob("*.rq"))]
    requests = fuzz_requests(queries, count=MUTATIONS, seed=SEED, token=TOKEN)
    tally = Tally()
    latencies: list[float] = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch_health, args=(server, stop, latencies), daemon=True)
    started = time.monotonic()
    client_cpu, server_cpu = time.process_time(), cpu_seconds(server.process.pid)
    watcher.start()
    try:
        with ThreadPoolExecutor(SENDERS + 1) as pool:
            schema_run = pool.submit(schema_and_text_fuzz, server, tally)
            senders = [pool.submit(send_mutations, server, requests[i::SENDERS], tally) for i in range(SENDERS)]
            for sender in senders:
                sender.result()
            operations = schema_run.result()
    finally:
        stop.set()
        watcher.join(30)
    elapsed = time.monotonic() - started
    client_cpu, server_cpu = time.process_time() - client_cpu, cpu_seconds(server.process.pid) - server_cpu
    final = time.monotonic()
    assert httpx.get(server.url + "/health", timeout=10).status_code == 200
    final_health = time.monotonic() - final
    log = server.log.read_text(errors="replace")

    counts = {
        "requests": tally.requests, "seconds": round(elapsed, 1), "operations": operations,
        "client_cpu_seconds": round(client_cpu, 1), "server_process_cpu_seconds": round(server_cpu, 1),
        "by_kind": dict(tally.by_kind), "statuses": dict(sorted(tally.statuses.items())),
        "by_kind_and_status": dict(sorted(tally.by_kind_status.items())),
        "documented_limits": dict(tally.limits), "unexpected_5xx": len(tally.unexpected),
        "unsendable_cases": tally.unsendable, "health_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "health_max_ms": round(max(latencies) * 1000, 1), "final_health_ms": round(final_health * 1000, 1),
        "unexpected_examples": tally.unexpected[:20],
    }
    folder = results_dir()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "fuzz.json").write_text(json.dumps(counts, indent=2), encoding="utf-8")
    figures.update({k: v for k, v in counts.items() if k not in ("unexpected_examples", "by_kind_and_status")})

    assert tally.unexpected == [], json.dumps(tally.unexpected[:10], indent=2)
    assert tally.requests >= MINIMUM_REQUESTS
    assert server.process.poll() is None, "the server died"
    assert "unhandled error" not in log and "Traceback" not in log, log[-3000:]
    assert statistics.median(latencies) < 1.0 and final_health < 1.0
