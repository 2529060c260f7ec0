"""`open_store` beside a process that holds an on-disk store for writing: readers get a read-only
snapshot, writers a `StoreBusy` that names the store. The holder here is this process itself
(RocksDB refuses a second writer in the same process as in another; tests/test_cli_beside_server.py
runs a real server)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad

from clustergraph.errors import StoreBusy, StoreUnavailable
from clustergraph.settings import Settings
from clustergraph.store import EmbeddedStore, open_store

FACT = Quad(NamedNode("https://example.org/s"), NamedNode("https://example.org/p"), NamedNode("https://example.org/o"),
            NamedNode("https://example.org/g"))


@pytest.fixture
def held(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """An on-disk store opened for writing, as a running server holds it."""
    holder = EmbeddedStore(tmp_path / "store")
    yield holder
    holder.close()


def settings_for(store: EmbeddedStore) -> Settings:
    return Settings(store=str(store.path), _env_file=None)


def test_a_writer_beside_the_holder_gets_store_busy_naming_the_store(held: EmbeddedStore) -> None:
    with pytest.raises(StoreBusy) as refused:
        open_store(settings_for(held))
    assert str(refused.value) == f"the store at {held.path} is in use by another process"
    assert refused.value.path == str(held.path) and refused.value.exit_code == 5


def test_a_reader_beside_the_holder_gets_a_snapshot_of_what_was_committed(held: EmbeddedStore) -> None:
    held.apply(add=[FACT])
    reader = open_store(settings_for(held), for_reading=True)
    try:
        assert reader.read_only and reader.count() == 1
        held.apply(add=[Quad(FACT.subject, FACT.predicate, NamedNode("https://example.org/later"), FACT.graph_name)])
        assert reader.count() == 1  # a snapshot: what was committed when it was opened
    finally:
        reader.close()
    again = open_store(settings_for(held), for_reading=True)
    try:
        assert again.count() == 2
    finally:
        again.close()


def test_a_reader_beside_a_holder_that_has_loaded_nothing_yet_is_told_to_wait(held: EmbeddedStore) -> None:
    with pytest.raises(StoreBusy, match=r"holds no data yet .*try again in a moment"):
        open_store(settings_for(held), for_reading=True)


def test_a_reader_of_a_free_store_opens_it_for_writing(tmp_path: Path) -> None:
    store = open_store(Settings(store=str(tmp_path / "free"), _env_file=None), for_reading=True)
    try:
        assert not store.read_only
        store.apply(add=[FACT])  # so it can load the bundled data into an empty store first
        assert store.count() == 1
    finally:
        store.close()


def test_a_read_only_opening_of_a_missing_store_fails_at_once(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="there is no store at"):
        open_store(Settings(store=str(tmp_path / "missing"), _env_file=None), read_only=True)
    assert time.monotonic() - started < 2  # no retrying for a folder that holds no store
