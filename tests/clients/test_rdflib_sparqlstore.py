"""rdflib's ``SPARQLStore`` with its defaults against a live server on each store backend
(embedded, Virtuoso): ``Graph(store)`` read as a graph (``len``, ``triples``) and queried
(``query``), as a researcher in a notebook would.

The endpoint's default graph is the merge of every source's graph: an RDF graph, so a set.
The expected facts are read from the ``store`` fixture's quads without SPARQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode
from rdflib import RDF, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from support.servers import LiveServer

CG = "https://w3id.org/clustergraph/ontology/"
ITS_OWL = "https://w3id.org/clustergraph/cluster/its-owl"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@pytest.fixture
def remote_graph(served: LiveServer) -> Iterator[Graph]:
    """A graph over the endpoint, built as rdflib's documentation shows: SPARQLStore, defaults."""
    store = SPARQLStore(f"{served.url}/sparql")
    yield Graph(store)
    store.close()


def as_rdflib(term):
    """A pyoxigraph term as rdflib's (the data has no blank nodes in these triples)."""
    assert not isinstance(term, BlankNode)
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    assert isinstance(term, Literal)
    if term.language:
        return RdfLiteral(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:  # rdflib reads a simple literal without a datatype
        return RdfLiteral(term.value)
    return RdfLiteral(term.value, datatype=URIRef(term.datatype.value))


def distinct_triples(store, **pattern) -> set[tuple]:
    """The distinct (s, p, o) of the store's quads matching ``pattern``, in every graph."""
    return {(q.subject, q.predicate, q.object) for q in store.quads(**pattern)}


def test_len_counts_each_fact_once(remote_graph: Graph, store) -> None:
    assert len(remote_graph) == len(distinct_triples(store)) > 0


def test_count_over_the_default_graph_is_the_distinct_triples_and_the_void_count(
    remote_graph: Graph, distinct_triple_count: int, void_triples: int
) -> None:
    [row] = remote_graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(row.n) == distinct_triple_count == void_triples > 2000


def test_triples_lists_each_fact_once(remote_graph: Graph, store) -> None:
    listed = list(remote_graph.triples((None, RDF.type, None)))
    expected = {
        (as_rdflib(s), as_rdflib(p), as_rdflib(o))
        for s, p, o in distinct_triples(store, predicate=NamedNode(str(RDF.type)))
    }
    assert set(listed) == expected and expected
    assert len(listed) == len(expected)  # no fact twice because two sources state it


def test_triples_of_one_subject_match_the_store(remote_graph: Graph, store) -> None:
    listed = set(remote_graph.triples((URIRef(ITS_OWL), None, None)))
    expected = {
        (as_rdflib(s), as_rdflib(p), as_rdflib(o)) for s, p, o in distinct_triples(store, subject=NamedNode(ITS_OWL))
    }
    assert listed == expected and len(expected) > 5


def test_query_returns_rows_and_booleans(remote_graph: Graph, store) -> None:
    rows = remote_graph.query(
        "PREFIX cg: <https://w3id.org/clustergraph/ontology/>\n"
        "SELECT DISTINCT ?field WHERE { ?cluster cg:innovationField ?field } ORDER BY ?field"
    )
    fields = [str(row.field) for row in rows]
    expected = sorted({o.value for _, _, o in distinct_triples(store, predicate=NamedNode(CG + "innovationField"))})
    assert fields == expected and fields
    assert remote_graph.query(f"ASK {{ <{ITS_OWL}> ?p ?o }}").askAnswer is True


def test_a_graph_named_after_a_source_reads_only_that_source(served: LiveServer, store) -> None:
    """With an identifier, rdflib sends it as default-graph-uri: one source's graph."""
    source = store.named_graphs()[0]
    remote = SPARQLStore(f"{served.url}/sparql")
    try:
        assert len(Graph(remote, identifier=URIRef(source.value))) == len(list(store.quads(graph=source))) > 0
    finally:
        remote.close()
