"""Working out what a SPARQL Update changes, in a query worker process.

An update's text is untrusted: parsing it can exhaust the stack, and evaluating it can
run for ever or call out through ``SERVICE``. So the server never parses it: it sends an
``UpdateJob`` to a worker (``clustergraph.query.worker_process``), which has no network
of its own, runs under the query timeout and can be killed. The worker works out what the
update adds and removes from the update itself, against its read-only view of the store
(``update_effect``), and falls back to the reference method where that cannot be certain:
run the update on an in-memory copy of every quad and compare (``change_of``; 20 s at 1M
quads). It returns the change (quads added and removed, blank nodes skolemised); the
server validates that change and commits it (``clustergraph.loading.updates``).
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import Quad
from pyoxigraph import Store as OxStore

from clustergraph.errors import QueryError
from clustergraph.loading.parse import skolemize
from clustergraph.loading.update_effect import CannotTell, update_effect
from clustergraph.query.evaluation import (
    BAD_QUERY,
    FAILED,
    FORBIDDEN,
    OK,
    QueryOutcome,
    Runner,
    federation_failure,
    relayed,
    relays_of,
)
from clustergraph.query.guard import FederationRefused
from clustergraph.query.sparql_text import nesting_error
from clustergraph.store.dataset import merge_using_graphs


@dataclass(frozen=True)
class UpdateJob:
    """An update (already prepared: ``USING`` clauses written in, ``LOAD`` refused) and its policy."""

    sparql: str
    base_iri: str | None
    skolem_base: str
    service_allowlist: tuple[str, ...] = ()
    service_timeout: float = 10.0
    service_allow_private: bool = False
    dialer_path: str | None = None
    max_bytes: int = 50_000_000
    # Always the reference method (a copy of the store), for benchmarks and comparisons.
    copy_and_diff: bool = False

    cacheable = False  # an update is never answered from the query cache

    def perform(self, run: Runner, engine: OxStore) -> QueryOutcome:
        """The change as the outcome's body (``decode_change``), or an outcome with the reason.

        The outcome's ``message`` says how the change was worked out: ``"effect"`` (from the
        update itself) or ``"copy: <why>"`` (the reference method on a copy of the store).
        """
        started = time.perf_counter()

        def done(status: str, **fields) -> QueryOutcome:
            return QueryOutcome(status, seconds=time.perf_counter() - started, **fields)

        too_deep = nesting_error(self.sparql)
        if too_deep:
            return done(BAD_QUERY, message=too_deep)
        state = relays_of(run)
        text = self.sparql
        try:
            added, removed, method = self._change(engine, relayed(state, self, text))
        except FederationRefused as err:
            return done(FORBIDDEN, message=str(err))
        except QueryError as err:
            federated = federation_failure(state, self.sparql)
            if federated and (federated[0] == FORBIDDEN or not isinstance(err.__cause__, SyntaxError)):
                return done(federated[0], message=federated[1])
            return done(BAD_QUERY, message=str(err))
        except (OSError, RuntimeError) as err:
            return done(FAILED, message=f"the update could not be run: {err}")
        added = skolemize(added, base_iri=self.skolem_base)
        body = pickle.dumps((added, removed), protocol=pickle.HIGHEST_PROTOCOL)
        return done(OK, body=body, kind="change", message=method)

    def _change(self, engine: OxStore, text: str) -> tuple[list[Quad], list[Quad], str]:
        """Added and removed quads, and the method that found them. Raises ``QueryError``."""
        if not self.copy_and_diff:
            try:
                added, removed = update_effect(engine, text, base_iri=self.base_iri)
                return added, removed, "effect"
            except CannotTell as why:
                reason = str(why)
        else:
            reason = "asked for"
        added, removed = change_of(engine.quads_for_pattern(None, None, None, None), text, base_iri=self.base_iri)
        return added, removed, f"copy: {reason}"


def decode_change(outcome: QueryOutcome) -> tuple[list[Quad], list[Quad]]:
    """The quads added and removed, from the body of a successful ``UpdateJob`` outcome."""
    added, removed = pickle.loads(outcome.body)
    return added, removed


def change_of(quads: Iterable[Quad], sparql: str, *, base_iri: str | None) -> tuple[list[Quad], list[Quad]]:
    """The quads ``sparql`` adds to and removes from a dataset of ``quads`` (run on an in-memory copy).

    Raises ``QueryError`` for an update that cannot be parsed or run.
    """
    before = list(quads)
    copy = OxStore()
    copy.extend(before)
    # Several USING graphs make one default graph: their merge, each triple once (store.dataset).
    text, merges = merge_using_graphs(sparql, base_iri=base_iri)
    try:
        copy.update(text, base_iri=base_iri)
    except SyntaxError as err:
        raise QueryError(str(err)) from err
    except (OSError, ValueError, RuntimeError) as err:
        # RuntimeError: what the request asks cannot be done (CLEAR or DROP of a graph that does
        # not exist, CREATE of one that does): the client's to mend, with SILENT or another graph.
        raise QueryError(f"the update could not be run: {err}") from err
    for merged in merges:
        copy.remove_graph(merged)
    old = set(before)
    new = set(copy)
    return sorted(new - old, key=str), sorted(old - new, key=str)
