"""``/metrics``: Prometheus text exposition of the SPARQL endpoint's counters.

Series (all prefixed ``clustergraph_``):

- ``sparql_requests_total{operation, code}``: queries and updates by HTTP status;
- ``sparql_request_duration_seconds{operation}``: a latency histogram (seconds);
- ``sparql_timeouts_total``: queries stopped at ``query_timeout``;
- ``sparql_truncated_total``: answers cut at the row cap;
- ``sparql_cache_hits_total`` / ``sparql_cache_misses_total``: the result cache;
- ``query_workers{state}``, ``query_worker_forks_total``, ``query_worker_crashes_total``;
- ``query_requests_waiting``: requests waiting for a free worker (a saturated pool).

Counters live in memory per server process and start at zero with it.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import defaultdict

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

router = APIRouter(tags=["service"])

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class _Histogram:
    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)
        self.total = 0.0
        self.count = 0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(BUCKETS, seconds)] += 1
        self.total += seconds
        self.count += 1


class Metrics:
    """Thread-safe counters of one server process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, int], int] = defaultdict(int)
        self.durations: dict[str, _Histogram] = defaultdict(_Histogram)
        self.truncated = 0

    def observe(self, operation: str, code: int, seconds: float, *, truncated: bool = False) -> None:
        """Count one request of ``operation`` ("query" or "update") that ended with ``code``."""
        with self._lock:
            self.requests[(operation, code)] += 1
            self.durations[operation].observe(seconds)
            if truncated:
                self.truncated += 1

    def render(self, executor_stats: dict[str, float] | None = None) -> str:
        """The exposition text; ``executor_stats`` adds the worker and cache series."""
        stats = executor_stats or {}
        lines: list[str] = []

        def family(name: str, kind: str, help_text: str) -> None:
            lines.append(f"# HELP clustergraph_{name} {help_text}")
            lines.append(f"# TYPE clustergraph_{name} {kind}")

        with self._lock:
            family("sparql_requests_total", "counter", "SPARQL queries and updates by HTTP status code.")
            for (operation, code), count in sorted(self.requests.items()):
                lines.append(f'clustergraph_sparql_requests_total{{operation="{operation}",code="{code}"}} {count}')
            family("sparql_request_duration_seconds", "histogram", "Time to answer a SPARQL request.")
            for operation, hist in sorted(self.durations.items()):
                cumulative = 0
                for bound, count in zip(BUCKETS, hist.counts, strict=False):  # the last count is +Inf
                    cumulative += count
                    lines.append(
                        f'clustergraph_sparql_request_duration_seconds_bucket{{operation="{operation}",le="{bound:g}"}} {cumulative}'
                    )
                lines.append(
                    f'clustergraph_sparql_request_duration_seconds_bucket{{operation="{operation}",le="+Inf"}} {hist.count}'
                )
                lines.append(
                    f'clustergraph_sparql_request_duration_seconds_sum{{operation="{operation}"}} {hist.total:.6f}'
                )
                lines.append(
                    f'clustergraph_sparql_request_duration_seconds_count{{operation="{operation}"}} {hist.count}'
                )
            family("sparql_truncated_total", "counter", "Answers cut at the row cap.")
            lines.append(f"clustergraph_sparql_truncated_total {self.truncated}")
        family("sparql_timeouts_total", "counter", "Queries stopped at the query timeout.")
        lines.append(f"clustergraph_sparql_timeouts_total {int(stats.get('timeouts', 0))}")
        family("sparql_cache_hits_total", "counter", "Queries answered from the result cache.")
        lines.append(f"clustergraph_sparql_cache_hits_total {int(stats.get('cache_hits', 0))}")
        family("sparql_cache_misses_total", "counter", "Queries not found in the result cache.")
        lines.append(f"clustergraph_sparql_cache_misses_total {int(stats.get('cache_misses', 0))}")
        if "workers_idle" in stats:
            family("query_workers", "gauge", "Query worker processes by state.")
            lines.append(f'clustergraph_query_workers{{state="idle"}} {int(stats["workers_idle"])}')
            lines.append(f'clustergraph_query_workers{{state="busy"}} {int(stats["workers_busy"])}')
            family("query_worker_forks_total", "counter", "Query worker processes started.")
            lines.append(f"clustergraph_query_worker_forks_total {int(stats.get('forks', 0))}")
            family("query_worker_crashes_total", "counter", "Query worker processes that stopped unexpectedly.")
            lines.append(f"clustergraph_query_worker_crashes_total {int(stats.get('crashes', 0))}")
            family("query_requests_waiting", "gauge", "Requests waiting for a free query worker.")
            lines.append(f"clustergraph_query_requests_waiting {int(stats.get('waiting', 0))}")
        return "\n".join(lines) + "\n"


def metrics_of(request: Request) -> Metrics:
    """The app's metrics (``app.state.metrics``, set by ``create_app``)."""
    return request.app.state.metrics


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
def metrics(request: Request) -> PlainTextResponse:
    """Counters of SPARQL requests, latencies, timeouts, the result cache and the query workers."""
    executor = getattr(request.app.state, "executor", None)
    text = metrics_of(request).render(executor.stats() if executor is not None else None)
    return PlainTextResponse(text, media_type=PROMETHEUS_TEXT)
