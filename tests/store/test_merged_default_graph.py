"""The default graph is the merge of the named graphs, a set, on every backend.

Each test runs on an in-memory store, an on-disk store, a real Virtuoso and a real
Oxigraph server. A triple stated by several sources is one triple of the default graph:
``COUNT(*)`` counts it once, it stays while one source still states it and leaves when
none does, and ``GRAPH ?g`` still tells which sources state it.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad
from pyoxigraph import Store as OxStore

from clustergraph.exports.void import void_numbers
from clustergraph.loading.loader import load
from clustergraph.settings import Settings
from clustergraph.store import EmbeddedStore
from clustergraph.store.base import Store
from clustergraph.store.remote import RemoteStore

BASE = "https://w3id.org/clustergraph/"
FIRST = NamedNode(BASE + "source/merge-test-first")
SECOND = NamedNode(BASE + "source/merge-test-second")
THIRD = NamedNode(BASE + "source/merge-test-third")
CLUSTER = NamedNode(BASE + "cluster/merge-test")
NOTE = NamedNode(BASE + "ontology/note")
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def number(store: Store, sparql: str, **options) -> int:
    return int(next(iter(store.query(sparql, **options)))["n"].value)


def distinct_triples(store: Store) -> set[tuple]:
    return {(q.subject, q.predicate, q.object) for q in store.quads() if not isinstance(q.graph_name, DefaultGraph)}


def pattern(quad: Quad) -> str:
    """The quad's triple as a SPARQL triple pattern (N-Triples terms, written by the test itself)."""
    return f"{quad.subject} {quad.predicate} {quad.object}"


def sources_of(store: Store, quad: Quad) -> set[str]:
    return {row["g"].value for row in store.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ {pattern(quad)} }} }}")}


def stated(store: Store, quad: Quad) -> int:
    """How many rows the default graph gives for ``quad``'s triple."""
    return number(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern(quad)} }}")


@pytest.fixture
def loaded(backend: Store, shacl_gate) -> Store:
    assert load(backend, Settings(store="memory", _env_file=None), gate=shacl_gate).committed
    return backend


def test_count_over_the_default_graph_is_the_number_of_distinct_triples_and_the_void_count(loaded: Store) -> None:
    distinct = distinct_triples(loaded)
    stored = sum(1 for q in loaded.quads() if not isinstance(q.graph_name, DefaultGraph))
    assert stored > len(distinct) > 2000  # the bundled data states some facts in several sources
    assert number(loaded, COUNT_ALL) == len(distinct) == void_numbers(loaded).triples
    assert {(q.subject, q.predicate, q.object) for q in loaded.quads(graph=DefaultGraph())} == distinct


def test_a_type_stated_by_several_sources_is_one_row(loaded: Store) -> None:
    neurosys = NamedNode(BASE + "cluster/neurosys")
    types = [row["t"] for row in loaded.query(f"SELECT ?t WHERE {{ {neurosys} a ?t }}")]
    assert types and len(types) == len(set(types))
    future = Quad(neurosys, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), NamedNode(BASE + "ontology/FutureCluster"))
    assert len(sources_of(loaded, future)) >= 2  # GRAPH ?g still names every source that states it
    assert stated(loaded, future) == 1


def test_a_fact_stays_while_one_source_states_it_and_leaves_when_none_does(backend: Store) -> None:
    fact = Quad(CLUSTER, NOTE, Literal("stated twice – and once more", language="de"), FIRST)
    other = Quad(CLUSTER, NOTE, Literal("stated once"), FIRST)
    backend.apply(add=[fact, other])
    assert number(backend, COUNT_ALL) == 2
    backend.apply(add=[Quad(fact.subject, fact.predicate, fact.object, SECOND)])  # a second source states it too
    assert number(backend, COUNT_ALL) == 2 and stated(backend, fact) == 1
    assert sources_of(backend, fact) == {FIRST.value, SECOND.value}
    backend.apply(remove=[fact])  # the first source drops it
    assert stated(backend, fact) == 1 and sources_of(backend, fact) == {SECOND.value}
    assert number(backend, COUNT_ALL) == 2
    backend.apply(remove=[Quad(fact.subject, fact.predicate, fact.object, SECOND)])  # and the second
    assert stated(backend, fact) == 0 and sources_of(backend, fact) == set()
    assert number(backend, COUNT_ALL) == 1 == void_numbers(backend).triples


