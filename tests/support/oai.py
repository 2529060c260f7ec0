"""Checks for OAI-PMH responses: the protocol's XML Schema, oai_dc records, DCAT-AP records."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree
from pyshacl import validate
from rdflib import Graph

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
DC = "{http://purl.org/dc/elements/1.1/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC_ELEMENTS = {
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type", "format",
    "identifier", "source", "language", "relation", "coverage", "rights",
}


@cache
def oai_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FIXTURES / "oai-pmh" / "OAI-PMH.xsd")))


def valid_response(content: bytes) -> etree._Element:
    """The parsed response; fails unless it is well-formed (strict parser) and valid against OAI-PMH.xsd."""
    root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
    schema = oai_schema()
    assert schema.validate(root), schema.error_log
    return root


def error_codes(root: etree._Element) -> list[str]:
    return [e.get("code") for e in root.findall(f"{OAI}error")]


def check_oai_dc(dc: etree._Element) -> dict[str, list[str]]:
    """The values of an ``oai_dc:dc`` element by DC element; fails on anything the oai_dc schema forbids."""
    assert dc.tag == f"{OAI_DC}dc", dc.tag
    values: dict[str, list[str]] = {}
    for child in dc:
        assert child.tag.startswith(DC), child.tag
        name = child.tag[len(DC):]
        assert name in DC_ELEMENTS, name
        assert len(child) == 0, "DC elements hold text only"
        values.setdefault(name, []).append(child.text or "")
    return values


@cache
def dcat_ap_shapes(version: str) -> Graph:
    shapes = Graph()
    for part in ("shapes", "range"):
        shapes.parse(FIXTURES / "dcat-ap" / f"dcat-ap_{version}_shacl_{part}.ttl", format="turtle")
    return shapes


def dcat_ap_report(graph: Graph, version: str) -> str | None:
    """``None`` when ``graph`` passes the official DCAT-AP shapes of ``version`` (warnings allowed), else the report."""
    conforms, _report, text = validate(graph, shacl_graph=dcat_ap_shapes(version), inference="none",
                                       allow_warnings=True)
    return None if conforms else text
