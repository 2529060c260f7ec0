"""The web side of the one read path (``catalog.reads``): a request's read, run by the app's query executor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request

from clustergraph.catalog.reads import read_through


def read_for(request: Request, fn: Callable[..., Any], *args: Any, catalog: bool = True, **kwargs: Any) -> Any:
    """``fn(Catalog or store, *args, **kwargs)`` run by the app's executor for this request's client
    (its fair turn), under the query timeout, answered from the cache while the store is unchanged.
    Blocking: call it in a thread. Raises ``QueryTimeout`` (503) and what ``fn`` raises."""
    state = request.app.state
    # The client's address, as the SPARQL endpoint counts it (``web.sparql.client_of``).
    client = request.client.host if request.client else None
    return read_through(state.executor, state.settings, fn, *args, catalog=catalog, client=client, **kwargs)
