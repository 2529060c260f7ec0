"""The comparison of the store contract is exact except for the order inside GROUP_CONCAT."""

from __future__ import annotations

import pytest
from example_answers import answer_of, concat_separators, difference, sparql_string
from pyoxigraph import Store

NAMES = 'SELECT ?g (GROUP_CONCAT(?n; separator=", ") AS ?names) WHERE { VALUES (?g ?n) { %s } } GROUP BY ?g'


def answer(sparql: str):
    return answer_of(Store().query(sparql), sparql)


def test_rows_compare_without_their_order_but_with_every_duplicate() -> None:
    one_two = answer("SELECT ?x WHERE { VALUES ?x { 1 2 } }")
    assert answer("SELECT ?x WHERE { VALUES ?x { 2 1 } }") == one_two
    twice = answer("SELECT ?x WHERE { VALUES ?x { 1 2 2 } }")
    assert twice != one_two
    assert "missing []" in difference(one_two, twice) and "extra" in difference(one_two, twice)
    assert difference(one_two, one_two) == ""


@pytest.mark.parametrize(
    ("given", "other"),
    [
        ('"a"@en', '"a"@de'),  # language tag
        ('"a"@en', '"a"'),
        ('"1.5"^^<http://www.w3.org/2001/XMLSchema#decimal>', '"1.5"'),  # datatype
        ("1", "true"),  # an integer where a boolean was
        ("<urn:a>", '"urn:a"'),
    ],
)
def test_a_term_that_differs_in_anything_is_another_answer(given: str, other: str) -> None:
    assert answer(f"SELECT ?x WHERE {{ VALUES ?x {{ {given} }} }}") != answer(f"SELECT ?x WHERE {{ VALUES ?x {{ {other} }} }}")


def test_unbound_is_not_an_empty_string() -> None:
    assert answer("SELECT ?x WHERE { VALUES ?x { UNDEF } }") != answer('SELECT ?x WHERE { VALUES ?x { "" } }')


def test_a_group_concat_compares_by_its_parts_in_any_order_with_its_language() -> None:
    abc = answer(NAMES % '(1 "a"@en) (1 "b"@en) (1 "c"@en)')
    assert answer(NAMES % '(1 "c"@en) (1 "a"@en) (1 "b"@en)') == abc
    assert answer(NAMES % '(1 "a"@en) (1 "b"@en)') != abc  # a part missing
    assert answer(NAMES % '(1 "a") (1 "b") (1 "c")') != abc  # the language tag dropped


def test_other_columns_keep_their_order() -> None:
    sparql = 'SELECT ?x WHERE { VALUES ?x { "%s" } }'
    assert answer(sparql % "a, b") != answer(sparql % "b, a")


def test_separators_are_read_from_the_query_however_the_concatenation_is_wrapped() -> None:
    sparql = """SELECT (STRLANG(GROUP_CONCAT(DISTINCT STR(?n); separator="; "), "en") AS ?a)
                       (group_concat(?m) as ?b)
                       (IF(COUNT(?x) > 0, GROUP_CONCAT(?x ; SEPARATOR = '\\t'), GROUP_CONCAT(?x; separator='\\t')) AS ?c)
                WHERE { ?s ?p ?o } GROUP BY ?s"""
    assert concat_separators(sparql) == {"a": "; ", "b": " ", "c": "\t"}
    assert concat_separators('SELECT ?s WHERE { ?s ?p "GROUP_CONCAT(?x) AS ?y" }') == {}


def test_a_group_concat_without_a_variable_is_refused() -> None:
    with pytest.raises(ValueError, match="not bound"):
        concat_separators("SELECT (GROUP_CONCAT(?x)) WHERE { ?s ?p ?x }")


def test_string_literals_lose_their_quotes_and_escapes() -> None:
    assert sparql_string('", "') == ", "
    assert sparql_string("'''x'''") == "x"
    assert sparql_string(r'"a\tb\u00e9\""') == 'a\tbé"'
