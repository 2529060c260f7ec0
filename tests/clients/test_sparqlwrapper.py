"""SPARQLWrapper, as its users call it, against a live server on each store backend (embedded,
Virtuoso): every return format it offers, for SELECT, ASK, CONSTRUCT and DESCRIBE, by GET,
POST (form) and POST (query body); and COUNT(*) over the default graph.

SPARQLWrapper sends its own Accept header and repeats the format in ``format=``, ``output=``
and ``results=``; each answer is read back with its own ``convert()`` and compared with the
same query run on the ``store`` fixture (the bundled data, in-process).
"""

from __future__ import annotations

import csv
import io
import warnings
from xml.dom.minidom import Document

import pytest
from pyoxigraph import NamedNode, QueryResultsFormat, RdfFormat, parse_query_results, serialize
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from support.servers import LiveServer

PREFIXES = (
    "PREFIX cg: <https://w3id.org/clustergraph/ontology/>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
)
DESCRIBED = "https://w3id.org/clustergraph/cluster/its-owl"
QUERIES = {
    "SELECT": PREFIXES
    + """SELECT DISTINCT ?cluster ?name WHERE {
  ?cluster a/rdfs:subClassOf* cg:Cluster ; skos:prefLabel ?name .
  FILTER(LANGMATCHES(LANG(?name), "en"))
} ORDER BY ?cluster ?name""",
    "ASK": PREFIXES + "ASK { ?cluster a/rdfs:subClassOf* cg:Cluster ; cg:innovationField ?field }",
    "CONSTRUCT": PREFIXES
    + "CONSTRUCT { ?c a cg:Cluster ; skos:prefLabel ?n }"
    + " WHERE { ?c a/rdfs:subClassOf* cg:Cluster ; skos:prefLabel ?n }",
    "DESCRIBE": f"DESCRIBE <{DESCRIBED}>",
}
SPARQL_XML = "application/sparql-results+xml"
SPARQL_JSON = "application/sparql-results+json"
# The media type each return format must be answered in, for a table (SELECT, ASK) and a
# graph (CONSTRUCT, DESCRIBE). Where a client asks for what its result cannot be (Turtle for
# a table, CSV for a graph) the format hint is passed over and its Accept */* decides.
ANSWERED_AS = {
    None: (SPARQL_XML, "application/rdf+xml"),  # SPARQLWrapper's default, XML
    XML: (SPARQL_XML, "application/rdf+xml"),
    JSON: (SPARQL_JSON, "application/ld+json"),
    JSONLD: (SPARQL_JSON, "application/ld+json"),
    N3: (SPARQL_JSON, "text/turtle"),
    TURTLE: (SPARQL_JSON, "text/turtle"),
    CSV: ("text/csv", "text/turtle"),
    TSV: ("text/tab-separated-values", "text/turtle"),
    RDF: (SPARQL_XML, "application/rdf+xml"),
    RDFXML: (SPARQL_XML, "application/rdf+xml"),
}
METHODS = [GET, POST, POSTDIRECTLY]
# On the embedded store every format x form x method. On Virtuoso every format x form, the
# methods taken in turn: how a request arrives is the web layer's, the answer is the store's.
COMBINATIONS = [
    pytest.param("embedded", fmt, form, method, id=f"embedded-{fmt or 'default'}-{form}-{method}")
    for fmt in ANSWERED_AS
    for form in QUERIES
    for method in METHODS
] + [
    pytest.param("virtuoso", fmt, form, METHODS[i % len(METHODS)], id=f"virtuoso-{fmt or 'default'}-{form}-{METHODS[i % len(METHODS)]}", marks=pytest.mark.virtuoso)
    for i, (fmt, form) in enumerate((fmt, form) for fmt in ANSWERED_AS for form in QUERIES)
]
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def ask_with_sparqlwrapper(server: LiveServer, query: str, fmt: str | None, method: str) -> tuple[str, object]:
    """The answer's media type and what ``convert()`` made of it."""
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    if fmt is not None:
        client.setReturnFormat(fmt)
    if method != GET:
        client.setMethod(POST)
    if method == POSTDIRECTLY:
        client.setRequestMethod(POSTDIRECTLY)
    with warnings.catch_warnings():
        # SPARQLWrapper warns when the answer is not in the format it asked for (a table it
        # asked for as Turtle comes as JSON); the media type is checked below instead.
        warnings.simplefilter("ignore", RuntimeWarning)
        result = client.query()
        media_type = result.info()["content-type"].split(";")[0]
        return media_type, result.convert()


