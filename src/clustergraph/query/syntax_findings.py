"""Mistakes in a SPARQL query that a lexer can see, each with where it is and what was expected.

The parser of the engine says only how far it got; these checks, run on the project's
lexer tokens, say where a query first goes wrong in ways a person makes: an unclosed
string or IRI, a prefix never declared, a word that is no keyword, a triple pattern cut
short, a bracket closing the wrong thing, a keyword without what must follow it. Each
finding is a fact about the text, found without parsing it; ``syntax_errors`` decides which
one explains the parser's error.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from dataclasses import dataclass

from clustergraph.query.sparql_text import QUERY_FORMS, UPDATE_KEYWORDS, Token, tokens

KEYWORDS = frozenset(
    """SELECT CONSTRUCT DESCRIBE ASK BASE PREFIX FROM NAMED WHERE ORDER BY ASC DESC LIMIT OFFSET
    DISTINCT REDUCED GROUP HAVING AS VALUES UNDEF OPTIONAL GRAPH SERVICE SILENT BIND MINUS UNION
    FILTER NOT IN EXISTS A TRUE FALSE LATERAL VERSION LOAD CLEAR DROP CREATE ADD MOVE COPY INSERT
    DELETE DATA WITH USING DEFAULT ALL INTO TO COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR
    STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE
    LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES
    SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT
    SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE TRIPLE SUBJECT PREDICATE
    OBJECT ISTRIPLE LANGDIR STRLANGDIR HASLANG HASLANGDIR ADJUST""".split()
)

GRAPH_PATTERN = "a graph pattern such as '?s ?p ?o', 'OPTIONAL', 'FILTER' or '}'"
MODIFIERS = "'GROUP BY', 'ORDER BY', 'LIMIT', 'OFFSET' or the end of the query"
EXPRESSION = "an expression such as '?x', a number, a string or a function call like STR(?x)"
QUERY_FORM = "a query form: SELECT, CONSTRUCT, ASK or DESCRIBE"
# What must follow these keywords: the tokens (kinds, keywords or punctuation) that may, and in words.
FOLLOWERS: dict[str, tuple[frozenset[str], str]] = {
    "LIMIT": (frozenset({"number"}), "a whole number"),
    "OFFSET": (frozenset({"number"}), "a whole number"),
    "AS": (frozenset({"var"}), "a variable such as '?x'"),
    "FROM": (frozenset({"iri", "pname", "NAMED"}), "a graph IRI such as '<https://...>' or NAMED"),
    "NAMED": (frozenset({"iri", "pname"}), "a graph IRI such as '<https://...>'"),
    "WHERE": (frozenset({"{"}), "'{'"),
    "ASC": (frozenset({"("}), "'(' as in ASC(?x)"),
    "DESC": (frozenset({"("}), "'(' as in DESC(?x)"),
    "GRAPH": (frozenset({"iri", "pname", "var"}), "a graph IRI or a variable"),
    "SERVICE": (frozenset({"iri", "pname", "var", "SILENT"}), "the IRI of an endpoint"),
}
TERMS = frozenset({"var", "iri", "pname", "bnode", "string", "number"})
PAIRS = {"{": "}", "(": ")", "[": "]"}
OPERATORS = frozenset({"=", "<", ">", "+", "-", "/", "!", "&", "|"})


@dataclass(frozen=True)
class Finding:
    """A mistake at ``offset`` (a character offset into the query), explained."""

    offset: int
    explanation: str
    # A word the parser stopped right at: its expectations say more than "no keyword".
    parser_knows_better: bool = False


class Text:
    """A query with its tokens and, per token, the brackets open before it (computed once:
    a query may be a megabyte long)."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.toks = tokens(query)
        self.contexts: list[tuple[int, int, bool]] = []  # (braces, parentheses, a group closed at top level)
        depth = parens = 0
        after_body = False
        for tok in self.toks:
            self.contexts.append((depth, parens, after_body))
            if tok.kind == "other":
                depth += (tok.text == "{") - (tok.text == "}")
                parens += (tok.text == "(") - (tok.text == ")")
                after_body = after_body or (tok.text == "}" and depth == 0)
        self.contexts.append((depth, parens, after_body))
        self.starts = [t.start for t in self.toks]

    def context(self, offset: int) -> tuple[int, int, bool]:
        """The brackets open at ``offset``."""
        return self.contexts[bisect_left(self.starts, offset)]

    def start(self, i: int) -> int:
        """Where token ``i`` starts; the end of the last token for an index beyond it."""
        if i < len(self.toks):
            return self.toks[i].start
        return self.toks[-1].end if self.toks else 0


