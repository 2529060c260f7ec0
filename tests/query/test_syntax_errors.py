"""Syntax errors in words, as a table over the real parser: each query is given to pyoxigraph,
and its grammar dump must come back as one sentence with the line, the column, the text
there and what was expected."""

from __future__ import annotations

import pytest
from pyoxigraph import Store

from clustergraph.errors import QueryError
from clustergraph.query.syntax_errors import QuerySyntaxError, explain, syntax_error

DECLARED = "PREFIX cg: <https://w3id.org/clustergraph/ontology/>\n"

CASES = [
    # (query, line, column, near (None: the end of the query), words the explanation holds)
    ("SELECT * WHERE { ?s ex:p ?o }", 1, 21, "ex:p", "the prefix 'ex:' is not declared"),
    ("SELECT * WHERE { ?s ?p ?o ", 1, 26, None, "expected '}' to close the '{' at line 1, column 16"),
    ("SELECT * { ?s ?p ?o } }", 1, 23, "}", "this '}' closes nothing"),
    ("SELEC * WHERE { ?s ?p ?o }", 1, 1, "SELEC", "did you mean 'SELECT'?"),
    ("SELECT * WHERE { ?s ?p ?o } LIMT 10", 1, 29, "LIMT", "did you mean 'LIMIT'?"),
    ("SELECT * WHERE { FOO }", 1, 18, "FOO", "expected a graph pattern such as '?s ?p ?o', 'OPTIONAL'"),
    ('SELECT * WHERE { ?s ?p "abc }', 1, 24, '"', 'expected a closing " for the string'),
    ("SELECT * WHERE { ?s a <http://x.example/y }", 1, 23, "<", "expected '>' to close the IRI"),
    ("ASK { <a b> ?p ?o }", 1, 7, "<", "expected '>' to close the IRI"),
    (DECLARED + "SELECT * WHERE {\n  ?s cg:name ?o .\n  ?s ?p\n}", 5, 1, "}", "expected an object after '?s ?p'"),
    ("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?s } }", 1, 41, "}", "expected a predicate and an object after '?s'"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT x", 1, 35, "x", "expected a whole number after LIMIT"),
    ("SELECT * WHERE { BIND(1 AS x) }", 1, 28, "x", "expected a variable such as '?x' after AS"),
    ("SELECT (COUNT(*) ?n) WHERE { ?s ?p ?o }", 1, 18, "?n", "expected 'AS' before '?n'"),
    ("SELECT WHERE { ?s ?p ?o }", 1, 8, "WHERE", "expected '*' or the variables to return after SELECT"),
    ("SELECT * WHERE { ?s ?p ?o } ORDER ?s", 1, 35, "?s", "expected 'BY' after ORDER"),
    ("SELECT ?x WHERE { ?x ?p ?o } ORDER BY DESC ?x", 1, 44, "?x", "expected '(' as in DESC(?x) after DESC"),
    ("SELECT * FROM WHERE { }", 1, 15, "WHERE", "expected a graph IRI such as '<https://...>' or NAMED after FROM"),
    ("SELECT ?x WHERE { ?x ?p ?o . FILTER(?o > ) }", 1, 42, ")", "expected an expression after '>'"),
    ("SELECT * WHERE { ?s ?p ?o FILTER (?o = 1 }", 1, 42, "}", "expected ')' to close the '(' at line 1, column 34"),
    ("SELECT * WHERE ?s ?p ?o }", 1, 16, "?s", "expected '{' after WHERE"),
    ("PREFIX ex <http://x.example/> SELECT * {}", 1, 8, "ex", "expected a prefix name ending in ':' after PREFIX"),
    ("INSERT DATA { <a:b> <a:c> <a:d> }", 1, 1, "INSERT", "'INSERT' starts a SPARQL Update, not a query"),
    ("", 1, 1, None, "expected a query form: SELECT, CONSTRUCT, ASK or DESCRIBE"),
    ("DESCRIBE", 1, 9, None, "expected a variable such as '?x', '*'"),
    ("SELECT * WHERE { ?s ?p ?o } GROUP BY ?s", 1, 40, None, "SELECT * is not authorized with GROUP BY"),
    ("SELECT * WHERE { ?s ?p ?o . é }", 1, 29, "é", "'é' is not a SPARQL keyword"),
    # The position counts characters, not bytes, and lines end at \n (also in \r\n).
    ('SELECT * WHERE {\r\n ?s ?p "€€" } LIMIT x', 2, 21, "x", "expected a whole number after LIMIT"),
]


def parser_message(query: str) -> str:
    try:
        Store().query(query)
    except SyntaxError as err:
        return str(err)
    raise AssertionError(f"the parser accepted {query!r}")


@pytest.mark.parametrize(("query", "line", "column", "near", "words"), CASES)
def test_a_parser_error_becomes_one_sentence(query: str, line: int, column: int, near: str | None, words: str) -> None:
    raw = parser_message(query)
    problem = explain(query, raw)
    assert problem is not None
    assert (problem.line, problem.column, problem.near) == (line, column, near), problem.sentence()
    assert words in problem.explanation
    sentence = problem.sentence()
    where = "at the end of the query" if near is None else f"near '{near}'"
    assert sentence.startswith(f"Syntax error at line {line}, column {column} {where}: ")
    assert "\n" not in sentence and "[_]" not in sentence and "u{" not in sentence
    assert problem.parser == raw


def test_the_grammar_dump_is_kept_for_whoever_wants_it() -> None:
    query = "SELECT ?x WHERE { ?s ?p ?o } GROUP BY"
    raw = parser_message(query)
    error = syntax_error(query, raw)
    assert isinstance(error, QuerySyntaxError) and error.http_status == 400
    assert str(error) == "Syntax error at line 1, column 38 at the end of the query: " + (
        "expected a variable or an expression in parentheses after BY"
    )
    assert error.problem_fields() == {"line": 1, "column": 38, "parser": raw}
    assert "\\u{00C0}" in raw  # the lines of Unicode ranges stay out of the sentence only


def test_other_messages_pass_through_unchanged() -> None:
    message = "Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error at '}'"
    assert explain("SELECT * { ?s ?p }", message) is None
    error = syntax_error("SELECT * { ?s ?p }", message)
    assert type(error) is QueryError and str(error) == message


VALID = [
    "SELECT * WHERE { ?x ^cg:p ?y . ?x cg:p/cg:q* ?y . ?x (cg:p|cg:q)+ ?z . ?x !(cg:r) ?w }",
    "SELECT * { ?s ?p ?o FILTER(?o < 5) FILTER (?s<?p) FILTER(?o IN (1, 2, -3.5e2)) }",
    "SELECT (STR(?x) AS ?s) (COUNT(DISTINCT ?y) AS ?n) WHERE { ?x ?p ?y } GROUP BY ?x "
    "HAVING (COUNT(?y) > 1) ORDER BY DESC(?n) ASC(?s) LIMIT 10 OFFSET 5",
    "CONSTRUCT { ?s cg:p ?o ; cg:q ?o , ?s . [] cg:r ( 1 2 3 ) } WHERE { ?s ?p ?o }",
    "SELECT * { ?s ?p 'x'@en-GB . ?s ?p ''' a\nb ''' . [] ?p ?o . (1 2) ?p ?o . ?s ?p ?o ; . }",
    "SELECT * { VALUES (?a ?b) { (1 UNDEF) (2 3) } VALUES ?c { cg:x cg:y } ?a ?p ?c }",
    "SELECT * FROM NAMED <http://g.example/> { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s a cg:C } }",
    "SELECT ?s (GROUP_CONCAT(?o; SEPARATOR=', ') AS ?all) { ?s ?p ?o FILTER regex(?o, 'x') } GROUP BY ?s",
]


@pytest.mark.parametrize("query", VALID)
def test_valid_queries_show_no_mistake(query: str) -> None:
    """The lexer's checks must not blame valid text: give each a fake error at its end."""
    from clustergraph.query.syntax_findings import Text, lexical_findings

    text = DECLARED + query
    Store().query(text)  # valid for the parser
    assert lexical_findings(Text(text)) == []
