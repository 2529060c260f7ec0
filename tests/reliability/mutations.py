"""Hostile variants of the example queries for the fuzz test, seeded so that a failure replays.

Each variant is a ready ``FuzzRequest``: the SPARQL protocol's three ways to send a query
(GET, form POST, direct POST) with random result formats and dataset parameters, updates
with and without the token, and the cases that broke parsers before: random cuts, lexer
traps (``<``, quotes, ``\\u0053``), deep nesting of groups, brackets and function calls,
huge ``&&`` chains, smuggled SERVICE calls and random bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from urllib.parse import quote

INSERTS = [
    "<", ">", "'", '"', "{", "}", "(", ")", "\\u0053", "\\U00000053", "\\", "#", ";", ".", ",", "&&", "||",
    "'''", '"""', "<<(", ")>>", "\n", "\x00", "\ufffd", "?", "$", "@en", "^^", "_:b", "[]", "*", "|", "/", "!",
    "SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }", "SERVICE ?x { }", "LATERAL { ?a ?b ?c }",
    "GRAPH ?g { ?s ?p ?o }", "FILTER(", "BIND(1<'>' AS ?c)", "VALUES ?v { 1 2 }", "OPTIONAL {", "MINUS {",
    "UNION", "LIMIT -1", "OFFSET 99999999999999999999", "SELECT", "WHERE", "PREFIX x: <", "BASE <rel/>",
    "\u202e", "é", "\U0001F600",
]
ACCEPTS = [
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
    "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml", "*/*", "text/html",
    "application/json;q=0.5, text/csv;q=x", "image/png", "", "*/*;q=0",
]
GRAPH_PARAMETERS = [
    "https://w3id.org/clustergraph/source/catalogue", "http://example.org/g", "relative/iri", "",
    "urn:x", "not an iri", "http://[::1", "<http://example.org/>", "_:b0",
]
UPDATE_SEEDS = [
    (
        "INSERT DATA { GRAPH <https://w3id.org/clustergraph/source/fuzz> { <https://w3id.org/clustergraph/x> "
        '<http://www.w3.org/2000/01/rdf-schema#comment> "fuzz" } }'
    ),
    "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o FILTER(false) } }",
    "DELETE WHERE { GRAPH <http://example.org/nothing-here> { ?s ?p ?o } }",
    "INSERT { GRAPH <http://example.org/g> { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(false) }",
    "LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://example.org/g>",
    "CLEAR GRAPH <http://example.org/nothing-here>",
]
UPDATE_PATH = "/sparql/update"


@dataclass(frozen=True)
class FuzzRequest:
    """One request to send: ``kind`` names the generator (for the counts)."""

    kind: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None


def cut(rng: random.Random, text: str) -> str:
    start = rng.randrange(len(text) + 1)
    return text[:start] if rng.random() < 0.5 else text[start:]


