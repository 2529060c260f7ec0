"""A small SPARQL lexer: what the endpoint must know about a request before the engine sees it.

The engine (pyoxigraph) parses and evaluates; this module only answers questions the
engine's API cannot: which ``SERVICE`` endpoints a query would call (to refuse them
*before* any connection is made), whether a query names its own dataset (``FROM``),
which form a request has (query or update), and where an update's operations start, so
``USING`` clauses can be added for the protocol's ``using-graph-uri``.

The lexer follows the SPARQL 1.1 grammar's terminals (IRIs, prefixed names, strings,
comments, variables); anything it cannot classify becomes a one-character token, which
can only make the checks more cautious, never skip a ``SERVICE``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

_LOCAL_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"
_PLX = rf"(?:%[0-9A-Fa-f]{{2}}|{_LOCAL_ESC})"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

# Order matters: earlier alternatives win at the same position.
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][\w\u00B7]+)
  | (?P<bnode>_:[\w](?:[\w.\-]*[\w\-])?)
  | (?P<pname>(?:[^\W\d_](?:[\w.\-]*[\w\-])?)?:(?:(?:[\w:]|{_PLX})(?:(?:[\w.:\-]|{_PLX})*(?:[\w:\-]|{_PLX}))?)?)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})


@dataclass(frozen=True)
class Token:
    kind: str  # iri, string, var, bnode, pname, langtag, number, word, other
    text: str
    start: int
    end: int
    depth: int  # braces open before this token

    @property
    def keyword(self) -> str | None:
        """The upper-cased word for keyword tokens, else ``None``."""
        return self.text.upper() if self.kind == "word" else None


def iter_tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text`` (whitespace and comments dropped), with their brace depth, lazily."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        if value == "}":
            depth = max(depth - 1, 0)
        yield Token(kind, value, match.start(), match.end(), depth)
        if value == "{":
            depth += 1


def tokens(text: str) -> list[Token]:
    """All tokens of ``text``."""
    return list(iter_tokens(text))


def unescape_iri(raw: str) -> str:
    """The IRI inside ``<...>`` with ``\\u`` and ``\\U`` escapes decoded, as the engine reads it."""
    inner = raw[1:-1] if raw.startswith("<") else raw
    return re.sub(_UCHAR, lambda m: chr(int(m.group()[2:], 16)), inner)


def _unescape_local(local: str) -> str:
    """A prefixed name's local part as the engine expands it (``\\/`` → ``/``; ``%2F`` stays)."""
    return re.sub(_LOCAL_ESC, lambda m: m.group()[1:], local)


@dataclass
class _Prologue:
    """BASE and PREFIX declarations seen so far (they accumulate through an update)."""

    base: str | None
    prefixes: dict[str, str] = field(default_factory=dict)

    def resolve(self, token: Token) -> str | None:
        """The absolute IRI an IRI or prefixed-name token stands for; ``None`` if it cannot be known."""
        if token.kind == "iri":
            iri = unescape_iri(token.text)
            try:
                return urljoin(self.base, iri) if self.base else iri
            except ValueError:  # not an IRI urllib can read (``http://[]x``): unknown, so never allowed
                return None
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            namespace = self.prefixes.get(prefix)
            return None if namespace is None else namespace + _unescape_local(local)
        return None


def _walk_prologue(toks: list[Token], base_iri: str | None) -> Iterator[tuple[Token, _Prologue]]:
    """Each token with the prologue in force at it."""
    prologue = _Prologue(base_iri)
    i = 0
    while i < len(toks):
        tok = toks[i]
        word = tok.keyword
        if word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            prologue.base = prologue.resolve(toks[i + 1])
        elif word == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            prologue.prefixes[toks[i + 1].text.rstrip(":")] = prologue.resolve(toks[i + 2]) or ""
        yield tok, prologue
        i += 1


