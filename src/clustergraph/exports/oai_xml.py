"""The XML of OAI-PMH 2.0 responses, written as text.

Every piece of text from the data passes ``text``/``attr``, which escape it and drop the
characters XML 1.0 cannot carry, so a literal with a control character cannot break a
response. Element order follows the protocol's schema (OAI-PMH.xsd).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from rdflib import Graph

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>\s*")


def text(value: str) -> str:
    """Element content: escaped, without characters XML cannot carry."""
    return escape(_NOT_XML.sub("", value))


def attr(value: str) -> str:
    """A quoted attribute value."""
    return quoteattr(_NOT_XML.sub("", value))


def utc(moment: datetime) -> str:
    """A UTC datestamp in the protocol's seconds granularity."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(base_url: str, response_date: datetime, request_args: Mapping[str, str] | None, body: str) -> str:
    """A whole response; ``request_args`` is ``None`` when the request was refused as badVerb/badArgument
    (the protocol then echoes no arguments)."""
    arguments = "".join(f" {name}={attr(value)}" for name, value in sorted((request_args or {}).items()))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<OAI-PMH xmlns="{OAI_NS}" xmlns:xsi="{XSI_NS}" xsi:schemaLocation="{OAI_NS} {OAI_SCHEMA}">\n'
        f"<responseDate>{utc(response_date)}</responseDate>\n"
        f"<request{arguments}>{text(base_url)}</request>\n"
        f"{body}\n"
        "</OAI-PMH>\n"
    )


def error(code: str, message: str) -> str:
    return f"<error code={attr(code)}>{text(message)}</error>"


def element(name: str, content: str) -> str:
    return f"<{name}>{text(content)}</{name}>"


def header(identifier: str, datestamp: datetime, sets: Iterable[str]) -> str:
    specs = "".join(element("setSpec", spec) for spec in sets)
    return f"<header>{element('identifier', identifier)}{element('datestamp', utc(datestamp))}{specs}</header>"


def record(header_xml: str, metadata_xml: str) -> str:
    return f"<record>{header_xml}<metadata>{metadata_xml}</metadata></record>"


def resumption_token(token: str | None, *, complete_list_size: int, cursor: int) -> str:
    """The token element; an empty one (``token`` None) ends a list that was split."""
    return (f'<resumptionToken completeListSize="{complete_list_size}" cursor="{cursor}">'
            f"{text(token or '')}</resumptionToken>")


def rdf_xml(graph: Graph) -> str:
    """A graph as an ``rdf:RDF`` element (RDF/XML without the XML declaration)."""
    body = graph.serialize(format="pretty-xml")
    return _NOT_XML.sub("", _DECLARATION.sub("", body)).strip()


def oai_dc(fields: Iterable[tuple[str, str, str]]) -> str:
    """An ``oai_dc:dc`` element from ``(element, value, language)`` triples (element: a DC 1.1 name)."""
    parts = []
    for name, value, lang in fields:
        language = f" xml:lang={attr(lang)}" if lang else ""
        parts.append(f"<dc:{name}{language}>{text(value)}</dc:{name}>")
    return (
        f'<oai_dc:dc xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}" xmlns:xsi="{XSI_NS}" '
        f'xsi:schemaLocation="{OAI_DC_NS} {OAI_DC_SCHEMA}">' + "".join(parts) + "</oai_dc:dc>"
    )
