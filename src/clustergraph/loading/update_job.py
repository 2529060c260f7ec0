"""Working out what a SPARQL Update changes, in a query worker process.

An update's text is untrusted: parsing it can exhaust the stack, and evaluating it can
run for ever or call out through ``SERVICE``. So the server never parses it: it sends an
``UpdateJob`` to a worker (``clustergraph.query.worker_process``), which has no network
of its own, runs under the query timeout and can be killed. The worker runs the update on
an in-memory copy of its read-only view of the store and returns the difference (quads
added and removed, blank nodes skolemised); the server validates that change and commits
it (``clustergraph.loading.updates``).
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
from clustergraph.query.evaluation import (
    BAD_QUERY,
    FAILED,
    FORBIDDEN,
    OK,
    UPSTREAM_FAILED,
    FEDERATION_FAILED,
    QueryOutcome,
    Runner,
    relay_for,
    relays_of,
)
from clustergraph.query.guard import FederationGuard, FederationRefused, mentions_service
from clustergraph.query.sparql_text import nesting_error


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

    cacheable = False  # an update is never answered from the query cache

    def perform(self, run: Runner, engine: OxStore) -> QueryOutcome:
        """The change as the outcome's body (``decode_change``), or an outcome with the reason."""
        started = time.perf_counter()

        def done(status: str, **fields) -> QueryOutcome:
            return QueryOutcome(status, seconds=time.perf_counter() - started, **fields)

        too_deep = nesting_error(self.sparql)
        if too_deep:
            return done(BAD_QUERY, message=too_deep)
        state = relays_of(run)
        text = self.sparql
        try:
            guard = FederationGuard(
                allowlist=self.service_allowlist, allow_private=self.service_allow_private, resolve_addresses=False
            )
            spans = [c.span for c in guard.check(text, base_iri=self.base_iri) if c.span is not None]
            if spans:
                text = relay_for(state, self).rewrite(text, spans)
            added, removed = change_of(engine.quads_for_pattern(None, None, None, None), text, base_iri=self.base_iri)
        except FederationRefused as err:
            return done(FORBIDDEN, message=str(err))
        except QueryError as err:
            refusals = [r for relay in state.values() for r in relay.refusals]
            if refusals:
                return done(FORBIDDEN, message=refusals[0])
            if mentions_service(self.sparql) and not isinstance(err.__cause__, SyntaxError):
                return done(UPSTREAM_FAILED, message=FEDERATION_FAILED)
            return done(BAD_QUERY, message=str(err))
        except (OSError, RuntimeError) as err:
            return done(FAILED, message=f"the update could not be run: {err}")
        added = skolemize(added, base_iri=self.skolem_base)
        return done(OK, body=pickle.dumps((added, removed), protocol=pickle.HIGHEST_PROTOCOL), kind="change")


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
    try:
        copy.update(sparql, base_iri=base_iri)
    except SyntaxError as err:
        raise QueryError(str(err)) from err
    except (OSError, ValueError) as err:
        raise QueryError(f"the update could not be run: {err}") from err
    old = set(before)
    new = set(copy)
    return sorted(new - old, key=str), sorted(old - new, key=str)
