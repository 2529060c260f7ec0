"""A value worked out from the store once per store version (the OAI-PMH record list, the latest release).

Local stores promise equal content for equal versions, so the value is kept until the
version changes; a remote store's version changes on every call (other clients may write to
it), so there the value is worked out on every request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from starlette.datastructures import State

from clustergraph.store.base import Store

T = TypeVar("T")
_CREATE = threading.Lock()


class PerVersion(Generic[T]):
    """The last value computed, with the store version it was computed for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._value: T | None = None

    def get(self, store: Store, compute: Callable[[], T], *, key: str = "") -> T:
        """The value for the store's current version (and ``key``, e.g. the URL the value's links
        use); ``compute`` runs at most once for each (concurrent callers wait for the first).
        Raises what ``compute`` raises."""
        if store.kind == "remote":
            return compute()
        version = f"{store.version} {key}"
        with self._lock:
            if self._version != version or self._value is None:
                self._value = compute()
                self._version = version
            return self._value


def cache_on(state: State, name: str) -> PerVersion:
    """The ``PerVersion`` kept on the app's ``state`` under ``name`` (made on first use)."""
    with _CREATE:
        cache = getattr(state, name, None)
        if cache is None:
            cache = PerVersion()
            setattr(state, name, cache)
        return cache
