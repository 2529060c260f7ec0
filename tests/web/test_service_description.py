"""The Service Description (GET /sparql without a query) and the VoID description (/.well-known/void, /void).

Counts are checked against numbers the test takes itself by walking the quads of the
``store`` fixture (the same bundled data, loaded in-process), not with the server's queries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pyoxigraph import NamedNode
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS

from clustergraph.conformance.manifest import load_suites
from clustergraph.conformance.server import conformance_environment
from clustergraph.namespaces import SD, VOID
from support.servers import LiveServer, start_server

RDF_TYPE = NamedNode(str(RDF.type))
PARSERS = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}


def description(url: str, accept: str = "text/turtle") -> Graph:
    response = httpx.get(url, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    return Graph().parse(data=response.content, format=PARSERS[accept])


def the_dataset(graph: Graph) -> URIRef:
    (dataset,) = set(graph.subjects(RDF.type, VOID.Dataset))
    return dataset


def number(graph: Graph, subject, predicate) -> int:
    return int(graph.value(subject, predicate))


def test_void_counts_are_those_of_the_store(live_server: LiveServer, store) -> None:
    graph = description(f"{live_server.url}/.well-known/void")
    dataset = the_dataset(graph)
    triples = {(q.subject, q.predicate, q.object) for q in store.quads()}
    instances: dict[str, set] = defaultdict(set)
    for q in store.quads(predicate=RDF_TYPE):
        if isinstance(q.object, NamedNode):
            instances[q.object.value].add(q.subject)
    assert number(graph, dataset, VOID.triples) == len(triples)
    assert number(graph, dataset, VOID.properties) == len({t[1] for t in triples})
    assert number(graph, dataset, VOID.distinctSubjects) == len({t[0] for t in triples})
    assert number(graph, dataset, VOID.classes) == len(instances)
    partitions = {
        str(graph.value(p, VOID["class"])): number(graph, p, VOID.entities) for p in graph.objects(dataset, VOID.classPartition)
    }
    assert partitions == {cls: len(subjects) for cls, subjects in instances.items()}
    named = {
        str(graph.value(n, SD.name)): number(graph, graph.value(n, SD.graph), VOID.triples)
        for n in graph.objects(dataset, SD.namedGraph)
    }
    assert named == {g.value: sum(1 for _ in store.quads(graph=g)) for g in store.named_graphs()}
    assert (dataset, VOID.sparqlEndpoint, URIRef(f"{live_server.url}/sparql")) in graph


def test_void_is_served_at_both_addresses_in_three_formats(live_server: LiveServer) -> None:
    turtle = description(f"{live_server.url}/.well-known/void")
    assert isomorphic(turtle, description(f"{live_server.url}/void"))
    for accept in ("application/rdf+xml", "application/ld+json"):
        assert isomorphic(turtle, description(f"{live_server.url}/void", accept)), accept


def test_a_description_nobody_can_accept_is_406(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.url}/void", headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 406
    assert response.json()["status"] == 406


def test_the_service_description_names_the_endpoint_and_what_it_offers(live_server: LiveServer) -> None:
    endpoint = f"{live_server.url}/sparql"
    graph = description(endpoint)
    (service,) = set(graph.subjects(SD.endpoint, URIRef(endpoint)))
    assert (service, RDF.type, SD.Service) in graph
    assert set(graph.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}  # no token: read-only
    formats = {str(f).rsplit("/", 1)[-1] for f in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle"} <= formats
    assert SD.UnionDefaultGraph in set(graph.objects(service, SD.feature))
    dataset = graph.value(service, SD.defaultDataset)
    assert number(graph, dataset, VOID.triples) > 0
    assert set(graph.objects(dataset, SD.namedGraph))
    for accept in ("application/rdf+xml", "application/ld+json"):
        assert isomorphic(graph, description(endpoint, accept)), accept


def test_the_service_description_leads_harvesters_to_the_oai_pmh_interface(live_server: LiveServer) -> None:
    endpoint = f"{live_server.url}/sparql"
    graph = description(endpoint)
    (service,) = set(graph.subjects(SD.endpoint, URIRef(endpoint)))
    dataset = graph.value(service, SD.defaultDataset)
    (oai,) = [s for s in graph.objects(service, RDFS.seeAlso) if (s, RDF.type, DCAT.DataService) in graph]
    assert (oai, DCAT.servesDataset, dataset) in graph
    assert (oai, DCTERMS.conformsTo, URIRef("http://www.openarchives.org/OAI/2.0/")) in graph
    # The same node as in the DCAT-AP catalogue, and the address it names answers as an OAI-PMH provider.
    catalogue = Graph().parse(data=httpx.get(f"{live_server.url}/catalog", headers={"Accept": "text/turtle"}).text, format="turtle")
    assert graph.value(oai, DCAT.endpointURL) == catalogue.value(oai, DCAT.endpointURL) == URIRef(f"{live_server.url}/oai")
    identify = httpx.get(str(graph.value(oai, DCAT.endpointDescription)), timeout=30)
    assert identify.status_code == 200 and "<Identify>" in identify.text
    assert f"<baseURL>{live_server.url}/oai</baseURL>" in identify.text


@pytest.mark.parametrize("path", ["/", "/?lang=de", "/catalog", "/catalog?lang=de"])
def test_the_landing_page_and_the_catalogue_page_link_the_oai_pmh_interface(live_server: LiveServer, path: str) -> None:
    page = httpx.get(f"{live_server.url}{path}", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    links = re.findall(r'<a href="([^"]*/?oai[^"]*)"', page.text)
    assert links, f"no link to /oai on {path}"
    for link in links:
        answer = httpx.get(httpx.URL(f"{live_server.url}{path}").join(link), timeout=30)
        assert answer.status_code == 200 and "<Identify>" in answer.text, link


@pytest.fixture(scope="module")
def behind_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("proxy"), CLUSTERGRAPH_PUBLIC_URL="https://kg.example.org/nrw/")
    yield server
    server.stop()


def test_a_public_url_names_the_endpoint_behind_a_proxy(behind_proxy: LiveServer) -> None:
    graph = description(f"{behind_proxy.url}/void")
    dataset = the_dataset(graph)
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef("https://kg.example.org/nrw/sparql")
    assert dataset == URIRef("https://kg.example.org/nrw/catalog#dataset")


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with the W3C test data that accepts writes (project shapes off), to change the data freely."""
    workdir = tmp_path_factory.mktemp("sd-writes")
    tests = load_suites(Path(__file__).resolve().parent.parent / "conformance" / "w3c")
    server = start_server(workdir, **conformance_environment(tests, workdir))
    yield server
    server.stop()


