"""SPARQL syntax errors in words: the parser's grammar dump → one sentence for a person.

pyoxigraph reports a syntax error as ``error at LINE:COLUMN: expected one of ...``: the
furthest point its parser reached and the grammar symbols it tried there (``LATERAL``,
``[_]``, lines of Unicode ranges). That point is often the end of the query, past the real
mistake. ``explain`` takes the mistakes the lexer sees in the text (``syntax_findings``: an
unclosed string or IRI, an undeclared prefix, a word that is no keyword, a triple pattern
cut short, an unbalanced bracket...), keeps the earliest one that lies before the parser's
point (the parser never gets past the first mistake), and otherwise puts the parser's
expectations into words. The parser's own message is kept in ``parser``.

The sentence is what the endpoint's problem details give as ``detail`` (with ``line``,
``column`` and ``parser`` beside it) and what ``clustergraph query`` prints.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from clustergraph.errors import QueryError
from clustergraph.query.sparql_text import QUERY_FORMS
from clustergraph.query.syntax_findings import (
    EXPRESSION,
    FOLLOWERS,
    GRAPH_PATTERN,
    KEYWORDS,
    MODIFIERS,
    QUERY_FORM,
    Text,
    lexical_findings,
    line_column,
)

_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
# One expected symbol: a quoted literal, a character class, or a keyword; or a sentence of
# the parser's own (a rule that failed with a message, such as "SELECT * is not authorized
# with GROUP BY"), which runs to the next ", " outside quotes and classes.
_SYMBOL = re.compile(r"\"(?:[^\"\\]|\\.)*\"|\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]|[^,\s\"\[](?:[^,]|,(?! ))*")

PATTERN_KEYWORDS = frozenset({"OPTIONAL", "LATERAL", "SERVICE", "GRAPH", "MINUS", "FILTER", "BIND", "UNION"})
MODIFIER_KEYWORDS = frozenset({"GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"})
NON_FUNCTIONS = PATTERN_KEYWORDS | MODIFIER_KEYWORDS | QUERY_FORMS | {"BY", "NAMED", "DISTINCT", "AS", "WHERE"}
# Operators that could continue an expression: the parser lists them, a person needs none.
NOISE = frozenset({"NOT", "IN"})
FAMILIES = (GRAPH_PATTERN, MODIFIERS, EXPRESSION, QUERY_FORM)
# Only where the parser stopped: what may follow BY is too varied to check beforehand.
AFTER_KEYWORD = {"BY": "a variable or an expression in parentheses"} | {k: v[1] for k, v in FOLLOWERS.items()}
NEAR_LENGTH = 30


@dataclass(frozen=True)
class SyntaxProblem:
    """Where a query goes wrong and what it needed there, with the parser's own words."""

    line: int
    column: int
    near: str | None  # the text at the mistake; None at the end of the query
    explanation: str  # what was expected there, in words
    parser: str  # the parser's message, unchanged

    def sentence(self) -> str:
        where = "at the end of the query" if self.near is None else f"near '{self.near}'"
        return f"Syntax error at line {self.line}, column {self.column} {where}: {self.explanation}"


class QuerySyntaxError(QueryError):
    """A query the parser cannot read; ``str()`` is the sentence, the problem details add the rest."""

    title = "SPARQL syntax error"

    def __init__(self, problem: SyntaxProblem) -> None:
        super().__init__(problem.sentence())
        self.problem = problem

    def problem_fields(self) -> dict[str, object]:
        return {"line": self.problem.line, "column": self.problem.column, "parser": self.problem.parser}


def explain(query: str, parser_message: str) -> SyntaxProblem | None:
    """The problem behind ``parser_message`` (pyoxigraph's ``SyntaxError`` text) in ``query``.

    ``None`` if the message is not a positioned parser error (a remote store's, say): the
    caller then shows it as it is. Never raises.
    """
    match = _POSITION.match(parser_message.strip())
    if match is None:
        return None
    reached = min(_offset(query, int(match.group(1)), int(match.group(2))), len(query))
    text = Text(query)
    findings = [f for f in lexical_findings(text) if f.offset <= reached]
    if findings:
        finding = min(findings, key=lambda f: f.offset)  # min keeps the first of equal offsets
        if not (finding.parser_knows_better and finding.offset == reached):
            return _problem(text, finding.offset, finding.explanation, parser_message)
    symbols = _SYMBOL.findall(match.group(3).removeprefix("expected one of ").removeprefix("expected "))
    sentences = [s for s in symbols if " " in s and s[0] not in "[\""]
    explanation = sentences[0] if sentences else _expected(symbols, text, reached)
    return _problem(text, reached, explanation, parser_message)


