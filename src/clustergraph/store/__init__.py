"""The store behind one narrow interface; ``open_store`` is the only place that picks a backend."""

from __future__ import annotations

from pathlib import Path

from clustergraph.errors import StoreBusy
from clustergraph.settings import Settings
from clustergraph.store.base import QueryResult, Store, content_hash
from clustergraph.store.embedded import EmbeddedStore

__all__ = ["QueryResult", "Store", "EmbeddedStore", "content_hash", "open_store"]


def open_store(settings: Settings, *, read_only: bool = False, for_reading: bool = False) -> Store:
    """Open the store named by ``settings.store``: a folder, ``memory`` or a SPARQL endpoint URL.

    An on-disk store is opened for writing, which one process at a time can do, unless
    ``read_only`` (a read-only snapshot) or ``for_reading``: for callers that only read (and
    may load the bundled data into an empty store first). They get the store for writing
    when no other process holds it, else a read-only snapshot beside that process, e.g. a
    running ``clustergraph serve``; the snapshot holds what was written when it was opened.

    Raises ``StoreBusy`` when another process holds an on-disk store that is to be written
    (or that holds no data yet: a server still loading it), ``StoreUnavailable`` when the
    store cannot be opened.
    """
    kind = settings.store_kind
    if kind == "memory":
        return EmbeddedStore(None)
    if kind == "remote":
        from clustergraph.store.remote import RemoteStore

        return RemoteStore.from_settings(settings)
    path = Path(settings.store)
    if read_only or not for_reading:
        return EmbeddedStore(path, read_only=read_only)
    try:
        return EmbeddedStore(path)
    except StoreBusy:
        snapshot = EmbeddedStore(path, read_only=True)
    if next(iter(snapshot.quads()), None) is None:
        snapshot.close()
        raise StoreBusy(
            f"the store at {path} is in use by another process and holds no data yet "
            "(a server loading the bundled data on its first start?); try again in a moment",
            str(path),
        )
    return snapshot
