"""Dereferenceable IRIs: content negotiation, extensions, Vary, 404, the resolver, the ontology.

Every RDF answer is parsed back with rdflib (the dataset formats with pyoxigraph too) and
compared with the triples in the store: each format's default graph holds the facts, and TriG
and N-Quads repeat each fact in the named graph of every source that states it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import DefaultGraph, NamedNode
from pyoxigraph import Literal as OxLiteral
from pyoxigraph import parse as ox_parse
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import OWL, RDF, RDFS

from clustergraph import formats
from clustergraph.namespaces import CG, ONTOLOGY_IRI, resource_prefixes
from clustergraph.settings import Settings
from clustergraph.web.app import create_app
from clustergraph.web.linked_data import NotAcceptable, negotiate

BASE = "https://w3id.org/clustergraph/"
TRIPLE_FORMATS = ["turtle", "ntriples", "jsonld", "rdfxml"]
DATASET_FORMATS = ["trig", "nquads"]
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
FIRST_OF_KIND = """SELECT ?prefix (MIN(STR(?s)) AS ?first) WHERE {
  GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?s), ?prefix))
} GROUP BY ?prefix"""


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """The app over an in-memory store holding the bundled ontology and data."""
    with TestClient(create_app(Settings(store="memory", _env_file=None))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def app_store(client: TestClient):
    return client.app.state.store


def first_of_each_kind(store) -> dict[str, str]:
    found = {}
    for kind, prefix in resource_prefixes(BASE).items():
        rows = list(store.query(FIRST_OF_KIND, substitutions={"prefix": OxLiteral(prefix)}))
        if rows and rows[0]["first"] is not None:
            found[kind] = rows[0]["first"].value
    return found


def to_rdflib(term):
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, OxLiteral):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:  # rdflib reads plain literals without a datatype
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise AssertionError(f"unexpected term {term!r}")


def stored_triples_about(store, iri: str) -> set[tuple]:
    """The (subject, predicate, object) triples with ``iri`` as subject, from every graph."""
    return {
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in store.quads(NamedNode(iri), None, None, None)
    }


def local_path(iri: str) -> str:
    return "/" + iri[len(BASE):]


def test_the_data_has_resources_of_the_main_kinds(app_store):
    kinds = first_of_each_kind(app_store)
    for kind in ("cluster", "organisation", "innovation-field", "technology", "place", "source", "figure"):
        assert kind in kinds, f"no {kind} in the bundled data"


@pytest.mark.parametrize("fmt_name", TRIPLE_FORMATS)
def test_each_kind_in_each_rdf_format_parses_back_with_the_stored_triples(client, app_store, fmt_name):
    fmt = formats.lookup(fmt_name)
    for kind, iri in first_of_each_kind(app_store).items():
        response = client.get(local_path(iri), headers={"Accept": fmt.media_type})
        assert response.status_code == 200, (kind, response.text)
        assert response.headers["content-type"].startswith(fmt.media_type)
        graph = Graph().parse(data=response.content, format=fmt.rdflib_name)
        expected = stored_triples_about(app_store, iri)
        assert expected, f"{iri} has no triples as subject"
        missing = expected - set(graph)
        assert not missing, f"{kind} as {fmt_name}: missing {sorted(missing)[:3]}"


def stored_quads_about(store, iri: str) -> set[tuple]:
    """The (subject, predicate, object, source graph) quads with ``iri`` as subject or object."""
    node = NamedNode(iri)
    quads = [*store.quads(node, None, None, None), *store.quads(None, None, node, None)]
    return {
        tuple(to_rdflib(t) for t in (q.subject, q.predicate, q.object, q.graph_name))
        for q in quads
        if not isinstance(q.graph_name, DefaultGraph)
    }


def parse_dataset(body: bytes, fmt: formats.Format) -> tuple[set[tuple], set[tuple]]:
    """A served document parsed by rdflib: (triples of its default graph, quads of its named graphs)."""
    dataset = Dataset()
    dataset.parse(data=body, format=fmt.rdflib_name)
    named = {(s, p, o, g) for s, p, o, g in dataset.quads() if g != DATASET_DEFAULT_GRAPH_ID}
    return set(dataset.default_graph), named


def parse_with_oxigraph(body: bytes, fmt: formats.Format) -> tuple[set[tuple], set[tuple]]:
    """The same split, parsed by pyoxigraph: (default-graph triples, named-graph quads)."""
    quads = list(ox_parse(body, format=fmt.oxigraph))
    default = {tuple(to_rdflib(t) for t in (q.subject, q.predicate, q.object)) for q in quads
               if isinstance(q.graph_name, DefaultGraph)}
    named = {tuple(to_rdflib(t) for t in (q.subject, q.predicate, q.object, q.graph_name)) for q in quads
             if not isinstance(q.graph_name, DefaultGraph)}
    return default, named


@pytest.mark.parametrize("fmt_name", TRIPLE_FORMATS + DATASET_FORMATS)
def test_every_format_carries_the_facts_in_its_default_graph(client, app_store, fmt_name):
    fmt = formats.lookup(fmt_name)
    for kind, iri in first_of_each_kind(app_store).items():
        response = client.get(local_path(iri), headers={"Accept": fmt.media_type})
        assert response.status_code == 200, (kind, response.text)
        facts = {quad[:3] for quad in stored_quads_about(app_store, iri)}
        default, _ = parse_dataset(response.content, fmt)
        assert default == facts, f"{kind} as {fmt_name}: default graph differs from the facts about {iri}"


@pytest.mark.parametrize("fmt_name", DATASET_FORMATS)
@pytest.mark.parametrize("parser", [parse_dataset, parse_with_oxigraph], ids=["rdflib", "pyoxigraph"])
def test_dataset_formats_repeat_every_fact_in_each_source_graph_that_states_it(client, app_store, fmt_name, parser):
    fmt = formats.lookup(fmt_name)
    for kind, iri in first_of_each_kind(app_store).items():
        response = client.get(local_path(iri), headers={"Accept": fmt.media_type})
        default, named = parser(response.content, fmt)
        expected = stored_quads_about(app_store, iri)
        assert named == expected, f"{kind} as {fmt_name}: named graphs differ from the stored quads"
        assert {quad[:3] for quad in named} == default  # the same facts in both parts


def test_a_fact_two_sources_state_is_once_in_the_default_graph_and_in_both_source_graphs(client, app_store):
    cluster = NamedNode(BASE + "cluster/its-owl")
    graphs_of: dict[tuple, set] = {}
    for quad in app_store.quads(cluster, None, None, None):
        if isinstance(quad.graph_name, DefaultGraph):
            continue
        graphs_of.setdefault((quad.predicate, quad.object), set()).add(to_rdflib(quad.graph_name))
    twice = [(p, o, g) for (p, o), g in graphs_of.items() if len(g) > 1]
    assert twice, "the bundled data has no fact about it's OWL stated by two sources"
    predicate, obj, graphs = twice[0]
    body = client.get("/cluster/its-owl.nq").content
    lines = [line for line in body.decode().splitlines() if f" {predicate} {obj} " in line]
    assert len([line for line in lines if line.endswith(f"{obj} .")]) == 1  # once without a graph
    default, named = parse_dataset(body, formats.lookup("nquads"))
    assert (URIRef(cluster.value), to_rdflib(predicate), to_rdflib(obj)) in default
    assert {g for s, p, o, g in named if (p, o) == (to_rdflib(predicate), to_rdflib(obj))} == graphs


def test_the_named_graphs_of_a_document_are_sources_that_resolve_here(client, app_store):
    _, named = parse_dataset(client.get("/cluster/its-owl.trig").content, formats.lookup("trig"))
    graphs = {g for *_, g in named}
    assert len(graphs) > 3
    for graph in graphs:
        assert str(graph).startswith(BASE + "source/"), graph
        described = Graph().parse(data=client.get(local_path(str(graph)) + ".ttl").content, format="turtle")
        types = set(described.objects(graph, RDF.type))
        assert types & {URIRef(str(CG.Source)), URIRef(str(CG.EditorialSource))}, (graph, types)


def test_the_ontology_as_a_dataset_has_its_terms_in_the_default_graph_and_the_ontology_graph(client):
    response = client.get("/ontology/StateCluster.nq")
    default, named = parse_dataset(response.content, formats.lookup("nquads"))
    term = URIRef(str(CG.StateCluster))
    assert (term, RDFS.subClassOf, URIRef(str(CG.Cluster))) in default
    assert {g for *_, g in named} == {URIRef(ONTOLOGY_IRI)}
    assert {quad[:3] for quad in named} == default


def test_incoming_links_are_part_of_the_description(client, app_store):
    cluster = first_of_each_kind(app_store)["cluster"]
    incoming = {
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in app_store.quads(None, None, NamedNode(cluster), None)
    }
    graph = Graph().parse(data=client.get(local_path(cluster) + ".ttl").content, format="turtle")
    assert incoming <= set(graph)


@pytest.mark.parametrize(
    ("suffix", "media_type"),
    [(".ttl", "text/turtle"), (".nt", "application/n-triples"), (".jsonld", "application/ld+json"),
     (".rdf", "application/rdf+xml"), (".trig", "application/trig"), (".nq", "application/n-quads")],
)
def test_an_extension_names_the_format_whatever_the_accept_header(client, app_store, suffix, media_type):
    iri = first_of_each_kind(app_store)["organisation"]
    response = client.get(local_path(iri) + suffix, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)


@pytest.mark.parametrize(("param", "media_type"), [("turtle", "text/turtle"), ("jsonld", "application/ld+json"),
                                                   ("ntriples", "application/n-triples"), ("rdfxml", "application/rdf+xml"),
                                                   ("html", "text/html")])
def test_the_format_parameter_names_the_format(client, app_store, param, media_type):
    iri = first_of_each_kind(app_store)["technology"]
    response = client.get(local_path(iri), params={"format": param}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)


def test_an_unknown_format_parameter_is_a_400_problem(client, app_store):
    iri = first_of_each_kind(app_store)["technology"]
    response = client.get(local_path(iri), params={"format": "docx"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 400


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle;q=0.4, application/ld+json;q=0.9", "application/ld+json"),
        ("*/*;q=0.1, text/turtle", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-triples, text/html;q=0.5", "application/n-triples"),
        (BROWSER_ACCEPT, "text/html"),
        ("", "text/html"),
    ],
)
def test_accept_with_q_values_picks_the_representation(client, app_store, accept, expected):
    iri = first_of_each_kind(app_store)["cluster"]
    response = client.get(local_path(iri), headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(expected)


def test_an_accept_header_naming_nothing_on_offer_is_406(client, app_store):
    iri = first_of_each_kind(app_store)["cluster"]
    response = client.get(local_path(iri), headers={"Accept": "image/png, text/turtle;q=0"})
    assert response.status_code == 406
    assert response.json()["title"] == "Not Acceptable"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("text/*", "html"), ("application/*", "jsonld"), ("application/json", "jsonld"),
     ("text/turtle;q=abc, application/rdf+xml;q=0.2", "rdfxml"), ("TEXT/TURTLE", "turtle")],
)
def test_negotiate_is_a_pure_function_of_the_accept_header(accept, expected):
    assert negotiate(accept) == expected


def test_negotiate_refuses_when_everything_has_q_zero():
    with pytest.raises(NotAcceptable):
        negotiate("text/html;q=0, */*;q=0")


@pytest.mark.parametrize("accept", ["text/turtle", "text/html", "application/ld+json"])
def test_every_resource_response_varies_on_accept(client, app_store, accept):
    iri = first_of_each_kind(app_store)["innovation-field"]
    response = client.get(local_path(iri), headers={"Accept": accept})
    assert response.status_code == 200
    assert "Accept" in [v.strip() for v in response.headers["vary"].split(",")]


def test_responses_link_to_every_alternate_format(client, app_store):
    iri = first_of_each_kind(app_store)["cluster"]
    response = client.get(local_path(iri), headers={"Accept": "text/turtle"})
    link = response.headers["link"]
    for suffix in (".ttl", ".jsonld", ".nt", ".rdf"):
        assert f"<{local_path(iri)}{suffix}>" in link
    assert response.headers["content-location"] == local_path(iri) + ".ttl"


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "*/*"])
def test_an_iri_not_in_the_graph_is_a_404_problem(client, accept):
    response = client.get("/cluster/no-such-cluster", headers={"Accept": accept})
    assert response.status_code == 404
    if accept != "*/*":
        body = response.json()
        assert body["status"] == 404
        assert "no-such-cluster" in body["detail"]
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("path", ["/cluster/a b", '/organisation/"quoted"', "/ontology/No Term", "/place/%3Cx%3E"])
def test_paths_that_are_no_iri_are_404_not_errors(client, path):
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.json()["status"] == 404


@pytest.mark.parametrize("accept", ["text/turtle", "text/html"])
def test_head_answers_like_get_without_a_body(client, app_store, accept):
    iri = first_of_each_kind(app_store)["cluster"]
    head = client.head(local_path(iri), headers={"Accept": accept})
    get = client.get(local_path(iri), headers={"Accept": accept})
    assert head.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.content == b""


def test_a_browser_gets_an_html_404_page(client):
    response = client.get("/organisation/no-such-actor", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert f"{BASE}organisation/no-such-actor" in response.text


def test_the_resolver_redirects_an_iri_under_the_base_to_its_path(client, app_store):
    iri = first_of_each_kind(app_store)["cluster"]
    response = client.get("/resource", params={"iri": iri, "format": "turtle"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == local_path(iri) + ".ttl"
    followed = client.get("/resource", params={"iri": iri}, headers={"Accept": "text/turtle"})
    assert followed.status_code == 200
    assert stored_triples_about(app_store, iri) <= set(Graph().parse(data=followed.content, format="turtle"))


def test_the_resolver_answers_an_outside_iri_that_the_graph_describes(client):
    iri = "http://www.w3.org/ns/org#OrganizationalCollaboration"
    response = client.get("/resource", params={"iri": iri}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    assert (URIRef(iri), RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Organization")) in graph


def test_the_resolver_sends_ontology_iris_to_the_documentation(client):
    response = client.get("/resource", params={"iri": str(CG.Cluster)}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/ontology/Cluster"


@pytest.mark.parametrize(("iri", "status"), [("https://example.org/unknown", 404), ("not an iri", 400)])
def test_the_resolver_refuses_unknown_and_malformed_iris(client, iri, status):
    response = client.get("/resource", params={"iri": iri}, headers={"Accept": "text/turtle"})
    assert response.status_code == status
    assert response.json()["status"] == status


def test_the_ontology_documentation_lists_classes_and_properties_in_both_languages(client, app_store):
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    labels = {
        (q.subject.value, q.object.language): q.object.value
        for q in app_store.quads(None, NamedNode(str(RDFS.label)), None, NamedNode(ONTOLOGY_IRI))
        if q.subject.value.startswith(str(CG))
    }
    for term in (CG.Cluster, CG.StateCluster, CG.managedBy, CG.innovationField):
        assert f'id="{term[len(str(CG)):]}"' in response.text
        assert labels[(str(term), "en")] in response.text
        assert labels[(str(term), "de")] in response.text
    assert "org:OrganizationalCollaboration" in response.text  # an alignment


def test_an_ontology_term_resolves_to_its_rdf(client):
    response = client.get("/ontology/StateCluster", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    term = URIRef(str(CG.StateCluster))
    assert (term, RDFS.subClassOf, URIRef(str(CG.Cluster))) in graph
    assert {lit.language for lit in graph.objects(term, RDFS.label)} == {"en", "de"}


def test_the_whole_ontology_is_served_as_rdf(client):
    response = client.get("/ontology.ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    assert (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in graph
    html = client.get("/ontology/managedBy", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "cg:managedBy" in html.text


def test_an_unknown_ontology_term_is_404(client):
    assert client.get("/ontology/NoSuchTerm", headers={"Accept": "text/turtle"}).status_code == 404


def test_with_another_base_iri_the_path_after_the_base_is_the_path_here():
    base = "http://data.example.org/nrw/"
    with TestClient(create_app(Settings(store="memory", base_iri=base, _env_file=None))) as other:
        response = other.get("/cluster/its-owl", headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        graph = Graph().parse(data=response.content, format="turtle")
        assert (URIRef(base + "cluster/its-owl"), RDF.type, None) in graph
        redirect = other.get("/resource", params={"iri": base + "cluster/its-owl"}, follow_redirects=False)
        assert redirect.status_code == 303 and redirect.headers["location"] == "/cluster/its-owl"
        page = other.get("/cluster/its-owl", headers={"Accept": "text/html"})
        assert 'href="/organisation/' in page.text  # links stay on this server
