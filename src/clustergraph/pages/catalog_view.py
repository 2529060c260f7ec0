"""The DCAT-AP catalogue (``/catalog``) as a page for people: the dataset, its downloads and
the services, read from the same graph that harvesters get.

The catalogue's texts are English in the graph (except the dataset's German title); the
German page shows the editors' translations below, keyed by the English text. A text
without one stays English and is tagged ``lang="en"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, SKOS

# English text in the catalogue graph -> the editors' German
GERMAN: dict[str, str] = {
    "clustergraph: NRW innovation clusters": "clustergraph: Innovationscluster in NRW",
    "Linked data on the innovation clusters and networks of North Rhine-Westphalia, their innovation fields, labels, "
    "programmes and the Cluster-Dialog.NRW initiative.": "Linked Data zu den Innovationsclustern und Netzwerken in "
    "Nordrhein-Westfalen, ihren Innovationsfeldern, Labeln, Programmen und der Initiative Cluster-Dialog.NRW.",
    "Clusters and networks of North Rhine-Westphalia from the Cluster-Dialog.NRW report (2022) and named public "
    "sources: managing bodies, innovation fields of the Regional Innovation Strategy NRW 2021-2027, "
    "cluster-management labels, funding programmes and events. Every fact is in the named graph of its source.":
    "Cluster und Netzwerke in Nordrhein-Westfalen aus dem Bericht des Cluster-Dialog.NRW (2022) und genannten "
    "öffentlichen Quellen: Träger, Innovationsfelder der Regionalen Innovationsstrategie NRW 2021–2027, "
    "Clustermanagement-Label, Förderprogramme und Veranstaltungen. Jede Angabe steht im benannten Graphen "
    "ihrer Quelle.",
    "innovation clusters": "Innovationscluster",
    "North Rhine-Westphalia": "Nordrhein-Westfalen",
    "Economy and finance": "Wirtschaft und Finanzen",
    "Science and technology": "Wissenschaft und Technologie",
    "Regions and cities": "Regionen und Städte",
    "All graphs as N-Quads (one named graph per source; their merge as the default graph)": "Alle Graphen als "
    "N-Quads (ein benannter Graph je Quelle; ihre Vereinigung als Standardgraph)",
    "All graphs as TriG (one named graph per source; their merge as the default graph)": "Alle Graphen als TriG "
    "(ein benannter Graph je Quelle; ihre Vereinigung als Standardgraph)",
    "The merge of all graphs as Turtle (each triple once)": "Die Vereinigung aller Graphen als Turtle (jedes "
    "Tripel einmal)",
    "SPARQL 1.1 endpoint": "SPARQL-1.1-Endpunkt",
    "clustergraph SPARQL 1.1 endpoint": "SPARQL-1.1-Endpunkt von clustergraph",
    "clustergraph OAI-PMH 2.0 interface (metadata formats dcat_ap, oai_dc)": "OAI-PMH-2.0-Schnittstelle von "
    "clustergraph (Metadatenformate dcat_ap, oai_dc)",
}


@dataclass(frozen=True)
class Text:
    """A text and its language."""

    text: str
    lang: str


@dataclass
class Link:
    title: Text
    href: str
    media_type: str | None = None
    description_href: str | None = None


@dataclass
class CatalogView:
    """What the catalogue page shows."""

    iri: str
    title: Text
    description: Text | None
    publisher: str | None
    dataset_title: Text
    dataset_description: Text | None
    keywords: list[Text] = field(default_factory=list)
    themes: list[Text] = field(default_factory=list)
    extent: str | None = None
    distributions: list[Link] = field(default_factory=list)
    services: list[Link] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _pick(g: Graph, node: URIRef, prop: URIRef, lang: str) -> Text | None:
    """The value of ``prop`` in ``lang``, else the editors' German of the English, else English."""
    found = {lit.language or "": str(lit) for lit in g.objects(node, prop) if isinstance(lit, Literal)}
    if lang in found:
        return Text(found[lang], lang)
    english = found.get("en") or found.get("") or next(iter(found.values()), None)
    if english is None:
        return None
    if lang == "de" and english in GERMAN:
        return Text(GERMAN[english], "de")
    return Text(english, "en")


def catalog_view(g: Graph, lang: str) -> CatalogView:
    """The page model of the DCAT catalogue ``g`` in ``lang``."""
    cat = next(g.subjects(RDF.type, DCAT.Catalog))
    dataset = next(g.objects(cat, DCAT.dataset))
    publisher = next(g.objects(cat, DCTERMS.publisher), None)
    extent = next(g.objects(dataset, DCTERMS.extent), None)
    view = CatalogView(
        iri=str(cat),
        title=_pick(g, cat, DCTERMS.title, lang) or Text(str(cat), "en"),
        description=_pick(g, cat, DCTERMS.description, lang),
        publisher=str(next(g.objects(publisher, FOAF.name), "")) or None if publisher else None,
        dataset_title=_pick(g, dataset, DCTERMS.title, lang) or Text(str(dataset), "en"),
        dataset_description=_pick(g, dataset, DCTERMS.description, lang),
        extent=str(extent).replace(" quads", "") if extent is not None else None,
    )
    for keyword in sorted(g.objects(dataset, DCAT.keyword)):
        english = str(keyword)
        view.keywords.append(Text(GERMAN[english], "de") if lang == "de" and english in GERMAN else Text(english, keyword.language or "en"))
    for theme in sorted(g.objects(dataset, DCAT.theme)):
        label = _pick(g, theme, SKOS.prefLabel, lang)
        if label is not None:
            view.themes.append(label)
    for dist in sorted(g.objects(dataset, DCAT.distribution)):
        href = next(g.objects(dist, DCAT.downloadURL), None) or next(g.objects(dist, DCAT.accessURL), None)
        media = next(g.objects(dist, DCAT.mediaType), None)
        media_type = str(media).rsplit("media-types/", 1)[-1] if media is not None else None
        view.distributions.append(Link(_pick(g, dist, DCTERMS.title, lang) or Text(str(dist), "en"), str(href), media_type))
    for service in sorted(g.objects(cat, DCAT.service)):
        endpoint = next(g.objects(service, DCAT.endpointURL), None)
        described = next(g.objects(service, DCAT.endpointDescription), None)
        view.services.append(
            Link(_pick(g, service, DCTERMS.title, lang) or Text(str(service), "en"), str(endpoint), None,
                 str(described) if described is not None else None)
        )
    view.sources = sorted(str(s) for s in g.objects(dataset, PROV.wasDerivedFrom))
    return view
