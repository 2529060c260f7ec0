"""The catalogue gives the same answers on a remote SPARQL store (a real Virtuoso) as on the
embedded store: the queries keep to what both engines evaluate alike.

Needs ``CLUSTERGRAPH_TEST_VIRTUOSO_URL`` (and ``_USER``, ``_PASSWORD``) as printed by
``source .ci/virtuoso.sh start``; skips locally without it and fails on CI (``CI=true``), like
the store contract tests. The test Virtuoso is emptied before use.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from pyoxigraph import DefaultGraph

from clustergraph.catalog import (
    ActorFilters,
    Catalog,
    ClusterFilters,
    get_actor,
    get_cluster,
    get_event,
    get_label,
    get_programme,
    get_source,
    get_technology,
    list_actors,
    list_clusters,
    list_events,
    list_innovation_fields,
    list_labels,
    list_members,
    list_programmes,
    list_sources,
    list_technologies,
    related_clusters,
    search,
)
from clustergraph.catalog.reads import read_through
from clustergraph.query.executor import ThreadExecutor
from clustergraph.settings import DEFAULT_BASE_IRI, Settings
from clustergraph.store.remote import RemoteStore

pytestmark = pytest.mark.virtuoso

CALLS: dict[str, Callable[[Catalog], object]] = {
    "clusters": lambda c: list_clusters(c),
    "clusters by technology": lambda c: list_clusters(c, ClusterFilters(technology="artificial-intelligence")),
    "clusters by field": lambda c: list_clusters(c, ClusterFilters(innovation_field="key-technologies-ict")),
    "clusters by city name": lambda c: list_clusters(c, ClusterFilters(city="Düsseldorf")),
    "clusters by city id": lambda c: list_clusters(c, ClusterFilters(city="duesseldorf")),
    "clusters by kind": lambda c: list_clusters(c, ClusterFilters(kind="state-cluster")),
    "clusters by label level": lambda c: list_clusters(c, ClusterFilters(label_level="gold")),
    "clusters by text": lambda c: list_clusters(c, ClusterFilters(q="Düsseldorf")),
    "one cluster": lambda c: get_cluster(c, "its-owl"),
    "members": lambda c: list_members(c, "spin-nrw"),
    "related": lambda c: related_clusters(c, "zukunftscluster-wasserstoff"),
    "actors": lambda c: list_actors(c),
    "actors filtered": lambda c: list_actors(c, ActorFilters(type="university", city="Aachen")),
    "actors of a cluster": lambda c: list_actors(c, ActorFilters(cluster="spin-nrw")),
    "one actor": lambda c: get_actor(c, "rwth-aachen-university"),
    "innovation fields": lambda c: list_innovation_fields(c),
    "technologies": lambda c: list_technologies(c),
    "one technology": lambda c: get_technology(c, "artificial-intelligence"),
    "labels": lambda c: list_labels(c),
    "one label": lambda c: get_label(c, "its-owl-gold-2014"),
    "programmes": lambda c: list_programmes(c),
    "one programme": lambda c: get_programme(c, "clusters4future"),
    "events": lambda c: list_events(c),
    "one event": lambda c: get_event(c, list_events(c, limit=1).data[0].id),
    "sources": lambda c: list_sources(c),
    "one source": lambda c: get_source(c, "editorial"),
    "search": lambda c: search(c, "köln"),
    "search by kind": lambda c: search(c, "nrw", kind="cluster"),
}


def emptied_virtuoso() -> RemoteStore:
    """The emptied test Virtuoso (skip locally, fail on CI, when it is not configured)."""
    url = os.environ.get("CLUSTERGRAPH_TEST_VIRTUOSO_URL")
    if not url:
        message = "CLUSTERGRAPH_TEST_VIRTUOSO_URL is not set: start Virtuoso with `source .ci/virtuoso.sh start`"
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(f"CI must run the Virtuoso tests, but {message}")
        pytest.skip(message)
    store = RemoteStore(
        url,
        user=os.environ.get("CLUSTERGRAPH_TEST_VIRTUOSO_USER", "dba"),
        password=os.environ.get("CLUSTERGRAPH_TEST_VIRTUOSO_PASSWORD", ""),
    )
    graphs = store.named_graphs()
    if graphs:
        store.apply(clear_graphs=graphs)
    return store


@pytest.fixture(scope="module")
def remote_catalog(loaded_quads: list) -> Iterator[Catalog]:
    store = emptied_virtuoso()
    # The facts: the named graphs (the merged default graph is derived by the store itself).
    facts = [q for q in loaded_quads if not isinstance(q.graph_name, DefaultGraph)]
    for start in range(0, len(facts), 500):
        store.apply(add=facts[start : start + 500])
    assert store.count() == len(set(facts))
    yield Catalog(store, DEFAULT_BASE_IRI)
    store.apply(clear_graphs=store.named_graphs())
    store.close()


@pytest.mark.parametrize("call", CALLS)
def test_the_remote_store_answers_like_the_embedded_one(call: str, cat: Catalog, remote_catalog: Catalog) -> None:
    embedded = CALLS[call](cat)
    remote = CALLS[call](remote_catalog)
    assert remote.model_dump() == embedded.model_dump()
    if hasattr(embedded, "count"):
        assert embedded.count > 0, f"{call} should find something in the bundled data"


@pytest.mark.parametrize("call", ["clusters", "related"])
def test_a_read_through_the_executor_answers_from_the_remote_store_as_from_the_embedded_one(
    call: str, cat: Catalog, remote_catalog: Catalog
) -> None:
    """The one read path (``catalog.reads``): a remote store's executor runs the same catalogue
    read in a thread under the query timeout, and answers as the embedded store does."""
    settings = Settings(store="memory", _env_file=None)
    fn, args = {"clusters": (list_clusters, ()), "related": (related_clusters, ("its-owl",))}[call]
    executor = ThreadExecutor(remote_catalog.store, workers=1)
    try:
        remote = read_through(executor, settings, fn, *args)
    finally:
        executor.close()
    assert remote == fn(cat, *args).model_dump(mode="json")
    assert remote["count"] > 0