def request_form(text: str) -> str | None:
    """``SELECT``/``ASK``/``CONSTRUCT``/``DESCRIBE`` for a query, ``UPDATE`` for an update, else ``None``."""
    skip = 0
    for tok in iter_tokens(text):  # lazily: only the prologue and one keyword are read
        if skip:
            skip -= 1
            continue
        word = tok.keyword
        if word == "BASE":
            skip = 1
        elif word == "PREFIX":
            skip = 2
        elif word in QUERY_FORMS:
            return word
        elif word in UPDATE_KEYWORDS:
            return "UPDATE"
        else:
            return None
    return None


def declared_prefixes(text: str) -> dict[str, str]:
    """The ``PREFIX`` declarations of a query's prologue (to write its CONSTRUCT result with them)."""
    prefixes: dict[str, str] = {}
    toks = iter_tokens(text)
    for tok in toks:
        word = tok.keyword
        if word == "BASE":
            next(toks, None)
        elif word == "PREFIX":
            name, iri = next(toks, None), next(toks, None)
            if name is not None and iri is not None and name.kind == "pname" and iri.kind == "iri":
                prefixes[name.text.rstrip(":")] = unescape_iri(iri.text)
        else:
            break
    return prefixes


# Deeper nesting than this is refused before the engine parses it: its recursive parser
# needs stack in proportion to the depth, and a few thousand levels end the process.
MAX_NESTING = 1000
_OPENERS = "({["


def nesting_error(text: str, limit: int = MAX_NESTING) -> str | None:
    """A message if groups, brackets or parentheses nest deeper than ``limit``, else ``None``.

    Counted on the lexer's tokens (brackets in strings and IRIs do not count); a text with
    fewer opening brackets than the limit is passed without lexing.
    """
    if sum(text.count(c) for c in _OPENERS) <= limit:
        return None
    depth = deepest = 0
    for tok in iter_tokens(text):
        if tok.kind != "other":
            continue
        if tok.text in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif tok.text in ")}]":
            depth = max(depth - 1, 0)
    if deepest > limit:
        return f"the request nests groups or expressions {deepest} levels deep; this service reads at most {limit}"
    return None


def has_dataset_clause(text: str) -> bool:
    """True if a query names its dataset itself (``FROM`` / ``FROM NAMED``)."""
    return "from" in text.lower() and any(tok.keyword == "FROM" for tok in iter_tokens(text))


def dataset_clauses(text: str, *, base_iri: str | None = None) -> tuple[list[str], list[str]] | None:
    """The graphs a query's ``FROM`` and ``FROM NAMED`` clauses name, as absolute IRIs
    ``(default, named)``; ``None`` if it has none, or one the lexer cannot resolve (the
    engine then reads the clauses itself, and refuses what is wrong with them)."""
    if not has_dataset_clause(text):
        return None
    toks = tokens(text)
    default: list[str] = []
    named: list[str] = []
    for i, (tok, prologue) in enumerate(_walk_prologue(toks, base_iri)):
        if tok.keyword != "FROM" or tok.depth != 0:
            continue
        is_named = i + 1 < len(toks) and toks[i + 1].keyword == "NAMED"
        j = i + 2 if is_named else i + 1
        iri = prologue.resolve(toks[j]) if j < len(toks) else None
        if iri is None:
            return None
        (named if is_named else default).append(iri)
    return default, named


@dataclass(frozen=True)
class ServiceCall:
    """One ``SERVICE`` clause: its endpoint IRI, or ``None`` when it cannot be known before evaluation."""

    endpoint: str | None
    written: str  # as written in the request, for messages
    variable: bool = False
    start: int = -1  # where the endpoint is written in the text (-1: not known)
    end: int = -1

    @property
    def span(self) -> tuple[int, int, str] | None:
        """``(start, end, endpoint)`` for rewriting the call, if its place in the text is known."""
        if self.start < 0 or self.endpoint is None:
            return None
        return (self.start, self.end, self.endpoint)


