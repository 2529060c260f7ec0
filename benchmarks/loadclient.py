"""A bounded HTTP load client: N concurrent clients, a time and request budget, loopback only.

Each measurement ("cell") runs ``clients`` asyncio workers over one keep-alive
``httpx.AsyncClient``. A worker takes the next request from a shared cycle, sends it,
records its latency and status, and stops when the time budget or the request budget
is spent; requests in flight then finish (each with its own timeout). req/s is
completed requests over the wall time from the first send to the last answer.

The client runs in Python on the same machine as the servers: on 2 cores it tops out
at several hundred req/s, so fast servers' lookup figures are bounded by the client.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from common import median, percentile

# (method, url, params, headers)
Request = tuple[str, str, dict | None, dict | None]


@dataclass
class Cell:
    """What one measurement gave."""

    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: int = 0
    timeouts: int = 0
    elapsed: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    skipped: str | None = None

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def p50_ms(self) -> float:
        return median(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies, 99) * 1000 if self.latencies else float("nan")

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed if self.elapsed > 0 and self.ok else float("nan")

    def as_dict(self) -> dict:
        return {
            "ok": self.ok, "errors": self.errors, "timeouts": self.timeouts, "elapsed_s": self.elapsed,
            "p50_ms": self.p50_ms, "p99_ms": self.p99_ms, "rps": self.rps, "statuses": self.statuses,
            "skipped": self.skipped,
        }


def _loopback_only(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the load client talks to loopback servers only, not {host}")


async def _run(requests: Sequence[Request], clients: int, seconds: float, max_requests: int, timeout: float) -> Cell:
    for req in requests[:1]:
        _loopback_only(req[1])
    cell = Cell()
    cycle = itertools.cycle(requests)
    sent = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=timeout, trust_env=False) as client:
        started = time.perf_counter()
        deadline = started + seconds
        last = started

        async def worker() -> None:
            nonlocal sent, last
            while sent < max_requests and time.perf_counter() < deadline:
                sent += 1
                method, url, params, headers = next(cycle)
                t0 = time.perf_counter()
                try:
                    response = await client.request(method, url, params=params, headers=headers)
                    await response.aread()
                except httpx.TimeoutException:
                    cell.timeouts += 1
                    continue
                except httpx.HTTPError:
                    cell.errors += 1
                    continue
                t1 = time.perf_counter()
                last = max(last, t1)
                cell.statuses[response.status_code] = cell.statuses.get(response.status_code, 0) + 1
                if response.is_success:
                    cell.latencies.append(t1 - t0)
                else:
                    cell.errors += 1

        await asyncio.gather(*(worker() for _ in range(clients)))
        cell.elapsed = last - started
    return cell


def measure(requests: Sequence[Request], *, clients: int, seconds: float, max_requests: int, timeout: float = 120.0) -> Cell:
    """Run one cell (see module docstring)."""
    return asyncio.run(_run(requests, clients, seconds, max(max_requests, clients), timeout))


def wait_idle(probe: Callable[[], bool], *, timeout: float = 300.0) -> float:
    """Poll ``probe`` (a cheap request) until it answers; seconds waited. Used between cells
    so that a server still busy with abandoned work does not slow the next measurement."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if probe():
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return time.monotonic() - started
