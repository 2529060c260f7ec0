"""What /sparql answers beside results, on a live server: the format a hint asks for, the 406
that names what a query form offers, a dataset IRI that is no IRI, a syntax error in words."""

from __future__ import annotations

import httpx
import pytest
from pyoxigraph import RdfFormat, parse
from support.servers import LiveServer

SELECT_ONE = "SELECT (1 AS ?one) WHERE {}"
CLUSTER = "<https://w3id.org/clustergraph/cluster/its-owl>"
DESCRIBE = f"DESCRIBE {CLUSTER}"
PROBLEM = "application/problem+json"


def get(server: LiveServer, params, accept: str | None = None) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(f"{server.url}/sparql", params=params, headers=headers, timeout=60)


def media_type(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return response.headers["content-type"].split(";")[0]


# --- format hints ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "params", "accept", "expected"),
    [
        # a graph asked for json or xml gets the same syntax in its own form
        (DESCRIBE, [("output", "json")], None, "application/ld+json"),
        (DESCRIBE, [("format", "xml")], "application/rdf+xml", "application/rdf+xml"),
        (SELECT_ONE, [("results", "json-ld")], None, "application/sparql-results+json"),
        # a list: the first entry this form can have wins; repeated parameters read in order
        (SELECT_ONE, [("format", "turtle,csv")], None, "text/csv"),
        (DESCRIBE, [("format", "tsv"), ("output", "n-triples")], None, "application/n-triples"),
        # a hint that fits nothing is passed over for Accept
        (SELECT_ONE, [("format", "yaml")], "text/tab-separated-values", "text/tab-separated-values"),
        (DESCRIBE, [("format", "csv")], "application/n-quads", "application/n-quads"),
        # a hint wins over Accept
        (SELECT_ONE, [("output", "xml")], "application/sparql-results+json", "application/sparql-results+xml"),
    ],
)
def test_format_hints_are_read_in_the_form_the_query_needs(
    live_server: LiveServer, query: str, params: list, accept: str | None, expected: str
) -> None:
    response = get(live_server, [("query", query), *params], accept)
    assert media_type(response) == expected


def test_a_graph_asked_for_as_json_parses_as_json_ld(live_server: LiveServer, store) -> None:
    response = get(live_server, {"query": DESCRIBE, "format": "json"})
    served = {(q.subject, q.predicate, q.object) for q in parse(response.content, format=RdfFormat.JSON_LD)}
    assert served == {(t.subject, t.predicate, t.object) for t in store.query(DESCRIBE)} and served


@pytest.mark.parametrize(
    ("query", "accept", "offered", "not_offered"),
    [
        (SELECT_ONE, "text/turtle", "format=json, xml, csv or tsv", "text/turtle,"),
        ("ASK {}", "application/rdf+xml", "application/sparql-results+json", "application/ld+json"),
        (DESCRIBE, "text/csv", "format=turtle, ntriples, jsonld, rdfxml, trig or nquads", "text/csv,"),
    ],
)
def test_only_a_truly_impossible_request_is_406_naming_what_the_form_offers(
    live_server: LiveServer, query: str, accept: str, offered: str, not_offered: str
) -> None:
    response = get(live_server, {"query": query, "format": "nothing-known"}, accept)
    assert response.status_code == 406
    assert response.headers["content-type"] == PROBLEM
    detail = response.json()["detail"]
    assert offered in detail and not_offered not in detail
    assert query.split()[0] in detail  # the form is named


# --- the dataset ----------------------------------------------------------------------------------


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("value", ["relative/iri", "<https://w3id.org/x>", "https://w3id.org/a b", ""])
def test_a_dataset_iri_that_is_not_an_iri_is_400_with_a_message(live_server: LiveServer, parameter, value) -> None:
    for response in (
        get(live_server, {"query": SELECT_ONE, parameter: value}),
        httpx.post(
            f"{live_server.url}/sparql",
            data={"query": SELECT_ONE, parameter: value},
            timeout=60,
        ),
        httpx.post(
            f"{live_server.url}/sparql",
            params={parameter: value},
            content=SELECT_ONE,
            headers={"Content-Type": "application/sparql-query"},
            timeout=60,
        ),
    ):
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == PROBLEM
        detail = response.json()["detail"]
        assert parameter in detail and repr(value) in detail and "absolute IRI" in detail


# --- syntax errors ----------------------------------------------------------------------------------


def test_a_syntax_error_is_a_sentence_with_the_parsers_words_beside_it(live_server: LiveServer) -> None:
    response = get(live_server, {"query": "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ex:name ?name\n}"})
    assert response.status_code == 400 and response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["title"] == "SPARQL syntax error"
    assert problem["detail"] == (
        "Syntax error at line 3, column 6 near 'ex:name': "
        "the prefix 'ex:' is not declared; add 'PREFIX ex: <...>' before the query"
    )
    assert (problem["line"], problem["column"]) == (3, 6)
    assert problem["parser"].startswith("error at ")  # the grammar dump, for whoever wants it


def test_an_update_sent_as_a_query_is_a_sentence_that_says_where_to_send_it(live_server: LiveServer) -> None:
    response = get(live_server, {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("Syntax error at line 1, column 1 near 'INSERT': 'INSERT' starts a SPARQL Update")
    assert "POST it to /sparql/update as 'update'" in detail
