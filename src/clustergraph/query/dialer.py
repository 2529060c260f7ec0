"""The dialer: the one process that opens outbound connections for federated ``SERVICE`` calls.

Query workers live in a network namespace of their own (``clustergraph.query.sandbox``)
and cannot connect anywhere. When the relay in a worker has a call to make, it asks the
dialer over a Unix socket (a file, so it is reachable from any network namespace) for a
connection to ``host:port``. The dialer, in the server's network, resolves the host,
refuses loopback, private and link-local addresses (unless allowed), connects within the
call's deadline and hands the connected socket back (``SCM_RIGHTS``). A refusal comes
back as a message, which the relay turns into a failed call.

The dialer is started only when federation is on (a non-empty allow-list); it is a fresh
interpreter, so it shares no state with the multi-threaded server.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from clustergraph.query.addresses import is_public_address

Resolver = Callable[[str, int], list[str]]
REQUEST_BYTES = 4096
START_TIMEOUT = 30.0


class DialRefused(OSError):
    """The dialer refused or failed to connect; ``policy`` is True for an address the policy forbids."""

    def __init__(self, message: str, *, policy: bool = False) -> None:
        super().__init__(message)
        self.policy = policy


def _resolve(host: str, port: int) -> list[str]:
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def connect_checked(
    host: str, port: int, *, timeout: float, allow_private: bool, resolver: Resolver | None = None
) -> socket.socket:
    """A TCP connection to ``host:port`` at an address the policy allows; raises ``DialRefused``."""
    try:
        addresses = (resolver or _resolve)(host, port)
    except OSError:
        raise DialRefused(f"{host} does not resolve") from None
    if not addresses:
        raise DialRefused(f"{host} has no address")
    if not allow_private:
        refused = [a for a in addresses if not is_public_address(a)]
        if refused:
            raise DialRefused(f"{host} resolves to {refused[0]}, a loopback, private or link-local address", policy=True)
    try:
        return socket.create_connection((addresses[0], port), timeout=timeout)
    except OSError:
        raise DialRefused(f"{host}:{port} could not be reached") from None


def _serve_one(conn: socket.socket) -> None:
    with conn:
        try:
            request = json.loads(conn.recv(REQUEST_BYTES).decode("utf-8"))
            timeout = max(float(request["timeout"]), 0.001)
            conn.settimeout(timeout + 1)
            sock = connect_checked(
                str(request["host"]), int(request["port"]), timeout=timeout, allow_private=bool(request["allow_private"])
            )
        except DialRefused as err:
            conn.sendall(json.dumps({"error": str(err), "policy": err.policy}).encode("utf-8"))
            return
        except (OSError, ValueError, KeyError, TypeError):
            return
        with sock:
            socket.send_fds(conn, [b'{"ok": true}'], [sock.fileno()])


def _dialer_main(path: str, ready) -> None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    ready.send("ready")
    ready.close()
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=_serve_one, args=(conn,), daemon=True).start()


class Dialer:
    """The server's handle on its dialer process."""

    def __init__(self) -> None:
        self._dir = tempfile.mkdtemp(prefix="clustergraph-dialer-")
        os.chmod(self._dir, 0o700)
        self.path = str(Path(self._dir) / "dial.sock")
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_dialer_main, args=(self.path, theirs), name="clustergraph-dialer", daemon=True
        )
        self._process.start()
        theirs.close()
        if not ours.poll(START_TIMEOUT):
            self.close()
            raise OSError("the dialer process did not start")
        ours.recv()
        ours.close()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5)
        shutil.rmtree(self._dir, ignore_errors=True)


def dial(path: str, host: str, port: int, *, timeout: float, allow_private: bool) -> socket.socket:
    """A connection to ``host:port`` obtained from the dialer at ``path``; raises ``DialRefused``."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as channel:
        channel.settimeout(timeout + 1)
        try:
            channel.connect(path)
            channel.sendall(
                json.dumps({"host": host, "port": port, "timeout": timeout, "allow_private": allow_private}).encode()
            )
            message, fds, _flags, _addr = socket.recv_fds(channel, REQUEST_BYTES, 1)
        except OSError:
            raise DialRefused(f"{host}:{port} could not be reached") from None
    if fds:
        sock = socket.socket(fileno=fds[0])
        sock.settimeout(timeout)
        return sock
    try:
        answer = json.loads(message.decode("utf-8"))
    except ValueError:
        answer = {}
    raise DialRefused(answer.get("error", f"{host}:{port} could not be reached"), policy=bool(answer.get("policy")))
