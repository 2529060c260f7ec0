"""Security headers on every response, and the allow-list for the ``Host`` a request names.

One ASGI middleware, installed outside everything else (outside Starlette's error
middleware too, so a 500 carries the headers as well):

- every response: ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy``;
- HTML and SVG documents: a ``Content-Security-Policy`` that allows scripts, styles,
  images and fetches from this origin only (``frame-ancestors 'none'``), and
  ``X-Frame-Options: DENY`` for browsers that predate ``frame-ancestors``. The pages have
  no inline script (JSON-LD and the editor's configuration are data blocks, which CSP
  does not run); inline styles are allowed because YASGUI and CodeMirror position their
  widgets with ``style`` attributes and the landscape SVGs carry their own ``<style>``;
- without ``CLUSTERGRAPH_PUBLIC_URL``, links in the catalogue, VoID, the service
  description and the pages are built from the request's ``Host``: a Host that is not on
  ``CLUSTERGRAPH_ALLOWED_HOSTS`` gets a 400 (``/health`` and ``/metrics``, which build no
  links, answer any Host, for probes that address the server by IP).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clustergraph.settings import Settings
from clustergraph.web.errors import problem

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
EVERY_RESPONSE = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}
DOCUMENTS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Frame-Options": "DENY"}
DOCUMENT_TYPES = ("text/html", "image/svg+xml", "application/xhtml+xml")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
IN_PROCESS_NAME = "testserver"  # Starlette's TestClient, `clustergraph serve --get`
ANY_HOST_PATHS = frozenset({"/health", "/metrics"})
_HOST = re.compile(r"(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9._-]+))(?::[0-9]{1,5})?")


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """The host names requests may name, lower case; ``None`` when any will do (links come from
    ``public_url``, or the allow-list holds ``*``)."""
    if settings.public_url:
        return None
    names = settings.allowed_hosts or [*LOOPBACK_NAMES, settings.host]
    if "*" in names:
        return None
    # In-process requests (`serve --get`, tests) name this host; a link to it leads nowhere.
    return frozenset(_normal(name) for name in [*names, IN_PROCESS_NAME])


def host_name(host_header: str) -> str | None:
    """The name in a ``Host`` value, without port or IPv6 brackets, lower case (``[::1]:80`` ->
    ``::1``); ``None`` when the value is not a plain host name or address with an optional port."""
    match = _HOST.fullmatch(host_header)
    if match is None:
        return None
    return _normal(match["ipv6"] or match["name"])


def host_is_allowed(host_header: str | None, allowed: Iterable[str]) -> bool:
    """Whether ``host_header`` names an allowed host; ``*.example.org`` allows its subdomains.
    A malformed value is refused. A request without ``Host`` (HTTP/1.0) is allowed: links then
    name the server's own address."""
    if host_header is None:
        return True
    name = host_name(host_header)
    if name is None:
        return False
    for pattern in allowed:
        if name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False


def install(app: FastAPI, settings: Settings) -> None:
    """Wrap ``app``'s whole middleware stack (Starlette's error middleware included) in ``SecurityMiddleware``."""
    build = app.build_middleware_stack

    def build_with_security() -> ASGIApp:
        return SecurityMiddleware(build(), allowed=allowed_hosts(settings))

    app.build_middleware_stack = build_with_security  # type: ignore[method-assign]


class SecurityMiddleware:
    """Refuses requests for hosts not on the allow-list (400); adds the security headers to every response."""

    def __init__(self, app: ASGIApp, *, allowed: frozenset[str] | None) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(MutableHeaders(scope=message))
            await send(message)

        if self.allowed is not None and scope.get("path") not in ANY_HOST_PATHS:
            host = Headers(scope=scope).get("host")
            if not host_is_allowed(host, self.allowed):
                refusal = problem(
                    400,
                    "Bad Request",
                    f"this server does not answer to the host {host!r}: use one of {', '.join(sorted(self.allowed))}, "
                    "or set CLUSTERGRAPH_PUBLIC_URL or CLUSTERGRAPH_ALLOWED_HOSTS",
                )
                await refusal(scope, receive, send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)


def add_security_headers(headers: MutableHeaders) -> None:
    """The headers for every response, and the document policy for HTML and SVG (set unless already there)."""
    for name, value in EVERY_RESPONSE.items():
        if name not in headers:
            headers[name] = value
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    if media in DOCUMENT_TYPES:
        for name, value in DOCUMENTS.items():
            if name not in headers:
                headers[name] = value


def _normal(name: str) -> str:
    return name.strip().lower().rstrip(".")
