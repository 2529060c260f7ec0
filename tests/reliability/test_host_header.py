"""No link is built from a forged ``Host``: links come from CLUSTERGRAPH_PUBLIC_URL when it is set,
otherwise the Host must be on CLUSTERGRAPH_ALLOWED_HOSTS; a non-loopback bind without a public URL
is announced loudly at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.servers import LiveServer, free_port, start_server

FORGED = [
    "evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example", "[::2]:80",
    "127.0.0.2", "127.0.0.1:80@evil.example", "EVIL.EXAMPLE", "localhost:99x", "xn--evil-example", "testserver.evil.example",
]
LINK_ROUTES = [
    ("/catalog", {"Accept": "text/turtle"}),
    ("/void", {"Accept": "text/turtle"}),
    ("/sparql", {"Accept": "text/turtle"}),  # the service description
    ("/", {"Accept": "text/html"}),
    ("/cluster/its-owl", {"Accept": "text/html"}),
    ("/api/v1/clusters/its-owl", {"Accept": "application/ld+json"}),
]
PUBLIC_URL = "https://data.example.org/clustergraph/"


def port_of(server: LiveServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def test_a_forged_host_is_refused_where_links_are_built(live_server: LiveServer, figures: dict) -> None:
    """Guarantee: without CLUSTERGRAPH_PUBLIC_URL, every route that builds links answers 400 to a Host
    that is not on the allow-list (default: loopback names and the bind address), in any spelling."""
    tried = 0
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        for host in FORGED:
            for path, headers in LINK_ROUTES:
                response = client.get(path, headers={**headers, "Host": host})
                tried += 1
                assert response.status_code == 400, (host, path, response.status_code)
                assert "CLUSTERGRAPH_PUBLIC_URL" in response.json()["detail"]
        assert client.get("/health", headers={"Host": "10.0.0.7:8000"}).status_code == 200  # probes by IP
    figures.update(bypasses_tried=tried, bypasses_blocked=tried)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LocalHost", "[::1]"])
def test_links_follow_an_allowed_host(live_server: LiveServer, host: str) -> None:
    """Guarantee: a loopback Host is answered, and the links name it (the catalogue's endpoint)."""
    name = f"{host}:{port_of(live_server)}"
    response = httpx.get(live_server.url + "/catalog", headers={"Host": name, "Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    assert f"<http://{name}/sparql>" in response.text


@pytest.fixture(scope="module")
def public_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("public-url"), CLUSTERGRAPH_PUBLIC_URL=PUBLIC_URL)
    yield live
    live.stop()


def test_with_a_public_url_every_link_names_it_whatever_the_host(public_server: LiveServer, figures: dict) -> None:
    """Guarantee: with CLUSTERGRAPH_PUBLIC_URL set, the catalogue, VoID, the service description, the
    pages and the API's JSON-LD name the public URL and never the request's Host."""
    with httpx.Client(base_url=public_server.url, timeout=30) as client:
        for path, headers in LINK_ROUTES:
            response = client.get(path, headers={**headers, "Host": "evil.example"})
            assert response.status_code == 200, (path, response.text[:300])
            assert "evil.example" not in response.text, path
            assert PUBLIC_URL in response.text or PUBLIC_URL.rstrip("/") in response.text, path
    figures.update(bypasses_tried=len(LINK_ROUTES), bypasses_blocked=len(LINK_ROUTES))


def test_an_explicit_allow_list_replaces_the_default(tmp_path: Path) -> None:
    """Guarantee: CLUSTERGRAPH_ALLOWED_HOSTS names exactly the hosts served (subdomain patterns too)."""
    live = start_server(tmp_path, CLUSTERGRAPH_ALLOWED_HOSTS="data.example.org,*.example.net")
    try:
        def status(host: str) -> int:
            return httpx.get(live.url + "/catalog", headers={"Host": host}, timeout=30).status_code

        assert status("data.example.org") == 200
        assert status("a.b.example.net:8080") == 200
        assert status("example.net") == 400
        assert status("localhost") == 400
        assert status("data.example.org.evil") == 400
    finally:
        live.stop()


def start_up_log(tmp_path: Path, host: str, **env: str) -> str:
    """What ``clustergraph serve --host HOST`` logs until it answers /health on 127.0.0.1."""
    port = free_port()
    log = tmp_path / f"serve-{host}.log"
    environment = {**os.environ, "CLUSTERGRAPH_STORE": "memory", **env}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "clustergraph.cli", "serve", "--host", host, "--port", str(port)],
            env=environment, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise AssertionError(log.read_text())
    finally:
        process.terminate()
        process.wait(timeout=20)
    return log.read_text()


def test_a_non_loopback_bind_without_public_url_warns_loudly_at_start_up(tmp_path: Path) -> None:
    """Guarantee: binding a non-loopback address without CLUSTERGRAPH_PUBLIC_URL logs a WARNING at
    start-up; a loopback bind or a public URL does not."""
    exposed = start_up_log(tmp_path, "0.0.0.0")
    assert "WARNING: clustergraph binds 0.0.0.0" in exposed and "CLUSTERGRAPH_PUBLIC_URL is not set" in exposed
    assert "WARNING: clustergraph binds" not in start_up_log(tmp_path, "127.0.0.1")
    assert "WARNING: clustergraph binds" not in start_up_log(tmp_path, "0.0.0.0", CLUSTERGRAPH_PUBLIC_URL=PUBLIC_URL)