def test_clearing_a_source_keeps_what_other_sources_state(backend: Store) -> None:
    shared = Literal("shared")
    backend.apply(add=[Quad(CLUSTER, NOTE, shared, FIRST), Quad(CLUSTER, NOTE, Literal("only first"), FIRST), Quad(CLUSTER, NOTE, shared, SECOND)])
    backend.apply(clear_graphs=[FIRST], add=[Quad(CLUSTER, NOTE, Literal("replacement"), FIRST)])
    assert {row["o"].value for row in backend.query("SELECT ?o WHERE { ?s ?p ?o }")} == {"shared", "replacement"}
    backend.apply(clear_graphs=[FIRST, SECOND])
    assert number(backend, COUNT_ALL) == 0 and list(backend.quads()) == []


def test_a_raw_update_keeps_the_merge(backend: Store) -> None:
    fact = f"{CLUSTER} {NOTE} \"via update\""
    backend.update(f"INSERT DATA {{ GRAPH {FIRST} {{ {fact} }} GRAPH {SECOND} {{ {fact} }} }}")
    assert number(backend, COUNT_ALL) == 1
    backend.update(f"DELETE DATA {{ GRAPH {FIRST} {{ {fact} }} }}")
    assert number(backend, COUNT_ALL) == 1
    backend.update(f"DROP SILENT GRAPH {SECOND}")
    assert number(backend, COUNT_ALL) == 0


def test_several_default_graphs_are_merged_by_the_protocol_and_by_from(backend: Store) -> None:
    shared = Literal("in both")
    backend.apply(add=[Quad(CLUSTER, NOTE, shared, FIRST), Quad(CLUSTER, NOTE, shared, SECOND), Quad(CLUSTER, NOTE, Literal("only second"), SECOND),
                       Quad(CLUSTER, NOTE, Literal("elsewhere"), THIRD)])
    assert number(backend, COUNT_ALL, default_graph=[FIRST.value, SECOND.value], named_graphs=[]) == 2
    assert number(backend, f"SELECT (COUNT(*) AS ?n) FROM {FIRST} FROM {SECOND} WHERE {{ ?s ?p ?o }}") == 2
    named = f"SELECT (COUNT(*) AS ?n) FROM {FIRST} FROM {SECOND} FROM NAMED {THIRD} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert number(backend, named) == 1  # the named graphs are the ones named, read as they are
    assert number(backend, f"SELECT (COUNT(*) AS ?n) FROM {FIRST} WHERE {{ ?s ?p ?o }}") == 1


def test_facts_written_to_the_default_graph_itself_stay_until_removed_from_it(backend: Store) -> None:
    own = Quad(CLUSTER, NOTE, Literal("no source"))  # possible only with validation off
    sourced = Quad(CLUSTER, NOTE, Literal("sourced"), FIRST)
    backend.apply(add=[own, sourced])
    assert number(backend, COUNT_ALL) == 2 and backend.count() == 1
    backend.apply(remove=[own, Quad(sourced.subject, sourced.predicate, sourced.object)])  # the merge is not removed through the default graph
    assert {row["o"].value for row in backend.query("SELECT ?o WHERE { ?s ?p ?o }")} == {"sourced"}


def test_an_embedded_store_written_before_the_merge_was_kept_gets_it_when_opened(tmp_path: Path) -> None:
    old = OxStore(str(tmp_path / "old"))
    old.extend([Quad(CLUSTER, NOTE, Literal("a"), FIRST), Quad(CLUSTER, NOTE, Literal("a"), SECOND)])
    old.flush()
    del old
    reopened = EmbeddedStore(tmp_path / "old")
    try:
        assert number(reopened, COUNT_ALL) == 1
        assert set(reopened.quads(graph=DefaultGraph())) == {Quad(CLUSTER, NOTE, Literal("a"))}
    finally:
        reopened.close()


def test_a_remote_store_written_by_another_client_gets_the_merge_when_opened(oxigraph_server: str) -> None:
    update_url = oxigraph_server.replace("/query", "/update")
    first = RemoteStore(oxigraph_server, update_url=update_url)
    try:
        first.apply(clear_graphs=first.named_graphs(), remove=list(first.quads(graph=DefaultGraph())))
    finally:
        first.close()
    written = httpx.post(update_url, data={"update": f'INSERT DATA {{ GRAPH {FIRST} {{ {CLUSTER} {NOTE} "a" }} GRAPH {SECOND} {{ {CLUSTER} {NOTE} "a" }} }}'})
    assert written.status_code in (200, 204)
    opened = RemoteStore(oxigraph_server, update_url=update_url)
    try:
        assert number(opened, COUNT_ALL) == 1
        opened.apply(clear_graphs=[FIRST, SECOND])
        assert number(opened, COUNT_ALL) == 0
    finally:
        opened.close()
