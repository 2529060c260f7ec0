"""A storm of runaway queries from many clients, with a cheap query measured meanwhile.

Each storm client has an address of its own on the loopback network (127.0.0.2, 127.0.0.3,
...), as distinct machines would; the cheap client uses 127.0.0.1. Bounded in count and
time, and only ever aimed at 127.0.0.1.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field

import httpx

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "SELECT ?o WHERE { <https://w3id.org/clustergraph/cluster/its-owl> ?p ?o } LIMIT 5"


@dataclass
class StormResult:
    cheap_seconds: list[float] = field(default_factory=list)
    cheap_statuses: list[int] = field(default_factory=list)
    runaway_statuses: list[int] = field(default_factory=list)
    first_runaway_answer: float | None = None  # seconds after the storm began

    @property
    def cheap_p50(self) -> float:
        return statistics.median(self.cheap_seconds)

    @property
    def cheap_max(self) -> float:
        return max(self.cheap_seconds)


def storm(url: str, *, clients: int, seconds: float, warmup: float = 2.0, cheap_every: float = 0.25) -> StormResult:
    """Run ``clients`` runaway clients for ``seconds`` and a cheap query every ``cheap_every`` s after ``warmup``."""
    result = StormResult()
    began = time.monotonic()
    stop_at = began + seconds
    lock = threading.Lock()

    def runaway(n: int) -> None:
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{2 + n}")
        with httpx.Client(transport=transport, timeout=120) as client:
            while time.monotonic() < stop_at:
                try:
                    status = client.post(f"{url}/sparql", data={"query": RUNAWAY}).status_code
                except httpx.HTTPError:
                    status = 0
                with lock:
                    result.runaway_statuses.append(status)
                    if result.first_runaway_answer is None:
                        result.first_runaway_answer = time.monotonic() - began

    threads = [threading.Thread(target=runaway, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(warmup)
    with httpx.Client(timeout=120) as client:
        while time.monotonic() < stop_at:
            started = time.monotonic()
            response = client.post(f"{url}/sparql", data={"query": CHEAP})
            result.cheap_seconds.append(time.monotonic() - started)
            result.cheap_statuses.append(response.status_code)
            time.sleep(cheap_every)
    for thread in threads:
        thread.join(timeout=180)
    return result
