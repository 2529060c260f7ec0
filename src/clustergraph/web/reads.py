"""The web side of the one read path (``catalog.reads``): a request's read, run by the app's query executor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel

from clustergraph.catalog.reads import read_through
from clustergraph.web.requests import client_of

M = TypeVar("M", bound=BaseModel)


def read_for(request: Request, fn: Callable[..., Any], *args: Any, catalog: bool = True, **kwargs: Any) -> Any:
    """``fn(Catalog or store, *args, **kwargs)`` run by the app's executor for this request's client
    (its fair turn), under the query timeout, answered from the cache while the store is unchanged.
    Blocking: call it in a thread. Raises ``QueryTimeout`` (503) and what ``fn`` raises."""
    state = request.app.state
    return read_through(state.executor, state.settings, fn, *args, catalog=catalog, client=client_of(request), **kwargs)


def read_model(request: Request, model: type[M], fn: Callable[..., Any], *args: Any, **kwargs: Any) -> M:
    """``read_for``, for a read whose answer is ``model``: a worker hands a model back as its JSON
    form (it crosses a process boundary), a thread (remote stores) as the model itself."""
    value = read_for(request, fn, *args, **kwargs)
    return value if isinstance(value, model) else model.model_validate(value)
