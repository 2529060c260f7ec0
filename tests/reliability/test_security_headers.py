"""Security headers on every response of a live server; the policy for HTML and SVG documents."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from support.servers import LiveServer

from clustergraph.settings import Settings
from clustergraph.web.app import create_app
from clustergraph.web.security import CONTENT_SECURITY_POLICY

DOCUMENTS = [
    ("GET", "/", {}), ("GET", "/?lang=de", {}), ("GET", "/search?q=nrw", {}), ("GET", "/cluster/its-owl", {}),
    ("GET", "/cluster/", {}), ("GET", "/ontology", {}), ("GET", "/queries", {}), ("GET", "/api/v1/docs", {}),
    ("GET", "/sparql", {"Accept": "text/html"}), ("GET", "/landscape.svg", {}), ("GET", "/network.svg", {}),
    ("GET", "/cluster/no-such-cluster", {"Accept": "text/html"}), ("HEAD", "/", {}),
]
OTHERS = [
    ("GET", "/health", {}), ("GET", "/metrics", {}), ("GET", "/api/v1/clusters", {}), ("GET", "/queries.json", {}),
    ("GET", "/catalog", {}), ("GET", "/void", {}), ("GET", "/dump.ttl", {}), ("GET", "/cluster/its-owl.ttl", {}),
    ("GET", "/static/query-ui.js", {}), ("GET", "/static/pages.css", {}), ("GET", "/openapi.json", {}),
    ("GET", "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%201", {}),
    ("GET", "/sparql?query=SELEKT", {}), ("GET", "/no/such/path", {}), ("DELETE", "/health", {}),
    ("PUT", "/graph-store?default", {"Content-Type": "text/turtle"}), ("POST", "/sparql/update", {}),
    ("GET", "/api/v1/clusters?limit=-1", {}), ("OPTIONS", "/sparql", {"Origin": "http://example.org",
                                                                       "Access-Control-Request-Method": "POST"}),
]


def assert_every_response_headers(response: httpx.Response) -> None:
    assert response.headers.get("x-content-type-options") == "nosniff", response.request.url
    assert response.headers.get("referrer-policy") == "strict-origin-when-cross-origin", response.request.url


@pytest.mark.parametrize(("method", "path", "headers"), DOCUMENTS, ids=[f"{m} {p}" for m, p, _ in DOCUMENTS])
def test_every_html_and_svg_document_has_the_content_security_policy(
    live_server: LiveServer, method: str, path: str, headers: dict
) -> None:
    """Guarantee: every HTML page and SVG picture carries the CSP (scripts from this origin only,
    frame-ancestors 'none'), X-Frame-Options DENY, nosniff and a Referrer-Policy."""
    response = httpx.request(method, live_server.url + path, headers=headers, timeout=30)
    media = response.headers["content-type"].split(";")[0]
    assert media in ("text/html", "image/svg+xml"), (path, media)
    assert response.headers.get("content-security-policy") == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY and "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert response.headers.get("x-frame-options") == "DENY"
    assert_every_response_headers(response)


@pytest.mark.parametrize(("method", "path", "headers"), OTHERS, ids=[f"{m} {p}" for m, p, _ in OTHERS])
def test_every_other_response_has_nosniff_and_a_referrer_policy(
    live_server: LiveServer, method: str, path: str, headers: dict
) -> None:
    """Guarantee: every response (JSON, RDF, static files, errors 4xx, CORS preflights) carries
    X-Content-Type-Options: nosniff and a Referrer-Policy."""
    response = httpx.request(method, live_server.url + path, headers=headers, timeout=30)
    assert_every_response_headers(response)


def test_every_route_of_the_api_document_answers_with_nosniff(live_server: LiveServer, figures: dict) -> None:
    """Guarantee: each parameterless GET route the OpenAPI document lists answers with nosniff."""
    paths = httpx.get(live_server.url + "/openapi.json", timeout=30).json()["paths"]
    checked = 0
    with httpx.Client(base_url=live_server.url, timeout=60) as client:
        for path, operations in paths.items():
            if "get" in operations and "{" not in path:
                assert_every_response_headers(client.get(path))
                checked += 1
    assert checked >= 20
    figures.update(requests=checked)


def test_an_unexpected_server_error_carries_the_headers_too() -> None:
    """Guarantee: even a 500 from a defect (answered by the outermost error layer) carries nosniff."""
    app = create_app(Settings(store="memory", _env_file=None))

    def broken() -> None:
        raise RuntimeError("a defect")

    app.add_api_route("/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/broken")
    assert response.status_code == 500
    assert_every_response_headers(response)
