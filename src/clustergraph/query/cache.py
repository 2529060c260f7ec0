"""A bounded cache of serialised query results, keyed by the store's content version.

Aggregates over the whole graph cost the same on every request (they grow linearly
with the data); the same query text over the same content gives the same bytes, so
an answered query is kept until the store changes or the space is needed. Only
successful, complete answers are kept, each at most ``max_entry_bytes``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from clustergraph.query.evaluation import OK, QueryOutcome


# What one entry costs beyond its body (key digest, outcome object, dictionary slot), counted
# against the limit so that many small answers cannot grow the cache past it.
ENTRY_OVERHEAD = 512


class ResultCache:
    """Least-recently-used outcomes, at most ``max_bytes`` in total (bodies plus a fixed
    ``ENTRY_OVERHEAD`` per entry). Keys should be short (digests): they are not counted."""

    def __init__(self, max_bytes: int = 64_000_000, max_entry_bytes: int = 4_000_000) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._entries: OrderedDict[Hashable, QueryOutcome] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> QueryOutcome | None:
        with self._lock:
            outcome = self._entries.get(key)
            if outcome is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return outcome

    def put(self, key: Hashable, outcome: QueryOutcome) -> None:
        """Keep ``outcome`` if it is a success that fits; evicts the least recently used."""
        size = len(outcome.body) + ENTRY_OVERHEAD
        if outcome.status != OK or size > self.max_entry_bytes or self.max_bytes <= 0:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old.body) + ENTRY_OVERHEAD
            self._entries[key] = outcome
            self._size += size
            while self._size > self.max_bytes and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted.body) + ENTRY_OVERHEAD

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        return self._size
