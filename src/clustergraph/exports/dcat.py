"""A DCAT-AP catalogue of the knowledge graph, for data.europa.eu and other harvesters.

data.europa.eu harvests DCAT-AP 2.1.1, so only terms valid in 2.1.1 and 3.0.1 are used.
Controlled values come from the EU Publications Office authority tables (file types,
languages, countries, data themes); the harvester checks them against those tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, SKOS

from clustergraph.namespaces import NUTS, SD
from clustergraph.store.base import Store

AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
OAI_PMH = URIRef("http://www.openarchives.org/OAI/2.0/")

# Labels as in the EU data-theme authority table.
DATA_THEMES = {"ECON": "Economy and finance", "TECH": "Science and technology", "REGI": "Regions and cities"}

SOURCE_URLS = """
PREFIX cg: <https://w3id.org/clustergraph/ontology/>
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?url WHERE { ?source a cg:Source ; schema:url ?url } ORDER BY ?url
"""


@dataclass(frozen=True)
class Dump:
    """A downloadable serialisation of the whole dataset."""

    path: str  # relative to the service root, e.g. "dump.nq"
    media_type: str
    file_type: str  # code in the EU file-type authority table
    title: str


DUMPS: tuple[Dump, ...] = (
    Dump("dump.nq", "application/n-quads", "RDF_N_QUADS", "All graphs as N-Quads (one named graph per source; their merge as the default graph)"),
    Dump("dump.trig", "application/trig", "RDF_TRIG", "All graphs as TriG (one named graph per source; their merge as the default graph)"),
    Dump("dump.ttl", "text/turtle", "RDF_TURTLE", "The merge of all graphs as Turtle (each triple once)"),
)


def catalogue(store: Store, *, service_url: str, base_iri: str, publisher_name: str, publisher_url: str | None) -> Graph:
    """The DCAT-AP description of the dataset, its dumps, the SPARQL endpoint and the OAI-PMH
    interface that serves the same records.

    ``service_url`` is where this server is reached (ends with ``/``); the catalogue,
    dataset and service IRIs live there because they describe this deployment.
    """
    g = new_graph()
    cat = URIRef(f"{service_url}catalog")
    dataset = landscape_iri(service_url)
    service = URIRef(f"{service_url}catalog#sparql-service")
    publisher = describe_publisher(g, service_url=service_url, name=publisher_name, url=publisher_url)
    describe_catalog(g, cat, publisher=publisher, homepage=service_url)
    g.add((cat, DCAT.dataset, dataset))
    g.add((cat, DCAT.service, service))
    describe_landscape(g, dataset, store, base_iri=base_iri, publisher=publisher)

    for dump in DUMPS:
        dist = URIRef(f"{service_url}catalog#{dump.path.replace('.', '-')}")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(dump.title, lang="en")))
        g.add((dist, DCAT.accessURL, URIRef(f"{service_url}{dump.path}")))
        g.add((dist, DCAT.downloadURL, URIRef(f"{service_url}{dump.path}")))
        describe_format(g, dist, media_type=dump.media_type, file_type=dump.file_type)
    sparql_dist = URIRef(f"{service_url}catalog#sparql")
    g.add((dataset, DCAT.distribution, sparql_dist))
    g.add((sparql_dist, RDF.type, DCAT.Distribution))
    g.add((sparql_dist, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    g.add((sparql_dist, DCAT.accessURL, URIRef(f"{service_url}sparql")))
    g.add((sparql_dist, DCAT.accessService, service))

    _describe_service(g, service, title="clustergraph SPARQL 1.1 endpoint", endpoint=f"{service_url}sparql",
                      description=f"{service_url}sparql", standard=SPARQL_PROTOCOL, dataset=dataset)
    g.add((service, RDF.type, SD.Service))

    # Harvesters that prefer OAI-PMH (data.europa.eu does) find the same datasets at /oai.
    g.add((cat, DCAT.service, describe_oai_service(g, service_url=service_url, dataset=dataset)))
    return g


def describe_oai_service(g: Graph, *, service_url: str, dataset: URIRef) -> URIRef:
    """The OAI-PMH interface at ``{service_url}oai`` as a ``dcat:DataService`` serving ``dataset``;
    the same node in the catalogue and in the SPARQL Service Description. Returns its IRI."""
    oai = URIRef(f"{service_url}catalog#oai-pmh")
    _describe_service(g, oai, title="clustergraph OAI-PMH 2.0 interface (metadata formats dcat_ap, oai_dc)",
                      endpoint=f"{service_url}oai", description=f"{service_url}oai?verb=Identify", standard=OAI_PMH,
                      dataset=dataset)
    return oai


def _describe_service(g: Graph, service: URIRef, *, title: str, endpoint: str, description: str, standard: URIRef,
                      dataset: URIRef) -> None:
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal(title, lang="en")))
    g.add((service, DCAT.endpointURL, URIRef(endpoint)))
    g.add((service, DCAT.endpointDescription, URIRef(description)))
    g.add((service, DCTERMS.conformsTo, _typed(g, standard, DCTERMS.Standard)))
    g.add((service, DCAT.servesDataset, dataset))


def new_graph() -> Graph:
    """An empty graph with the prefixes of DCAT-AP documents bound."""
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("prov", PROV), ("skos", SKOS)):
        g.bind(prefix, ns)
    return g


def landscape_iri(service_url: str) -> URIRef:
    """The IRI of the dataset that holds the whole landscape, on this deployment."""
    return URIRef(f"{service_url}catalog#dataset")


def describe_publisher(g: Graph, *, service_url: str, name: str, url: str | None) -> URIRef:
    """The publisher (a ``foaf:Agent`` with a name); its IRI is ``url`` when given."""
    publisher = URIRef(url) if url else URIRef(f"{service_url}catalog#publisher")
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(name)))
    return publisher


def describe_catalog(g: Graph, cat: URIRef, *, publisher: URIRef, homepage: str) -> None:
    """The catalogue's own mandatory and recommended properties (not its datasets)."""
    g.add((cat, RDF.type, DCAT.Catalog))
    g.add((cat, DCTERMS.title, Literal("clustergraph: NRW innovation clusters", lang="en")))
    g.add((cat, DCTERMS.description, Literal(
        "Linked data on the innovation clusters and networks of North Rhine-Westphalia, "
        "their innovation fields, labels, programmes and the Cluster-Dialog.NRW initiative.", lang="en")))
    g.add((cat, DCTERMS.publisher, publisher))
    g.add((cat, FOAF.homepage, _typed(g, URIRef(homepage), FOAF.Document)))
    g.add((cat, DCTERMS.language, _typed(g, URIRef(f"{AUTHORITY}language/ENG"), DCTERMS.LinguisticSystem)))
    g.add((cat, DCTERMS.language, _typed(g, URIRef(f"{AUTHORITY}language/DEU"), DCTERMS.LinguisticSystem)))
    g.add((cat, DCTERMS.spatial, _typed(g, URIRef(f"{AUTHORITY}country/DEU"), DCTERMS.Location)))
    g.add((cat, DCAT.themeTaxonomy, _theme_scheme(g)))