def table_of(media_type: str, converted: object) -> list[tuple[str, ...]] | bool:
    """A converted SELECT or ASK answer as rows of values, or a boolean."""
    if isinstance(converted, dict):  # JSON
        if "boolean" in converted:
            return converted["boolean"]
        names = converted["head"]["vars"]
        return [tuple(row[n]["value"] for n in names) for row in converted["results"]["bindings"]]
    if isinstance(converted, bytes) and converted.strip() in (b"true", b"false"):
        return converted.strip() == b"true"  # ASK as CSV or TSV
    if media_type == "text/csv":  # lossy, so no RDF parser reads it: plain CSV, values only
        assert isinstance(converted, bytes), type(converted)
        return [tuple(row) for row in csv.reader(io.StringIO(converted.decode("utf-8")))][1:]
    if isinstance(converted, Document):
        data, results_format = converted.toxml().encode(), QueryResultsFormat.XML
    else:
        assert isinstance(converted, bytes) and media_type == "text/tab-separated-values", media_type
        data, results_format = converted, QueryResultsFormat.TSV
    parsed = parse_query_results(data, format=results_format)
    if isinstance(parsed, bool) or type(parsed).__name__ == "QueryBoolean":
        return bool(parsed)
    return [tuple(term.value for term in row) for row in parsed]


def graph_of(media_type: str, converted: object) -> Graph:
    """A converted CONSTRUCT or DESCRIBE answer as an rdflib graph."""
    if isinstance(converted, Graph):  # RDF/XML and JSON-LD are parsed by SPARQLWrapper
        graph = Graph()
        for triple in converted.triples((None, None, None)):
            graph.add(triple)
        return graph
    assert isinstance(converted, bytes) and media_type == "text/turtle", media_type
    return Graph().parse(data=converted, format="turtle")


def english_cluster_names(store) -> set[tuple[str, str]]:
    """(cluster, English name) pairs read from the stored quads, without SPARQL: instances
    of cg:Cluster or a subclass of it, each with its English skos:prefLabel."""
    ontology, skos = "https://w3id.org/clustergraph/ontology/", "http://www.w3.org/2004/02/skos/core#"
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    subclass = NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    classes = {NamedNode(ontology + "Cluster")}
    while True:
        more = {q.subject for q in store.quads(predicate=subclass) if q.object in classes} - classes
        if not more:
            break
        classes |= more
    clusters = {q.subject for q in store.quads(predicate=rdf_type) if q.object in classes}
    return {
        (q.subject.value, q.object.value)
        for q in store.quads(predicate=NamedNode(skos + "prefLabel"))
        if q.subject in clusters and q.object.language == "en"
    }


def expected_table(store, query: str) -> list[tuple[str, ...]] | bool:
    result = store.query(query)
    if type(result).__name__ == "QueryBoolean":
        return bool(result)
    return [tuple(term.value for term in row) for row in result]


def expected_graph(store, query: str) -> Graph:
    return Graph().parse(data=serialize(store.query(query), format=RdfFormat.N_TRIPLES), format="nt")


def server_on(request: pytest.FixtureRequest, backend: str) -> LiveServer:
    """The live server on ``backend``'s store (see conftest)."""
    if backend == "embedded":
        return request.getfixturevalue("live_server")
    return request.getfixturevalue("virtuoso_servers").server()


@pytest.mark.parametrize(("backend", "fmt", "form", "method"), COMBINATIONS)
def test_every_return_format_for_every_query_form(request, backend: str, store, fmt, form: str, method: str) -> None:
    query = QUERIES[form]
    media_type, converted = ask_with_sparqlwrapper(server_on(request, backend), query, fmt, method)
    table_type, graph_type = ANSWERED_AS[fmt]
    if form in ("SELECT", "ASK"):
        assert media_type == table_type
        answer = table_of(media_type, converted)
        expected = expected_table(store, query)
        if form == "SELECT":
            assert answer == expected
            assert len(answer) == len(english_cluster_names(store)) > 0
            assert set(answer) == english_cluster_names(store)
        else:
            assert answer is True and expected is True
    else:
        assert media_type == graph_type
        graph = graph_of(media_type, converted)
        expected = expected_graph(store, query)
        if form == "DESCRIBE" and backend == "virtuoso":
            # SPARQL leaves DESCRIBE's answer to the store: Oxigraph gives the resource's own
            # statements, Virtuoso also those that point at it. Both are facts of the data.
            described = URIRef(DESCRIBED)
            assert len(expected) > 0 and set(expected) <= set(graph)
            facts = expected_graph(store, f"CONSTRUCT {{ ?s ?p <{DESCRIBED}> }} WHERE {{ ?s ?p <{DESCRIBED}> }}")
            assert set(graph) - set(expected) <= set(facts) and all(o == described for _, _, o in set(graph) - set(expected))
        else:
            assert len(graph) > 0 and isomorphic(graph, expected)


def test_an_ask_that_is_false_is_false_in_every_format(served: LiveServer) -> None:
    query = "ASK { <https://w3id.org/clustergraph/cluster/no-such-cluster> ?p ?o }"
    for fmt in (None, JSON, CSV, TSV):
        media_type, converted = ask_with_sparqlwrapper(served, query, fmt, GET)
        assert table_of(media_type, converted) is False, fmt


def test_count_over_the_default_graph_is_the_distinct_triples_and_the_void_count(served: LiveServer, distinct_triple_count: int, void_triples: int) -> None:
    for fmt in (None, JSON, CSV):
        media_type, converted = ask_with_sparqlwrapper(served, COUNT_ALL, fmt, POST)
        [(counted,)] = table_of(media_type, converted)
        assert int(counted) == distinct_triple_count == void_triples > 2000, fmt
