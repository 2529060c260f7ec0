"""The VoID description of the dataset a store holds, computed from the store with SPARQL.

``void_description(store, ...)`` is a pure function: it reads the store and returns an
rdflib ``Graph``; nothing is cached or written here (the web layer caches it per
store content version). The description is what the Service Description links as
``sd:defaultDataset`` and what ``/.well-known/void`` serves:

- the dataset (``void:Dataset`` and ``sd:Dataset``): triples of the default graph as
  queries see it (the merge of all graphs, which the store keeps with each triple
  once), distinct subjects, objects, classes and properties, the URI space and vocabulary;
- one ``void:classPartition`` per class with its number of instances;
- one ``void:propertyPartition`` per property with its number of triples;
- ``sd:defaultGraph`` (the merge) and one ``sd:namedGraph`` per named graph with the
  number of triples in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import NamedNode
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from clustergraph.namespaces import CG, SD, VOID
from clustergraph.stats import CLASS_COUNTS, GRAPH_COUNTS
from clustergraph.store.base import Store

# The default graph of every query is the merge of all graphs, a set: a triple stated by
# two sources is one triple of it, so COUNT(*) counts triples.
TOTALS = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
       (COUNT(DISTINCT ?p) AS ?properties)
WHERE { ?s ?p ?o }
"""
PROPERTY_COUNTS = """
SELECT ?property (COUNT(*) AS ?count) WHERE { ?s ?property ?o }
GROUP BY ?property ORDER BY ?property
"""
DEFAULT_TITLE = "clustergraph: the innovation clusters of North Rhine-Westphalia"


@dataclass(frozen=True)
class VoidNumbers:
    """The counts behind a VoID description, as plain values."""

    triples: int
    distinct_subjects: int
    distinct_objects: int
    properties: int
    classes: dict[str, int] = field(default_factory=dict)  # class IRI -> instances
    property_triples: dict[str, int] = field(default_factory=dict)  # property IRI -> triples
    graphs: dict[str, int] = field(default_factory=dict)  # named graph IRI -> triples


def void_numbers(store: Store) -> VoidNumbers:
    """Count what the VoID description states, with four SPARQL queries over ``store``.

    Raises what ``store.query`` raises (``StoreUnavailable`` for a remote store that is down).
    """
    totals = next(iter(store.query(TOTALS)))
    # Blank-node classes (OWL class expressions) are not classes a reader can look up.
    classes = {row["class"].value: int(row["count"].value) for row in store.query(CLASS_COUNTS) if _is_iri(row["class"])}
    graphs = {row["graph"].value: int(row["count"].value) for row in store.query(GRAPH_COUNTS) if _is_iri(row["graph"])}
    property_triples = {row["property"].value: int(row["count"].value) for row in store.query(PROPERTY_COUNTS)}
    return VoidNumbers(
        triples=int(totals["triples"].value),
        distinct_subjects=int(totals["subjects"].value),
        distinct_objects=int(totals["objects"].value),
        properties=int(totals["properties"].value),
        classes=dict(sorted(classes.items())),
        property_triples=property_triples,
        graphs=dict(sorted(graphs.items())),
    )


def void_description(
    store: Store,
    *,
    dataset_iri: str,
    base_iri: str | None = None,
    sparql_endpoint: str | None = None,
    title: str = DEFAULT_TITLE,
) -> Graph:
    """The VoID (and SPARQL Service Description dataset) description of ``store``.

    ``dataset_iri`` names the dataset; ``base_iri`` is its URI space; ``sparql_endpoint``
    the URL of the endpoint that serves it, if any.
    """
    return void_graph(
        void_numbers(store), dataset_iri=dataset_iri, base_iri=base_iri, sparql_endpoint=sparql_endpoint, title=title
    )


def void_graph(
    numbers: VoidNumbers,
    *,
    dataset_iri: str,
    base_iri: str | None = None,
    sparql_endpoint: str | None = None,
    title: str = DEFAULT_TITLE,
) -> Graph:
    """Build the description graph from counts already taken (see ``void_description``)."""
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("sd", SD)
    graph.bind("dct", DCTERMS)
    dataset = URIRef(dataset_iri)
    add = graph.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, SD.Dataset))
    add((dataset, DCTERMS.title, Literal(title, lang="en")))
    add((dataset, VOID.triples, _int(numbers.triples)))
    add((dataset, VOID.distinctSubjects, _int(numbers.distinct_subjects)))
    add((dataset, VOID.distinctObjects, _int(numbers.distinct_objects)))
    add((dataset, VOID.properties, _int(numbers.properties)))
    add((dataset, VOID.classes, _int(len(numbers.classes))))
    add((dataset, VOID.vocabulary, URIRef(str(CG))))
    if base_iri:
        add((dataset, VOID.uriSpace, Literal(base_iri)))
    if sparql_endpoint:
        add((dataset, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
    for class_iri, instances in numbers.classes.items():
        partition = BNode()
        add((dataset, VOID.classPartition, partition))
        add((partition, VOID["class"], URIRef(class_iri)))
        add((partition, VOID.entities, _int(instances)))
    for property_iri, triples in numbers.property_triples.items():
        partition = BNode()
        add((dataset, VOID.propertyPartition, partition))
        add((partition, VOID.property, URIRef(property_iri)))
        add((partition, VOID.triples, _int(triples)))
    default_graph = BNode()
    add((dataset, SD.defaultGraph, default_graph))
    add((default_graph, RDF.type, SD.Graph))
    add((default_graph, VOID.triples, _int(numbers.triples)))
    for graph_iri, triples in numbers.graphs.items():
        named, described = BNode(), BNode()
        add((dataset, SD.namedGraph, named))
        add((named, RDF.type, SD.NamedGraph))
        add((named, SD.name, URIRef(graph_iri)))
        add((named, SD.graph, described))
        add((described, RDF.type, SD.Graph))
        add((described, VOID.triples, _int(triples)))
    return graph


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _is_iri(term: object) -> bool:
    return isinstance(term, NamedNode)
