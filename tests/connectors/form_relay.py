"""A loopback relay in front of the stand-in Virtuoso for SERVICE calls.

Oxigraph's SERVICE client POSTs the query as ``application/sparql-query``; the Debian
Virtuoso 7.2.5 of the tests never answers such a request (the connection hangs; form POSTs
work), so this relay re-sends each query as a form POST. Virtuoso still evaluates every
query; the relay changes only the request's encoding.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


class FormRelay:
    """Forwards ``POST /sparql`` bodies to ``target`` as ``query=`` forms and returns the answer."""

    def __init__(self, target: str) -> None:
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Type", "").startswith("application/sparql-query"):
                    data = {"query": body.decode("utf-8")}
                else:
                    data = dict(httpx.QueryParams(body.decode("utf-8")))
                answer = httpx.post(target, data=data, headers={"Accept": self.headers.get("Accept", "*/*")}, timeout=60)
                relay.calls += 1
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("content-type", "text/plain"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, *args: object) -> None:
                pass

        self.calls = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
