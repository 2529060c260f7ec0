"""Backends for the store contract: embedded (memory, disk) and a real Virtuoso.

The Virtuoso backends need ``CLUSTERGRAPH_TEST_VIRTUOSO_URL`` (with ``_USER`` and
``_PASSWORD``), as printed by ``.ci/virtuoso.sh start``. That store is for tests
only: every test empties it first. Without the variable the Virtuoso tests skip
locally, and FAIL when ``CI`` is set, so CI cannot silently drop them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clustergraph.store import EmbeddedStore
from clustergraph.store.base import Store
from clustergraph.store.remote import RemoteStore

URL_VARIABLE = "CLUSTERGRAPH_TEST_VIRTUOSO_URL"
ROOT = Path(__file__).resolve().parent.parent.parent
VIRTUOSO_SCRIPT = ROOT / ".ci" / "virtuoso.sh"

BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("disk", id="disk"),
    pytest.param("virtuoso", id="virtuoso", marks=pytest.mark.virtuoso),
    # The code path of stores whose default graph is not the union (Fuseki, Oxigraph), run on Virtuoso.
    pytest.param("generic", id="virtuoso-generic-dialect", marks=pytest.mark.virtuoso),
]


@dataclass(frozen=True)
class Virtuoso:
    url: str
    user: str
    password: str
    sql_port: str

    @property
    def anonymous_url(self) -> str:
        return self.url.removesuffix("-auth")

    def open(self, **options) -> RemoteStore:
        return RemoteStore(self.url, user=self.user, password=self.password, **options)


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_virtuoso() -> Virtuoso:
    """The test Virtuoso from the environment; skip locally, fail on CI, when it is not configured."""
    url = os.environ.get(URL_VARIABLE)
    if not url:
        message = f"{URL_VARIABLE} is not set: start Virtuoso with `source .ci/virtuoso.sh start`"
        if on_ci():
            pytest.fail(f"CI must run the Virtuoso tests, but {message}")
        pytest.skip(message)
    return Virtuoso(
        url=url,
        user=os.environ.get("CLUSTERGRAPH_TEST_VIRTUOSO_USER", "dba"),
        password=os.environ.get("CLUSTERGRAPH_TEST_VIRTUOSO_PASSWORD", ""),
        sql_port=os.environ.get("CLUSTERGRAPH_TEST_VIRTUOSO_SQL_PORT", "1111"),
    )


def emptied(store: Store) -> Store:
    """The test Virtuoso with every named graph cleared, so tests never see each other's data."""
    graphs = store.named_graphs()
    if graphs:
        store.apply(clear_graphs=graphs)
    assert store.count() == 0
    return store


@pytest.fixture
def virtuoso() -> Virtuoso:
    return require_virtuoso()


@pytest.fixture
def remote(virtuoso: Virtuoso) -> Iterator[RemoteStore]:
    """An emptied RemoteStore on the test Virtuoso."""
    store = virtuoso.open()
    emptied(store)
    yield store
    store.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each kind."""
    kind = request.param
    if kind == "memory":
        store: Store = EmbeddedStore(None)
    elif kind == "disk":
        store = EmbeddedStore(tmp_path / "store")
    else:
        store = emptied(require_virtuoso().open(dialect=None if kind == "virtuoso" else "generic"))
    yield store
    store.close()