def lexical_findings(text: Text) -> list[Finding]:
    """Every mistake the lexer can see, in order of preference at equal offsets."""
    return (
        _token_findings(text)
        + _prologue_findings(text)
        + _word_findings(text)
        + _triple_findings(text)
        + _bracket_findings(text)
    )


def _token_findings(text: Text) -> list[Finding]:
    """Tokens that cannot stand where they are: an unclosed string or IRI, a lone '@', an
    operator without its right operand, ORDER or GROUP without BY, an empty SELECT clause."""
    findings: list[Finding] = []
    toks = text.toks
    for i, tok in enumerate(toks):
        following = toks[i + 1] if i + 1 < len(toks) else None
        if tok.kind == "other" and tok.text in "\"'":
            findings.append(Finding(tok.start, f"expected a closing {tok.text} for the string that starts here"))
        elif tok.kind == "other" and tok.text == "<" and _looks_like_open_iri(text, tok):
            findings.append(Finding(tok.start, "expected '>' to close the IRI that starts here (IRIs have no spaces)"))
        elif tok.kind == "other" and tok.text == "@":
            findings.append(Finding(tok.start, "expected a language tag such as '@en' right after the string"))
        elif tok.kind == "other" and tok.text in OPERATORS and following is not None and following.text in ",)":
            findings.append(Finding(following.start, f"expected an expression after '{tok.text}'"))
        elif tok.keyword in ("ORDER", "GROUP") and (following is None or following.keyword != "BY"):
            findings.append(Finding(text.start(i + 1), f"expected 'BY' after {tok.keyword}"))
        elif tok.keyword in FOLLOWERS and not _may_follow(following, FOLLOWERS[tok.keyword][0]):
            findings.append(Finding(text.start(i + 1), f"expected {FOLLOWERS[tok.keyword][1]} after {tok.keyword}"))
        elif tok.keyword == "SELECT":
            findings += _select_clause_findings(text, i)
    return findings


def _may_follow(tok: Token | None, accepted: frozenset[str]) -> bool:
    return tok is not None and (tok.kind in accepted or tok.keyword in accepted or tok.text in accepted)


def _triple_findings(text: Text) -> list[Finding]:
    """A triple pattern cut short before a '.' or '}': fewer terms after a '{' or '.' than
    subject, predicate and object, after a ';' than predicate and object, after a ',' than
    an object (outside VALUES blocks, where rows of terms are data)."""
    findings: list[Finding] = []
    run: list[Token] = []
    values_depth: int | None = None  # the brace depth of an open VALUES block
    needed = 0  # terms the pattern needs since the last '{', '.', ';' or ','
    calls: list[bool] = []  # per open '(': whether it opens a call
    for i, tok in enumerate(text.toks):
        depth = text.contexts[i][0]
        if tok.kind in TERMS or tok.text == "a":
            run.append(tok)
            continue
        if tok.kind == "langtag" and run:
            continue  # part of the literal before it
        if tok.text in (".", "}") and 0 < len(run) < needed and values_depth is None:
            shown = " ".join(t.text for t in run)
            wanted = "an object" if needed - len(run) == 1 else "a predicate and an object"
            findings.append(Finding(tok.start, f"expected {wanted} after '{shown}' to complete the triple pattern"))
        if tok.keyword == "VALUES":
            values_depth = depth
        elif values_depth is not None and tok.text == "}" and depth == values_depth + 1:
            values_depth = None
        if tok.text == "(":
            # FILTER(...), BIND(...) or regex(...) end before a new pattern; a path or a list does not
            calls.append(i > 0 and text.toks[i - 1].kind == "word")
        needed = {"{": 3, ".": 3, "}": 3, ";": 2, ",": 1}.get(tok.text, 0) if tok.kind == "other" else 0
        if tok.text == ")" and calls and calls.pop() and text.contexts[i + 1][1] == 0:
            needed = 3
        if depth == 0 and tok.text != "{":
            needed = 0  # outside the braces no triple patterns are written
        run = []
    return findings


def _select_clause_findings(text: Text, i: int) -> list[Finding]:
    """A SELECT clause without anything to return, or an expression in it without 'AS ?name'."""
    clause: list[Token] = []
    for tok in text.toks[i + 1 :]:
        if tok.text == "{" or tok.keyword in ("WHERE", "FROM"):
            break
        clause.append(tok)
    if not [t for t in clause if t.keyword not in ("DISTINCT", "REDUCED")]:
        return [Finding(text.start(i + 1 + len(clause)), "expected '*' or the variables to return after SELECT")]
    depth = 0
    for j, tok in enumerate(clause):
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
            if depth == 0 and (j < 2 or clause[j - 2].keyword != "AS"):
                if clause[j - 1].kind == "var":
                    name = clause[j - 1]
                    return [Finding(name.start, f"expected 'AS' before '{name.text}' to name the value")]
                return [Finding(tok.start, "expected 'AS ?name' before ')' to name the value of the expression")]
    return []


