"""A tiny local HTTP endpoint for the failures a real Virtuoso cannot be made to show on demand
(a server error, a malformed answer, a hang): it answers each request with the next scripted
response (the last one repeats) and records the requests."""

from __future__ import annotations

import socket
import threading

from support.listener import Listener, http_answer

ROWS_JSON = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"ok"}}]}}'
OK = http_answer("200 OK", ROWS_JSON, content_type="application/sparql-results+json")
SERVER_ERROR = http_answer("500 Internal Server Error", b"Virtuoso 08C01 Error CL: Cluster: No connection", content_type="text/plain")
MALFORMED = http_answer("200 OK", b"<html><body>Service temporarily unavailable</body>", content_type="application/sparql-results+json")
CUT_JSON = http_answer("200 OK", ROWS_JSON[:40], content_type="application/sparql-results+json")
TOO_EXPENSIVE = http_answer(
    "500 SPARQL Request Failed",
    b"Virtuoso 42000 Error The estimated execution time 1759117312 (sec) exceeds the limit of 400 (sec).",
    content_type="text/plain",
)
HANG = None


class ScriptedEndpoint(Listener):
    """Answers request n with ``script[n]`` (``None``: accept and never answer)."""

    def __init__(self, *script: bytes | None) -> None:
        self.script = list(script)
        self.requests: list[bytes] = []
        super().__init__()

    def _on_connection(self, conn: socket.socket) -> None:
        answer = self.script[min(self.connections - 1, len(self.script) - 1)]
        threading.Thread(target=self._answer, args=(conn, answer), daemon=True).start()

    def _answer(self, conn: socket.socket, answer: bytes | None) -> None:
        with conn:
            conn.settimeout(2)
            try:
                self.requests.append(_read_request(conn))
                if answer is None:
                    self._stop.wait(30)
                else:
                    conn.sendall(answer)
            except OSError:
                pass


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body
