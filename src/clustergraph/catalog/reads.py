"""One path for every read: the portal API and the pages read through the query executor.

A catalogue call (``list_clusters(cat, filters, limit=20)``) or a page's read (the view
of one resource) is sent to the executor as a ``ReadJob``, like a SPARQL query from the
endpoint, and so gets the endpoint's guarantees:

* it runs in a query worker process (embedded stores) or a thread (remote stores), never
  on the event loop, and is stopped at ``CLUSTERGRAPH_QUERY_TIMEOUT`` (``QueryTimeout``,
  a 503) by killing the worker: a catalogue query that runs away costs a worker, not the
  server;
* its answer is kept in the executor's result cache under the store version: the same
  read over the same content is answered without a query, and any write (a new version)
  makes every cached read stale at once;
* it takes its fair turn among the clients.

One job carries a whole read (a page's dozen queries), so the worker is asked once per
read. Only functions marked with ``@read`` can be named by a job. Domain errors
(``NotFound``...) travel back and are raised again where the read was asked for.

    page = read_through(executor, settings, list_clusters, ClusterFilters(), limit=20)
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from pyoxigraph import Quad, Variable
from pyoxigraph import Store as OxStore

from clustergraph.errors import ClusterGraphError, QueryError, StoreUnavailable
from clustergraph.query.evaluation import FAILED, OK, QueryOutcome
from clustergraph.settings import Settings
from clustergraph.store.base import QueryResult, Term
from clustergraph.store.dataset import evaluation_target, query_dataset

log = logging.getLogger("clustergraph.reads")
F = TypeVar("F", bound=Callable[..., Any])
READ_FAILED = "the read could not be completed"
_MARK = "__clustergraph_read__"


def read(fn: F) -> F:
    """Mark ``fn`` as a read a ``ReadJob`` may name. Its first parameter is the store (or, for
    catalogue functions, a ``Catalog``); its other arguments must pickle and compare by value."""
    setattr(fn, _MARK, True)
    return fn


def _resolve(name: str) -> Callable[..., Any]:
    module, _, attribute = name.partition(":")
    fn = getattr(importlib.import_module(module), attribute, None)
    if fn is None or not getattr(fn, _MARK, False):
        raise ValueError(f"{name} is not a read")
    return fn


@dataclass(frozen=True)
class ReadJob:
    """A marked read function (``module:name``) and its arguments, for the executor.

    ``base_iri``: when given, the function takes a ``Catalog`` over the store and this base
    instead of the store; pydantic answers are returned as their JSON form.
    """

    function: str
    args: tuple = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    base_iri: str | None = None
    # Set by an executor whose workers reach federated endpoints through a dialer; reads make no
    # SERVICE calls, so it is carried but not used (and not part of the cache key).
    dialer_path: str | None = None

    cacheable = True  # a read depends on the store's content only

    def cache_key(self) -> str:
        # repr: the arguments are plain values, frozen dataclasses and enums, whose repr is their value.
        return hashlib.sha256(repr(("read", self.function, self.args, self.kwargs, self.base_iri)).encode()).hexdigest()

    def perform(self, run: Any, engine: Any) -> QueryOutcome:
        """Run the read on ``engine`` (a worker's pyoxigraph store, or a ``Store`` for remote stores).

        The answer (or the domain error it raised) is the outcome's pickled body; a domain
        error other than ``NotFound`` is not cached (status FAILED), as it may not last.
        """
        store = engine if hasattr(engine, "kind") else WorkerStore(engine)
        try:
            fn = _resolve(self.function)
            target: Any = store
            if self.base_iri is not None:
                from clustergraph.catalog.query import Catalog

                target = Catalog(store, self.base_iri)
            value = fn(target, *self.args, **dict(self.kwargs))
            if isinstance(value, BaseModel):
                value = value.model_dump(mode="json")
            return QueryOutcome(OK, body=pickle.dumps((True, value), protocol=pickle.HIGHEST_PROTOCOL), kind="read")
        except ClusterGraphError as err:
            from clustergraph.errors import NotFound

            status = OK if isinstance(err, NotFound) else FAILED
            return QueryOutcome(status, body=_pickled_error(err), kind="read", message=str(err))
        except Exception:  # a bug in a read: a 500 that tells nothing of the code, and the worker lives on
            log.exception("the read %s failed", self.function)
            return QueryOutcome(FAILED, kind="read", message=READ_FAILED)


def _pickled_error(err: ClusterGraphError) -> bytes:
    try:
        body = pickle.dumps((False, err), protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(body)  # an error whose arguments do not survive the trip goes as its message
        return body
    except Exception:
        plain = ClusterGraphError(str(err))
        plain.http_status = err.http_status
        plain.title = err.title
        return pickle.dumps((False, plain), protocol=pickle.HIGHEST_PROTOCOL)


def answer_of(outcome: QueryOutcome) -> Any:
    """The value a read returned; raises the domain error it raised, or ``ClusterGraphError``."""
    if outcome.kind == "read" and outcome.body:
        ok, value = pickle.loads(outcome.body)
        if ok:
            return value
        raise value
    if outcome.kind == "read" or outcome.status == OK:  # a failed read: an internal error, without its words
        raise ClusterGraphError(READ_FAILED)
    raise StoreUnavailable(outcome.message or READ_FAILED)  # the worker was lost under the read


def job_for(fn: Callable[..., Any], *args: Any, catalog_base_iri: str | None = None, **kwargs: Any) -> ReadJob:
    """The job that runs ``fn(store, *args, **kwargs)``, or ``fn(Catalog(store, catalog_base_iri), ...)``
    when that is given; ``fn`` must be marked ``@read``."""
    if not getattr(fn, _MARK, False):
        raise ValueError(f"{fn.__qualname__} is not marked as a read")
    return ReadJob(f"{fn.__module__}:{fn.__qualname__}", tuple(args), tuple(sorted(kwargs.items())), catalog_base_iri)


def read_through(executor: Any, settings: Settings, fn: Callable[..., Any], *args: Any, catalog: bool = True,
                 client: str | None = None, **kwargs: Any) -> Any:
    """Run the read ``fn`` through ``executor`` under the query timeout; blocking (call it in a thread).

    ``catalog``: ``fn`` takes a ``Catalog`` over the settings' base IRI (else the store).
    Raises ``QueryTimeout`` at the timeout and what ``fn`` raises (``NotFound``...).
    """
    job = job_for(fn, *args, catalog_base_iri=settings.base_iri if catalog else None, **kwargs)
    outcome = executor.run(job, timeout=settings.query_timeout, client=client)
    return answer_of(outcome)


class WorkerStore:
    """The ``Store`` reading interface over a query worker's pyoxigraph store (read-only).

    A worker serves one store version (the executor retires it when the version changes),
    so its version is fixed for its life: per-version memos in the worker stay valid.
    """

    kind = "worker"

    def __init__(self, engine: OxStore) -> None:
        self.engine = engine
        self.version = f"worker-{os.getpid()}-{id(engine)}"

    def query(self, sparql: str, *, substitutions: dict[str, Term] | None = None, **dataset: Any) -> QueryResult:
        """As ``Store.query`` (``dataset``: ``default_graph``, ``named_graphs``, ``prefixes``). Raises ``QueryError``."""
        try:
            target, options = evaluation_target(
                self.engine,
                query_dataset(sparql, default_graphs=dataset.get("default_graph"), named_graphs=dataset.get("named_graphs")),
            )
            if substitutions:
                options["substitutions"] = {Variable(k): v for k, v in substitutions.items()}
            if dataset.get("prefixes"):
                options["prefixes"] = dataset["prefixes"]
            return target.query(sparql, **options)
        except (SyntaxError, ValueError, RuntimeError) as err:
            raise QueryError(str(err)) from err

    def quads(self, *pattern: Any) -> Iterator[Quad]:
        """As ``Store.quads``: subject, predicate, object, graph (``None`` matches anything)."""
        subject, predicate, obj, graph = (*pattern, None, None, None, None)[:4]
        return self.engine.quads_for_pattern(subject, predicate, obj, graph)
