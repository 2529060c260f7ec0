"""Fixtures: settings, a loaded store, the app and a live server, built per test from real parts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clustergraph.loading.loader import gate_for, load
from clustergraph.loading.validation import ShaclGate
from clustergraph.settings import Settings
from clustergraph.store import EmbeddedStore
from support.servers import LiveServer, free_port, start_server  # noqa: F401  (re-exported for tests)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shacl_gate() -> ShaclGate:
    """One gate for the session: parsing the shapes and ontology once keeps tests fast."""
    return gate_for(Settings(store="memory"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an in-memory store with the bundled data; no environment needed."""
    return Settings(store="memory", _env_file=None)


@pytest.fixture(scope="session")
def loaded_quads(shacl_gate: ShaclGate) -> list:
    """The bundled ontology and data as quads, loaded once per session."""
    store = EmbeddedStore(None)
    load(store, Settings(store="memory"), gate=shacl_gate)
    return list(store.quads())


@pytest.fixture
def store(loaded_quads: list) -> Iterator[EmbeddedStore]:
    """A fresh in-memory store holding the bundled ontology and data."""
    db = EmbeddedStore(None)
    db.apply(add=loaded_quads)
    yield db
    db.close()


@pytest.fixture
def empty_store() -> Iterator[EmbeddedStore]:
    db = EmbeddedStore(None)
    yield db
    db.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real uvicorn server on 127.0.0.1 with the bundled data, shared by the session (read-only tests)."""
    server = start_server(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()
