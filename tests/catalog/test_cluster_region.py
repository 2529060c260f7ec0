"""The region of a cluster in the API: the NUTS region the graph states (``dct:spatial``), with its code.

Before ``enrich nuts`` the bundled data names no region, so the code stands for the name;
the names from the NUTS graph are checked in ``tests/connectors/test_enrich_nuts.py``.
"""

from __future__ import annotations

import httpx
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS
from support.servers import LiveServer

from clustergraph.catalog import Catalog, get_cluster, list_clusters
from clustergraph.catalog.query import PROLOGUE

NUTS = "http://data.europa.eu/nuts/code/"


def stated_regions(cat: Catalog) -> dict[str, str]:
    """Each cluster's region as plain SPARQL reads it (the smallest IRI where there are several)."""
    rows = cat.store.query(
        PROLOGUE + "SELECT ?c (MIN(STR(?r)) AS ?region) WHERE { ?c a/rdfs:subClassOf* cg:Cluster ; dct:spatial ?r } GROUP BY ?c"
    )
    return {row["c"].value: row["region"].value for row in rows}


def test_every_cluster_carries_the_region_the_graph_states_with_its_nuts_code(cat: Catalog) -> None:
    expected = stated_regions(cat)
    assert expected, "the bundled data states the region of its clusters"
    clusters = list_clusters(cat).data
    assert {c.iri: c.region.iri for c in clusters if c.region} == expected
    assert all(c.region is None for c in clusters if c.iri not in expected)
    for cluster in clusters:
        if cluster.region:
            assert cluster.region.code == cluster.region.iri.removeprefix(NUTS)


def test_without_the_nuts_graph_the_region_is_named_by_its_code(cat: Catalog) -> None:
    region = get_cluster(cat, "its-owl").region
    assert region is not None and region.iri == NUTS + "DEA"
    assert (region.code, region.name) == ("DEA", "DEA")
    assert (region.names.en, region.names.de) == (None, None)


def test_the_json_and_json_ld_answers_carry_the_region(live_server: LiveServer) -> None:
    answer = httpx.get(f"{live_server.url}/api/v1/clusters/its-owl", timeout=30)
    assert answer.status_code == 200
    assert answer.json()["region"] == {"iri": NUTS + "DEA", "code": "DEA", "name": "DEA", "names": {"en": None, "de": None}}
    listed = httpx.get(f"{live_server.url}/api/v1/clusters", params={"limit": 100}, timeout=30).json()["data"]
    assert {c["region"]["code"] for c in listed if c["region"]} == {"DEA"}
    # JSON-LD: the field is the graph's own dct:spatial, so the answer parses back into the stated triple.
    document = httpx.get(f"{live_server.url}/api/v1/clusters/its-owl", params={"format": "jsonld"}, timeout=30)
    graph = Graph().parse(data=document.text, format="json-ld", base=live_server.url)
    cluster = URIRef(answer.json()["iri"])
    assert (cluster, DCTERMS.spatial, URIRef(NUTS + "DEA")) in graph
    schema = httpx.get(f"{live_server.url}/openapi.json", timeout=30).json()["components"]["schemas"]
    assert "region" in schema["ClusterSummary"]["properties"] and "code" in schema["Region"]["properties"]


def test_the_api_reference_shows_the_region_in_both_languages(live_server: LiveServer) -> None:
    for lang, words in (("en", "NUTS region (code"), ("de", "NUTS-Region (Code")):
        page = httpx.get(f"{live_server.url}/api/v1/docs", params={"lang": lang}, timeout=30).text
        assert words in page, lang
        assert "&quot;region&quot;: {" in page and "&quot;code&quot;: &quot;DEA&quot;" in page, lang
