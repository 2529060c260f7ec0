"""Running the W3C manifests against a live server and reporting pass/fail per test.

For each test, in manifest order:

1. with the update token, the store is emptied and the test's ``ut:graphData`` loaded,
   through the Graph Store Protocol (DELETE of every graph, PUT of each data graph), so
   each test starts from the state its manifest assumes;
2. each ``ht:Request`` is sent with httpx, its path rewritten to the endpoint under test
   (``/sparql/`` to the query endpoint, or to the update endpoint for update requests;
   ``/gsp`` to the Graph Store), ``$LOCATION$``-style variables substituted, and the
   token sent as ``Authorization: Bearer`` so a 4xx is the protocol's answer, not a
   missing login; redirects are not followed (3xx is an answer of its own);
3. the response is checked (``checks.check_response``); the first mismatch fails the test.

The Service Description tests run the checks of ``sd_checks``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from clustergraph.conformance.checks import check_response
from clustergraph.conformance.expected import EXPECTED_FAILURES
from clustergraph.conformance.manifest import HttpRequest, ManifestTest
from clustergraph.conformance.sd_checks import CHECKS, fetch_description
from clustergraph.namespaces import SD

UPDATE_PARAMETERS = {"update", "using-graph-uri", "using-named-graph-uri"}
RESET_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass(frozen=True)
class Endpoints:
    """Where the server under test answers: its root URL and the paths of the three services."""

    url: str
    query_path: str = "/sparql"
    update_path: str | None = None  # None: the same as query_path
    graph_store_path: str = "/graph-store"

    @property
    def query_url(self) -> str:
        return self.url.rstrip("/") + self.query_path

    @property
    def graph_store_url(self) -> str:
        return self.url.rstrip("/") + self.graph_store_path


@dataclass(frozen=True)
class Outcome:
    test: ManifestTest
    passed: bool
    detail: str = ""
    seconds: float = 0.0

    @property
    def expected_failure(self) -> str | None:
        return EXPECTED_FAILURES.get(self.test.id)


def discover_update_path(client: httpx.Client, endpoints: Endpoints) -> str | None:
    """The path of the update endpoint the Service Description names, if any.

    A service that speaks SPARQL 1.1 Update but not Query (an update route of its own)
    is preferred over a query endpoint that takes updates too.
    """
    graph = fetch_description(client, endpoints.query_url)
    if not isinstance(graph, Graph):
        return None
    candidates = []
    for service in graph.subjects(SD.supportedLanguage, SD.SPARQL11Update):
        if (service, RDF.type, SD.Service) not in graph:
            continue
        dedicated = (service, SD.supportedLanguage, SD.SPARQL11Query) not in graph
        for endpoint in graph.objects(service, SD.endpoint):
            if isinstance(endpoint, URIRef) and urlsplit(str(endpoint)).path:
                candidates.append((not dedicated, urlsplit(str(endpoint)).path))
    return min(candidates)[1] if candidates else None


class Runner:
    """Runs manifest tests against ``endpoints`` with one httpx client."""

    def __init__(self, endpoints: Endpoints, *, token: str | None = None, timeout: float = 60.0) -> None:
        self.token = token
        self.client = httpx.Client(timeout=timeout, follow_redirects=False)
        if endpoints.update_path is None:
            found = discover_update_path(self.client, endpoints)
            endpoints = Endpoints(endpoints.url, endpoints.query_path, found or endpoints.query_path, endpoints.graph_store_path)
        self.endpoints = endpoints

    def close(self) -> None:
        self.client.close()

    def run(self, tests: list[ManifestTest], progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
        outcomes = []
        for test in tests:
            outcome = self.run_test(test)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
        return outcomes

    def run_test(self, test: ManifestTest) -> Outcome:
        started = time.perf_counter()
        try:
            if test.kind == "service-description":
                problem = self._service_description(test)
            else:
                problem = self._reset(test) or self._requests(test)
        except httpx.HTTPError as err:
            problem = f"HTTP error: {err!r}"
        return Outcome(test, problem is None, problem or "", time.perf_counter() - started)

    # --- the steps -------------------------------------------------------------------

    def _service_description(self, test: ManifestTest) -> str | None:
        check = CHECKS.get(test.id)
        if check is None:
            return f"the runner has no check for the Service Description test {test.id!r}"
        return check(self.client, self.endpoints.query_url)

    def _reset(self, test: ManifestTest) -> str | None:
        """Empty the store and load the test's graphs; nothing without a token (the run is then read-only)."""
        if self.token is None:
            return None
        listing = self.client.get(
            self.endpoints.query_url,
            params={"query": RESET_GRAPHS},
            headers={"Accept": "application/sparql-results+json", **self._auth()},
        )
        if listing.status_code != 200:
            return f"reset: listing the graphs failed with {listing.status_code}"
        graphs = [row["g"]["value"] for row in listing.json()["results"]["bindings"]]
        for graph in graphs:
            response = self.client.delete(self.endpoints.graph_store_url, params={"graph": graph}, headers=self._auth())
            if response.status_code not in (200, 204, 404):
                return f"reset: DELETE of <{graph}> failed with {response.status_code}"
        response = self.client.delete(self.endpoints.graph_store_url + "?default", headers=self._auth())
        if response.status_code not in (200, 204, 404):
            return f"reset: DELETE of the default graph failed with {response.status_code}"
        for data in test.graph_data:
            response = self.client.put(
                self.endpoints.graph_store_url,
                params={"graph": data.graph},
                content=data.path.read_bytes(),
                headers={"Content-Type": "application/n-triples", **self._auth()},
            )
            if response.status_code not in (200, 201, 204):
                return f"reset: loading {data.path.name} as <{data.graph}> failed with {response.status_code}"
        return None

    def _requests(self, test: ManifestTest) -> str | None:
        variables: dict[str, str] = {}
        for number, request in enumerate(test.requests, start=1):
            path = rewrite_path(_substitute(request.path, variables), request, self.endpoints)
            body = _substitute(request.body, variables) if request.body is not None else None
            headers = {**dict(request.headers), **self._auth()}
            response = self.client.request(
                request.method,
                self.endpoints.url.rstrip("/") + path,
                headers=headers,
                content=body.encode(request.encoding) if body is not None else None,
            )
            problem = check_response(response, request.expected)
            if problem:
                return f"request {number} {request.method} {path}: {problem}"
            if request.expected.location_variable:
                variables[request.expected.location_variable] = response.headers["location"]
        return None

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


