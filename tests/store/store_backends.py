"""Where the tests find the real remote stores: the test Virtuoso from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph

from clustergraph.store.base import Store
from clustergraph.store.remote import RemoteStore

URL_VARIABLE = "CLUSTERGRAPH_TEST_VIRTUOSO_URL"
ROOT = Path(__file__).resolve().parent.parent.parent
VIRTUOSO_SCRIPT = ROOT / ".ci" / "virtuoso.sh"


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
    """The store with every named graph cleared and nothing left in its default graph, so
    tests never see each other's data."""
    graphs = store.named_graphs()
    if graphs:
        store.apply(clear_graphs=graphs)
    leftover = list(store.quads(graph=DefaultGraph()))  # facts written to the default graph itself
    if leftover:
        store.apply(remove=leftover)
    assert store.count() == 0 and list(store.quads()) == []
    return store
