"""The SPARQL 1.1 Protocol at ``/sparql`` (queries) and ``/sparql/update`` (updates).

Queries
    ``GET /sparql?query=...``, ``POST /sparql`` as ``application/x-www-form-urlencoded``
    (``query=`` in the body; the other parameters in the body or the URL) or as
    ``application/sparql-query`` (the query is the body; parameters in the URL).
    ``default-graph-uri`` / ``named-graph-uri`` set the dataset; with neither (and no
    ``FROM`` in the query) the default graph is the union of all named graphs.
    SELECT/ASK answer as SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE as
    Turtle (default), N-Triples, JSON-LD, RDF/XML, TriG or N-Quads; by ``Accept``, or by
    the hints ``format=``/``output=``/``results=`` (``json``, ``csv``, ``turtle``...; read
    in the form the query needs, see ``web.query_params``). Relative IRIs in the query
    resolve against the endpoint's URL. Results are cut at ``max_rows`` with the header
    ``X-Clustergraph-Truncated``; a response over ``max_response_bytes`` is a 507; a
    query is stopped at ``query_timeout`` (503). Errors are RFC 9457 problem details:
    400 (a syntax error in words, with ``line``, ``column`` and the ``parser``'s message;
    two ``query`` parameters; an update sent as a query; a dataset IRI that is not
    absolute), 403 (a refused ``SERVICE``), 406 (naming the formats the query form
    offers), 413 (body over ``max_body_bytes``), 415.
    ``GET /sparql`` without a query is the Service Description, or the query UI for
    browsers.

Updates
    ``POST /sparql/update`` (and, as the W3C protocol tests expect, ``POST /sparql``) with
    ``update=`` in a form body or an ``application/sparql-update`` body, plus
    ``using-graph-uri`` / ``using-named-graph-uri``. Off unless ``update_token`` is
    set; then ``Authorization: Bearer TOKEN`` is required (401 without, 403 wrong). Every
    update passes the SHACL gate (422 with the report; nothing written). ``LOAD`` is refused.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import NoReturn
from urllib.parse import parse_qsl

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import MultiDict

from clustergraph import formats
from clustergraph.errors import ClusterGraphError, QueryError
from clustergraph.loading.update_job import UpdateJob, decode_change
from clustergraph.loading.updates import UpdateRequest, apply_update
from clustergraph.loading.validation import Change
from clustergraph.query.evaluation import (
    BAD_QUERY,
    FAILED,
    FORBIDDEN,
    NOT_ACCEPTABLE,
    OK,
    TOO_LARGE,
    UPSTREAM_FAILED,
    QueryJob,
    QueryOutcome,
)
from clustergraph.query.executor import Executor, ProcessExecutor, start_executor
from clustergraph.query.guard import FederationGuard, FederationRefused
from clustergraph.query.limits import TRUNCATED_HEADER, ResultLimits, ResultTooLarge, truncation_header
from clustergraph.query.service_relay import ServiceRelay
from clustergraph.query.sparql_text import declared_prefixes, has_dataset_clause, request_form
from clustergraph.query.syntax_errors import QuerySyntaxError
from clustergraph.settings import Settings
from clustergraph.store.base import Store
from clustergraph.web import query_ui, service_description
from clustergraph.web.conneg import NotAcceptable, prefers_html
from clustergraph.web.requests import client_of, read_body
from clustergraph.web.requests import require_update_token as authorize_write
from clustergraph.web.graph_store import shacl_gate, write_lock
from clustergraph.web.metrics import metrics_of
from clustergraph.web.query_params import GRAPH_FORMATS, RESULTS_FORMATS, answer_formats, graph_iris, not_acceptable
from clustergraph.web.service_description import public_url

router = APIRouter(tags=["SPARQL"])

SPARQL_PATH = "/sparql"
UPDATE_PATH = "/sparql/update"
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


class EvaluationFailed(ClusterGraphError):
    """The engine could not evaluate a well-formed query (a failed SERVICE call, a store error)."""

    http_status = 500
    title = "Query evaluation failed"


class FederatedCallFailed(ClusterGraphError):
    """A federated endpoint the query calls could not be reached or failed (the reason is not told)."""

    http_status = 502
    title = "Federated query failed"


class UnsupportedMediaType(ClusterGraphError):
    http_status = 415
    exit_code = 2
    title = "Unsupported Media Type"


def start_query_service(store: Store, settings: Settings) -> Executor:
    """The query executor of a server; call it in the lifespan, before requests are served."""
    return start_executor(store, settings)


def relay_of(request: Request) -> ServiceRelay:
    """The relay of the server process, for SERVICE calls made by updates (started on first use)."""
    state = request.app.state
    relay = getattr(state, "service_relay", None)
    if relay is None:
        settings: Settings = state.settings
        relay = state.service_relay = ServiceRelay(
            timeout=settings.service_timeout,
            allow_private=settings.service_allow_private,
            max_bytes=settings.max_response_bytes,
        )
    return relay


def guard_of(request: Request) -> FederationGuard:
    """The app's federation guard (built from the settings on first use; it is immutable)."""
    state = request.app.state
    guard = getattr(state, "federation_guard", None)
    if guard is None:
        guard = state.federation_guard = FederationGuard(state.settings)
    return guard


