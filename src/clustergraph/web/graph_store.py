"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/graph-store``.

Graphs are named two ways:

- indirectly: ``/graph-store?graph=IRI`` (a named graph) or ``/graph-store?default``;
- directly: ``/graph-store/any/path`` names the graph whose IRI is that URL (with
  ``public_url`` in front when the service sits behind a proxy).

GET/HEAD return a graph as Turtle, N-Triples, JSON-LD or RDF/XML by ``Accept``
(``?format=`` overrides), 404 for a graph that holds no triple. ``?default`` is the
default graph as queries see it: the merge of all graphs, each triple once.

PUT (replace), POST (add; to ``/graph-store`` alone: create a new graph, 201 with its
IRI in ``Location``) and DELETE need the bearer update token and pass the same SHACL
gate as loading: a refused write is a 422 with the report and changes nothing.
Writes to ``?default`` address the default graph's own triples, those no named graph
states: PUT replaces them, DELETE removes them, and the merge of the sources stays (a
fact leaves it only when its last source drops it). The provenance rule allows no
such triples (every fact belongs to a source's graph): with validation on, adding
them is refused. Bodies are parsed as ``clustergraph load`` parses files (relative IRIs
against the base IRI, blank nodes skolemised); GET turns the skolem IRIs back into
blank nodes, so a PUT followed by a GET returns an isomorphic graph.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple, serialize

from clustergraph import formats
from clustergraph.web.requests import read_body, require_update_token
from clustergraph.loading.loader import gate_for
from clustergraph.loading.bounded_parse import parse_bounded
from clustergraph.loading.validation import Change, ShaclGate
from clustergraph.namespaces import PREFIXES, resource_prefixes
from clustergraph.query.limits import ResultTooLarge
from clustergraph.settings import Settings
from clustergraph.store.base import Store
from clustergraph.web.service_description import GRAPH_STORE_PATH, choose_rdf_format, public_root

router = APIRouter(tags=["graph store"])

# Graphs travel in triple formats; TriG and N-Quads could smuggle in other graphs.
GRAPH_FORMATS = tuple(f for f in formats.rdf_formats() if not f.datasets)
METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]
_STATE_LOCK = threading.Lock()
MAX_PARTS = 32


@dataclass(frozen=True)
class Target:
    """The graph a request names: a named graph, or the default graph (``graph is None``)."""

    graph: NamedNode | None

    @property
    def label(self) -> str:
        return "the default graph" if self.graph is None else f"graph <{self.graph.value}>"


@router.api_route(GRAPH_STORE_PATH, methods=METHODS, summary="Graph Store Protocol, indirect graph identification")
async def indirect(request: Request) -> Response:
    """``?graph=IRI`` or ``?default``; POST without either creates a new graph."""
    params = request.query_params
    if "graph" in params and "default" in params:
        raise HTTPException(400, "give either ?graph=IRI or ?default, not both")
    if len(params.getlist("graph")) > 1:
        raise HTTPException(400, "give one ?graph= parameter")
    if "default" in params:
        return await _handle(request, Target(None))
    if "graph" in params:
        return await _handle(request, Target(_graph_iri(params["graph"])))
    if request.method == "POST":
        settings = request.app.state.settings
        created = public_root(request, settings) + GRAPH_STORE_PATH.lstrip("/") + "/" + uuid.uuid4().hex
        return await _handle(request, Target(NamedNode(created)), created=True)
    raise HTTPException(400, "name a graph with ?graph=IRI or ?default (or POST to create a new graph)")


@router.api_route(GRAPH_STORE_PATH + "/{path:path}", methods=METHODS, summary="Graph Store Protocol, direct graph identification")
async def direct(request: Request, path: str) -> Response:
    """The graph whose IRI is this URL."""
    settings = request.app.state.settings
    # The IRI is the URL as sent, percent-encoding included (scope["path"] is decoded).
    raw = request.scope.get("raw_path")
    sent = raw.decode("latin-1") if raw else request.url.path
    iri = public_root(request, settings) + sent.lstrip("/")
    return await _handle(request, Target(_graph_iri(iri)))


def _graph_iri(value: str) -> NamedNode:
    try:
        return NamedNode(value)  # pyoxigraph accepts absolute IRIs only
    except ValueError:
        raise HTTPException(400, f"{value!r} is not an absolute IRI") from None