def describe_landscape(g: Graph, dataset: URIRef, store: Store, *, base_iri: str, publisher: URIRef) -> None:
    """The dataset of the whole landscape: titles, description, keywords, coverage, sources."""
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("NRW cluster landscape knowledge graph", lang="en")))
    g.add((dataset, DCTERMS.title, Literal("Wissensgraph der NRW-Clusterlandschaft", lang="de")))
    g.add((dataset, DCTERMS.description, Literal(
        "Clusters and networks of North Rhine-Westphalia from the Cluster-Dialog.NRW report (2022) and "
        "named public sources: managing bodies, innovation fields of the Regional Innovation Strategy "
        "NRW 2021-2027, cluster-management labels, funding programmes and events. Every fact is in the "
        "named graph of its source.", lang="en")))
    g.add((dataset, DCTERMS.identifier, Literal(base_iri)))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCAT.keyword, Literal("innovation clusters", lang="en")))
    g.add((dataset, DCAT.keyword, Literal("North Rhine-Westphalia", lang="en")))
    g.add((dataset, DCAT.keyword, Literal("Cluster-Dialog.NRW", lang="en")))
    describe_coverage(g, dataset)
    g.add((dataset, DCTERMS.conformsTo, _typed(g, URIRef("https://w3id.org/clustergraph/ontology"), DCTERMS.Standard)))
    g.add((dataset, DCTERMS.extent, Literal(f"{store.count()} quads")))
    for row in store.query(SOURCE_URLS):
        g.add((dataset, PROV.wasDerivedFrom, URIRef(row["url"].value)))


def describe_coverage(g: Graph, dataset: URIRef) -> None:
    """Themes (EU data themes), region (NUTS DEA, Germany) and languages of a dataset of the landscape."""
    themes = _theme_scheme(g)
    for code, label in DATA_THEMES.items():
        theme = _typed(g, URIRef(f"{AUTHORITY}data-theme/{code}"), SKOS.Concept)
        g.add((theme, SKOS.prefLabel, Literal(label, lang="en")))
        g.add((theme, SKOS.inScheme, themes))
        g.add((dataset, DCAT.theme, theme))
    g.add((dataset, DCTERMS.spatial, _typed(g, URIRef(str(NUTS.DEA)), DCTERMS.Location)))
    g.add((dataset, DCTERMS.spatial, _typed(g, URIRef(f"{AUTHORITY}country/DEU"), DCTERMS.Location)))
    g.add((dataset, DCTERMS.language, _typed(g, URIRef(f"{AUTHORITY}language/ENG"), DCTERMS.LinguisticSystem)))
    g.add((dataset, DCTERMS.language, _typed(g, URIRef(f"{AUTHORITY}language/DEU"), DCTERMS.LinguisticSystem)))


def describe_format(g: Graph, dist: URIRef, *, media_type: str, file_type: str) -> None:
    """A distribution's IANA media type and its code in the EU file-type table."""
    g.add((dist, DCAT.mediaType, _typed(g, URIRef(f"{IANA}{media_type}"), DCTERMS.MediaType)))
    g.add((dist, DCTERMS.format, _typed(g, URIRef(f"{AUTHORITY}file-type/{file_type}"), DCTERMS.MediaTypeOrExtent)))


def _theme_scheme(g: Graph) -> URIRef:
    themes = _typed(g, URIRef(f"{AUTHORITY}data-theme"), SKOS.ConceptScheme)
    g.add((themes, DCTERMS.title, Literal("Data theme", lang="en")))
    return themes


def _typed(g: Graph, node: URIRef, cls: URIRef) -> URIRef:
    g.add((node, RDF.type, cls))
    return node
