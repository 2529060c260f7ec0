"""What the OAI-PMH interface offers: its records, their sets and datestamps, and each
record's DCAT-AP description.

A record is a dataset of the catalogue: the whole landscape (identifier: the base IRI, as
the dataset's ``dct:identifier`` says) and one dataset per source, holding the facts of that
source's named graph (identifier: the source's IRI, which is also the graph's name). A
source's graph is what changes together, so its modification date is the record's datestamp
(``exports.sources``); the landscape's datestamp is the latest of them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, XSD

from clustergraph.exports import dcat
from clustergraph.exports.sources import SourceFacts, data_modified, read_sources
from clustergraph.store.base import Store

LANDSCAPE_SET = "landscape"
SOURCE_SET = "source"


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str
    description: str


SETS: tuple[OaiSet, ...] = (
    OaiSet(LANDSCAPE_SET, "The whole landscape",
           "The dataset of the whole NRW cluster landscape: every named graph, with dumps and the SPARQL endpoint."),
    OaiSet(SOURCE_SET, "Data per source",
           "One dataset per source: the facts of one named graph, with the source's own description."),
    OaiSet(f"{SOURCE_SET}:report", "Data per part of the Cluster-Dialog.NRW report",
           "The facts taken from the report (2022), one dataset per section."),
    OaiSet(f"{SOURCE_SET}:web", "Data per public web source",
           "The facts taken from public web pages, one dataset per page or group of pages."),
    OaiSet(f"{SOURCE_SET}:editorial", "The editors' own graphs",
           "Editorial choices, research gaps and the description of the sources."),
)


@dataclass(frozen=True)
class Record:
    """One record: its OAI identifier, datestamp and sets; ``source`` is ``None`` for the landscape."""

    identifier: str
    datestamp: datetime
    sets: tuple[str, ...]
    source: SourceFacts | None = None


@dataclass(frozen=True)
class Deployment:
    """Where the records are served and who publishes them (links in the metadata depend on it)."""

    service_url: str  # ends with "/"
    base_iri: str
    publisher_name: str
    publisher_url: str | None = None


@dataclass(frozen=True)
class RecordIndex:
    """Every record in a stable order (by identifier), and a digest of everything they say.

    The digest changes whenever a record is added or removed or its datestamp, sets or
    description change, so a resumption token can tell that the list it was paging through
    is no longer the same.
    """

    records: tuple[Record, ...]
    version: str

    def get(self, identifier: str) -> Record | None:
        return self._by_identifier.get(identifier)

    @cached_property
    def _by_identifier(self) -> dict[str, Record]:
        return {r.identifier: r for r in self.records}

    @property
    def earliest(self) -> datetime | None:
        return min((r.datestamp for r in self.records), default=None)


def build_index(store: Store, base_iri: str) -> RecordIndex:
    """The records of the data in ``store``. Raises the store's errors."""
    sources = read_sources(store, base_iri)
    records = []
    if sources:
        records.append(Record(as_uri(base_iri), data_modified(sources.values()), (LANDSCAPE_SET,)))
    for source in sources.values():
        records.append(Record(as_uri(source.iri), source.modified, (SOURCE_SET, f"{SOURCE_SET}:{source.kind}"), source))
    records.sort(key=lambda r: r.identifier)
    listing = [[r.identifier, r.datestamp.isoformat(), r.sets, repr(r.source)] for r in records]
    version = hashlib.sha256(json.dumps(listing, sort_keys=True).encode("utf-8")).hexdigest()[:20]
    return RecordIndex(tuple(records), version)


def dcat_record(store: Store, record: Record, where: Deployment) -> tuple[Graph, URIRef]:
    """The DCAT-AP description of a record's dataset (with its distributions), and the dataset's IRI."""
    if record.source is None:
        return _landscape_record(store, record, where)
    return _source_record(record.source, where)


def _landscape_record(store: Store, record: Record, where: Deployment) -> tuple[Graph, URIRef]:
    g = dcat.catalogue(store, service_url=where.service_url, base_iri=where.base_iri,
                       publisher_name=where.publisher_name, publisher_url=where.publisher_url)
    for cat in list(g.subjects(RDF.type, DCAT.Catalog)):  # the record is the dataset, not the catalogue
        g.remove((cat, None, None))
    dataset = dcat.landscape_iri(where.service_url)
    g.add((dataset, DCTERMS.modified, _date_literal(record.datestamp)))
    return g, dataset


def _source_record(source: SourceFacts, where: Deployment) -> tuple[Graph, URIRef]:
    g = dcat.new_graph()
    slug = source_slug(source.iri, where.base_iri)
    dataset = URIRef(f"{where.service_url}catalog#source-{slug}")
    publisher = dcat.describe_publisher(g, service_url=where.service_url, name=where.publisher_name,
                                        url=where.publisher_url)
    g.add((dataset, RDF.type, DCAT.Dataset))
    for text, lang in source.titles or ((f"Source {slug}", "en"),):
        g.add((dataset, DCTERMS.title, Literal(text, lang=lang or None)))
    for text, lang in source.descriptions:
        g.add((dataset, DCTERMS.description, Literal(text, lang=lang or None)))
    g.add((dataset, DCTERMS.description, Literal(
        f"The {source.triples} statements of the NRW cluster landscape knowledge graph that come from this "
        f"source, in the named graph {source.iri}.", lang="en")))
    g.add((dataset, DCTERMS.identifier, Literal(source.iri)))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCTERMS.modified, _date_literal(source.modified)))
    g.add((dataset, DCTERMS.isPartOf, dcat.landscape_iri(where.service_url)))
    landing = URIRef(f"{where.service_url}source/{slug}")
    g.add((landing, RDF.type, FOAF.Document))
    g.add((dataset, DCAT.landingPage, landing))
    g.add((dataset, DCAT.keyword, Literal("innovation clusters", lang="en")))
    g.add((dataset, DCAT.keyword, Literal("North Rhine-Westphalia", lang="en")))
    dcat.describe_coverage(g, dataset)
    for url in source.urls:
        g.add((dataset, PROV.wasDerivedFrom, URIRef(url)))

    dist = URIRef(f"{where.service_url}catalog#source-{slug}-turtle")
    download = URIRef(f"{where.service_url}graph-store?graph={quote(source.iri, safe='')}&format=turtle")
    g.add((dataset, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal("The named graph of this source as Turtle", lang="en")))
    g.add((dist, DCAT.accessURL, download))
    g.add((dist, DCAT.downloadURL, download))
    dcat.describe_format(g, dist, media_type="text/turtle", file_type="RDF_TURTLE")
    return g, dataset


def as_uri(iri: str) -> str:
    """An IRI as the URI an OAI identifier must be (RFC 3987, 3.1: non-ASCII characters percent-encoded)."""
    return quote(iri, safe=":/?#[]@!$&'()*+,;=%-._~")


def source_slug(iri: str, base_iri: str) -> str:
    """``its-owl-history`` for ``{base}source/its-owl-history``; a digest for an IRI elsewhere."""
    prefix = f"{base_iri}source/"
    if iri.startswith(prefix) and len(iri) > len(prefix):
        return iri[len(prefix):]
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


def _date_literal(moment: datetime) -> Literal:
    """A date, or a date-time when the moment has a time of day."""
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return Literal(moment.date().isoformat(), datatype=XSD.date)
    return Literal(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)