def rewrite_path(path: str, request: HttpRequest, endpoints: Endpoints) -> str:
    """The manifest's path on the server under test (query string kept as written).

    ``/gsp...`` goes to the Graph Store; ``/sparql/...`` to the update endpoint for
    update requests (``is_update``), else to the query endpoint.
    """
    if path.startswith("/gsp"):
        return endpoints.graph_store_path + path[len("/gsp"):]
    if path.startswith("/sparql"):
        rest = path[len("/sparql"):].lstrip("/")
        update = is_update(request, "?" + rest.partition("?")[2] if "?" in rest else "")
        target = (endpoints.update_path or endpoints.query_path) if update else endpoints.query_path
        if rest and not rest.startswith("?"):
            return target.rstrip("/") + "/" + rest
        return target + rest
    return path


def is_update(request: HttpRequest, rest: str) -> bool:
    """Whether a manifest request is a SPARQL Update (by media type, form field or URL parameter)."""
    query = rest[1:] if rest.startswith("?") else ""
    if UPDATE_PARAMETERS & set(parse_qs(query, keep_blank_values=True)):
        return True
    content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        return True
    if request.body is not None and content_type in ("", "application/x-www-form-urlencoded"):
        return "update" in parse_qs(request.body, keep_blank_values=True)
    return False


def _substitute(text: str, variables: dict[str, str]) -> str:
    for name, value in variables.items():
        text = text.replace(name, value)
    return text


# --- the report ---------------------------------------------------------------------


def report_lines(outcomes: list[Outcome]) -> list[str]:
    """One line per test (failures with their reason, indented), then the summary."""
    lines: list[str] = []
    suite = None
    for outcome in outcomes:
        if outcome.test.suite != suite:
            suite = outcome.test.suite
            lines.append(f"{suite}:")
        if outcome.passed:
            mark = "XPASS" if outcome.expected_failure else "PASS "
        else:
            mark = "XFAIL" if outcome.expected_failure else "FAIL "
        lines.append(f"  {mark} {outcome.test.id}: {outcome.test.name}")
        if not outcome.passed:
            lines.extend("        " + line for line in outcome.detail.splitlines()[:20])
        if outcome.expected_failure:
            lines.append(f"        expected to fail: {outcome.expected_failure}")
    lines.append(summary(outcomes))
    expected = [o for o in outcomes if not o.passed and o.expected_failure]
    if expected:
        lines.append(f"({len(expected)} of the failures are listed as expected, with their reasons)")
    return lines


def summary(outcomes: list[Outcome]) -> str:
    passed = sum(1 for o in outcomes if o.passed)
    return f"{passed} passed, {len(outcomes) - passed} failed"


def unexpected_failures(outcomes: list[Outcome]) -> list[Outcome]:
    """Failures not listed in ``expected.EXPECTED_FAILURES``: these fail the run."""
    return [o for o in outcomes if not o.passed and not o.expected_failure]
