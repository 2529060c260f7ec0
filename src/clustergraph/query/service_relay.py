"""A loopback relay for the ``SERVICE`` calls the guard allowed, so each call obeys the policy.

pyoxigraph makes ``SERVICE`` calls itself and offers no hook: no per-call timeout, no
say in which address it connects to. So the endpoints of an allowed query are rewritten
to this relay's loopback URL before evaluation, and the relay makes the real call:

- with ``service_timeout`` as a deadline for the whole call (connect, send, read);
- to an address resolved and checked at the moment of the call (no loopback, private or
  link-local address unless allowed), so a host name that changes its answer between the
  guard's check and the call (DNS rebinding) is still refused; in a sandboxed worker the
  connection comes from the dialer (``clustergraph.query.dialer``), the only process with
  a network;
- without following redirects (a 3xx is an error) and with the answer capped in size.

The relay listens on 127.0.0.1 on a random port; each job's endpoints are reachable only
under a random path prefix that changes per job.
"""

from __future__ import annotations

import http.client
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from clustergraph.query.dialer import DialRefused, Resolver, connect_checked

FORWARDED_HEADERS = ("content-type", "accept", "user-agent")
# A connection to (host, port) within the timeout, or ``DialRefused``.
Connector = Callable[[str, int, float], socket.socket]
UNREACHABLE = "the federated endpoint could not be reached"


class _RelayError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ServiceRelay:
    """A relay for one process; ``rewrite`` points a job's SERVICE IRIs at it."""

    def __init__(
        self,
        *,
        timeout: float,
        allow_private: bool,
        max_bytes: int,
        resolver: Resolver | None = None,
        connector: Connector | None = None,
    ) -> None:
        self.timeout = timeout
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.refusals: list[str] = []  # calls the address policy refused (for a 403 instead of a 500)

        def direct(host: str, port: int, timeout: float) -> socket.socket:
            return connect_checked(host, port, timeout=timeout, allow_private=allow_private, resolver=resolver)

        self._connect = connector or direct
        self._routes: dict[str, str] = {}
        self._lock = threading.Lock()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._relay()

            def do_POST(self) -> None:  # noqa: N802
                self._relay()

            def _relay(self) -> None:
                path, _, query = self.path.partition("?")
                with relay._lock:
                    endpoint = relay._routes.get(path)
                if endpoint is None:
                    self._answer(404, "text/plain", b"unknown relay path")
                    return
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() in FORWARDED_HEADERS}
                if query:
                    endpoint = endpoint + ("&" if "?" in endpoint else "?") + query
                try:
                    status, content_type, data = relay.call(self.command, endpoint, body, headers)
                except _RelayError as err:
                    self._answer(err.status, "text/plain", str(err).encode())
                    return
                self._answer(status, content_type, data)

            def _answer(self, status: int, content_type: str, data: bytes) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(data)))
                self.send_header("connection", "close")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="clustergraph-service-relay", daemon=True
        )
        self._thread.start()

    def rewrite(self, sparql: str, calls: Sequence[tuple[int, int, str]]) -> str:
        """``sparql`` with each ``(start, end, endpoint)`` span replaced by a relay IRI for that endpoint.

        The routes of the previous rewrite are forgotten: one job at a time per relay user.
        """
        prefix = "/" + secrets.token_urlsafe(16)
        routes: dict[str, str] = {}
        for i, (_, _, endpoint) in enumerate(calls):
            routes[f"{prefix}/{i}"] = endpoint
        with self._lock:
            self._routes = routes
        for i, (start, end, _) in sorted(enumerate(calls), key=lambda item: item[1][0], reverse=True):
            sparql = f"{sparql[:start]}<http://127.0.0.1:{self.port}{prefix}/{i}>{sparql[end:]}"
        return sparql

    def call(self, method: str, endpoint: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
        """Make one SERVICE call under the policy; raises ``_RelayError`` (a 502/504 for the engine).

        The reason stays in the relay's log and ``refusals``; the engine (and so the client)
        only learns that the endpoint could not be reached, never a socket error that would
        tell what listens behind the firewall.
        """
        deadline = time.monotonic() + self.timeout
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            sock = self._connect(host, port, self._left(deadline, endpoint))
        except DialRefused as err:
            if err.policy:
                self.refusals.append(f"SERVICE <{endpoint}>: refused, {err}")
            raise _RelayError(502, UNREACHABLE) from None
        except TimeoutError:
            raise _RelayError(504, UNREACHABLE) from None
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        try:
            if parts.scheme == "https":
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            connection = http.client.HTTPConnection(host, port, timeout=self._left(deadline, endpoint))
            connection.sock = sock
            connection.request(method, target, body=body or None, headers={**headers, "Host": parts.netloc})
            response = connection.getresponse()
            if 300 <= response.status < 400:
                raise _RelayError(
                    502,
                    f"the federated endpoint answered with a redirect ({response.status}); redirects are not followed",
                )
            chunks, size = [], 0
            while not response.isclosed():  # it closes itself once the body is read
                sock.settimeout(self._left(deadline, endpoint))
                chunk = response.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    raise _RelayError(502, f"the federated endpoint answered with more than {self.max_bytes} bytes")
                chunks.append(chunk)
            connection.close()
            return response.status, response.getheader("content-type") or "application/octet-stream", b"".join(chunks)
        except TimeoutError:
            raise _RelayError(504, f"the federated endpoint did not answer within {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException):
            raise _RelayError(502, UNREACHABLE) from None
        finally:
            sock.close()

    def _left(self, deadline: float, endpoint: str) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
