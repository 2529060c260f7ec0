"""The latest release for download from a live server: the same bytes the library writes, ETags
that are the files' SHA-256, 304 on revalidation, only the current version served."""

from __future__ import annotations

import hashlib

import httpx
from support.servers import LiveServer

from clustergraph.exports.release import build_release, publication


def test_the_server_offers_exactly_the_release_the_library_builds(live_server: LiveServer, store, settings) -> None:
    expected = build_release(store, publication(settings, live_server.url + "/"))
    manifest = httpx.get(f"{live_server.url}/releases/latest/", timeout=60)
    assert manifest.status_code == 200 and manifest.json()["version"] == expected.version
    for name, data in expected.files.items():
        response = httpx.get(f"{live_server.url}/releases/latest/{name}", timeout=60)
        assert response.status_code == 200, name
        assert response.content == data, name
        assert response.headers["etag"] == f'"{hashlib.sha256(data).hexdigest()}"'
        assert response.headers["content-location"] == f"{live_server.url}/releases/{expected.version}/{name}"


def test_a_mirror_revalidates_with_the_etag(live_server: LiveServer) -> None:
    url = f"{live_server.url}/releases/latest/clustergraph.nq.gz"
    first = httpx.get(url, timeout=60)
    assert first.headers["cache-control"] == "no-cache"
    again = httpx.get(url, headers={"If-None-Match": first.headers["etag"]}, timeout=60)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    other = httpx.get(url, headers={"If-None-Match": '"something-else"'}, timeout=60)
    assert other.status_code == 200 and other.content == first.content


def test_the_versioned_url_serves_the_current_version_only(live_server: LiveServer) -> None:
    version = httpx.get(f"{live_server.url}/releases/latest/", timeout=60).json()["version"]
    current = httpx.get(f"{live_server.url}/releases/{version}/SHA256SUMS", timeout=60)
    assert current.status_code == 200 and current.headers["cache-control"].startswith("public")
    old = httpx.get(f"{live_server.url}/releases/2020-01-01-000000000000/SHA256SUMS", timeout=60)
    assert old.status_code == 404 and version in old.json()["detail"]
    assert httpx.get(f"{live_server.url}/releases/latest/passwd", timeout=60).status_code == 404
