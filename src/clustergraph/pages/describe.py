"""The RDF description of one resource, as served at its IRI: every triple with the
resource as subject or object (a symmetric concise description).

In the dataset formats (TriG, N-Quads) the document is a dataset of two parts: its
**default graph** holds every fact once, as the triple formats do, so a client that reads
the default graph (Comunica, rdflib's ``Graph``) sees the facts; each fact is then repeated in
the **named graph of every source** that states it, so ``GRAPH ?g`` still tells where it
comes from.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import DefaultGraph, NamedNode, Quad, Triple

from clustergraph.namespaces import ONTOLOGY_IRI
from clustergraph.store.base import Store

DESCRIBE_TRIPLES = "CONSTRUCT { ?s ?p ?o . ?x ?q ?s } WHERE { { ?s ?p ?o } UNION { ?x ?q ?s } }"
DESCRIBE_QUADS = """SELECT ?s ?p ?o ?x ?q ?g WHERE {
  { GRAPH ?g { ?s ?p ?o } } UNION { GRAPH ?g { ?x ?q ?s } }
}"""
ONTOLOGY_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def describe_triples(store: Store, iri: str) -> list[Triple]:
    """The triples about ``iri`` from all graphs, each once."""
    return list(store.query(DESCRIBE_TRIPLES, substitutions={"s": NamedNode(iri)}))


def describe_quads(store: Store, iri: str) -> list[Quad]:
    """The quads about ``iri``, each in the named graph (source) that states it."""
    node = NamedNode(iri)
    quads = []
    for row in store.query(DESCRIBE_QUADS, substitutions={"s": node}):
        if row["p"] is not None:
            quads.append(Quad(node, row["p"], row["o"], row["g"]))
        else:
            quads.append(Quad(row["x"], row["q"], node, row["g"]))
    return quads


def describe_dataset(store: Store, iri: str) -> list[Quad]:
    """The dataset document about ``iri``: its facts in the default graph and in their source graphs."""
    return dataset_document(describe_quads(store, iri))


def dataset_document(sourced: Iterable[Quad]) -> list[Quad]:
    """``sourced`` (quads in named graphs) preceded by each of their triples once in the default graph.

    The default graph is derived from the same quads, so both parts always hold the same facts.
    """
    quads = list(sourced)
    facts = dict.fromkeys(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)
    return [*facts, *(q for q in quads if not isinstance(q.graph_name, DefaultGraph))]


def sparql_for(iri: str) -> str:
    """The CONSTRUCT query a reader can run at /sparql to get the same description."""
    node = str(NamedNode(iri))
    return f"CONSTRUCT {{ {node} ?p ?o . ?x ?q {node} }}\nWHERE {{ {{ {node} ?p ?o }} UNION {{ ?x ?q {node} }} }}"


def ontology_triples(store: Store) -> list[Triple]:
    """The whole ontology graph as triples."""
    return list(store.query(ONTOLOGY_TRIPLES, substitutions={"g": NamedNode(ONTOLOGY_IRI)}))
