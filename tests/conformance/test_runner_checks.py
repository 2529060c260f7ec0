"""The runner's response checks catch what a wrong server would send (responses built here, no server)."""

from __future__ import annotations

import httpx
import pytest

from clustergraph.conformance.checks import check_response
from clustergraph.conformance.manifest import Expected, StatusExpectation

TWO_XX = StatusExpectation(classes=frozenset({2}))
ASK_TRUE = b'{"head":{},"boolean":true}'
SELECT_ONE = b'{"head":{"vars":["value"]},"results":{"bindings":[{"value":{"type":"literal","value":"1"}}]}}'
PERSON = '@prefix foaf: <http://xmlns.com/foaf/0.1/> . [] a foaf:Person ; foaf:name "Alice" .'


def response(status: int, body: bytes = b"", content_type: str | None = None, method: str = "GET", **headers: str) -> httpx.Response:
    if content_type:
        headers["content-type"] = content_type
    return httpx.Response(status, content=body, headers=headers, request=httpx.Request(method, "http://127.0.0.1/sparql"))


@pytest.mark.parametrize(
    ("expected", "got", "problem"),
    [
        (StatusExpectation(classes=frozenset({4})), 200, "expected status 4xx, got 200"),
        (StatusExpectation(codes=frozenset({201})), 204, "expected status 201, got 204"),
        (StatusExpectation(codes=frozenset({200, 204})), 201, "expected status 200 or 204, got 201"),
    ],
)
def test_a_status_outside_the_expected_ones_fails(expected: StatusExpectation, got: int, problem: str) -> None:
    assert check_response(response(got), Expected(expected)) == problem


def test_a_boolean_result_must_have_the_expected_value() -> None:
    expected = Expected(TWO_XX, format="boolean", boolean=False)
    assert check_response(response(200, ASK_TRUE, "application/sparql-results+json"), expected) == "expected false, got true"
    assert check_response(response(200, ASK_TRUE, "application/sparql-results+json"), Expected(TWO_XX, "boolean", True)) is None


@pytest.mark.parametrize(
    ("kind", "body", "content_type", "problem"),
    [
        ("boolean", SELECT_ONE, "application/sparql-results+json", "expected a boolean result, got a table (json)"),
        ("tabular", ASK_TRUE, "application/sparql-results+json", "expected a table of results, got a boolean (json)"),
        ("tabular", b"value\n1\n", "text/plain", "expected a tabular result, got text/plain"),
        ("RDF", SELECT_ONE, "application/sparql-results+json", "expected RDF, got application/sparql-results+json"),
        ("boolean", b"value\r\n1\r\n", "text/csv", "expected a boolean result, got CSV"),
    ],
)
def test_a_result_of_the_wrong_kind_fails(kind: str, body: bytes, content_type: str, problem: str) -> None:
    assert check_response(response(200, body, content_type), Expected(TWO_XX, format=kind)) == problem


def test_a_body_that_does_not_parse_fails() -> None:
    problem = check_response(response(200, b"<a> <b>", "text/turtle"), Expected(TWO_XX, format="RDF"))
    assert problem.startswith("the turtle body does not parse")


def test_a_graph_must_be_isomorphic_to_the_expected_one() -> None:
    expected = Expected(TWO_XX, headers=(("content-type", "text/turtle; charset=utf-8"),), body=PERSON)
    same = PERSON.replace("[]", "_:someone").encode()
    assert check_response(response(200, same, "text/turtle; charset=utf-8"), expected) is None
    other = PERSON.replace("Alice", "Bob").encode()
    assert check_response(response(200, other, "text/turtle; charset=utf-8"), expected).startswith("the graph is not isomorphic")


def test_the_content_type_must_match_but_not_its_spelling() -> None:
    expected = Expected(TWO_XX, headers=(("content-type", "text/turtle; charset=utf-8"),))
    assert check_response(response(200, b"", "text/turtle;charset=UTF-8", method="HEAD"), expected) is None
    assert "expected content-type" in check_response(response(200, b"", "application/n-triples", method="HEAD"), expected)


def test_an_expected_location_must_be_sent() -> None:
    expected = Expected(StatusExpectation(codes=frozenset({201})), location_variable="$LOCATION$")
    assert check_response(response(201), expected) == "expected a Location header"
    assert check_response(response(201, location="http://127.0.0.1/graph-store/new"), expected) is None


def test_manifests_reached_through_a_symbolic_link_list_the_same_tests(tmp_path) -> None:
    from pathlib import Path

    from clustergraph.conformance.manifest import load_suites

    real = Path(__file__).resolve().parent / "w3c"
    link = tmp_path / "linked"
    link.symlink_to(real, target_is_directory=True)
    direct = [t.iri.rsplit("#", 1)[-1] for t in load_suites(real)]
    linked = [t.iri.rsplit("#", 1)[-1] for t in load_suites(link)]
    assert linked == direct and len(direct) >= 50
