"""Reading just enough of a SPARQL text to forward it safely to a remote store.

A remote store evaluates the text itself, so the checks the embedded engine gives
for free must be made on the text: is it a query or an update, where does the
WHERE clause open (to pre-bind variables with a ``VALUES`` block), does it name its
own dataset (``FROM``), and does it reach outside SPARQL. Virtuoso, for one,
executes an update sent as a query, lets queries call any SQL function through
``bif:``/``sql:`` IRIs (``bif:http_get``, ``bif:getenv``...) and takes ``DEFINE``
pragmas that make it fetch URLs.

This is a tokenizer, not a parser: strings, IRIs and comments are skipped exactly
as the SPARQL grammar lexes them, so braces or keywords inside them are never
mistaken for structure. Anything it cannot place is left to the store's own
parser, which answers with its message.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from pyoxigraph import BlankNode, Literal, NamedNode

from clustergraph.errors import Forbidden, QueryError

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_FORMS = frozenset({"INSERT", "DELETE", "WITH", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "LOAD"})
# IRI schemes through which Virtuoso calls its SQL engine from SPARQL.
ENGINE_SCHEMES = ("bif:", "sql:")

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_VAR = re.compile(r"[?$][A-Za-z0-9_\u00B7-\uFFFF]+")
# Prefixed names (with an optional prefix) and bare words (keywords, 'a', true/false).
_NAME = re.compile(r"(?:[A-Za-z\u00C0-\uFFFF][\w\u00B7-\uFFFF.-]*)?:(?:[\w\u00B7-\uFFFF:%.\\-]*[\w\u00B7-\uFFFF:%\\-])?|[A-Za-z_][\w]*")
_NUMBER = re.compile(r"[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?")
_LANGTAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_STRING_STARTS = ('"""', "'''", '"', "'")
_VARIABLE_NAME = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class Token:
    kind: str  # "iri", "pname", "word", "var", "string", "number", "lang", "punct"
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def tokenize(text: str) -> list[Token]:
    """The tokens of a SPARQL text, without whitespace and comments.

    Raises ``QueryError`` for an unterminated string (the only thing that makes the
    rest of the text unreadable).
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch == "<":
            match = _IRIREF.match(text, i)
            if match:
                tokens.append(Token("iri", match.group()[1:-1], i, match.end()))
                i = match.end()
                continue
        if ch in "\"'":
            end = _string_end(text, i)
            tokens.append(Token("string", text[i:end], i, end))
            i = end
            continue
        if ch in "?$":
            match = _VAR.match(text, i)
            if match:
                tokens.append(Token("var", match.group()[1:], i, match.end()))
                i = match.end()
                continue
        if ch == "@":
            match = _LANGTAG.match(text, i)
            if match:
                tokens.append(Token("lang", match.group(), i, match.end()))
                i = match.end()
                continue
        if ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit()):
            match = _NUMBER.match(text, i)
            if match:
                tokens.append(Token("number", match.group(), i, match.end()))
                i = match.end()
                continue
        match = _NAME.match(text, i)
        if match and match.end() > i:
            word = match.group()
            tokens.append(Token("pname" if ":" in word else "word", word, i, match.end()))
            i = match.end()
            continue
        tokens.append(Token("punct", ch, i, i + 1))
        i += 1
    return tokens


def _string_end(text: str, start: int) -> int:
    for quote in _STRING_STARTS:
        if text.startswith(quote, start):
            break
    i = start + len(quote)
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(quote, i):
            return i + len(quote)
        if len(quote) == 1 and text[i] in "\r\n":
            break
        i += 1
    raise QueryError(f"unterminated string starting at character {start + 1}")


@dataclass(frozen=True)
class SparqlText:
    """What the forwarding code needs to know about one query or update text."""

    text: str
    tokens: tuple[Token, ...]
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, INSERT, ... or None
    prefixes: Mapping[str, str]

    @classmethod
    def read(cls, text: str) -> SparqlText:
        tokens = tuple(tokenize(text))
        prefixes: dict[str, str] = {}
        form = None
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.kind == "word" and tok.upper == "PREFIX" and i + 2 < len(tokens):
                name, iri = tokens[i + 1], tokens[i + 2]
                if name.kind == "pname" and iri.kind == "iri":
                    prefixes[name.text[:-1]] = iri.text
                i += 3
                continue
            if tok.kind == "word" and tok.upper in QUERY_FORMS | UPDATE_FORMS and form is None:
                form = tok.upper
            i += 1
        return cls(text, tokens, form, prefixes)

    @property
    def is_query(self) -> bool:
        return self.form in QUERY_FORMS

    @property
    def is_graph_query(self) -> bool:
        """CONSTRUCT or DESCRIBE: the answer is RDF, not a table."""
        return self.form in ("CONSTRUCT", "DESCRIBE")

    @property
    def has_dataset_clause(self) -> bool:
        """The text names its own dataset with FROM / FROM NAMED (or USING in an update)."""
        return any(t.kind == "word" and t.upper in ("FROM", "USING") for t in self.tokens)

    def words(self) -> Iterable[str]:
        return (t.upper for t in self.tokens if t.kind == "word")

    def iris(self) -> Iterable[str]:
        """Every IRI written in the text, prefixed names expanded where the prefix is declared."""
        for tok in self.tokens:
            if tok.kind == "iri":
                yield tok.text
            elif tok.kind == "pname":
                prefix, _, local = tok.text.partition(":")
                yield self.prefixes.get(prefix, prefix + ":") + local

    def service_targets(self) -> list[str | None]:
        """The endpoint of every SERVICE clause (``None`` for a variable or an unreadable one)."""
        targets: list[str | None] = []
        for i, tok in enumerate(self.tokens):
            if tok.kind != "word" or tok.upper != "SERVICE":
                continue
            j = i + 1
            if j < len(self.tokens) and self.tokens[j].kind == "word" and self.tokens[j].upper == "SILENT":
                j += 1
            target = self.tokens[j] if j < len(self.tokens) else None
            if target is not None and target.kind == "iri":
                targets.append(target.text)
            elif target is not None and target.kind == "pname":
                prefix, _, local = target.text.partition(":")
                targets.append(self.prefixes[prefix] + local if prefix in self.prefixes else None)
            else:
                targets.append(None)
        return targets

    def where_body_start(self) -> int | None:
        """Character offset just after the ``{`` that opens the query's WHERE clause."""
        if not self.is_query:
            return None
        tokens = self.tokens
        i = next(k for k, t in enumerate(tokens) if t.kind == "word" and t.upper == self.form) + 1
        if self.form == "CONSTRUCT" and i < len(tokens) and tokens[i].text == "{":
            i = _skip_group(tokens, i)  # the template, not the pattern
        parens = 0
        for tok in tokens[i:]:
            if tok.kind != "punct":
                continue
            if tok.text == "(":
                parens += 1
            elif tok.text == ")":
                parens -= 1
            elif tok.text == "{" and parens == 0:  # braces in (EXISTS {...} AS ?x) are skipped
                return tok.end
        return None


def _skip_group(tokens: tuple[Token, ...], i: int) -> int:
    depth = 0
    for k in range(i, len(tokens)):
        if tokens[k].kind == "punct" and tokens[k].text == "{":
            depth += 1
        elif tokens[k].kind == "punct" and tokens[k].text == "}":
            depth -= 1
            if depth == 0:
                return k + 1
    return len(tokens)


def require_query(sparql: SparqlText) -> None:
    """Raise ``QueryError`` unless the text is a query (some stores execute an update sent as one)."""
    if sparql.form is None:
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    if not sparql.is_query:
        raise QueryError(f"{sparql.form} is an update, not a query: send it as an update")


def require_update(sparql: SparqlText) -> None:
    """Raise ``QueryError`` unless the text is an update; ``Forbidden`` for LOAD (it fetches URLs or files)."""
    if sparql.form is None or sparql.is_query:
        raise QueryError("not a SPARQL update: expected INSERT, DELETE, CLEAR, DROP, CREATE, ADD, MOVE or COPY")
    if "LOAD" in sparql.words():
        raise Forbidden("LOAD is not allowed on a remote store: it makes the store fetch URLs or files")


def require_plain_sparql(sparql: SparqlText, *, service_allowlist: Iterable[str] = (), allow_private: bool = False) -> None:
    """Refuse what would let a text reach outside the SPARQL dataset on the store's side.

    - ``DEFINE`` pragmas (Virtuoso: they can make the store fetch URLs);
    - IRIs in the ``bif:``/``sql:`` schemes (Virtuoso: calls into its SQL engine);
    - ``SERVICE`` to anything but an allow-listed endpoint, and to loopback or private
      addresses unless ``allow_private``; the remote store would make the call itself,
      past the checks the service makes for the embedded store.

    Raises ``Forbidden``.
    """
    if "DEFINE" in sparql.words():
        raise Forbidden("DEFINE pragmas are not allowed: they are store-specific and can make the store fetch URLs")
    for iri in sparql.iris():
        if iri.lower().startswith(ENGINE_SCHEMES):
            raise Forbidden(f"<{iri}>: functions of the store's SQL engine (bif:, sql:) are not allowed")
    allowed = {_normal_endpoint(url) for url in service_allowlist}
    for target in sparql.service_targets():
        if target is None:
            raise Forbidden("SERVICE needs a fixed endpoint IRI from the allow-list, not a variable")
        if _normal_endpoint(target) not in allowed:
            raise Forbidden(f"SERVICE <{target}> is not on the allow-list (CLUSTERGRAPH_SERVICE_ALLOWLIST)")
        if not allow_private and _is_private(target):
            raise Forbidden(f"SERVICE <{target}> points to a loopback or private address")


def _normal_endpoint(url: str) -> str:
    return url.strip().rstrip("/")


def _is_private(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_unspecified


def values_block(substitutions: Mapping[str, object]) -> str:
    """A ``VALUES`` clause binding each variable to one term, in N-Triples syntax.

    Raises ``QueryError`` for a bad variable name or a term a remote store cannot
    receive (blank nodes cannot be addressed in a query).
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


def prefix_lines(prefixes: Mapping[str, str]) -> str:
    """``PREFIX`` declarations; raises ``QueryError`` for a bad prefix name or IRI."""
    lines = []
    for name, iri in prefixes.items():
        if name and (not re.fullmatch(r"[A-Za-z][\w.-]*", name) or name.endswith(".")):
            raise QueryError(f"bad prefix name {name!r}")
        try:
            node = NamedNode(iri)
        except ValueError as err:
            raise QueryError(f"bad prefix IRI {iri!r}: {err}") from err
        lines.append(f"PREFIX {name}: {node}\n")
    return "".join(lines)


def with_substitutions(sparql: SparqlText, substitutions: Mapping[str, object]) -> str:
    """The query text with a ``VALUES`` block at the start of its WHERE clause.

    This pre-binds the variables the way a ``VALUES`` clause at that place does; it
    differs from the embedded engine's substitution only inside sub-queries that do
    not project the variable. Raises ``QueryError`` if the WHERE clause is not found.
    """
    if not substitutions:
        return sparql.text
    at = sparql.where_body_start()
    if at is None:
        raise QueryError("cannot bind variables: the query's WHERE clause was not found")
    return sparql.text[:at] + values_block(substitutions) + sparql.text[at:]