def test_the_description_follows_every_write(writable: LiveServer) -> None:
    auth = {"Authorization": f"Bearer {writable.env['CLUSTERGRAPH_UPDATE_TOKEN']}"}
    graph_iri = "http://example.org/void-test"

    def named_counts() -> dict[str, int]:
        graph = description(f"{writable.url}/void")
        dataset = the_dataset(graph)
        return {
            str(graph.value(n, SD.name)): number(graph, graph.value(n, SD.graph), VOID.triples)
            for n in graph.objects(dataset, SD.namedGraph)
        }

    assert graph_iri not in named_counts()
    body = "".join(f"<http://example.org/s{i}> <http://example.org/p> {i} .\n" for i in range(7))
    put = httpx.put(
        f"{writable.url}/graph-store", params={"graph": graph_iri},
        content=body, headers={"Content-Type": "text/turtle", **auth},
    )
    assert put.status_code == 201
    assert named_counts()[graph_iri] == 7
    assert httpx.delete(f"{writable.url}/graph-store", params={"graph": graph_iri}, headers=auth).status_code == 204
    assert graph_iri not in named_counts()


def test_a_writable_service_says_it_speaks_sparql_update(writable: LiveServer) -> None:
    graph = description(f"{writable.url}/sparql")
    languages = set(graph.objects(None, SD.supportedLanguage))
    assert SD.SPARQL11Update in languages
    assert SD.SPARQL11Query in languages
