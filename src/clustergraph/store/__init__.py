"""The store behind one narrow interface; ``open_store`` is the only place that picks a backend."""

from __future__ import annotations

from pathlib import Path

from clustergraph.settings import Settings
from clustergraph.store.base import QueryResult, Store, content_hash
from clustergraph.store.embedded import EmbeddedStore

__all__ = ["QueryResult", "Store", "EmbeddedStore", "content_hash", "open_store"]


def open_store(settings: Settings, *, read_only: bool = False) -> Store:
    """Open the store named by ``settings.store``: a folder, ``memory`` or a SPARQL endpoint URL.

    Raises ``StoreUnavailable`` when it cannot be opened.
    """
    kind = settings.store_kind
    if kind == "memory":
        return EmbeddedStore(None)
    if kind == "remote":
        from clustergraph.store.remote import RemoteStore

        return RemoteStore.from_settings(settings)
    return EmbeddedStore(Path(settings.store), read_only=read_only)
