"""The DCAT-AP catalogue of a release: the landscape dataset and exactly the release's dump
files, each with its byte size, checksum, media type and compression.

DCAT-AP 2.1.1 and 3.0.1 disagree on two properties of a distribution, so no single graph
passes both: 2.1.1 wants ``dcat:byteSize`` as ``xsd:decimal`` and an ``spdx:checksum`` by
SHA-1 only; 3.0.1 wants ``xsd:nonNegativeInteger`` and allows SHA-256. A release therefore
carries one catalogue per profile (``PROFILES``); the 3.0.1 one gives the same SHA-256 sums as
``SHA256SUMS``, the 2.1.1 one is what data.europa.eu's harvester (which converts everything
to 2.1.1) reads without loss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import RdfFormat, parse, serialize
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, XSD

from clustergraph.exports import dcat
from clustergraph.namespaces import PREFIXES
from clustergraph.store.base import Store

SPDX = Namespace("http://spdx.org/rdf/terms#")
GZIP = "application/gzip"


@dataclass(frozen=True)
class Profile:
    name: str  # the catalogue's file name
    version: str  # of DCAT-AP
    checksum: str  # "sha1" or "sha256"
    byte_size_type: URIRef


PROFILES: tuple[Profile, ...] = (
    Profile("catalog.ttl", "3.0.1", "sha256", XSD.nonNegativeInteger),
    Profile("catalog-dcat-ap-2.1.1.ttl", "2.1.1", "sha1", XSD.decimal),
)


@dataclass(frozen=True)
class DumpFile:
    """One file of the release as the catalogue describes it."""

    name: str
    title: str
    media_type: str  # of the content, before compression
    file_type: str  # code in the EU file-type table
    size: int
    checksums: dict[str, str]  # algorithm ("sha1", "sha256") -> hex digest


@dataclass(frozen=True)
class Publication:
    """Where a release is published and by whom."""

    service_url: str  # the deployment's root, ending with "/"
    release_url: str  # the folder the files are downloaded from, ending with "/"
    base_iri: str
    publisher_name: str
    publisher_url: str | None = None


def release_catalogue(store: Store, files: Sequence[DumpFile], profile: Profile, where: Publication, *,
                      version: str, date: str) -> Graph:
    """The catalogue of one release for one DCAT-AP profile; ``date`` is ``YYYY-MM-DD``."""
    g = dcat.new_graph()
    g.bind("spdx", SPDX)
    cat = URIRef(f"{where.release_url}#catalog")
    dataset = URIRef(f"{where.release_url}#dataset")
    issued = Literal(date, datatype=XSD.date)
    publisher = dcat.describe_publisher(g, service_url=where.service_url, name=where.publisher_name,
                                        url=where.publisher_url)
    dcat.describe_catalog(g, cat, publisher=publisher, homepage=where.service_url)
    g.add((cat, DCTERMS.modified, issued))
    g.add((cat, DCAT.dataset, dataset))
    dcat.describe_landscape(g, dataset, store, base_iri=where.base_iri, publisher=publisher)
    g.add((dataset, DCTERMS.modified, issued))
    g.add((dataset, OWL.versionInfo, Literal(version)))
    for file in files:
        dist = URIRef(f"{where.release_url}#{file.name}")
        url = URIRef(f"{where.release_url}{file.name}")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(file.title, lang="en")))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCTERMS.issued, issued))
        dcat.describe_format(g, dist, media_type=file.media_type, file_type=file.file_type)
        compressed = URIRef(f"{dcat.IANA}{GZIP}")
        g.add((compressed, RDF.type, DCTERMS.MediaType))
        g.add((dist, DCAT.compressFormat, compressed))
        g.add((dist, DCAT.byteSize, Literal(str(file.size), datatype=profile.byte_size_type)))
        checksum = URIRef(f"{where.release_url}#{file.name}-{profile.checksum}")
        algorithm = SPDX[f"checksumAlgorithm_{profile.checksum}"]
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, algorithm))
        g.add((algorithm, RDF.type, SPDX.ChecksumAlgorithm))
        g.add((checksum, SPDX.checksumValue, Literal(file.checksums[profile.checksum], datatype=XSD.hexBinary)))
    return g


def canonical_turtle(g: Graph) -> bytes:
    """``g`` as Turtle with its triples in a fixed order, so equal graphs give equal bytes
    (the graph has no blank nodes)."""
    lines = sorted(set(g.serialize(format="nt11").splitlines()))
    triples = list(parse("\n".join(lines).encode("utf-8"), format=RdfFormat.N_TRIPLES))
    return serialize(triples, format=RdfFormat.TURTLE, prefixes={**PREFIXES, "spdx": str(SPDX)})