async def _handle(request: Request, target: Target, *, created: bool = False) -> Response:
    settings: Settings = request.app.state.settings
    store: Store = request.app.state.store
    if request.method in ("GET", "HEAD"):
        fmt = choose_rdf_format(request, GRAPH_FORMATS)
        return await run_in_threadpool(_read, request, settings, store, target, fmt)
    require_update_token(request, settings)
    if request.method == "DELETE":
        return await run_in_threadpool(_write, request, settings, store, target, "DELETE", [])
    quads = await _request_quads(request, settings, target)
    response = await run_in_threadpool(_write, request, settings, store, target, request.method, quads)
    if created:  # a new graph: _write answered 201; say where it is
        response.headers["Location"] = target.graph.value
    return response


# --- reading ---------------------------------------------------------------------------


def _read(request: Request, settings: Settings, store: Store, target: Target, fmt: formats.Format) -> Response:
    etag = f'"{getattr(store, "version", "")}-{fmt.name}"' if getattr(store, "version", None) else None
    headers = {"Vary": "Accept"}
    if etag:
        headers["ETag"] = etag
    triples = _graph_triples(store, target, settings.base_iri)
    first = next(triples, None)
    if first is None and target.graph is not None:
        raise HTTPException(404, f"there is no {target.label}")
    if etag and request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if request.method == "HEAD":
        return Response(media_type=fmt.content_type, headers=headers)
    everything = ([first] if first is not None else []) + list(triples)
    if fmt.name == "turtle":
        body = serialize(everything, format=fmt.oxigraph, prefixes=_used_prefixes(everything, settings.base_iri))
    else:
        body = serialize(everything, format=fmt.oxigraph)
    if len(body) > settings.max_response_bytes:
        raise ResultTooLarge(
            f"{target.label} serialises to {len(body)} bytes, over the limit of {settings.max_response_bytes}; "
            "fetch single graphs or query with LIMIT"
        )
    return Response(content=body, media_type=fmt.content_type, headers=headers)


def _graph_triples(store: Store, target: Target, base_iri: str) -> Iterator[Triple]:
    """The triples of the target graph, skolem IRIs turned back into blank nodes.

    The default graph is the merge of all graphs, each triple once (the store keeps it).
    """
    unskolem = _Unskolemizer(base_iri)
    for q in store.quads(graph=target.graph if target.graph is not None else DefaultGraph()):
        yield unskolem.triple(q)


# The default graph's own triples: those of the store's default graph that no named graph states.
OWN_DEFAULT_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"


def _own_default_quads(store: Store) -> list[Quad]:
    return [Quad(row["s"], row["p"], row["o"], DefaultGraph()) for row in store.query(OWN_DEFAULT_TRIPLES)]


def _used_prefixes(triples: list[Triple], base_iri: str) -> dict[str, str]:
    """The known prefixes whose namespace some IRI of ``triples`` is directly in (short Turtle)."""
    namespaces: set[str] = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, Literal):
                term = term.datatype
            if isinstance(term, NamedNode):
                value = term.value
                cut = max(value.rfind("/"), value.rfind("#")) + 1
                namespaces.add(value[:cut])
    known = {**PREFIXES, **resource_prefixes(base_iri)}
    return {name: iri for name, iri in known.items() if iri in namespaces}


class _Unskolemizer:
    """Maps ``{base}.well-known/genid/...`` IRIs to blank nodes (RDF 1.1 Concepts §3.5)."""

    def __init__(self, base_iri: str) -> None:
        self.prefix = f"{base_iri}.well-known/genid/"
        self.nodes: dict[str, BlankNode] = {}

    def term(self, term):
        if isinstance(term, NamedNode) and term.value.startswith(self.prefix):
            label = term.value[len(self.prefix):]
            node = self.nodes.get(label)
            if node is None:
                # "b" first: RDF/XML writes the label as an rdf:nodeID, which must not start with a digit.
                node = self.nodes[label] = BlankNode("b" + "".join(c if c.isalnum() else "_" for c in label))
            return node
        return term

    def triple(self, q: Quad) -> Triple:
        return Triple(self.term(q.subject), q.predicate, self.term(q.object))


# --- writing ---------------------------------------------------------------------------


