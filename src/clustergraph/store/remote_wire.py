"""The wire between clustergraph and a remote SPARQL store: what its answers and errors mean.

HTTP errors become domain errors (``raise_for_status``), SPARQL results are parsed with
Virtuoso's quirks smoothed (``parse_results``: ``typed-literal``, booleans as 1/0,
``nodeID://`` blank nodes), literals are put into pyoxigraph's canonical form
(``canonical_value``), and terms are written in N-Triples syntax, valid SPARQL, so no text
is pasted into a request (``nt``).
"""

from __future__ import annotations

import json
import re
import threading
from functools import lru_cache

import httpx
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, QueryResultsFormat, parse_query_results
from pyoxigraph import Store as OxStore

from clustergraph import formats
from clustergraph.errors import InputError, LimitExceeded, QueryError, QueryTimeout, StoreUnavailable

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_DECIMAL = XSD + "decimal"
_VIRTUOSO_ERROR = re.compile(r"Virtuoso (\w{5}) Error (\S+)")
_INTEGER_LEXICAL = re.compile(r"^[+-]?[0-9]+$")
# A blank node in SPARQL XML results; Virtuoso's labels (``nodeID://b10003``) are no valid ids.
_XML_BNODE = re.compile(rb"<bnode>([^<]*)</bnode>")



def raise_for_status(response: httpx.Response, url: str) -> None:
    """Map an HTTP error of the store to ``QueryError`` (the request's fault), ``QueryTimeout``,
    ``LimitExceeded`` or ``StoreUnavailable`` (the store's or its configuration's fault)."""
    status = response.status_code
    if status < 400:
        return
    message = _server_message(response.text)
    if status in (401, 407):
        raise StoreUnavailable(f"the remote store at {url} refused the credentials (HTTP {status}): check CLUSTERGRAPH_STORE_USER, _PASSWORD and _AUTH")
    if status == 403:
        raise StoreUnavailable(f"the remote store at {url} refused access (HTTP 403): {message}")
    if status in (404, 405):
        raise StoreUnavailable(f"no SPARQL endpoint at {url} (HTTP {status})")
    if status in (408, 504):
        raise QueryTimeout(f"the remote store timed out (HTTP {status}): {message}")
    if status in (413, 414, 431):
        raise LimitExceeded(f"the request was too large for the remote store (HTTP {status})")
    if status < 500 and status != 429:
        raise QueryError(f"the remote store refused the request: {message}")
    virtuoso = _VIRTUOSO_ERROR.search(response.text)
    if virtuoso:
        state, code = virtuoso.groups()
        lowered = message.lower()
        if state.startswith("S1T") or code.startswith("SR171") or "timed out" in lowered or "estimated execution time" in lowered:
            raise QueryTimeout(f"the remote store stopped the request: {message}")
        if "permission" in lowered or "access denied" in lowered or "security" in lowered:
            raise StoreUnavailable(f"the remote store refused access: {message}")
        if state[:2] in ("22", "37", "07", "21", "42", "S0"):  # data, syntax and semantic errors of the request
            raise QueryError(f"the remote store refused the request: {message}")
    raise StoreUnavailable(f"the remote store failed (HTTP {status}): {message}")


def _server_message(text: str) -> str:
    """The store's own explanation, without the echo of the request that Virtuoso appends."""
    text = text.split("\nSPARQL query:", 1)[0]
    text = re.sub(r"<[^>]+>", " ", text)  # HTML error pages
    text = " ".join(text.split())
    return text[:500] or "no message"


def results_format(response: httpx.Response) -> QueryResultsFormat:
    fmt = formats.lookup(response.headers.get("content-type", "")) or formats.lookup("json")
    if fmt.kind is not formats.Kind.RESULTS or fmt.oxigraph is None:
        raise StoreUnavailable(f"the remote store answered with {fmt.media_type}, not SPARQL results")
    return fmt.oxigraph


def parse_results(response: httpx.Response):
    """SELECT/ASK answer as pyoxigraph ``QuerySolutions`` / ``QueryBoolean``, Virtuoso's JSON quirks smoothed."""
    fmt = results_format(response)
    content = response.content
    if fmt == QueryResultsFormat.JSON:
        content = json.dumps(_normal_json(load_json(content))).encode()
    try:
        return parse_query_results(content, format=fmt)
    except (SyntaxError, ValueError) as err:
        raise StoreUnavailable(f"unreadable answer from the remote store: {err}") from err


def load_json(content: bytes) -> dict:
    try:
        return json.loads(content)
    except ValueError as err:
        raise StoreUnavailable(f"unreadable answer from the remote store: {err}") from err


def _normal_json(doc: dict) -> dict:
    """Fix what Virtuoso writes differently: ``typed-literal``, booleans as 1/0,
    ``nodeID://`` blank node labels, non-canonical literals."""
    if "boolean" in doc:
        value = doc["boolean"]
        doc["boolean"] = value.strip().lower() in ("true", "1") if isinstance(value, str) else bool(value)
        return doc
    for binding in doc.get("results", {}).get("bindings", []):
        for value in binding.values():
            _normal_term(value)
    return doc