# --- routes ---------------------------------------------------------------------------------


@router.api_route(SPARQL_PATH, methods=["GET", "HEAD", "POST"], summary="SPARQL 1.1 query endpoint")
@router.api_route(SPARQL_PATH + "/", methods=["GET", "HEAD", "POST"], include_in_schema=False)
async def sparql_endpoint(request: Request) -> Response:
    """Queries by GET or POST; updates by POST (as on ``/sparql/update``); the service description without a query."""
    return await _observed(request, _dispatch)


@router.post(UPDATE_PATH, summary="SPARQL 1.1 update endpoint (needs the update token)")
async def update_endpoint(request: Request) -> Response:
    """``update=`` form or ``application/sparql-update`` body, with ``Authorization: Bearer TOKEN``."""
    return await _observed(request, _update_from_request, operation="update")


@router.api_route(UPDATE_PATH, methods=["GET", "HEAD"], include_in_schema=False)
def update_by_get(request: Request) -> Response:
    """Updates change data: GET (which must be safe) is refused, before the linked-data routes see it."""
    raise HTTPException(405, "send updates with POST", headers={"Allow": "POST"})


async def _observed(
    request: Request, handler: Callable[[Request], Awaitable[Response]], *, operation: str | None = None
) -> Response:
    """Run ``handler`` and count the request in the metrics, however it ends."""
    started = time.perf_counter()
    request.state.sparql_operation = operation
    code = 500
    truncated = False
    try:
        response = await handler(request)
        code = response.status_code
        truncated = TRUNCATED_HEADER in response.headers
        return response
    except HTTPException as err:
        code = err.status_code
        raise
    except ClusterGraphError as err:
        code = err.http_status
        raise
    finally:
        kind = getattr(request.state, "sparql_operation", None)
        if kind is not None:
            metrics_of(request).observe(kind, code, time.perf_counter() - started, truncated=truncated)


