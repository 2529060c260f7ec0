"""Content negotiation as a table: Accept header (and format override or hints) → format, 400 or 406."""

from __future__ import annotations

import pytest

from clustergraph import formats
from clustergraph.errors import InputError
from clustergraph.web.conneg import (
    NotAcceptable,
    negotiate,
    negotiate_with_hints,
    parse_accept,
    prefers_html,
    split_hints,
)
from clustergraph.web.query_params import GRAPH_FORMATS, RESULTS_FORMATS

TABLE = RESULTS_FORMATS
GRAPH = GRAPH_FORMATS

CASES = [
    # (offered, Accept, format override, expected format name or exception)
    (TABLE, None, None, "json"),
    (TABLE, "", None, "json"),
    (TABLE, "*/*", None, "json"),
    (GRAPH, "*/*", None, "turtle"),
    (TABLE, "application/sparql-results+xml", None, "xml"),
    (TABLE, "text/csv", None, "csv"),
    (TABLE, "text/tab-separated-values", None, "tsv"),
    (TABLE, "text/csv;q=0.5, text/tab-separated-values", None, "tsv"),
    (TABLE, "text/csv, application/sparql-results+json;q=0.9", None, "csv"),
    # the most specific range decides: text/* allows, text/csv;q=0 refuses CSV
    (TABLE, "text/*;q=0.5, text/csv;q=0", None, "tsv"),
    (TABLE, "text/*", None, "csv"),  # equal q and specificity: the server's order
    (TABLE, "application/json", None, "json"),
    (GRAPH, "application/json", None, "jsonld"),
    (TABLE, "application/xml", None, "xml"),
    (GRAPH, "application/xml", None, "rdfxml"),
    (GRAPH, "application/turtle,text/turtle", None, "turtle"),  # what SPARQLWrapper sends for TURTLE
    (GRAPH, "application/n-triples", None, "ntriples"),
    (GRAPH, "application/ld+json", None, "jsonld"),
    (GRAPH, "application/rdf+xml;q=0.9, application/n-quads", None, "nquads"),
    (GRAPH, "application/trig", None, "trig"),
    # browsers: */* at q=0.8 still lets a graph or a table be served
    (TABLE, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, "xml"),
    (GRAPH, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, "rdfxml"),
    (TABLE, "application/sparql-results+json;charset=utf-8", None, "json"),
    (TABLE, "TEXT/CSV", None, "csv"),
    (TABLE, "text/csv;q=abc, application/sparql-results+xml", None, "xml"),  # a bad q counts as 0
    (TABLE, "*", None, "json"),
    # nothing acceptable
    (TABLE, "text/turtle", None, NotAcceptable),
    (GRAPH, "application/sparql-results+json", None, NotAcceptable),
    (TABLE, "application/json;q=0", None, NotAcceptable),
    (TABLE, "image/png", None, NotAcceptable),
    # the override wins over Accept
    (TABLE, "application/sparql-results+json", "csv", "csv"),
    (TABLE, "text/turtle", "tsv", "tsv"),
    (GRAPH, None, "ttl", "turtle"),
    (GRAPH, None, "application/ld+json", "jsonld"),
    (GRAPH, None, "nt", "ntriples"),
    (TABLE, None, "srj", "json"),
    (TABLE, None, "json", "json"),
    (GRAPH, None, "csv", NotAcceptable),  # a real format, but not for a graph
    (TABLE, None, "yaml", InputError),  # no such format
]


@pytest.mark.parametrize(("offered", "accept", "override", "expected"), CASES)
def test_negotiation_table(offered, accept, override, expected) -> None:
    if isinstance(expected, type):
        with pytest.raises(expected):
            negotiate(accept, offered, override=override)
    else:
        assert negotiate(accept, offered, override=override).name == expected


def test_not_acceptable_is_a_406_naming_what_is_offered() -> None:
    with pytest.raises(NotAcceptable) as refused:
        negotiate("image/png", TABLE)
    assert refused.value.http_status == 406
    assert "application/sparql-results+json" in str(refused.value)


def test_a_default_is_used_without_accept() -> None:
    assert negotiate(None, TABLE, default=formats.lookup("csv")).name == "csv"


def test_accept_parsing_keeps_q_values_and_skips_garbage() -> None:
    ranges = parse_accept("text/turtle;q=0.5, nonsense, application/ld+json")
    assert [(r.media_type, r.q) for r in ranges] == [("text/turtle", 0.5), ("application/ld+json", 1.0)]


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # Firefox, Chromium
        ("*/*", False),  # curl
        (None, False),
        ("text/turtle", False),
        ("application/sparql-results+json,*/*;q=0.9", False),  # YASGUI, SPARQLWrapper
        ("text/turtle, text/html;q=0.5", False),
        ("text/html;q=0", False),
    ],
)
def test_browsers_are_told_apart_from_sparql_clients(accept, html) -> None:
    assert prefers_html(accept, TABLE + GRAPH) is html


