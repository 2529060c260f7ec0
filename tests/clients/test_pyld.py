"""pyld, the JSON-LD processor nobody here wrote, on the API's JSON-LD from a live server on
each store backend (embedded, Virtuoso).

The documents name their context by URL (``/api/v1/context.jsonld``); pyld's document loader
here fetches from the live server only and refuses every other URL, so a context that needed
an outside document would fail these tests. Expansion must give the graph's own IRIs and
terms (cluster IRIs, ``skos:prefLabel``, ``schema:name``, ``cg:`` classes and properties),
compaction must give back the API's fields, and the RDF must be facts the store holds.
"""

from __future__ import annotations

import httpx
import pytest
from pyld import jsonld
from pyld.jsonld import JsonLdError
from pyoxigraph import NamedNode
from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral

BASE = "https://w3id.org/clustergraph/"
CG = "https://w3id.org/clustergraph/ontology/"
SCHEMA_NAME = "https://schema.org/name"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
HYDRA_MEMBER = "http://www.w3.org/ns/hydra/core#member"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# API fields whose RDF the store holds as it is (others are API conveniences: counts, ids).
GRAPH_PREDICATES = {RDF_TYPE, PREF_LABEL, "http://xmlns.com/foaf/0.1/homepage"} | {
    CG + name for name in ("innovationField", "technology", "basedIn", "managedBy", "shortName", "label", "awardedTo",
                           "participatesIn", "figureOf")
}
CLUSTERS = f"""SELECT DISTINCT ?cluster WHERE {{
  ?cluster a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{CG}Cluster>
}}"""


class ServerOnlyLoader:
    """A pyld document loader that reads from one server and refuses any other URL."""

    def __init__(self, server_url: str) -> None:
        self.prefix = server_url.rstrip("/") + "/"
        self.fetched: list[str] = []

    def __call__(self, url: str, options: dict | None = None) -> dict:
        if not url.startswith(self.prefix):
            raise JsonLdError(f"outside lookup refused: {url}", "jsonld.LoadDocumentError", {"url": url},
                              code="loading document failed")
        response = httpx.get(url, headers={"Accept": "application/ld+json"}, timeout=30)
        response.raise_for_status()
        self.fetched.append(url)
        return {
            "contentType": response.headers["content-type"].split(";")[0].strip(),
            "contextUrl": None,
            "documentUrl": url,
            "document": response.json(),
        }


@pytest.fixture
def loader(served) -> ServerOnlyLoader:
    return ServerOnlyLoader(served.url)


def api_jsonld(served, path: str, **params: str) -> dict:
    response = httpx.get(f"{served.url}/api/v1{path}", params={**params, "format": "jsonld"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    return response.json()


def ids(nodes: list[dict]) -> set[str]:
    return {node["@id"] for node in nodes}


def literals(node: dict, predicate: str) -> set[tuple[str, str | None]]:
    return {(value["@value"], value.get("@language")) for value in node.get(predicate, [])}


def as_rdflib(term) -> URIRef | RdfLiteral:
    """A pyoxigraph IRI or literal as rdflib's term (plain strings without a datatype, as pyld writes them)."""
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if term.language:
        return RdfLiteral(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return RdfLiteral(term.value)
    return RdfLiteral(term.value, datatype=URIRef(term.datatype.value))


def stored_labels(store, iri: str) -> set[tuple[str, str | None]]:
    return {(q.object.value, q.object.language) for q in store.quads(NamedNode(iri), NamedNode(PREF_LABEL), None, None)}


def test_the_context_is_served_as_json_ld_and_needs_no_outside_document(served, loader):
    context_url = f"{served.url}/api/v1/context.jsonld"
    document = loader(context_url)["document"]
    assert loader(context_url)["contentType"] == "application/ld+json"
    terms = document["@context"]
    assert isinstance(terms, dict), "the context must be inline, not a reference to another document"
    nested = [v["@context"] for v in terms.values() if isinstance(v, dict) and "@context" in v]
    assert all(isinstance(scoped, dict) for scoped in nested) and "@import" not in terms
    probe = {"@context": context_url, "iri": BASE + "cluster/x", "name": "x"}
    expanded = jsonld.expand(probe, {"documentLoader": loader})
    assert expanded == [{"@id": BASE + "cluster/x", SCHEMA_NAME: [{"@value": "x"}]}]


def test_the_expanded_cluster_list_holds_the_graphs_cluster_iris_and_labels(served, loader, store):
    page = api_jsonld(served, "/clusters", limit="100")
    expanded = jsonld.expand(page, {"documentLoader": loader})
    assert set(loader.fetched) == {f"{served.url}/api/v1/context.jsonld"}  # our context, nothing outside
    members = [member for node in expanded for member in node.get(HYDRA_MEMBER, [])]
    assert len(members) == page["count"] == len(page["data"]) > 20
    assert ids(members) == {item["iri"] for item in page["data"]}
    assert ids(members) <= {row["cluster"].value for row in store.query(CLUSTERS)}
    for member in members:
        labels = stored_labels(store, member["@id"])
        assert literals(member, PREF_LABEL) == labels, member["@id"]
        assert {value for value, _ in literals(member, SCHEMA_NAME)} <= {value for value, _ in labels}


def test_an_expanded_cluster_has_its_iri_types_and_linked_resources(served, loader, store):
    cluster = BASE + "cluster/its-owl"
    [node] = jsonld.expand(api_jsonld(served, "/clusters/its-owl"), {"documentLoader": loader})
    node_iri = NamedNode(cluster)

    def stored(predicate: str) -> set[str]:
        return {q.object.value for q in store.quads(node_iri, NamedNode(predicate), None, None)}

    assert node["@id"] == cluster
    assert set(node["@type"]) == stored(RDF_TYPE) == {CG + "LeadingEdgeCluster"}
    assert ids(node[CG + "innovationField"]) == stored(CG + "innovationField")
    assert ids(node[CG + "technology"]) == stored(CG + "technology")
    assert ids(node[CG + "managedBy"]) == stored(CG + "managedBy")
    assert literals(node, PREF_LABEL) == stored_labels(store, cluster)
    assert ids(node["http://xmlns.com/foaf/0.1/homepage"]) <= stored("http://xmlns.com/foaf/0.1/homepage")


def test_compacting_with_the_context_gives_back_the_api_fields(served, loader):
    document = api_jsonld(served, "/clusters/its-owl")
    expanded = jsonld.expand(document, {"documentLoader": loader})
    compacted = jsonld.compact(expanded, document["@context"], {"documentLoader": loader})
    for field in ("iri", "id", "name", "names", "short_name", "description"):
        assert compacted[field] == document[field], field
    assert compacted["types"] == document["types"] == ["LeadingEdgeCluster"]
    fields = compacted["innovation_fields"]
    assert {f["iri"] for f in (fields if isinstance(fields, list) else [fields])} == {
        f["iri"] for f in document["innovation_fields"]
    }


def test_the_rdf_of_a_cluster_is_facts_the_store_holds(served, loader, store):
    document = api_jsonld(served, "/clusters/its-owl")
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    graph = Graph().parse(data=nquads, format="nt")
    claimed = {(s, p, o) for s, p, o in graph if str(p) in GRAPH_PREDICATES}
    assert {str(p) for _, p, _ in claimed} == GRAPH_PREDICATES  # each field is there
    held = {
        tuple(as_rdflib(term) for term in (q.subject, q.predicate, q.object))
        for predicate in GRAPH_PREDICATES
        for q in store.quads(None, NamedNode(predicate), None, None)
    }
    assert claimed <= held, sorted(claimed - held)[:3]
