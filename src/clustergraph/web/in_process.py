"""One request to the app in this process, for ``clustergraph serve --get`` (scripts, smoke tests).

Runs the app's lifespan around the request (the store opens, the query workers start) and
talks to it through httpx's ASGI transport, as a client on 127.0.0.1 asking for the host
``testserver`` (always allowed). Starlette's ``TestClient`` is not used: importing it with
httpx prints a deprecation warning.
"""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI


async def _get(app: FastAPI, path: str) -> httpx.Response:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 0))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.get(path)
            await response.aread()
            return response


def get_once(app: FastAPI, path: str) -> httpx.Response:
    """GET ``path`` (with its query string) from ``app``, started and stopped around the request.

    Raises what the app's start raises (e.g. ``StoreUnavailable``).
    """
    return asyncio.run(_get(app, path))
