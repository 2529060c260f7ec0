"""The DCAT-AP catalogue passes the official DCAT-AP shapes that European portals validate with."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from clustergraph.exports.dcat import DUMPS, catalogue

SHAPES = Path(__file__).resolve().parent.parent / "fixtures" / "dcat-ap"


@pytest.fixture
def catalog_graph(store, settings) -> Graph:
    return catalogue(store, service_url="http://127.0.0.1:8000/", base_iri=settings.base_iri,
                     publisher_name="Test publisher", publisher_url=None)


@pytest.mark.parametrize("version", ["2.1.1", "3.0.1"])
def test_catalogue_conforms_to_the_dcat_ap_shapes(catalog_graph, version) -> None:
    shapes = Graph()
    for part in ("shapes", "range"):
        shapes.parse(SHAPES / f"dcat-ap_{version}_shacl_{part}.ttl", format="turtle")
    conforms, _report, text = validate(catalog_graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert conforms, text


def test_catalogue_offers_every_dump_and_the_sparql_service(catalog_graph) -> None:
    urls = {str(u) for u in catalog_graph.objects(None, DCAT.downloadURL)}
    assert {f"http://127.0.0.1:8000/{d.path}" for d in DUMPS} <= urls
    services = set(catalog_graph.subjects(RDF.type, DCAT.DataService))
    endpoints = {catalog_graph.value(service, DCAT.endpointURL) for service in services}
    assert endpoints == {URIRef("http://127.0.0.1:8000/sparql"), URIRef("http://127.0.0.1:8000/oai")}


def test_catalogue_links_the_oai_pmh_interface(catalog_graph) -> None:
    catalog = next(catalog_graph.subjects(RDF.type, DCAT.Catalog))
    oai = next(s for s in catalog_graph.objects(catalog, DCAT.service)
               if catalog_graph.value(s, DCAT.endpointURL) == URIRef("http://127.0.0.1:8000/oai"))
    assert catalog_graph.value(oai, DCTERMS.conformsTo) == URIRef("http://www.openarchives.org/OAI/2.0/")
    assert catalog_graph.value(oai, DCAT.servesDataset) == next(catalog_graph.subjects(RDF.type, DCAT.Dataset))


def test_dataset_names_its_sources_and_region(catalog_graph) -> None:
    dataset = next(catalog_graph.subjects(RDF.type, DCAT.Dataset))
    assert URIRef("http://data.europa.eu/nuts/code/DEA") in set(catalog_graph.objects(dataset, DCTERMS.spatial))
    derived = {str(o) for o in catalog_graph.objects(dataset, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))}
    assert any(url.startswith("https://") for url in derived)
