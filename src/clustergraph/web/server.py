"""Serving the app with uvicorn, guarded against slow and numerous clients.

uvicorn closes idle keep-alive connections but has no limit on how long a client may
take to send its request headers: a connection that sends one header byte every few
seconds stays open for ever, and a few hundred of them hold the server's sockets
("slowloris"). ``GuardedHttpProtocol`` (uvicorn's httptools protocol with two additions)
arms a timer when a connection opens and whenever a new request begins, cancels it when
the headers are complete, and closes the connection with a 408 when it fires
(``CLUSTERGRAPH_HEADER_TIMEOUT``). A connection beyond ``CLUSTERGRAPH_MAX_CONNECTIONS``
is answered 503 and closed at once, so the open sockets stay bounded.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import resource
from typing import Any, ClassVar

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from clustergraph.settings import Settings

log = logging.getLogger("clustergraph.server")

# Seconds uvicorn waits for running requests after SIGTERM before it cancels them.
GRACEFUL_SHUTDOWN_SECONDS = 5
# Descriptors beyond the client connections: the store's files, worker pipes, logs.
SPARE_DESCRIPTORS = 512


def _plain_response(status: str, message: str) -> bytes:
    body = message.encode("ascii")
    head = (
        f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\nx-content-type-options: nosniff\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


HEADERS_TOO_SLOW = _plain_response("408 Request Timeout", "the request headers did not arrive in time\n")
TOO_MANY_CONNECTIONS = _plain_response("503 Service Unavailable", "too many open connections; try again\n")


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol with a header read timeout and a cap on open connections.

    Use a subclass made by ``guarded_protocol`` (the class attributes are the limits).
    """

    header_timeout: ClassVar[float] = 10.0
    max_connections: ClassVar[int] = 1000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            transport.write(TOO_MANY_CONNECTIONS)
            transport.close()
            return
        self._arm_header_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_timer()  # the next request on a kept-alive connection has begun

    def on_headers_complete(self) -> None:
        self._disarm_header_timer()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport is None or self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete:  # no answer of ours is under way
            self.transport.write(HEADERS_TOO_SLOW)
        self.transport.close()


def guarded_protocol(settings: Settings) -> type[GuardedHttpProtocol]:
    """A ``GuardedHttpProtocol`` class with the limits of ``settings``."""
    return type(
        "GuardedHttpProtocol",
        (GuardedHttpProtocol,),
        {"header_timeout": settings.header_timeout, "max_connections": settings.max_connections},
    )


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(settings: Settings) -> str | None:
    """The start-up warning for a server reachable from the network whose links follow the request's Host."""
    if settings.public_url or is_loopback(settings.host):
        return None
    hosts = ", ".join(settings.allowed_hosts) or "the loopback names and the bind address only"
    return (
        f"\n{'!' * 78}\nWARNING: clustergraph binds {settings.host}, reachable from the network, and "
        "CLUSTERGRAPH_PUBLIC_URL is not set.\nLinks in /catalog, /void, the service description and the pages "
        f"are built from the request's Host,\nwhich is accepted only for: {hosts} (others get 400).\n"
        f"Set CLUSTERGRAPH_PUBLIC_URL to the URL clients use.\n{'!' * 78}"
    )


def raise_open_file_limit(wanted: int) -> int:
    """Raise this process's soft limit on open files towards ``wanted`` (up to the hard limit); the new limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft


def serve(app: ASGIApp, settings: Settings) -> None:
    """Run ``app`` on ``settings.host``:``settings.port`` until SIGINT or SIGTERM."""
    warning = exposure_warning(settings)
    if warning:
        log.warning(warning)
    raise_open_file_limit(settings.max_connections + SPARE_DESCRIPTORS)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        http=guarded_protocol(settings),
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    uvicorn.Server(config).run()
