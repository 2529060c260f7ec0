"""A loopback TCP listener standing in for an internal host: it records every connection it gets."""

from __future__ import annotations

import socket
import threading

RESULT = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"from the listener"}}]}}'


def http_answer(status: str, body: bytes = b"", **headers: str) -> bytes:
    head = f"HTTP/1.1 {status}\r\ncontent-length: {len(body)}\r\nconnection: close\r\n"
    head += "".join(f"{k.replace('_', '-')}: {v}\r\n" for k, v in headers.items())
    return head.encode() + b"\r\n" + body


SPARQL_ANSWER = http_answer("200 OK", RESULT, content_type="application/sparql-results+json")


class Listener:
    """A local TCP server that records every connection and answers with ``answer`` (None: never answers)."""

    def __init__(self, answer: bytes | None = SPARQL_ANSWER) -> None:
        self.answer = answer
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            self._on_connection(conn)

    def _on_connection(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2)
            try:
                conn.recv(65536)
                if self.answer is None:
                    self._stop.wait(10)
                else:
                    conn.sendall(self.answer)
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