def service_calls(text: str, *, base_iri: str | None = None) -> list[ServiceCall]:
    """Every ``SERVICE`` clause of a query or update, with its endpoint resolved against the prologue.

    An endpoint given by a variable, or by something that is not an IRI or a prefixed name
    with a declared prefix, has ``endpoint=None``: such calls must be refused.
    """
    if "service" not in text.lower():
        return []
    toks = tokens(text)
    calls: list[ServiceCall] = []
    walked = list(_walk_prologue(toks, base_iri))
    for i, (tok, prologue) in enumerate(walked):
        if tok.keyword != "SERVICE":
            continue
        j = i + 1
        if j < len(toks) and toks[j].keyword == "SILENT":
            j += 1
        if j >= len(toks):
            calls.append(ServiceCall(None, "SERVICE"))
            continue
        target = toks[j]
        if target.kind == "var":
            calls.append(ServiceCall(None, target.text, variable=True))
        else:
            calls.append(ServiceCall(prologue.resolve(target), target.text, start=target.start, end=target.end))
    return calls


@dataclass(frozen=True)
class UpdateOperation:
    """One operation of an update request (operations are separated by ``;``)."""

    keywords: tuple[str, ...]  # the leading keywords, e.g. ("DELETE", "WHERE") or ("WITH",)
    has_using: bool
    where_offset: int | None  # where ``USING`` clauses go (before the WHERE keyword) for DELETE/INSERT ... WHERE


def update_operations(text: str) -> list[UpdateOperation]:
    """The operations of an update request, as far as the protocol layer needs them."""
    ops: list[UpdateOperation] = []
    current: list[Token] = []
    for tok in tokens(text) + [Token("other", ";", len(text), len(text), 0)]:
        if tok.depth == 0 and tok.text == ";":
            if current:
                ops.append(_operation(current))
            current = []
        else:
            current.append(tok)
    return ops


def _operation(toks: list[Token]) -> UpdateOperation:
    i = 0
    while i < len(toks) and toks[i].keyword in ("BASE", "PREFIX"):
        i += 2 if toks[i].keyword == "BASE" else 3
    body = toks[i:]
    top = [t for t in body if t.depth == 0]
    keywords = tuple(t.keyword for t in top[:2] if t.keyword)
    has_using = any(t.keyword == "USING" for t in top)
    where = None
    lead = keywords[0] if keywords else None
    is_modify = lead == "WITH" or (lead in ("DELETE", "INSERT") and keywords[1:2] not in (("DATA",), ("WHERE",)))
    if is_modify:
        for t in top:
            if t.keyword == "WHERE":
                where = t.start
                break
    return UpdateOperation(keywords=keywords, has_using=has_using, where_offset=where)


@dataclass(frozen=True)
class UsingClause:
    """One ``USING [NAMED] <iri>`` clause of an update: its operation, graph and place in the text."""

    operation: int  # index of the operation in the request
    named: bool
    iri: str | None  # None: not resolvable by the lexer
    start: int
    end: int


def using_clauses(text: str, *, base_iri: str | None = None) -> list[UsingClause]:
    """Every ``USING`` clause of an update request, its IRI resolved against the prologue in force."""
    if "using" not in text.lower():
        return []
    toks = tokens(text)
    found: list[UsingClause] = []
    operation = 0
    for i, (tok, prologue) in enumerate(_walk_prologue(toks, base_iri)):
        if tok.depth == 0 and tok.text == ";":
            operation += 1
        if tok.keyword != "USING" or tok.depth != 0:
            continue
        named = i + 1 < len(toks) and toks[i + 1].keyword == "NAMED"
        j = i + 2 if named else i + 1
        target = toks[j] if j < len(toks) else None
        iri = prologue.resolve(target) if target is not None else None
        found.append(UsingClause(operation, named, iri, tok.start, target.end if target is not None else tok.end))
    return found
