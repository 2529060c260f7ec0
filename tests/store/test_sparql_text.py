"""What the remote store checks and changes in a SPARQL text before it forwards it."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store, Variable

from clustergraph.errors import Forbidden, QueryError
from clustergraph.store.sparql_text import (
    prefix_lines,
    require_plain_sparql,
    require_query,
    require_update,
    where_body_start,
    with_substitutions,
)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("PREFIX ex: <http://ex/> SELECT * WHERE { ?s ex:p ?o }", "SELECT"),
        ("ASK { ?s ?p ?o }", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("# a comment with SELECT in it\nDESCRIBE <http://ex/a>", "DESCRIBE"),
    ],
)
def test_a_query_is_recognised_by_its_form(text: str, form: str) -> None:
    assert require_query(text) == form


@pytest.mark.parametrize(
    "text",
    ["INSERT DATA { GRAPH <http://g> { <http://a> <http://b> <http://c> } }", "CLEAR GRAPH <http://g>", "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"],
)
def test_an_update_sent_as_a_query_is_refused(text: str) -> None:
    with pytest.raises(QueryError, match="update"):
        require_query(text)


def test_a_query_sent_as_an_update_is_refused_and_load_is_forbidden() -> None:
    with pytest.raises(QueryError):
        require_update("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(Forbidden, match="LOAD"):
        require_update("LOAD <http://example.org/data.ttl> INTO GRAPH <http://g>")
    require_update("INSERT DATA { GRAPH <http://g> { <http://a> <http://b> 'LOAD' } }")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT (bif:getenv('HOME') AS ?x) WHERE {}",
        "SELECT (<bif:http_get>('http://127.0.0.1/') AS ?x) WHERE {}",
        "PREFIX s: <sql:> SELECT (s:USER_SET_PASSWORD('dba', 'x') AS ?x) WHERE {}",
        "SELECT * WHERE { ?s ?p ?o FILTER(<SQL:whatever>(?o)) }",
        "define input:grab-all \"yes\" SELECT * WHERE { ?s ?p ?o }",
    ],
)
def test_store_extensions_that_reach_outside_sparql_are_forbidden(text: str) -> None:
    with pytest.raises(Forbidden):
        require_plain_sparql(text)


def test_the_same_words_inside_strings_iris_and_comments_are_harmless() -> None:
    require_plain_sparql('SELECT * WHERE { ?s <http://ex/define> "bif:getenv define" } # define bif:x')


@pytest.mark.parametrize(
    ("text", "after"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", " ?s ?p ?o }"),
        ("SELECT ?s { ?s ?p ?o }", " ?s ?p ?o }"),
        ('SELECT ?s (EXISTS { ?s ?p "{" } AS ?e) FROM <http://g> WHERE { ?s ?p "}" }', ' ?s ?p "}" }'),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", " ?s ?p ?o }"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", " ?s ?p ?o }"),
        ("ASK{?s ?p ?o}", "?s ?p ?o}"),
        ("PREFIX ex: <http://ex/{x}> DESCRIBE ?s WHERE { ?s ex:p 1 }", " ?s ex:p 1 }"),
    ],
)
def test_the_where_clause_is_found_past_templates_strings_and_expressions(text: str, after: str) -> None:
    assert text[where_body_start(text) :] == after


def test_substitutions_bind_like_the_embedded_engine() -> None:
    store = Store()
    a, b, p = NamedNode("http://ex/a"), NamedNode("http://ex/b"), NamedNode("http://ex/p")
    store.add(Quad(a, p, Literal("x")))
    store.add(Quad(b, p, Literal("y")))
    query = "SELECT ?s ?o WHERE { ?s <http://ex/p> ?o }"
    rewritten = with_substitutions(query, {"s": b})
    assert [r["o"] for r in store.query(rewritten)] == [r["o"] for r in store.query(query, substitutions={Variable("s"): b})]
    assert [r["o"] for r in store.query(rewritten)] == [Literal("y")]


def test_a_literal_with_quotes_is_bound_as_a_literal_not_as_text() -> None:
    sneaky = Literal('x" } ; DROP ALL ; SELECT * { "')
    rewritten = with_substitutions("SELECT ?o WHERE { }", {"o": sneaky})
    store = Store()
    assert [r["o"] for r in store.query(rewritten)] == [sneaky]


@pytest.mark.parametrize(("name", "term"), [("s", BlankNode("b1")), ("bad name", NamedNode("http://ex/a"))])
def test_what_cannot_be_bound_remotely_is_a_query_error(name: str, term) -> None:
    with pytest.raises(QueryError):
        with_substitutions("SELECT * WHERE { ?s ?p ?o }", {name: term})


def test_prefixes_are_checked_before_they_are_written() -> None:
    assert prefix_lines({"ex": "http://ex/", "": "http://default/"}) == "PREFIX ex: <http://ex/>\nPREFIX : <http://default/>\n"
    with pytest.raises(QueryError):
        prefix_lines({"ex> <x": "http://ex/"})
    with pytest.raises(QueryError):
        prefix_lines({"ex": "not an iri>"})
