"""Catalogue reads through the query executor (``catalog.reads``): the same answers as a direct
call, from a worker process, cached per store version, errors carried back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from clustergraph.catalog import Catalog, get_cluster, list_clusters, related_clusters
from clustergraph.catalog.common import names_of
from clustergraph.catalog.reads import job_for, read_through
from clustergraph.errors import NotFound
from clustergraph.query.executor import ProcessExecutor, start_executor
from clustergraph.settings import Settings
from clustergraph.store import EmbeddedStore

SKOS_ALT = NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")


@pytest.fixture
def settings() -> Settings:
    return Settings(store="memory", _env_file=None)


@pytest.fixture
def executor(store: EmbeddedStore, settings: Settings) -> Iterator[ProcessExecutor]:
    running = start_executor(store, settings)
    assert isinstance(running, ProcessExecutor)
    yield running
    running.close()


def test_a_read_answers_as_the_direct_call_and_the_second_time_from_the_cache(
    cat: Catalog, executor: ProcessExecutor, settings: Settings
) -> None:
    direct = list_clusters(cat, limit=5).model_dump(mode="json")
    first = read_through(executor, settings, list_clusters, limit=5)
    hits = executor.stats()["cache_hits"]
    again = read_through(executor, settings, list_clusters, limit=5)
    assert first == again == direct
    assert executor.stats()["cache_hits"] == hits + 1
    related = read_through(executor, settings, related_clusters, "its-owl", limit=3)
    assert related == related_clusters(cat, "its-owl", limit=3).model_dump(mode="json")


def test_a_write_makes_the_cached_read_stale(store: EmbeddedStore, executor: ProcessExecutor, settings: Settings) -> None:
    before = read_through(executor, settings, get_cluster, "its-owl")
    assert "Read test name" not in before["alt_names"]
    owl = NamedNode(f"{settings.base_iri}cluster/its-owl")
    store.apply(add=[Quad(owl, SKOS_ALT, Literal("Read test name", language="en"), NamedNode(f"{settings.base_iri}source/test"))])
    assert "Read test name" in read_through(executor, settings, get_cluster, "its-owl")["alt_names"]


def test_not_found_travels_back_as_itself(executor: ProcessExecutor, settings: Settings) -> None:
    with pytest.raises(NotFound, match="no cluster with id 'no-such-cluster'"):
        read_through(executor, settings, get_cluster, "no-such-cluster")


def test_only_functions_marked_as_reads_can_be_sent(settings: Settings) -> None:
    with pytest.raises(ValueError, match="not marked as a read"):
        job_for(names_of, [])
    # A job naming an unmarked function (never built by the server) is refused in the worker too.
    forged = job_for(list_clusters)
    forged = type(forged)("clustergraph.catalog.common:names_of", (), ())
    outcome = forged.perform(None, EmbeddedStore(None).engine)
    assert outcome.status != "ok" and not outcome.body
