"""Slow and numerous clients cannot hold the server: real sockets on 127.0.0.1 that dribble their
request headers are closed at CLUSTERGRAPH_HEADER_TIMEOUT, connections beyond
CLUSTERGRAPH_MAX_CONNECTIONS are turned away at once, and /health answers meanwhile."""

from __future__ import annotations

import selectors
import socket
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.servers import LiveServer, start_server

HEADER_TIMEOUT = 3.0
SLACK = 2.5  # scheduling on a busy machine; the bound checked is HEADER_TIMEOUT + SLACK
SLOW_CLIENTS = 300
DRIBBLE = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200


def address(server: LiveServer) -> tuple[str, int]:
    return "127.0.0.1", int(server.url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("slow"), CLUSTERGRAPH_HEADER_TIMEOUT=str(HEADER_TIMEOUT),
                        CLUSTERGRAPH_LOG_LEVEL="warning")
    yield live
    live.stop()


def health_latency(client: httpx.Client) -> float:
    started = time.monotonic()
    assert client.get("/health").status_code == 200
    return time.monotonic() - started


def test_three_hundred_dribbling_connections_are_closed_in_time_while_health_answers(
    server: LiveServer, figures: dict
) -> None:
    """Guarantee: 300 connections that send one header byte every 0.5 s are closed by the server within
    the header timeout (+2.5 s slack), and /health keeps answering fast meanwhile."""
    opened: dict[socket.socket, float] = {}
    closed: dict[socket.socket, float] = {}
    answers: list[bytes] = []
    selector = selectors.DefaultSelector()
    for _ in range(SLOW_CLIENTS):
        sock = socket.create_connection(address(server))
        sock.setblocking(False)
        opened[sock] = time.monotonic()
        selector.register(sock, selectors.EVENT_READ)
    latencies: list[float] = []
    sent = 0
    started = time.monotonic()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        while len(closed) < SLOW_CLIENTS and time.monotonic() - started < HEADER_TIMEOUT * 4:
            for key, _ in selector.select(timeout=0.05):
                sock = key.fileobj
                try:
                    data = sock.recv(4096)
                except OSError:
                    data = b""
                answers.append(data)
                closed[sock] = time.monotonic() - opened[sock]
                selector.unregister(sock)
            for sock in opened:
                if sock not in closed and sent < len(DRIBBLE) * SLOW_CLIENTS:
                    try:
                        sock.send(DRIBBLE[(sent // SLOW_CLIENTS) % len(DRIBBLE)].to_bytes(1, "big"))
                    except OSError:
                        pass
            sent += SLOW_CLIENTS
            latencies.append(health_latency(client))
            time.sleep(0.5)
    for sock in opened:
        sock.close()
    assert len(closed) == SLOW_CLIENTS, f"{SLOW_CLIENTS - len(closed)} slow connections still open"
    assert max(closed.values()) < HEADER_TIMEOUT + SLACK
    assert min(closed.values()) >= HEADER_TIMEOUT * 0.9, "closed before the timeout"
    assert sum(1 for a in answers if a.startswith(b"HTTP/1.1 408")) >= SLOW_CLIENTS * 0.9
    assert server.process.poll() is None
    assert statistics.median(latencies) < 0.5, latencies
    figures.update(
        slow_connections=SLOW_CLIENTS, header_timeout_s=HEADER_TIMEOUT,
        closed_after_s_max=round(max(closed.values()), 2), health_p50_ms=round(statistics.median(latencies) * 1000, 1),
        health_max_ms=round(max(latencies) * 1000, 1), faults_injected=SLOW_CLIENTS, faults_survived=SLOW_CLIENTS,
    )


def closed_within(sock: socket.socket, seconds: float) -> float:
    """Seconds until the server closes ``sock`` (reading whatever it says), or fail after ``seconds``."""
    sock.settimeout(seconds)
    started = time.monotonic()
    while True:
        if not sock.recv(4096):
            return time.monotonic() - started


def test_a_silent_connection_is_closed_at_the_header_timeout(server: LiveServer) -> None:
    """Guarantee: a connection that sends nothing at all is closed at the header timeout."""
    with socket.create_connection(address(server)) as sock:
        assert HEADER_TIMEOUT * 0.9 <= closed_within(sock, HEADER_TIMEOUT + SLACK) < HEADER_TIMEOUT + SLACK


def test_the_next_request_on_a_kept_alive_connection_has_the_same_deadline(server: LiveServer) -> None:
    """Guarantee: after one complete request, a second one dribbled on the same connection is cut off too."""
    with socket.create_connection(address(server)) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        sock.sendall(b"GET /health HTTP/1.1\r\nHo")
        sock.settimeout(0.3)
        while time.monotonic() - started < HEADER_TIMEOUT + SLACK:
            try:
                data = sock.recv(4096)
            except TimeoutError:
                sock.sendall(b"o")
                continue
            if not data or data.startswith(b"HTTP/1.1 408"):
                break
        elapsed = time.monotonic() - started
        assert HEADER_TIMEOUT * 0.9 <= elapsed < HEADER_TIMEOUT + SLACK


def test_headers_that_arrive_in_time_are_served(server: LiveServer) -> None:
    """Guarantee: a client that sends its headers slowly but within the timeout gets its answer."""
    with socket.create_connection(address(server)) as sock:
        for part in (b"GET /health HTTP/1.1\r\n", b"Host: 127.0.0.1\r\n", b"Connection: close\r\n\r\n"):
            sock.sendall(part)
            time.sleep(HEADER_TIMEOUT / 4)
        sock.settimeout(10)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")


def test_connections_beyond_the_cap_are_turned_away_at_once(tmp_path: Path, figures: dict) -> None:
    """Guarantee: with CLUSTERGRAPH_MAX_CONNECTIONS open, one more connection gets a 503 and is closed
    at once; once the idle ones time out, the server answers again."""
    cap = 40
    live = start_server(tmp_path, CLUSTERGRAPH_MAX_CONNECTIONS=str(cap),
                        CLUSTERGRAPH_HEADER_TIMEOUT=str(HEADER_TIMEOUT), CLUSTERGRAPH_LOG_LEVEL="warning")
    idle = []
    try:
        time.sleep(0.5)  # the start-up poller's connection is gone
        idle = [socket.create_connection(address(live)) for _ in range(cap)]
        time.sleep(0.3)
        with socket.create_connection(address(live)) as extra:
            extra.settimeout(2)
            started = time.monotonic()
            assert extra.recv(4096).startswith(b"HTTP/1.1 503")
            assert time.monotonic() - started < 1.0
        time.sleep(HEADER_TIMEOUT + SLACK)
        assert httpx.get(live.url + "/health", timeout=5).status_code == 200
    finally:
        for sock in idle:
            sock.close()
        live.stop()
    figures.update(connection_cap=cap, refused_beyond_cap=1)