def syntax_error(query: str, parser_message: str) -> QueryError:
    """The error to raise for a parser message: a ``QuerySyntaxError`` if it can be explained."""
    problem = explain(query, parser_message)
    return QuerySyntaxError(problem) if problem is not None else QueryError(parser_message)


# --- what the parser expected ----------------------------------------------------------------


def _expected(symbols: list[str], text: Text, offset: int) -> str:
    """The parser's expected symbols at ``offset`` in words, read in the context of the braces there."""
    index = bisect_left(text.starts, offset)
    previous = text.toks[index - 1] if index > 0 else None
    if previous is not None and previous.keyword in AFTER_KEYWORD and previous.end <= offset:
        return f"expected {AFTER_KEYWORD[previous.keyword]} after {previous.keyword}"
    depth, parens, _ = text.context(offset)
    words: list[str] = []
    for symbol in symbols:
        phrase = _phrase(symbol, depth=depth, parens=parens)
        if phrase and phrase not in words:
            words.append(phrase)
    if not words:
        return ""  # nothing to say but where: _problem words it
    words.sort(key=lambda w: w in FAMILIES)  # the specific first, the families (with their own "or") last
    return "expected " + (words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}")


def _phrase(symbol: str, *, depth: int, parens: int) -> str | None:
    """One expected symbol in words; ``None`` for symbols that say nothing to a person."""
    if symbol.startswith("["):
        if symbol == "[_]" or "'A'" not in symbol and "'0'" not in symbol:
            return None
        return "a number" if "'A'" not in symbol else "a prefixed name such as 'cg:Cluster'"
    if symbol.startswith('"'):
        text = symbol[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        if text in ("?", "$"):
            return "a variable such as '?x'"
        if text in ("<", "<<"):
            return "an IRI such as '<https://...>'"
        if text == ":":
            return "a prefixed name such as 'cg:Cluster'"
        if text in ('"', "'", '"""', "'''"):
            return "a string"
        if text.startswith("\\"):
            return "the closing quote of the string"
        if text in ("_:", "["):
            return "a blank node"
        if text in ("true", "false", "+", "-"):
            return "a number, a string or true/false"
        if text in ("<<(", "{|", "~"):
            return None  # RDF 1.2 syntax nobody here is looking for
        return f"'{text}'"
    word = symbol.upper()
    if word in NOISE:
        return None
    if word in PATTERN_KEYWORDS and depth > 0 and parens == 0:
        return GRAPH_PATTERN
    if word in MODIFIER_KEYWORDS | PATTERN_KEYWORDS and depth == 0:
        return MODIFIERS
    if word in QUERY_FORMS:
        return QUERY_FORM
    if word in KEYWORDS and word not in NON_FUNCTIONS:
        return EXPRESSION
    if word in PATTERN_KEYWORDS:
        return None  # a pattern keyword inside an expression: the parser's detour
    return f"'{word}'"


# --- positions -------------------------------------------------------------------------------


def _offset(query: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column (the parser counts characters)."""
    start = 0
    for _ in range(line - 1):
        newline = query.find("\n", start)
        if newline < 0:
            return len(query)
        start = newline + 1
    return start + column - 1


def _problem(text: Text, offset: int, explanation: str, parser: str) -> SyntaxProblem:
    query = text.query
    index = bisect_left([t.end for t in text.toks], offset + 1)
    near = text.toks[index].text if index < len(text.toks) and offset < len(query.rstrip()) else None
    if near is not None and len(near) > NEAR_LENGTH:
        near = near[: NEAR_LENGTH - 3] + "..."
    if not explanation:
        explanation = "the query cannot go on like this here" if near else "the query ends before it is complete"
    line, column = line_column(query, min(offset, len(query)))
    return SyntaxProblem(line, column, near, explanation, parser)