def _normal_term(value: dict) -> None:
    kind = value.get("type")
    if kind == "typed-literal":
        value["type"] = kind = "literal"
    if kind == "bnode":
        value["value"] = _bnode_id(value["value"])
    elif kind == "literal" and "datatype" in value:
        value["value"] = canonical_value(value["value"], value["datatype"])


def result_rows(response: httpx.Response) -> list[dict]:
    bindings = load_json(response.content).get("results", {}).get("bindings")
    if bindings is None:
        raise StoreUnavailable("unreadable answer from the remote store: no result bindings")
    return bindings


def read_quads(response: httpx.Response) -> list[Quad]:
    """The rows of ``SELECT ?s ?p ?o ?g`` as quads (``?g`` unbound: the default graph), read
    from SPARQL XML or JSON results, literals in pyoxigraph's canonical form.

    Raises ``StoreUnavailable`` for an answer that cannot be read.
    """
    fmt = results_format(response)
    if fmt != QueryResultsFormat.XML:
        return [quad_of(row) for row in result_rows(response)]
    content = _XML_BNODE.sub(lambda m: b"<bnode>" + _bnode_id(m.group(1).decode()).encode() + b"</bnode>", response.content)
    try:
        rows = parse_query_results(content, format=fmt)
        return [
            Quad(row["s"], row["p"], _canonical(row["o"]), DefaultGraph() if row["g"] is None else row["g"])
            for row in rows
        ]
    except (SyntaxError, ValueError, TypeError) as err:
        raise StoreUnavailable(f"unreadable answer from the remote store: {err}") from err


def _canonical(term):
    if isinstance(term, Literal) and not term.language and term.datatype.value.startswith(XSD):
        value = canonical_value(term.value, term.datatype.value)
        if value != term.value:
            return Literal(value, datatype=term.datatype)
    return term


def quad_of(row: dict) -> Quad:
    """A quad from a row of ``?s ?p ?o ?g``; ``?g`` unbound: the (merged) default graph."""
    graph = _term(row["g"]) if "g" in row else DefaultGraph()
    return Quad(_term(row["s"]), _term(row["p"]), _term(row["o"]), graph)


def _term(value: dict):
    kind = value["type"]
    if kind == "uri":
        return NamedNode(value["value"])
    if kind == "bnode":
        return BlankNode(_bnode_id(value["value"]))
    language = value.get("xml:lang") or value.get("lang")
    if language:
        return Literal(value["value"], language=language.lower())
    datatype = value.get("datatype")
    if datatype and datatype != XSD_STRING:
        return Literal(canonical_value(value["value"], datatype), datatype=NamedNode(datatype))
    return Literal(value["value"])


def _bnode_id(label: str) -> str:
    """A valid blank node id from a store's label (Virtuoso: ``nodeID://b10003``)."""
    ident = re.sub(r"[^A-Za-z0-9_]", "_", label)
    return ident if ident[:1].isalpha() else "b" + ident


_CANON_STORE = OxStore()
_CANON_LOCK = threading.Lock()
_CANON_S = NamedNode("urn:x-clustergraph:s")


@lru_cache(maxsize=100_000)
def canonical_value(value: str, datatype: str) -> str:
    """The lexical form pyoxigraph stores a typed literal with ("1.0E2"^^xsd:double -> "100").

    Stores normalise differently (Virtuoso: "100.0", booleans as "1"); putting the
    literal through pyoxigraph's own store gives exactly the embedded store's form.
    """
    if not datatype.startswith(XSD) or datatype == XSD_STRING:
        return value
    with _CANON_LOCK:
        _CANON_STORE.add(Quad(_CANON_S, _CANON_S, Literal(value, datatype=NamedNode(datatype))))
        stored = next(iter(_CANON_STORE)).object
        _CANON_STORE.clear()
    return stored.value


def nt(term) -> str:
    """A term in N-Triples syntax (valid SPARQL, so nothing is pasted in as text).

    Integral xsd:decimal values get a ".0": Virtuoso would store "100"^^xsd:decimal as an integer.
    """
    if isinstance(term, Literal) and term.datatype.value == XSD_DECIMAL and _INTEGER_LEXICAL.match(term.value):
        return str(Literal(term.value + ".0", datatype=term.datatype))
    return str(term)


_YEAR_MONTH = re.compile(r"^(-?[0-9]{4,})(?:-([0-9]{2}))?(Z|[+-][0-9]{2}:[0-9]{2})?$")


def conflict_key(term) -> tuple | None:
    """The value under which Virtuoso merges constants of one request (gYear / gYearMonth only)."""
    if isinstance(term, Literal) and term.datatype.value in (XSD + "gYear", XSD + "gYearMonth"):
        match = _YEAR_MONTH.match(term.value)
        if match:
            return (match.group(1), match.group(2) or "01", match.group(3) or "")
    return None


def check_writable(q: Quad) -> None:
    if any(isinstance(t, BlankNode) for t in (q.subject, q.object, q.graph_name)):
        raise InputError(f"{q}: blank nodes cannot be written to a remote store (skolemise the data first)")
