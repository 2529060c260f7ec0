"""Reading a whole remote store in parts (``store.remote_reading``) on a real Oxigraph server:
every quad exactly once, blank nodes included, however small the pages."""

from __future__ import annotations

from itertools import pairwise

import httpx
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat, serialize

from clustergraph.store.remote import RemoteStore
from clustergraph.store.remote_reading import HASH_SPACE, Part, plan

BASE = "https://w3id.org/clustergraph/"


def test_the_plan_covers_every_graph_once_and_splits_only_large_ones() -> None:
    parts = plan({"g1": 10, "g2": 20, "big": 250, "empty": 0}, page=100)
    assert [p.graphs for p in parts if p.graphs != ("big",)] == [("g1", "g2")]
    ranges = [(p.low, p.high) for p in parts if p.graphs == ("big",)]
    assert len(ranges) == 4 and ranges[0][0] == 0 and ranges[-1][1] == HASH_SPACE
    assert all(a[1] == b[0] for a, b in pairwise(ranges))  # adjacent, no gap, no overlap
    halves = Part(("big",), 0, 10).split()
    assert [(p.low, p.high) for p in halves] == [(0, 5), (5, 10)]
    assert [p.graphs for p in Part(("a", "b")).split()] == [("a",), ("b",)]


def test_a_store_with_blank_nodes_is_read_whole_in_small_pages(oxigraph_server: str) -> None:
    """Written by another client (blank nodes are possible there); pages of 40 quads make the
    800 quads (with their merge) come in 29 parts: graph batches and hash ranges. (Parts that
    come back full are split: the capped Virtuoso test in test_remote_virtuoso.py.)"""
    graphs = [NamedNode(f"{BASE}source/part-{i}") for i in range(3)]
    quads = [
        Quad(
            BlankNode(f"b{n % 9}") if n % 5 == 0 else NamedNode(f"{BASE}cluster/c{n}"),
            NamedNode(f"{BASE}ontology/p{n % 4}"),
            BlankNode(f"o{n % 3}") if n % 7 == 0 else Literal(f"value {n}"),
            graphs[n % 3] if n < 300 else graphs[0],
        )
        for n in range(400)
    ]
    store_url = oxigraph_server.replace("/query", "/store")
    httpx.post(store_url, content=serialize(quads, format=RdfFormat.N_QUADS), headers={"Content-Type": "application/n-quads"}, timeout=30).raise_for_status()
    store = RemoteStore(oxigraph_server, update_url=oxigraph_server.replace("/query", "/update"), page_size=40)
    try:
        read = list(store.quads())
        named = [q for q in read if not isinstance(q.graph_name, DefaultGraph)]
        merged = [q for q in read if isinstance(q.graph_name, DefaultGraph)]
        # Blank node labels are the server's, so compare shapes: counts, and the quads without blank nodes.
        assert len(named) == len(set(named)) == len(quads)
        assert len(merged) == len(set(merged)) == len({(q.subject, q.predicate, q.object) for q in quads})
        plain = {q for q in quads if not isinstance(q.subject, BlankNode) and not isinstance(q.object, BlankNode)}
        assert plain <= set(named)
        assert sum(isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode) for q in named) == len(quads) - len(plain)
        assert len(list(store.quads(graph=graphs[0]))) == sum(q.graph_name == graphs[0] for q in quads)
    finally:
        store.update("CLEAR ALL")
        store.close()
