"""What a remote store must check and change in a SPARQL text before forwarding it.

A remote store evaluates the text itself, so what the embedded engine gives for free
must be done on the text, with the project's lexer (``clustergraph.query.sparql_text``):

- refuse an update sent as a query (Virtuoso executes it) and a query sent as an update;
- refuse what reaches outside the dataset on the store's side: Virtuoso's ``DEFINE``
  pragmas (some fetch URLs), its ``bif:``/``sql:`` functions (``bif:http_get``,
  ``bif:getenv``, any stored procedure) and ``LOAD``; ``SERVICE`` goes through the
  federation guard (``clustergraph.query.guard``) like every other request;
- pre-bind variables with a ``VALUES`` block at the start of the WHERE clause, since the
  protocol has no way to send bindings;
- find the graphs that ``GRAPH`` clauses name, which Virtuoso must be sent as named graphs
  (``graph_iris``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pyoxigraph import BlankNode, Literal, NamedNode

from clustergraph.errors import Forbidden, QueryError
from clustergraph.query.sparql_text import (
    QUERY_FORMS,
    Token,
    declared_prefixes,
    request_form,
    tokens,
    unescape_iri,
)

# IRI schemes (and Virtuoso's built-in prefixes) through which Virtuoso calls its SQL engine.
ENGINE_SCHEMES = ("bif", "sql")
_VARIABLE_NAME = re.compile(r"^[A-Za-z0-9_]+$")
_PREFIX_NAME = re.compile(r"^(?:[A-Za-z][\w.-]*[\w-])?$")


def require_query(text: str) -> str:
    """The form of a query (SELECT, ASK, CONSTRUCT, DESCRIBE); ``QueryError`` for anything else."""
    form = request_form(text)
    if form == "UPDATE":
        raise QueryError("this is a SPARQL Update, not a query: send it as an update")
    if form not in QUERY_FORMS:
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return form


def require_update(text: str) -> None:
    """``QueryError`` unless the text is an update; ``Forbidden`` for LOAD (it fetches URLs or files)."""
    if request_form(text) != "UPDATE":
        raise QueryError("not a SPARQL update: expected INSERT, DELETE, CLEAR, DROP, CREATE, ADD, MOVE or COPY")
    if any(tok.keyword == "LOAD" for tok in tokens(text)):
        raise Forbidden("LOAD is not allowed on a remote store: it makes the store fetch URLs or files")


def require_plain_sparql(text: str) -> None:
    """Refuse store extensions that reach outside SPARQL: ``DEFINE`` pragmas and ``bif:``/``sql:`` functions.

    Raises ``Forbidden``. (A prefix named ``bif`` or ``sql`` is refused even when it is
    declared otherwise: Virtuoso predefines both.)
    """
    for tok in tokens(text):
        if tok.keyword == "DEFINE":
            raise Forbidden("DEFINE pragmas are not allowed: they are store-specific and can make the store fetch URLs")
        if _engine_function(tok):
            raise Forbidden(f"{tok.text}: functions of the store's SQL engine (bif:, sql:) are not allowed")


def _engine_function(tok: Token) -> bool:
    if tok.kind == "iri":
        scheme = unescape_iri(tok.text).split(":", 1)[0].lower()
        return scheme in ENGINE_SCHEMES
    if tok.kind == "pname":
        return tok.text.split(":", 1)[0].lower() in ENGINE_SCHEMES
    return False


def where_body_start(text: str) -> int | None:
    """Character offset just after the ``{`` that opens a query's WHERE clause (``None`` if none)."""
    toks = tokens(text)
    form = next((i for i, t in enumerate(toks) if t.keyword in QUERY_FORMS), None)
    if form is None:
        return None
    i = form + 1
    if toks[form].keyword == "CONSTRUCT" and i < len(toks) and toks[i].text == "{":
        opening = toks[i]  # the template, not the pattern: skip to its closing brace
        i = next((k for k in range(i + 1, len(toks)) if toks[k].text == "}" and toks[k].depth == opening.depth), len(toks)) + 1
    parens = 0
    for tok in toks[i:]:
        if tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif tok.text == "{" and parens == 0:  # braces in (EXISTS {...} AS ?x) are not the WHERE clause
            return tok.end
    return None


def values_block(substitutions: Mapping[str, object]) -> str:
    """A ``VALUES`` clause binding each variable to one term, written in N-Triples syntax.

    Raises ``QueryError`` for a bad variable name or a term a remote store cannot receive
    (a blank node cannot be addressed in a query).
    """
    names, terms = [], []
    for name, term in substitutions.items():
        if not _VARIABLE_NAME.match(name):
            raise QueryError(f"bad variable name {name!r}")
        if isinstance(term, BlankNode) or not isinstance(term, NamedNode | Literal):
            raise QueryError(f"?{name}: only IRIs and literals can be bound on a remote store")
        names.append(f"?{name}")
        terms.append(str(term))
    return f" VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }} "


def with_substitutions(text: str, substitutions: Mapping[str, object]) -> str:
    """The query with a ``VALUES`` block at the start of its WHERE clause.

    This pre-binds the variables as a ``VALUES`` clause at that place does; unlike the
    embedded engine, the variable need not be projected. Raises ``QueryError`` if the
    WHERE clause is not found.
    """
    if not substitutions:
        return text
    at = where_body_start(text)
    if at is None:
        raise QueryError("cannot bind variables: the query's WHERE clause was not found")
    return text[:at] + values_block(substitutions) + text[at:]


def prefix_lines(prefixes: Mapping[str, str]) -> str:
    """``PREFIX`` declarations; raises ``QueryError`` for a bad prefix name or IRI."""
    lines = []
    for name, iri in prefixes.items():
        if not _PREFIX_NAME.match(name):
            raise QueryError(f"bad prefix name {name!r}")
        try:
            node = NamedNode(iri)
        except ValueError as err:
            raise QueryError(f"bad prefix IRI {iri!r}: {err}") from err
        lines.append(f"PREFIX {name}: {node}\n")
    return "".join(lines)


_LOCAL_ESCAPE = re.compile(r"\\(.)")


def graph_iris(text: str) -> list[str]:
    """The absolute IRIs that a query's ``GRAPH`` clauses name, written as IRIs or as prefixed
    names of its prologue (others, and graph variables, are left out), each once."""
    if "graph" not in text.lower():
        return []
    prefixes = declared_prefixes(text)
    toks = tokens(text)
    found: dict[str, None] = {}
    for tok, target in zip(toks, toks[1:]):
        if tok.keyword != "GRAPH":
            continue
        iri = None
        if target.kind == "iri":
            iri = unescape_iri(target.text)
        elif target.kind == "pname":
            prefix, _, local = target.text.partition(":")
            if prefix in prefixes:
                iri = prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)
        if iri is not None and ":" in iri:
            found[iri] = None
    return list(found)
