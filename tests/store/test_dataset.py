"""Which graphs a query or an update names, and how several default graphs become one.

``query_dataset`` reads ``FROM`` clauses with the query's prologue; ``merge_using_graphs``
rewrites an update so that an operation's several ``USING`` graphs are read as their merge.
The rewritten updates are run on a real pyoxigraph store.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Quad
from pyoxigraph import Store as OxStore

from clustergraph.store.dataset import QueryDataset, USING_MERGE_PREFIX, merge_using_graphs, query_dataset

G1, G2, OUT = "http://g.example/1", "http://g.example/2", "http://g.example/out"
FACT = (NamedNode("http://s.example/a"), NamedNode("http://p.example/"), Literal("x"))


def test_from_clauses_are_read_with_the_prologue_and_the_base() -> None:
    sparql = "BASE <http://g.example/> PREFIX g: <http://g.example/> SELECT * FROM g:1 FROM <2> FROM NAMED <out> WHERE { ?s ?p ?o }"
    assert query_dataset(sparql) == QueryDataset((G1, G2), (OUT,))


def test_the_protocol_s_graphs_replace_the_query_s_own() -> None:
    sparql = f"SELECT * FROM <{G1}> WHERE {{ ?s ?p ?o }}"
    assert query_dataset(sparql, default_graphs=[G2]) == QueryDataset((G2,), ())
    assert query_dataset("SELECT * WHERE { ?s ?p ?o }") == QueryDataset()


def test_a_from_clause_the_lexer_cannot_resolve_is_left_to_the_engine() -> None:
    assert query_dataset("SELECT * FROM undeclared:g WHERE { ?s ?p ?o }") == QueryDataset()


def count_after(update: str) -> list[str]:
    store = OxStore()
    store.extend([Quad(*FACT, NamedNode(G1)), Quad(*FACT, NamedNode(G2))])
    text, made = merge_using_graphs(update)
    store.update(text)
    assert made and all(not list(store.quads_for_pattern(None, None, None, g)) for g in made)
    assert not any(str(g).startswith(f"<{USING_MERGE_PREFIX}") for g in store.named_graphs())
    return [q.object.value for q in store.quads_for_pattern(None, None, None, NamedNode(OUT))]


def test_several_using_graphs_are_one_default_graph_holding_their_merge() -> None:
    insert = f"INSERT {{ GRAPH <{OUT}> {{ <http://s.example/n> <http://p.example/n> ?n }} }}"
    where = "WHERE { SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } }"
    assert count_after(f"{insert} USING <{G1}> USING <{G2}> {where}") == ["1"]


def test_the_merge_sees_what_earlier_operations_of_the_request_did() -> None:
    insert = f"INSERT {{ GRAPH <{OUT}> {{ <http://s.example/n> <http://p.example/n> ?n }} }}"
    where = "WHERE { SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } }"
    update = f'PREFIX g: <http://g.example/>\nINSERT DATA {{ GRAPH g:2 {{ <http://s.example/b> <http://p.example/> "y" }} }} ;\n{insert} USING g:1 USING g:2 {where}'
    assert count_after(update) == ["2"]


def test_one_using_graph_is_left_as_written() -> None:
    update = f"DELETE {{ ?s ?p ?o }} USING <{G1}> WHERE {{ ?s ?p ?o }}"
    assert merge_using_graphs(update) == (update, [])
