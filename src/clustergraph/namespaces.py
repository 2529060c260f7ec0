"""Namespaces and the prefixes shared by queries, pages and exports."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

CG = Namespace("https://w3id.org/clustergraph/ontology/")
ONTOLOGY_IRI = "https://w3id.org/clustergraph/ontology"
SCHEMA = SDO
CV = Namespace("http://data.europa.eu/m8g/")
LEGAL = Namespace("http://www.w3.org/ns/legal#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
EURIO = Namespace("http://data.europa.eu/s66#")
NUTS = Namespace("http://data.europa.eu/nuts/code/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES: dict[str, str] = {
    "cg": str(CG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "org": str(ORG),
    "dct": str(DCTERMS),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "foaf": str(FOAF),
    "dcat": str(DCAT),
    "cv": str(CV),
    "legal": str(LEGAL),
    "rov": str(ROV),
    "locn": str(LOCN),
    "eurio": str(EURIO),
    "nuts": str(NUTS),
    "sd": str(SD),
    "void": str(VOID),
}


def sparql_prologue(prefixes: dict[str, str] | None = None) -> str:
    """PREFIX lines for every known prefix, to put in front of a query."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in (prefixes or PREFIXES).items())


def resource_prefixes(base_iri: str) -> dict[str, str]:
    """Prefixes of the resource IRIs under ``base_iri`` (``cluster:``, ``organisation:``, ...)."""
    kinds = (
        "cluster organisation innovation-field theme ecosystem technology topic-area label programme "
        "participation membership initiative event document place figure scheme source research-gap"
    ).split()
    return {kind: f"{base_iri}{kind}/" for kind in kinds}
