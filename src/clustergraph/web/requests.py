"""What requests share: the bearer update token and a size-capped body for writes; ETag revalidation for reads."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request

from clustergraph.errors import Forbidden
from clustergraph.settings import Settings


def require_update_token(request: Request, settings: Settings) -> None:
    """Writes need the bearer update token: 403 when none is configured or it is wrong, 401 when absent."""
    if settings.update_token is None:
        raise Forbidden("this service is read-only: writes need an update token configured (CLUSTERGRAPH_UPDATE_TOKEN)")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise HTTPException(
            401, "writes need the update token as 'Authorization: Bearer TOKEN'",
            headers={"WWW-Authenticate": 'Bearer realm="clustergraph"'},
        )
    if not hmac.compare_digest(given.strip().encode(), settings.update_token.get_secret_value().encode()):
        raise Forbidden("the update token is not valid")


async def read_body(request: Request, limit: int) -> bytes:
    """The request body; 413 as soon as it is known to be over ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the body is {declared} bytes, over the limit of {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison of ``If-None-Match`` against our ETag (``*`` matches any)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == ours for tag in if_none_match.split(","))


def client_of(request: Request) -> str | None:
    """Whom a request's work is counted for (fair turns at the query workers): its address."""
    return request.client.host if request.client else None