async def _dispatch(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    url_params = request.query_params
    if request.method in ("GET", "HEAD"):
        if "update" in url_params:
            request.state.sparql_operation = "update"
            raise QueryError(f"updates must be sent with POST (to {UPDATE_PATH}), not GET")
        queries = url_params.getlist("query")
        if not queries:
            return await run_in_threadpool(_description_or_ui, request)
        if len(request.scope.get("query_string", b"")) > settings.max_body_bytes:
            request.state.sparql_operation = "query"
            raise HTTPException(
                414, f"the query string is over the limit of {settings.max_body_bytes} bytes: POST long queries"
            )
        return await _query(request, queries, url_params)
    request.state.sparql_operation = "query"  # until the body shows an update
    media, charset = _content_type(request)
    if media == SPARQL_UPDATE:
        return await _update_from_request(request)
    if media == FORM:
        body = await read_body(request, settings.max_body_bytes)
        form = _parse_form(body)
        if "update" in form:
            if "query" in form or "query" in url_params:
                raise QueryError("give either a query or an update, not both")
            return await _update_from_request(request, form=form)
        params = _merged(url_params, form)
        return await _query(request, params.getlist("query"), params)
    if media == SPARQL_QUERY:
        _require_utf8(charset)
        if "query" in url_params:
            raise QueryError("the query is the body of an application/sparql-query request: do not also give ?query=")
        body = await read_body(request, settings.max_body_bytes)
        return await _query(request, [_utf8(body)], url_params)
    raise UnsupportedMediaType(
        f"POST a query as {FORM} (query=...) or {SPARQL_QUERY}, an update as {FORM} (update=...) or {SPARQL_UPDATE}"
        f"; got {media or 'no Content-Type'}"
    )


# --- queries --------------------------------------------------------------------------------


async def _query(request: Request, queries: list[str], params) -> Response:
    request.state.sparql_operation = "query"
    if len(queries) != 1:
        raise QueryError(f"give exactly one query (got {len(queries)})" if queries else "no query given (query=...)")
    text = queries[0]
    if not text.strip():
        raise QueryError("the query is empty")
    settings: Settings = request.app.state.settings
    accept = request.headers.get("accept")
    results_format, graph_format = answer_formats(accept, params, request_form(text))
    default_graphs = graph_iris(params, "default-graph-uri")
    named_graphs = graph_iris(params, "named-graph-uri")
    dataset_given = bool(default_graphs or named_graphs)
    base_iri = public_url(request, settings, SPARQL_PATH)
    job = QueryJob(
        sparql=text,
        default_graphs=default_graphs if dataset_given else None,
        named_graphs=named_graphs if dataset_given else None,
        union_default=not dataset_given and not has_dataset_clause(text),
        base_iri=base_iri,
        results_format=results_format.name if results_format else None,
        graph_format=graph_format.name if graph_format else None,
        max_rows=settings.max_rows,
        max_bytes=settings.max_response_bytes,
        prefixes=tuple(declared_prefixes(text).items()),
        service_allowlist=tuple(settings.service_allowlist),
        service_timeout=settings.service_timeout,
        service_allow_private=settings.service_allow_private,
    )
    executor: Executor = request.app.state.executor
    outcome = await executor.run_async(job, timeout=settings.query_timeout, client=client_of(request))
    return _query_response(outcome, job, text)


def _query_response(outcome: QueryOutcome, job: QueryJob, text: str) -> Response:
    if outcome.status == OK:
        fmt = formats.lookup(outcome.format)
        headers = {"Vary": "Accept"}
        if outcome.truncated:
            headers[TRUNCATED_HEADER] = truncation_header(ResultLimits(job.max_rows, job.max_bytes))
        return Response(content=outcome.body, media_type=fmt.content_type, headers=headers)
    if outcome.status == BAD_QUERY:
        form = request_form(text)
        hint = f" (this looks like a SPARQL Update: POST it to {UPDATE_PATH} as 'update')" if form == "UPDATE" else ""
        if outcome.syntax is not None:
            raise QuerySyntaxError(replace(outcome.syntax, explanation=outcome.syntax.explanation + hint))
        raise QueryError(outcome.message + hint)
    if outcome.status == NOT_ACCEPTABLE:
        raise not_acceptable(request_form(text), None, kind=outcome.kind)
    _raise_for(outcome)


def _raise_for(outcome: QueryOutcome) -> NoReturn:
    """The error a worker's unsuccessful outcome stands for."""
    if outcome.status == BAD_QUERY:
        raise QueryError(outcome.message)
    if outcome.status == FORBIDDEN:
        raise FederationRefused(outcome.message)
    if outcome.status == NOT_ACCEPTABLE:
        raise NotAcceptable(outcome.message)
    if outcome.status == TOO_LARGE:
        raise ResultTooLarge(outcome.message)
    if outcome.status == UPSTREAM_FAILED:
        raise FederatedCallFailed(outcome.message)
    assert outcome.status == FAILED
    raise EvaluationFailed(outcome.message)


def _description_or_ui(request: Request) -> Response:
    """A GET without a query: the YASGUI page for browsers, the Service Description otherwise."""
    if prefers_html(request.headers.get("accept"), RESULTS_FORMATS + GRAPH_FORMATS):
        return query_ui.ui_response(request)
    return service_description.service_description_response(
        request, request.app.state.settings, request.app.state.store
    )


# --- updates --------------------------------------------------------------------------------


async def _update_from_request(request: Request, *, form: MultiDict | None = None) -> Response:
    request.state.sparql_operation = "update"
    settings: Settings = request.app.state.settings
    authorize_write(request, settings)
    url_params = request.query_params
    if form is None:
        media, charset = _content_type(request)
        if media == FORM:
            form = _parse_form(await read_body(request, settings.max_body_bytes))
        elif media == SPARQL_UPDATE:
            _require_utf8(charset)
            if "update" in url_params:
                raise QueryError(
                    "the update is the body of an application/sparql-update request: do not also give ?update="
                )
            text = _utf8(await read_body(request, settings.max_body_bytes))
            return await _update(request, text, url_params)
        else:
            raise UnsupportedMediaType(
                f"POST an update as {FORM} (update=...) or {SPARQL_UPDATE}; got {media or 'no Content-Type'}"
            )
    params = _merged(url_params, form)
    updates = params.getlist("update")
    if len(updates) != 1:
        raise QueryError(f"give exactly one update (got {len(updates)})")
    return await _update(request, updates[0], params)


async def _update(request: Request, text: str, params) -> Response:
    settings: Settings = request.app.state.settings
    if not text.strip():
        raise QueryError("the update is empty")
    update = UpdateRequest(
        sparql=text,
        base_iri=public_url(request, settings, SPARQL_PATH),
        using_graphs=tuple(params.getlist("using-graph-uri")),
        using_named_graphs=tuple(params.getlist("using-named-graph-uri")),
    )
    gate = shacl_gate(request) if settings.validate_writes else None
    guard = guard_of(request)
    lock = write_lock(request)
    compute = _change_in_worker(request, settings, update.base_iri)

    def run():
        with lock:  # also makes the app's one relay serve one update at a time
            return apply_update(
                request.app.state.store,
                update,
                gate=gate,
                guard=guard,
                skolem_base=settings.base_iri,
                relay=relay_of(request),
                compute=compute,
            )

    result = await run_in_threadpool(run)
    return JSONResponse(result.as_json())


def _change_in_worker(request: Request, settings: Settings, base_iri: str) -> Callable[[str], Change] | None:
    """For embedded stores: work out an update's change in a query worker (no network, the query
    timeout, killed when it runs over), so its text is never parsed in the server process."""
    executor = request.app.state.executor
    if not isinstance(executor, ProcessExecutor):
        return None

    def compute(text: str) -> Change:
        job = UpdateJob(
            sparql=text,
            base_iri=base_iri,
            skolem_base=settings.base_iri,
            service_allowlist=tuple(settings.service_allowlist),
            service_timeout=settings.service_timeout,
            service_allow_private=settings.service_allow_private,
            max_bytes=settings.max_response_bytes,
        )
        outcome = executor.run(job, timeout=settings.query_timeout)
        if outcome.status != OK:
            _raise_for(outcome)
        added, removed = decode_change(outcome)
        return Change(add=added, remove=removed)

    return compute


# --- request parsing ------------------------------------------------------------------------


def _content_type(request: Request) -> tuple[str, str | None]:
    """The media type (lower case) and charset of the request body."""
    raw = request.headers.get("content-type", "")
    media, *params = (p.strip() for p in raw.split(";"))
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _require_utf8(charset: str | None) -> None:
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaType(f"SPARQL bodies must be UTF-8 (got charset={charset})")


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise QueryError(f"the body is not valid UTF-8 ({err.reason} at byte {err.start})") from None


def _parse_form(body: bytes) -> MultiDict:
    """An ``application/x-www-form-urlencoded`` body; 400 if it is not UTF-8 once decoded."""
    try:
        pairs = parse_qsl(_utf8(body), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as err:
        raise QueryError(f"a form field is not valid UTF-8 ({err.reason})") from None
    return MultiDict(pairs)


def _merged(url_params, form: MultiDict) -> MultiDict:
    """URL and body parameters together (the protocol allows both for POST)."""
    return MultiDict(list(url_params.multi_items()) + list(form.multi_items()))