def insert(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(INSERTS) + text[at:]
    return text


def delete(rng: random.Random, text: str) -> str:
    start = rng.randrange(len(text) + 1)
    return text[:start] + text[start + rng.randint(1, 40):]


def duplicate(rng: random.Random, text: str) -> str:
    start = rng.randrange(len(text) + 1)
    piece = text[start : start + rng.randint(1, 200)]
    return text[:start] + piece * rng.randint(2, 20) + text[start:]


def nested(rng: random.Random) -> str:
    """Deep nesting of the kinds that crashed parsers: groups, brackets, function calls, subqueries.

    Most variants match one row (``VALUES``), so the parser is stressed and the evaluation is
    cheap; one in five matches every triple, which runs into the query timeout.
    """
    kind = rng.choice(["group", "bracket", "concat", "not-exists", "optional", "subselect", "union", "path"])
    # A union of 10,000 branches parses in time but takes 8 s to evaluate: wide, not deep.
    depth = rng.choice([100, 300, 1000] if kind == "union" else [100, 500, 1000, 3000, 5000, 10000])
    row = "?s ?p ?o" if rng.random() < 0.2 else "VALUES (?s ?p ?o) { (<http://a> <http://b> 1) }"
    if kind == "group":
        return "SELECT * WHERE " + "{ " * depth + row + " }" * depth
    if kind == "bracket":
        return "SELECT * WHERE { " + row + " FILTER(" + "(" * depth + "?o" + ")" * depth + ") }"
    if kind == "concat":
        return "SELECT (" + "CONCAT(" * depth + '"x"' + ', "y")' * depth + " AS ?c) WHERE {}"
    if kind == "not-exists":
        return "SELECT * WHERE { " + row + " " + "FILTER NOT EXISTS { " * depth + row + " }" * depth + " }"
    if kind == "optional":
        return "SELECT * WHERE { " + row + " " + "OPTIONAL { " * depth + row + " }" * depth + " }"
    if kind == "subselect":
        return "SELECT * WHERE { " + "{ SELECT * WHERE " * depth + "{ " + row + " }" + " }" * depth + " }"
    if kind == "union":
        return "SELECT * WHERE { " + " UNION ".join(["{ " + row + " }"] * depth) + " }"
    return "SELECT * WHERE { ?s " + "(" * depth + "<http://p>" + ")*" * depth + " ?o }"


def and_chain(rng: random.Random, terms: int) -> str:
    """A filter of ``terms`` terms joined by one operator, over one row (or every triple, one in five)."""
    operator = rng.choice([" && ", " || ", " + ", " = "])
    row = "?s ?p ?o" if rng.random() < 0.2 else "VALUES ?o { 1 }"
    return "SELECT * WHERE { " + row + " FILTER(" + operator.join("?o" for _ in range(terms)) + ") }"


def mutate(rng: random.Random, seed: str) -> str:
    """A few random edits of ``seed``."""
    text = seed
    for _ in range(rng.randint(1, 3)):
        text = rng.choice([cut, insert, insert, delete, duplicate])(rng, text)
    return text


def as_request(rng: random.Random, kind: str, text: str) -> FuzzRequest:
    """``text`` sent as a query in one of the protocol's three ways, with random formats and datasets."""
    accept = rng.choice(ACCEPTS)
    headers = {"Accept": accept} if accept else {}
    params = ""
    if rng.random() < 0.15:
        name = rng.choice(["default-graph-uri", "named-graph-uri"])
        params = f"&{name}={quote(rng.choice(GRAPH_PARAMETERS), safe='')}"
    if rng.random() < 0.05:
        params += f"&format={quote(rng.choice(['json', 'csv', 'x', 'turtle', '']))}"
    encoded = quote(text, safe="")
    way = rng.random()
    if way < 0.3 and len(encoded) < 6000:
        return FuzzRequest(kind, "GET", f"/sparql?query={encoded}{params}", headers)
    if way < 0.6:
        body = f"query={encoded}{params}".encode()
        return FuzzRequest(kind, "POST", "/sparql", {**headers, "Content-Type": "application/x-www-form-urlencoded"}, body)
    path = "/sparql" + ("?" + params[1:] if params else "")
    return FuzzRequest(kind, "POST", path, {**headers, "Content-Type": "application/sparql-query"},
                       text.encode("utf-8", "surrogatepass"))


def update_request(rng: random.Random, token: str) -> FuzzRequest:
    """A mutated or deeply nested update, mostly with the token (the parser and the gate must hold)."""
    roll = rng.random()
    if roll < 0.2:
        text = "INSERT { GRAPH <http://example.org/g> { ?s ?p ?o } } WHERE " + nested(rng).split("WHERE ", 1)[-1]
    else:
        text = mutate(rng, rng.choice(UPDATE_SEEDS))
    headers = {"Content-Type": "application/sparql-update"}
    if rng.random() < 0.85:
        headers["Authorization"] = f"Bearer {token}"
    return FuzzRequest("update", "POST", UPDATE_PATH, headers, text.encode("utf-8", "surrogatepass"))


# Chains this long take seconds to evaluate even over one row (20,000 terms: 6-8 s, into the
# timeout), so their number is fixed rather than drawn.
AND_CHAINS = {20_000: 8, 5_000: 20, 1_000: 40}


def fuzz_requests(queries: list[str], *, count: int, seed: int, token: str) -> list[FuzzRequest]:
    """``count`` hostile requests built from the example ``queries``, in a seeded random order."""
    rng = random.Random(seed)
    requests = [as_request(rng, "and-chain", and_chain(rng, terms)) for terms, n in AND_CHAINS.items() for _ in range(n)]
    while len(requests) < count:
        roll = rng.random()
        if roll < 0.75:
            requests.append(as_request(rng, "mutation", mutate(rng, rng.choice(queries))))
        elif roll < 0.83:
            requests.append(as_request(rng, "nesting", nested(rng)))
        elif roll < 0.90:
            body = rng.randbytes(rng.randint(1, 4096))
            requests.append(FuzzRequest("random-bytes", "POST", "/sparql",
                                        {"Content-Type": "application/sparql-query"}, body))
        elif roll < 0.92:
            requests.append(update_request(rng, token))
        else:
            requests.append(as_request(rng, "example", rng.choice(queries)))
    rng.shuffle(requests)
    return requests