# What SPARQLWrapper 2 sends (Accept, and the value it repeats in format=, output= and
# results=) for each return format and query form, read from its _getAcceptHeader and
# _getRequestEncodedParameters; with the format each must get here.
JSON_TYPES = "application/sparql-results+json,application/json,text/javascript,application/javascript"
JSONLD_TYPES = "application/ld+json,application/x-json+ld"
N3_TYPES = "application/turtle,text/turtle,text/rdf+n3,application/n-triples,application/n3,text/n3"
SPARQLWRAPPER = [
    # (offered, Accept, hint values, expected)
    (TABLE, "application/sparql-results+xml", ["xml"], "xml"),  # its default, XML
    (GRAPH, "application/rdf+xml", ["xml"], "rdfxml"),
    (TABLE, JSON_TYPES, ["json"], "json"),
    (GRAPH, "*/*", ["json"], "jsonld"),  # JSON for a graph: JSON-LD
    (TABLE, "*/*", ["json-ld", ""], "json"),
    (GRAPH, JSONLD_TYPES, ["json-ld", JSONLD_TYPES], "jsonld"),
    (TABLE, "*/*", ["n3"], "json"),  # no table in N3: Accept decides
    (GRAPH, N3_TYPES, ["n3"], "turtle"),
    (TABLE, "*/*", ["turtle"], "json"),
    (GRAPH, "application/turtle,text/turtle", ["turtle"], "turtle"),
    (TABLE, "text/csv", ["csv"], "csv"),
    (GRAPH, "*/*", ["csv"], "turtle"),  # no graph in CSV: Accept decides
    (TABLE, "text/tab-separated-values", ["tsv", "text/tab-separated-values"], "tsv"),
    (GRAPH, "*/*", ["tsv", ""], "turtle"),
    (TABLE, "*/*", ["rdf"], "xml"),  # RDF for a table: its XML
    (GRAPH, "*/*", ["rdf"], "rdfxml"),
    (TABLE, "*/*", ["rdf+xml", ""], "xml"),
    (GRAPH, "application/rdf+xml", ["rdf+xml", "application/rdf+xml"], "rdfxml"),
]

HINTS = [
    # Fuseki's and Virtuoso's names
    (TABLE, None, ["sparql"], "xml"),
    (GRAPH, None, ["text"], "turtle"),
    (GRAPH, None, ["ttl"], "turtle"),
    (GRAPH, None, ["nt"], "ntriples"),
    (GRAPH, None, ["n-quads"], "nquads"),
    (GRAPH, None, ["trig"], "trig"),
    (GRAPH, None, ["application/json"], "jsonld"),
    (TABLE, None, ["application/sparql-results+json"], "json"),
    (GRAPH, None, ["application/sparql-results+xml"], "rdfxml"),
    # a hint wins over Accept
    (TABLE, "application/sparql-results+json", ["csv"], "csv"),
    (TABLE, "application/sparql-results+json", ["TSV"], "tsv"),
    # lists: the first usable entry wins, whatever the order of the parameters
    (TABLE, None, ["turtle,csv", "json"], "csv"),
    (GRAPH, None, ["csv, text/turtle;q=0.5"], "turtle"),
    (GRAPH, None, ["", "nt"], "ntriples"),
    # unusable hints fall back to Accept; a typo is passed over like Virtuoso does
    (TABLE, "text/csv", ["yaml"], "csv"),
    (TABLE, None, ["yaml"], "json"),
    (GRAPH, "application/n-triples", ["csv"], "ntriples"),
    # only when Accept also fits nothing: 406
    (TABLE, "text/turtle", ["turtle"], NotAcceptable),
    (GRAPH, "text/csv", ["csv"], NotAcceptable),
    (TABLE, "image/png", [], NotAcceptable),
]


@pytest.mark.parametrize(("offered", "accept", "values", "expected"), SPARQLWRAPPER + HINTS)
def test_format_hints_table(offered, accept, values, expected) -> None:
    hints = split_hints(values)
    if isinstance(expected, type):
        with pytest.raises(expected):
            negotiate_with_hints(accept, offered, hints)
    else:
        assert negotiate_with_hints(accept, offered, hints).name == expected


def test_hints_are_split_on_commas_and_lose_their_parameters() -> None:
    assert split_hints(["json-ld", "application/ld+json, application/x-json+ld;q=0.9", "", " XML "]) == [
        "json-ld",
        "application/ld+json",
        "application/x-json+ld",
        "xml",
    ]