def _looks_like_open_iri(text: Text, tok: Token) -> bool:
    """A '<' the lexer could not close into an IRI: outside parentheses '<' is never the
    less-than operator; inside, only if an absolute IRI follows it."""
    if text.context(tok.start)[1] == 0:
        return True
    query = text.query
    run = re.match(r"[^<>\"{}|^`\\\x00-\x20]*", query[tok.end :]).group()
    return ("://" in run or run.lower().startswith("urn:")) and not query[tok.end + len(run) :].startswith(">")


def _prologue_findings(text: Text) -> list[Finding]:
    """A malformed ``PREFIX``/``BASE``, a missing query form, prefixes used but not declared."""
    toks = text.toks
    declared: set[str] = set()
    i = 0
    while i < len(toks) and toks[i].keyword in ("PREFIX", "BASE"):
        if toks[i].keyword == "BASE":
            if i + 1 >= len(toks) or toks[i + 1].kind != "iri":
                return [Finding(text.start(i + 1), "expected the base IRI in '<...>' after BASE")]
            i += 2
            continue
        if i + 1 >= len(toks) or toks[i + 1].kind != "pname" or not toks[i + 1].text.endswith(":"):
            return [Finding(text.start(i + 1), "expected a prefix name ending in ':' after PREFIX, such as 'ex:'")]
        if i + 2 >= len(toks) or toks[i + 2].kind != "iri":
            return [Finding(text.start(i + 2), "expected the namespace IRI in '<...>' after the prefix name")]
        declared.add(toks[i + 1].text[:-1])
        i += 3
    findings: list[Finding] = []
    first = toks[i] if i < len(toks) else None
    if first is None or (first.keyword not in QUERY_FORMS and not _unknown_word(first)):
        update = first is not None and first.keyword in UPDATE_KEYWORDS
        what = f"'{first.text}' starts a SPARQL Update, not a query; expected" if update else "expected"
        findings.append(Finding(text.start(i), f"{what} {QUERY_FORM}"))
    for tok in toks[i:]:
        prefix = tok.text.split(":", 1)[0]
        if tok.kind == "pname" and prefix not in declared:
            findings.append(
                Finding(
                    tok.start, f"the prefix '{prefix}:' is not declared; add 'PREFIX {prefix}: <...>' before the query"
                )
            )
    return findings


def _unknown_word(tok: Token) -> bool:
    """A bare word that is no keyword (letters the lexer's ASCII words miss count too)."""
    if tok.kind == "word":
        return tok.keyword not in KEYWORDS
    return tok.kind == "other" and tok.text.isalpha()


def _word_findings(text: Text) -> list[Finding]:
    """Bare words that are no SPARQL keyword (a misspelt keyword, a variable without '?')."""
    findings = []
    for tok in text.toks:
        if not _unknown_word(tok):
            continue
        close = difflib.get_close_matches(tok.text.upper(), KEYWORDS, n=1, cutoff=0.8)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else f"a variable is written '?{tok.text}', an IRI '<...>' or 'prefix:name'"
        )
        depth, parens, after_body = text.context(tok.start)
        wanted = EXPRESSION if parens else GRAPH_PATTERN if depth else MODIFIERS if after_body else None
        words = f"'{tok.text}' is not a SPARQL keyword; {hint}"
        if wanted is not None:
            words = f"expected {wanted}, but {words}"
        findings.append(Finding(tok.start, words, parser_knows_better=True))
    return findings


def _bracket_findings(text: Text) -> list[Finding]:
    """The first bracket that closes nothing or the wrong thing, or the first left open."""
    open_: list[Token] = []
    for tok in text.toks:
        if tok.kind != "other":
            continue
        if tok.text in PAIRS:
            open_.append(tok)
        elif tok.text in PAIRS.values():
            if not open_:
                return [Finding(tok.start, f"this '{tok.text}' closes nothing; remove it or add its opening bracket")]
            opener = open_.pop()
            if PAIRS[opener.text] != tok.text:
                closing = PAIRS[opener.text]
                where = _at(text.query, opener.start)
                return [Finding(tok.start, f"expected '{closing}' to close the '{opener.text}' at {where} first")]
    if open_:
        opener = open_[-1]
        closing = PAIRS[opener.text]
        where = _at(text.query, opener.start)
        return [Finding(text.start(len(text.toks)), f"expected '{closing}' to close the '{opener.text}' at {where}")]
    return []


def line_column(query: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of an offset."""
    line = query.count("\n", 0, offset) + 1
    return line, offset - (query.rfind("\n", 0, offset) + 1) + 1


def _at(query: str, offset: int) -> str:
    line, column = line_column(query, offset)
    return f"line {line}, column {column}"