async def _request_quads(request: Request, settings: Settings, target: Target) -> list[Quad]:
    """The quads of the request body, put in the target graph; 413/415/400 for bodies that will not do."""
    body = await read_body(request, settings.max_body_bytes)
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    graph = target.graph.value if target.graph is not None else None
    if media == "multipart/form-data":
        if request.method != "POST":
            raise HTTPException(415, "multipart/form-data is accepted for POST only")
        parts = list(_multipart(content_type, body))
        if len(parts) > MAX_PARTS:  # each part is parsed in a process of its own
            raise HTTPException(400, f"the multipart body has {len(parts)} parts; send at most {MAX_PARTS} per request")
    else:
        parts = [(content_type, None, body)]
    quads: list[Quad] = []
    for part_type, filename, data in parts:
        fmt = _body_format(part_type, filename)
        quads.extend(await run_in_threadpool(_parse_part, data, fmt, settings, graph))
    if graph is not None:
        # parse_bounded moved the triples into the graph; with a triple format there is nothing else.
        return quads
    return [Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads]


def _parse_part(data: bytes, fmt: formats.Format, settings: Settings, graph: str | None) -> list[Quad]:
    """One body (or part) parsed in a bounded child process: a body that expands beyond the
    memory bound is a 413, an RDF/XML DTD a 400; the server never runs out of memory."""
    return parse_bounded(
        data, fmt, base_iri=settings.base_iri, graph=graph, name="request body",
        memory_bytes=settings.parse_memory_bytes, timeout=settings.query_timeout,
    )


def _body_format(content_type: str | None, filename: str | None) -> formats.Format:
    fmt = formats.lookup(content_type) if content_type else None
    if fmt is None and filename:
        fmt = formats.rdf_format_for_path(filename)
    if fmt is None or fmt not in GRAPH_FORMATS:
        offered = ", ".join(f.media_type for f in GRAPH_FORMATS)
        raise HTTPException(415, f"send the graph as one of {offered} (got {content_type or 'no Content-Type'})")
    return fmt


def _multipart(content_type: str, body: bytes) -> Iterable[tuple[str | None, str | None, bytes]]:
    """(content type, file name, bytes) of each part of a multipart/form-data body."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", errors="replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise HTTPException(400, "the multipart/form-data body has no parts (is the boundary right?)")
    for part in message.iter_parts():
        yield part.get("content-type"), part.get_filename(), part.get_payload(decode=True) or b""


def write_lock(request: Request) -> threading.Lock:
    """The app's one lock around check-then-commit, so two writes never validate against the same state."""
    state = request.app.state
    lock = getattr(state, "write_lock", None)
    if lock is None:
        with _STATE_LOCK:
            lock = getattr(state, "write_lock", None)
            if lock is None:
                lock = state.write_lock = threading.Lock()
    return lock


def shacl_gate(request: Request) -> ShaclGate:
    """The app's one SHACL gate (the shapes and ontology are parsed once)."""
    state = request.app.state
    gate = getattr(state, "shacl_gate", None)
    if gate is None:
        with _STATE_LOCK:
            gate = getattr(state, "shacl_gate", None)
            if gate is None:
                gate = state.shacl_gate = gate_for(state.settings)
    return gate


def _write(request: Request, settings: Settings, store: Store, target: Target, method: str, quads: list[Quad]) -> Response:
    """Apply a PUT, POST or DELETE through the gate: 201 for a new graph, 204 otherwise, 404 for DELETE of nothing."""
    with write_lock(request):
        if target.graph is None:
            existing = _own_default_quads(store)  # the merge of the sources is not the default graph's to replace
            existed = True  # the default graph always exists
        else:
            existing = []
            existed = next(iter(store.quads(graph=target.graph)), None) is not None
        if method == "DELETE":
            if not existed:
                raise HTTPException(404, f"there is no {target.label}")
            change = _replace(target, existing, [])
        elif method == "PUT":
            change = _replace(target, existing, quads)
        else:  # POST adds
            change = Change(add=quads)
        if settings.validate_writes:
            shacl_gate(request).require(store, change)
        store.apply(add=change.add, remove=change.remove, clear_graphs=change.clear_graphs)
    return Response(status_code=204 if existed or method == "DELETE" else 201)


def _replace(target: Target, existing: list[Quad], quads: list[Quad]) -> Change:
    if target.graph is None:
        return Change(add=quads, remove=existing)
    return Change(add=quads, clear_graphs=[target.graph])
