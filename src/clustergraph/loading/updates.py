"""SPARQL Update through the SHACL gate: work out the change, validate it, then commit it.

First the change an update makes is worked out (quads added and removed), in a query worker
process for embedded stores (``update_job``): from the update itself against the store
(``update_effect``), or, where that cannot be certain and for remote stores, by running it
on an in-memory copy of the store and comparing. That change goes
through the same ``ShaclGate`` as loading, and only a conforming change is committed,
with ``store.apply`` in one transaction. A refused update leaves the store as it was.

Also here, because they are about what an update may do rather than about HTTP:

- ``LOAD`` is refused (it would fetch a URL from the server);
- ``SERVICE`` calls are checked by the federation guard before anything runs;
- the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` become ``USING`` /
  ``USING NAMED`` clauses of each ``DELETE``/``INSERT ... WHERE`` operation, and an
  operation that has its own ``USING`` or ``WITH`` conflicts with them (400);
- blank nodes an update creates are skolemised, as loading does.

Without ``USING``, an update's ``WHERE`` matches the store's default graph, as SPARQL
defines it: the merge of the named graphs, as queries see it (``store.merge``); several
``USING`` graphs are merged too (``store.dataset``). Facts live in their source's named
graph, so write and delete them there (``GRAPH <source> { ... }``): a change to the
default graph itself cannot remove what a source states.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from clustergraph.errors import Forbidden, QueryError
from clustergraph.loading.parse import skolemize
from clustergraph.loading.report import Report
from clustergraph.loading.update_job import change_of
from clustergraph.loading.validation import Change, ShaclGate
from clustergraph.query.guard import FederationGuard
from clustergraph.query.service_relay import ServiceRelay
from clustergraph.query.sparql_text import request_form, update_operations
from clustergraph.store.base import Store


@dataclass(frozen=True)
class UpdateRequest:
    """One SPARQL Update request as the protocol delivers it."""

    sparql: str
    base_iri: str | None = None  # resolves relative IRIs (the endpoint's URL)
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()


@dataclass
class UpdateResult:
    added: int
    removed: int
    report: Report | None
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict:
        body: dict = {"added": self.added, "removed": self.removed, "seconds": round(self.seconds, 3)}
        if self.report is not None:
            body["validation"] = self.report.as_json()
        return body


def prepared_text(request: UpdateRequest) -> str:
    """The update text to run: ``LOAD`` refused, protocol ``USING`` graphs written into it.

    Raises ``Forbidden`` for ``LOAD`` and ``QueryError`` for a query sent as an update,
    a bad graph IRI or a ``USING``/``WITH`` that conflicts with the protocol's graphs.
    """
    text = request.sparql
    if request_form(text) in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        raise QueryError("this is a SPARQL query, not an update: send it to /sparql as 'query'")
    operations = update_operations(text)
    if any(op.keywords[:1] == ("LOAD",) for op in operations):
        raise Forbidden("LOAD is not allowed: this service does not fetch data from URLs; send the data instead")
    if not (request.using_graphs or request.using_named_graphs):
        return text
    for iri in request.using_graphs + request.using_named_graphs:
        try:
            NamedNode(iri)
        except ValueError:
            raise QueryError(f"{iri!r} is not a valid graph IRI") from None
    if any(op.has_using or op.keywords[:1] == ("WITH",) for op in operations):
        raise QueryError("using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH in the update")
    clauses = " ".join(
        [f"USING <{g}>" for g in request.using_graphs] + [f"USING NAMED <{g}>" for g in request.using_named_graphs]
    )
    # Insert from the end so earlier offsets stay valid.
    for offset in sorted((op.where_offset for op in operations if op.where_offset is not None), reverse=True):
        text = f"{text[:offset]}{clauses} {text[offset:]}"
    return text


def change_in_process(store: Store, sparql: str, *, base_iri: str | None, skolem_base: str) -> Change:
    """The change ``sparql`` would make to ``store``, worked out in this process (remote stores,
    whose text is evaluated by the remote server; embedded stores use an ``UpdateJob``)."""
    added, removed = change_of(store.quads(), sparql, base_iri=base_iri)
    return Change(add=skolemize(added, base_iri=skolem_base), remove=removed)


def apply_update(
    store: Store,
    request: UpdateRequest,
    *,
    gate: ShaclGate | None,
    guard: FederationGuard,
    skolem_base: str,
    relay: ServiceRelay | None = None,
    compute: Callable[[str], Change] | None = None,
) -> UpdateResult:
    """Run ``request`` against ``store`` if the change it makes conforms to the shapes.

    ``compute``, when given, works out the change of the prepared text elsewhere (a query
    worker: ``UpdateJob``), including the federation check; otherwise it is worked out here.
    ``gate=None`` commits without validation (``settings.validate_writes`` off). Allowed
    ``SERVICE`` calls go through ``relay`` (timeout, address check) when one is given. Raises
    ``QueryError`` (400) for a malformed or conflicting update, ``Forbidden`` (403) for
    ``LOAD`` and refused ``SERVICE`` calls, ``ValidationFailed`` (422, with the report)
    when the change breaks the shapes; in each case nothing is written. The caller
    serialises writers (one update at a time).
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    text = prepared_text(request)
    if compute is not None:
        change = compute(text)
    else:
        spans = [c.span for c in guard.check(text, base_iri=request.base_iri) if c.span is not None]
        if spans and relay is not None:
            text = relay.rewrite(text, spans)
        change = change_in_process(store, text, base_iri=request.base_iri, skolem_base=skolem_base)
    timings["run"] = time.perf_counter() - started
    report = None
    if gate is not None and (change.add or change.remove):
        mark = time.perf_counter()
        report = gate.require(store, change)
        timings["validate"] = time.perf_counter() - mark
    if change.add or change.remove:
        mark = time.perf_counter()
        store.apply(add=change.add, remove=change.remove)
        timings["commit"] = time.perf_counter() - mark
    return UpdateResult(
        added=len(change.add),
        removed=len(change.remove),
        report=report,
        seconds=time.perf_counter() - started,
        timings=timings,
    )
