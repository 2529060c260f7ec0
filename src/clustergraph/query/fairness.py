"""Fair turns at the query workers: who has used how much work lately.

A client (an address) that keeps the workers busy with runaway queries must not make a
cheap query of another client wait for them. So a client with fewer than a few jobs
running gets a worker of its own at once (the executor forks one, up to a ceiling) and
the kernel shares the cores among the workers, which run at a lower priority than the
server; and when the ceiling is reached, a worker that comes free goes to the waiting
client that has used the least worker time lately (decaying by half every ``HALF_LIFE``
seconds, the time of its running jobs included).
"""

from __future__ import annotations

import math
import time

HALF_LIFE = 30.0


class ClientUsage:
    """Decaying worker-seconds per client. Not thread-safe: the executor calls it under its lock."""

    def __init__(self, *, half_life: float = HALF_LIFE) -> None:
        self.half_life = half_life
        self._spent: dict[str | None, tuple[float, float]] = {}  # client -> (seconds, as of)
        self._running: dict[int, tuple[str | None, float]] = {}  # id(worker) -> (client, since)

    def start(self, worker: object, client: str | None) -> None:
        self._running[id(worker)] = (client, time.monotonic())

    def stop(self, worker: object) -> None:
        entry = self._running.pop(id(worker), None)
        if entry is None:
            return
        client, since = entry
        now = time.monotonic()
        self._spent[client] = (self._decayed(client, now) + (now - since), now)
        if len(self._spent) > 10_000:  # forget the clients that have used least
            for old in sorted(self._spent, key=lambda c: self._decayed(c, now))[:5_000]:
                del self._spent[old]

    def of(self, client: str | None, now: float) -> float:
        """The client's worker-seconds lately, its running jobs included."""
        running = sum(now - since for c, since in self._running.values() if c == client)
        return self._decayed(client, now) + running

    def running(self, client: str | None) -> int:
        """How many jobs of ``client`` are running now."""
        return sum(1 for c, _ in self._running.values() if c == client)

    def _decayed(self, client: str | None, now: float) -> float:
        seconds, since = self._spent.get(client, (0.0, now))
        return seconds * math.pow(0.5, (now - since) / self.half_life)
