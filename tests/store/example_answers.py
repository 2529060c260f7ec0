"""Query answers in a form that compares exactly across stores.

A SELECT answer is its rows, sorted (so order does not count but every duplicate does),
each term in N-Triples syntax: a language tag, a datatype or a lexical form that differs
is a different answer. A graph answer is its set of triples, an ASK answer its boolean.

The one thing normalised is what SPARQL leaves to each store: the order in which
``GROUP_CONCAT`` joins its values. A column made by ``GROUP_CONCAT`` (found in the query
text, with its separator) is compared as its sorted parts, with the literal's language
and datatype. Literal forms a store normalises on its own (Virtuoso's ``"1.50"`` ->
``"1.5"``, booleans as 1/0) are put right by the remote adapter
(``store/remote.py``, ``canonical_value``), not here: a store that still returns another
form differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyoxigraph import Literal, QueryBoolean, QuerySolutions, QueryTriples

from clustergraph.query.sparql_text import tokens

_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")


@dataclass(frozen=True)
class Answer:
    """A query result, comparable with ``==`` (see the module docstring)."""

    form: str  # "rows", "triples" or "boolean"
    items: tuple

    def __len__(self) -> int:
        return len(self.items)


def _unescape(match: re.Match) -> str:
    code = match.group(1)
    if code[0] in "uU" and len(code) > 1:
        return chr(int(code[1:], 16))
    return _ESCAPES.get(code, code)


def sparql_string(token: str) -> str:
    """The value of a SPARQL string literal as written (quotes and escapes removed)."""
    quote = 3 if token[:3] in ('"""', "'''") else 1
    return _ESCAPE.sub(_unescape, token[quote:-quote])


def concat_separators(sparql: str) -> dict[str, str]:
    """For each variable bound to an expression with ``GROUP_CONCAT``, its separator.

    The variable is the one named by the first ``AS ?var`` after the call, so a call inside
    another expression (``STRLANG(GROUP_CONCAT(...), "en") AS ?names``) counts too. Raises
    ``ValueError`` if a ``GROUP_CONCAT`` is not followed by ``AS ?var`` or two calls bound
    to one variable use different separators.
    """
    toks = tokens(sparql)
    found: dict[str, str] = {}
    for i, tok in enumerate(toks):
        if tok.kind != "word" or tok.text.upper() != "GROUP_CONCAT":
            continue
        separator, depth, j = " ", 0, i + 1
        while j < len(toks):
            text = toks[j].text
            depth += text == "("
            depth -= text == ")"
            after = [t.text.lower() for t in toks[j + 1 : j + 3]]
            if (
                depth == 1
                and text == ";"
                and after == ["separator", "="]
                and j + 3 < len(toks)
                and toks[j + 3].kind == "string"
            ):
                separator = sparql_string(toks[j + 3].text)
            j += 1
            if depth == 0:
                break
        while j < len(toks) and not (toks[j].kind == "word" and toks[j].text.upper() == "AS"):
            j += 1
        if j + 1 >= len(toks) or toks[j + 1].kind != "var":
            raise ValueError(f"GROUP_CONCAT at offset {tok.start} is not bound to a variable with AS")
        name = toks[j + 1].text[1:]
        if found.setdefault(name, separator) != separator:
            raise ValueError(f"?{name} is made by GROUP_CONCATs with different separators")
    return found


def answer_of(result, sparql: str) -> Answer:
    """``result`` (of the query ``sparql``) as an ``Answer``."""
    if isinstance(result, QueryBoolean):
        return Answer("boolean", (bool(result),))
    if isinstance(result, QueryTriples):
        return Answer("triples", tuple(sorted({str(t) for t in result})))
    if not isinstance(result, QuerySolutions):
        raise TypeError(f"not a query result: {type(result).__name__}")
    separators = concat_separators(sparql)
    names = [v.value for v in result.variables]

    def cell(name: str, term) -> str:
        if term is None:
            return ""
        if name in separators and isinstance(term, Literal):
            parts = sorted(term.value.split(separators[name]))
            return repr(("GROUP_CONCAT", parts, term.language, term.datatype.value))
        return str(term)

    rows = [tuple(f"?{n}={cell(n, s[n])}" for n in names) for s in result]
    return Answer("rows", tuple(sorted(rows)))


def difference(expected: Answer, actual: Answer, *, show: int = 3) -> str:
    """What ``actual`` lacks and has beyond ``expected``, briefly (empty if they are equal)."""
    if expected == actual:
        return ""
    if expected.form != actual.form:
        return f"a {actual.form} answer instead of {expected.form}"
    missing, extra = list(expected.items), []
    for item in actual.items:
        if item in missing:
            missing.remove(item)
        else:
            extra.append(item)
    return (
        f"{len(expected)} expected, {len(actual)} given; "
        f"missing {missing[:show]}{' ...' if len(missing) > show else ''}; "
        f"extra {extra[:show]}{' ...' if len(extra) > show else ''}"
    )
