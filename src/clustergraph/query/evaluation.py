"""One query, evaluated and serialised: the work a query worker does, also usable in-thread.

A ``QueryJob`` carries everything the evaluation needs (it is pickled to the worker
process), and a ``QueryOutcome`` everything the HTTP layer needs to answer. Errors
are outcomes, not exceptions, so they cross the process boundary as plain data.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from pyoxigraph import QueryBoolean, QuerySolutions, QueryTriples
from pyoxigraph import Store as OxStore

from clustergraph import formats
from clustergraph.errors import ClusterGraphError
from clustergraph.query.limits import (
    ResultLimits,
    ResultTooLarge,
    serialize_boolean,
    serialize_solutions,
    serialize_triples,
)
from clustergraph.query.dialer import dial
from clustergraph.query import sandbox
from clustergraph.query.guard import FederationGuard, FederationRefused, UncheckedService, mentions_service
from clustergraph.query.service_relay import ServiceRelay
from clustergraph.query.sparql_text import nesting_error
from clustergraph.query.syntax_errors import SyntaxProblem, explain
from clustergraph.store.base import QueryResult
from clustergraph.store.dataset import QueryDataset, evaluation_target, merged_only, query_dataset, reads_named_graphs

# Outcome statuses and the HTTP status each maps to.
OK = "ok"
BAD_QUERY = "bad_query"  # 400: the parser's message
NOT_ACCEPTABLE = "not_acceptable"  # 406: no acceptable format for this kind of result
TOO_LARGE = "too_large"  # 507: over the response-size cap
FAILED = "failed"  # 500/502: the engine or a federated call failed
FORBIDDEN = "forbidden"  # 403: a SERVICE call the federation policy refuses
UPSTREAM_FAILED = "upstream_failed"  # 502: a federated endpoint could not be reached or failed
HTTP_STATUS = {
    OK: 200,
    BAD_QUERY: 400,
    FORBIDDEN: 403,
    NOT_ACCEPTABLE: 406,
    TOO_LARGE: 507,
    FAILED: 500,
    UPSTREAM_FAILED: 502,
}
FEDERATION_FAILED = (
    "the query could not be evaluated: the federated endpoint could not be reached or did not answer"
)


_VOLATILE = re.compile(r"\b(?:RAND|NOW|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class QueryJob:
    """A read query and how to answer it.

    ``default_graphs``/``named_graphs`` are the protocol's dataset (``None``: not given).
    With neither given and no ``FROM`` in the query (``union_default``), the default
    graph is the merge of all graphs, each triple once. ``results_format`` is the format for SELECT/ASK
    and ``graph_format`` for CONSTRUCT/DESCRIBE (format names; ``None``: not acceptable).
    """

    sparql: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union_default: bool = True
    base_iri: str | None = None
    results_format: str | None = "json"
    graph_format: str | None = "turtle"
    max_rows: int = 100_000
    max_bytes: int = 50_000_000
    prefixes: tuple[tuple[str, str], ...] = ()  # for graph results in Turtle, TriG, RDF/XML, JSON-LD
    # The federation policy, applied where the text is parsed (the worker): endpoints SERVICE
    # may call, whether they may be private, and the dialer that makes the connections.
    service_allowlist: tuple[str, ...] = ()
    service_timeout: float = 10.0
    service_allow_private: bool = False
    dialer_path: str | None = None

    @property
    def limits(self) -> ResultLimits:
        return ResultLimits(self.max_rows, self.max_bytes)

    def perform(self, run: Runner, engine: OxStore) -> QueryOutcome:
        """What a worker process does with this job (every job type has this method)."""
        return evaluate(run, self)

    @property
    def cacheable(self) -> bool:
        """False for answers that may differ between two runs over the same data:
        federated calls, and the functions that give a new value each time."""
        if mentions_service(self.sparql):
            return False
        return _VOLATILE.search(self.sparql) is None

    def cache_key(self) -> str:
        """A digest of everything the answer depends on: the cache keeps this, never the query text,
        so a megabyte of query costs the cache as little as a line."""
        return _digest(
            self.sparql,
            self.default_graphs,
            self.named_graphs,
            self.union_default,
            self.base_iri,
            self.results_format,
            self.graph_format,
            self.max_rows,
            self.max_bytes,
            self.prefixes,
        )


@dataclass(frozen=True)
class QueryOutcome:
    status: str
    body: bytes = b""
    format: str | None = None  # name of the format the body is in
    rows: int | None = None
    truncated: bool = False
    message: str = ""
    seconds: float = 0.0
    kind: str = ""  # "results" or "rdf" when the query was evaluated
    syntax: SyntaxProblem | None = None  # for BAD_QUERY from the parser: ``message`` in words, and where

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.status]


Runner = Callable[[QueryJob], QueryResult]


def pyoxigraph_runner(engine: OxStore, *, in_memory: bool = False) -> Runner:
    """Evaluate jobs on a pyoxigraph store directly (in a worker process).

    ``in_memory`` (the engine is an in-memory store, which does not change under the runner):
    queries over the default graph that read no named graph run on a copy of the merge
    alone, made on first need (``store.dataset.merged_only``).

    The federation guard reads the text here, where a parse that blows up costs only this
    worker. Allowed SERVICE calls are rewritten to this process's ``ServiceRelay`` (started
    on first need), which makes each call under the policy, through the dialer when the
    job names one (the worker then has no network of its own). Raises ``FederationRefused``.
    """
    state: dict[str, ServiceRelay] = {}
    merge_copy: list[OxStore] = []  # the merge alone, for in-memory engines (made on first need)

    def sparql_of(job: QueryJob) -> str:
        try:
            return relayed(state, job, job.sparql)
        except UncheckedService:
            require_parsable(job)
            raise

    def run(job: QueryJob) -> QueryResult:
        # The store's default graph is the merge of the named graphs; only what the protocol
        # or FROM names otherwise (several default graphs: merged on a scratch store).
        dataset = QueryDataset() if job.union_default else query_dataset(
            job.sparql, default_graphs=job.default_graphs, named_graphs=job.named_graphs, base_iri=job.base_iri
        )
        target, options = evaluation_target(engine, dataset)
        if in_memory and dataset == QueryDataset() and not reads_named_graphs(job.sparql):
            if not merge_copy:
                merge_copy.append(merged_only(engine))
            target = merge_copy[0]
        return target.query(sparql_of(job), base_iri=job.base_iri, **options)

    run.relays = state  # type: ignore[attr-defined]  - for ``evaluate`` to read the refusals
    return run


def require_parsable(job: QueryJob) -> None:
    """Raise the engine's ``SyntaxError`` if it cannot parse ``job``, so that a malformed text is a
    400 even when the federation guard refuses it. Only in a worker without a network: the check
    runs the text on an empty store, where a ``SERVICE`` call could otherwise still go out."""
    if not sandbox.is_isolated():
        return
    result = OxStore().query(job.sparql, base_iri=job.base_iri)
    del result  # never iterated: parsing is what was asked


def relays_of(run: Runner) -> dict[str, ServiceRelay]:
    """The relays a runner made (one at most), for other jobs of the same worker to share."""
    return getattr(run, "relays", {})


def relayed(state: dict[str, ServiceRelay], job, text: str) -> str:
    """``text`` with its allowed ``SERVICE`` calls sent through this process's relay.

    ``job`` carries the federation policy (``service_allowlist``, ``service_allow_private``,
    ``base_iri``). Raises ``FederationRefused`` (or ``UncheckedService``) as the guard does.
    """
    guard = FederationGuard(
        allowlist=job.service_allowlist, allow_private=job.service_allow_private, resolve_addresses=False
    )
    spans = [c.span for c in guard.check(text, base_iri=job.base_iri) if c.span is not None]
    return relay_for(state, job).rewrite(text, spans) if spans else text


def federation_failure(state: dict[str, ServiceRelay], sparql: str) -> tuple[str, str] | None:
    """The status and message of a failed job that made SERVICE calls, or None for any other failure.

    A call the address policy refused at connection time is a 403, even under ``SERVICE SILENT``.
    Any other failure of a federated job never repeats the engine's or the socket's words, which
    would tell what listens behind the firewall.
    """
    refusals = [r for relay in state.values() for r in relay.refusals]
    if refusals:
        return FORBIDDEN, refusals[0]
    if mentions_service(sparql):
        return UPSTREAM_FAILED, FEDERATION_FAILED
    return None


def relay_for(state: dict[str, ServiceRelay], job) -> ServiceRelay:
    """The process's relay for ``job``'s policy (one at a time; a new policy replaces the old relay)."""
    key = repr((job.service_timeout, job.service_allow_private, job.max_bytes, job.dialer_path))
    relay = state.get(key)
    if relay is None:
        for old in state.values():
            old.close()
        state.clear()
        connector = None
        if job.dialer_path is not None:
            path, allow_private = job.dialer_path, job.service_allow_private

            def connector(host: str, port: int, timeout: float):
                return dial(path, host, port, timeout=timeout, allow_private=allow_private)

        relay = state[key] = ServiceRelay(
            timeout=job.service_timeout,
            allow_private=job.service_allow_private,
            max_bytes=job.max_bytes,
            connector=connector,
        )
    relay.refusals.clear()
    return relay


def store_runner(store) -> Runner:
    """Evaluate jobs through the ``Store`` protocol (remote stores)."""

    def run(job: QueryJob) -> QueryResult:
        if job.default_graphs is not None or job.named_graphs is not None:
            return store.query(
                job.sparql, default_graph=list(job.default_graphs or ()), named_graphs=list(job.named_graphs or ())
            )
        return store.query(job.sparql)

    return run


def evaluate(run: Runner, job: QueryJob) -> QueryOutcome:
    """Evaluate ``job`` and serialise its result; every failure becomes an outcome with a message."""
    started = time.perf_counter()

    def done(status: str, **fields) -> QueryOutcome:
        return QueryOutcome(status, seconds=time.perf_counter() - started, **fields)

    too_deep = nesting_error(job.sparql)
    if too_deep:
        return done(BAD_QUERY, message=too_deep)
    try:
        result = run(job)
    except SyntaxError as err:
        # Explained here, in the worker: reading a long query costs the worker, not the server.
        problem = explain(job.sparql, str(err))
        return done(BAD_QUERY, message=problem.sentence() if problem else str(err), syntax=problem)
    except FederationRefused as err:
        return done(FORBIDDEN, message=str(err))
    except ClusterGraphError as err:  # from a remote store, evaluated in-process: keep its own status
        if err.http_status == 400:
            return done(BAD_QUERY, message=str(err))
        raise
    except (OSError, ValueError, RuntimeError) as err:
        return _failed(done, run, job, err)
    kind = "rdf" if isinstance(result, QueryTriples) else "results"
    name = job.graph_format if kind == "rdf" else job.results_format
    if name is None:
        offered = "RDF graph formats" if kind == "rdf" else "SPARQL results formats"
        return done(
            NOT_ACCEPTABLE,
            kind=kind,
            message=f"this query returns a {'graph' if kind == 'rdf' else 'table'}: accept one of the {offered}",
        )
    fmt = formats.lookup(name)
    try:
        if isinstance(result, QueryBoolean):
            out = serialize_boolean(result, fmt)
        elif isinstance(result, QuerySolutions):
            out = serialize_solutions(result, fmt, job.limits, again=lambda: run(job))
        else:
            out = serialize_triples(result, fmt, job.limits, prefixes=dict(job.prefixes))
    except ResultTooLarge as err:
        return done(TOO_LARGE, kind=kind, message=str(err))
    except (OSError, ValueError, RuntimeError, SyntaxError) as err:
        # Evaluation is lazy: errors during iteration (a failed SERVICE call...) surface here.
        return _failed(done, run, job, err, kind=kind)
    refusals = _refusals(run)
    if refusals:  # SERVICE SILENT hides a refused call from the engine, not from the client
        return done(FORBIDDEN, kind=kind, message=refusals[0])
    return done(OK, body=out.body, format=fmt.name, rows=out.rows, truncated=out.truncated, kind=kind)


def _failed(done: Callable[..., QueryOutcome], run: Runner, job: QueryJob, err: BaseException, **fields) -> QueryOutcome:
    """The outcome of a failed evaluation."""
    federated = federation_failure(relays_of(run), job.sparql)
    if federated:
        return done(federated[0], message=federated[1], **fields)
    return done(FAILED, message=f"the query could not be evaluated: {err}", **fields)


def _refusals(run: Runner) -> list[str]:
    """The SERVICE calls of the last job that the address policy refused at connection time."""
    return [r for relay in relays_of(run).values() for r in relay.refusals]
