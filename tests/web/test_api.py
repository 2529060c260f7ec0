"""The portal API under /api/v1 through FastAPI's TestClient: every route, filter, page
boundary, ETag revalidation, the JSON-LD variant and the problem-details error shape."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from pyoxigraph import Literal, NamedNode, Quad
from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF

from clustergraph.catalog import Catalog, ClusterFilters, list_clusters
from clustergraph.catalog.models import (
    ActorDetail,
    ActorSummary,
    ClusterDetail,
    ClusterSummary,
    Event,
    InnovationField,
    LabelAward,
    Member,
    Page,
    Programme,
    RelatedCluster,
    SearchHit,
    Source,
    Technology,
)
from clustergraph.namespaces import CG
from clustergraph.query.executor import ThreadExecutor, start_executor
from clustergraph.settings import Settings
from clustergraph.store import EmbeddedStore
from clustergraph.web.app import create_app

API = "/api/v1"
PROBLEM = "application/problem+json"
HYDRA = "http://www.w3.org/ns/hydra/core#"

# route -> (item model of its list, detail model or None)
LISTS: dict[str, type[BaseModel]] = {
    "/clusters": ClusterSummary,
    "/actors": ActorSummary,
    "/innovation-fields": InnovationField,
    "/technologies": Technology,
    "/labels": LabelAward,
    "/programmes": Programme,
    "/events": Event,
    "/sources": Source,
}
DETAILS: dict[str, type[BaseModel]] = {
    "/clusters": ClusterDetail,
    "/actors": ActorDetail,
    "/innovation-fields": InnovationField,
    "/technologies": Technology,
    "/labels": LabelAward,
    "/programmes": Programme,
    "/events": Event,
    "/sources": Source,
}


@pytest.fixture(scope="module")
def app_client() -> Iterator[TestClient]:
    """One app for the module (loading and validating the bundled data takes seconds)."""
    app = create_app(Settings(store="memory", _env_file=None))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def client(app_client: TestClient, store: EmbeddedStore) -> Iterator[TestClient]:
    """The app over a fresh store of the bundled data, so a test may change it (with query
    workers of its own: the API reads through them)."""
    app = app_client.app
    original = app.state.store, app.state.executor
    app.state.store = store
    app.state.executor = start_executor(store, app.state.settings)
    yield app_client
    app.state.executor.close()
    app.state.store, app.state.executor = original


def get_page(client: TestClient, path: str, model: type[BaseModel], **params) -> Page:
    response = client.get(API + path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return Page[model].model_validate(response.json())


def everything(client: TestClient, path: str, model: type[BaseModel], **params) -> list:
    """Every item of a list, read page by page at the largest page size."""
    items, offset = [], 0
    while True:
        page = get_page(client, path, model, limit=100, offset=offset, **params)
        items += page.data
        offset += 100
        if offset >= page.count:
            return items


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    assert "Traceback" not in response.text
    return body


# ---------------------------------------------------------------------------------------
# Every route
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", LISTS)
def test_every_list_route_answers_a_page_with_the_total_count(client: TestClient, path: str) -> None:
    page = get_page(client, path, LISTS[path], limit=5)
    assert page.limit == 5 and page.offset == 0
    assert page.count >= 1 and len(page.data) == min(5, page.count)
    assert all(item.iri.endswith("/" + item.id) for item in page.data)
    again = client.get(API + path, params={"limit": 5}).json()
    assert again == page.model_dump(mode="json")  # a stable order


@pytest.mark.parametrize("path", DETAILS)
def test_every_detail_route_returns_the_resource_listed(client: TestClient, path: str) -> None:
    listed = get_page(client, path, LISTS[path], limit=3).data
    for item in listed:
        response = client.get(f"{API}{path}/{item.id}")
        assert response.status_code == 200, response.text
        detail = DETAILS[path].model_validate(response.json())
        assert (detail.id, detail.iri) == (item.id, item.iri)


@pytest.mark.parametrize("path", DETAILS)
def test_unknown_ids_are_404_problems(client: TestClient, path: str) -> None:
    body = assert_problem(client.get(f"{API}{path}/no-such-thing"), 404)
    assert "no-such-thing" in body["detail"]


@pytest.mark.parametrize("url", ["/clusters/Its-OWL", "/actors/a_b", "/clusters/x--y/members", "/technologies/%20"])
def test_ids_that_cannot_exist_are_422_problems(client: TestClient, url: str) -> None:
    body = assert_problem(client.get(API + url), 422)
    assert body["errors"] and body["errors"][0]["loc"][0] == "path"


def test_members_of_a_cluster(client: TestClient) -> None:
    page = get_page(client, "/clusters/spin-nrw/members", Member, limit=100)
    assert page.count >= 2 and all(m.sources for m in page.data)
    assert any("FoundingMember" in m.roles for m in page.data)
    assert_problem(client.get(f"{API}/clusters/no-such-cluster/members"), 404)


def test_related_clusters_carry_evidence_and_sum_to_their_score(client: TestClient) -> None:
    page = get_page(client, "/clusters/zukunftscluster-wasserstoff/related", RelatedCluster, limit=100)
    assert page.count >= 1
    scores = [r.score for r in page.data]
    assert scores == sorted(scores, reverse=True)
    for related in page.data:
        assert related.cluster.id != "zukunftscluster-wasserstoff"
        assert related.evidence and all(e.items for e in related.evidence)
        assert sum(e.weight for e in related.evidence) == pytest.approx(related.score, abs=1e-2)
    assert_problem(client.get(f"{API}/clusters/no-such-cluster/related"), 404)


def test_search_needs_a_text_and_finds_clusters_by_technology(client: TestClient) -> None:
    assert_problem(client.get(f"{API}/search"), 422)
    assert_problem(client.get(f"{API}/search", params={"q": ""}), 422)
    hits = get_page(client, "/search", SearchHit, q="artificial intelligence", limit=100)
    by_technology = {h.id for h in hits.data if h.kind == "cluster" and h.matched_field == "technology"}
    assert "its-owl" in by_technology
    only = get_page(client, "/search", SearchHit, q="nrw", kind="organisation", limit=100)
    assert {h.kind for h in only.data} == {"organisation"}


# ---------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"innovation_field": "key-technologies-ict"},
        {"technology": "artificial-intelligence"},
        {"label_level": "gold"},
        {"kind": "state-cluster"},
        {"city": "Düsseldorf"},
        {"q": "nrw"},
        {"technology": "artificial-intelligence", "city": "paderborn"},
    ],
)
def test_cluster_filters_over_http_match_the_catalogue(client: TestClient, params: dict) -> None:
    got = everything(client, "/clusters", ClusterSummary, **params)
    cat = Catalog(client.app.state.store, "https://w3id.org/clustergraph/")
    expected = list_clusters(cat, ClusterFilters(**params))
    assert [c.iri for c in got] == [c.iri for c in expected.data]
    assert 0 < len(got) < list_clusters(cat).count


def test_cluster_filters_narrow_to_matching_clusters(client: TestClient) -> None:
    for cluster in everything(client, "/clusters", ClusterSummary, innovation_field="key-technologies-ict"):
        assert "key-technologies-ict" in {f.id for f in cluster.innovation_fields}
    for cluster in everything(client, "/clusters", ClusterSummary, label_level="gold"):
        assert "gold" in cluster.label_levels
    for cluster in everything(client, "/clusters", ClusterSummary, kind="state-cluster"):
        assert "StateCluster" in cluster.types
    assert everything(client, "/clusters", ClusterSummary, technology="no-such-technology") == []


@pytest.mark.parametrize(
    "path, params, check",
    [
        ("/actors", {"type": "university"}, lambda a: "University" in a.types),
        ("/actors", {"city": "aachen"}, lambda a: "aachen" in {c.id for c in a.cities}),
        ("/actors", {"q": "fraunhofer"}, lambda a: "fraunhofer" in (a.name or "").lower() + (a.short_name or "").lower()),
        ("/actors", {"cluster": "spin-nrw"}, lambda a: a.cluster_count >= 1),
        ("/labels", {"level": "gold"}, lambda label: label.level == "gold"),
        ("/labels", {"cluster": "its-owl"}, lambda label: label.cluster.id == "its-owl"),
        ("/programmes", {"cluster": "neurosys"}, lambda p: "neurosys" in {c.id for c in p.clusters}),
        ("/programmes", {"q": "cluster"}, lambda p: "cluster" in (p.name or "").lower() + json.dumps(p.names.model_dump()).lower()),
        ("/sources", {"editorial": "true"}, lambda s: s.editorial),
        ("/sources", {"editorial": "false"}, lambda s: not s.editorial),
        ("/innovation-fields", {"q": "energ"}, lambda f: "energ" in json.dumps(f.names.model_dump()).lower()),
        ("/technologies", {"q": "bio"}, lambda t: "bio" in json.dumps(t.names.model_dump()).lower()),
        ("/events", {"q": "cluster"}, lambda e: True),
    ],
)
def test_other_filters_keep_only_matching_items(client: TestClient, path: str, params: dict, check) -> None:
    model = LISTS[path]
    filtered = everything(client, path, model, **params)
    assert filtered, f"{path} {params} should match something in the bundled data"
    assert all(check(item) for item in filtered)
    assert len(filtered) <= get_page(client, path, model, limit=1).count


def test_events_filter_by_topic_area(client: TestClient) -> None:
    events = everything(client, "/events", Event)
    with_topic = next(e for e in events if e.topic_areas)
    topic = with_topic.topic_areas[0].id
    filtered = everything(client, "/events", Event, topic_area=topic)
    assert with_topic.iri in {e.iri for e in filtered}
    assert all(topic in {t.id for t in e.topic_areas} for e in filtered)


@pytest.mark.parametrize(
    "url",
    [
        "/clusters?label_level=platinum",
        "/clusters?kind=galaxy",
        "/clusters?technology=Not%20A%20Slug",
        "/clusters?q=",
        "/clusters?city=" + "x" * 101,
        "/actors?type=person",
        "/sources?editorial=maybe",
        "/search?q=x&kind=planet",
        "/clusters?format=csv",
    ],
)
def test_bad_parameters_are_422_problems_naming_the_parameter(client: TestClient, url: str) -> None:
    body = assert_problem(client.get(API + url), 422)
    assert body["errors"][0]["loc"][0] == "query"


# ---------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_pages_at_any_size_cover_the_list_exactly_once(client: TestClient, limit: int) -> None:
    full = [a.iri for a in everything(client, "/actors", ActorSummary)]
    seen, offset = [], 0
    while offset < len(full):
        page = get_page(client, "/actors", ActorSummary, limit=limit, offset=offset)
        assert page.count == len(full) and len(page.data) == min(limit, len(full) - offset)
        seen += [a.iri for a in page.data]
        offset += limit
    assert seen == full


def test_a_page_past_the_end_is_empty_but_keeps_the_count(client: TestClient) -> None:
    count = get_page(client, "/clusters", ClusterSummary, limit=1).count
    for offset in (count, count + 1, 1_000_000):
        page = get_page(client, "/clusters", ClusterSummary, offset=offset)
        assert page.data == [] and page.count == count and page.offset == offset
    last = get_page(client, "/clusters", ClusterSummary, limit=1, offset=count - 1)
    assert len(last.data) == 1


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"limit": -1}, {"limit": "ten"}, {"offset": -1}, {"offset": 1_000_001}])
def test_limits_and_offsets_out_of_bounds_are_422(client: TestClient, params: dict) -> None:
    body = assert_problem(client.get(f"{API}/clusters", params=params), 422)
    assert body["errors"][0]["loc"] == ["query", next(iter(params))]


def test_default_page_size_is_20(client: TestClient) -> None:
    page = get_page(client, "/actors", ActorSummary)
    assert page.limit == 20 and len(page.data) == min(20, page.count)


# ---------------------------------------------------------------------------------------
# Caching: ETag, Cache-Control, 304
# ---------------------------------------------------------------------------------------


def test_responses_carry_an_etag_and_cache_control(client: TestClient) -> None:
    response = client.get(f"{API}/clusters/its-owl")
    assert response.headers["etag"].startswith('"') and response.headers["etag"].endswith('"')
    assert response.headers["cache-control"] == "public, max-age=60"
    assert "accept" in response.headers["vary"].lower()


def test_a_current_etag_revalidates_with_304_and_no_body(client: TestClient) -> None:
    first = client.get(f"{API}/clusters", params={"limit": 3})
    etag = first.headers["etag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get(f"{API}/clusters", params={"limit": 3}, headers={"If-None-Match": header})
        assert again.status_code == 304, header
        assert again.content == b""
        assert again.headers["etag"] == etag and again.headers["cache-control"]
    stale = client.get(f"{API}/clusters", params={"limit": 3}, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.json() == first.json()


def test_the_etag_differs_by_request_and_by_variant(client: TestClient) -> None:
    tags = {
        client.get(f"{API}/clusters", params={"limit": 3}).headers["etag"],
        client.get(f"{API}/clusters", params={"limit": 4}).headers["etag"],
        client.get(f"{API}/clusters", params={"limit": 3, "format": "jsonld"}).headers["etag"],
        client.get(f"{API}/actors", params={"limit": 3}).headers["etag"],
    }
    assert len(tags) == 4
    # The order of the parameters does not matter.
    a = client.get(f"{API}/clusters?limit=3&offset=1").headers["etag"]
    b = client.get(f"{API}/clusters?offset=1&limit=3").headers["etag"]
    assert a == b


def test_a_change_of_the_data_changes_the_etag(client: TestClient) -> None:
    before = client.get(f"{API}/clusters/its-owl")
    etag = before.headers["etag"]
    store = client.app.state.store
    owl = NamedNode("https://w3id.org/clustergraph/cluster/its-owl")
    store.apply(
        add=[
            Quad(
                owl,
                NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                Literal("OWL test name", language="en"),
                NamedNode("https://w3id.org/clustergraph/source/test"),
            )
        ]
    )
    after = client.get(f"{API}/clusters/its-owl", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert "OWL test name" in after.json()["alt_names"]


# ---------------------------------------------------------------------------------------
# JSON-LD
# ---------------------------------------------------------------------------------------


def as_graph(client: TestClient, response) -> Graph:
    """Parse a JSON-LD response, with its linked @context fetched from the API."""
    doc = response.json()
    context_url = doc["@context"]
    assert context_url.startswith("http") and context_url.endswith("/api/v1/context.jsonld")
    context = client.get(context_url)
    assert context.status_code == 200 and context.headers["content-type"].startswith("application/ld+json")
    doc["@context"] = context.json()["@context"]
    return Graph().parse(data=json.dumps(doc), format="json-ld")


@pytest.mark.parametrize(
    "how", [{"params": {"format": "jsonld"}}, {"headers": {"Accept": "application/ld+json"}},
            {"headers": {"Accept": "application/json;q=0.5, application/ld+json"}}]
)
def test_json_ld_by_accept_or_format_reads_as_the_graphs_triples(client: TestClient, how: dict) -> None:
    response = client.get(f"{API}/clusters/its-owl", **how)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    graph = as_graph(client, response)
    owl = URIRef("https://w3id.org/clustergraph/cluster/its-owl")
    assert (owl, RDF.type, URIRef(CG.LeadingEdgeCluster)) in graph
    assert (owl, URIRef(CG.basedIn), URIRef("https://w3id.org/clustergraph/place/paderborn")) in graph
    assert (owl, URIRef(CG.technology), URIRef("https://w3id.org/clustergraph/technology/artificial-intelligence")) in graph
    label_awards = set(graph.objects(owl, URIRef(CG.label)))
    assert label_awards and all((award, None, None) in graph for award in label_awards)
    names = {(o.language, str(o)) for o in graph.objects(owl, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))}
    assert {lang for lang, _ in names} == {"en", "de"}


def test_json_ld_of_a_page_is_a_hydra_collection(client: TestClient) -> None:
    response = client.get(f"{API}/clusters", params={"format": "jsonld", "limit": 2})
    graph = as_graph(client, response)
    (collection,) = set(graph.subjects(URIRef(HYDRA + "totalItems"), None))
    members = set(graph.objects(collection, URIRef(HYDRA + "member")))
    count = response.json()["count"]
    assert graph.value(collection, URIRef(HYDRA + "totalItems")) == RdfLiteral(count)
    assert members == {URIRef(item["iri"]) for item in response.json()["data"]}


def test_plain_json_is_the_default_and_406_when_neither_is_acceptable(client: TestClient) -> None:
    plain = client.get(f"{API}/clusters/its-owl", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert plain.headers["content-type"].startswith("application/json") and "@context" not in plain.json()
    assert_problem(client.get(f"{API}/clusters/its-owl", headers={"Accept": "text/csv"}), 406)
    assert_problem(client.get(f"{API}/clusters/its-owl", headers={"Accept": "application/ld+json;q=0"}), 406)


# ---------------------------------------------------------------------------------------
# Errors and documentation
# ---------------------------------------------------------------------------------------


def test_an_internal_error_is_a_500_problem_without_details(app_client: TestClient) -> None:
    broken = EmbeddedStore(None)
    broken.close()  # a real store in a broken state: every query fails unexpectedly
    app = app_client.app
    original = app.state.store, app.state.executor
    app.state.store, app.state.executor = broken, ThreadExecutor(broken, workers=1)
    try:
        # No lifespan: the app is already running for the module; only the client differs.
        response = TestClient(app, raise_server_exceptions=False).get(f"{API}/clusters")
    finally:
        app.state.executor.close()
        app.state.store, app.state.executor = original
    body = assert_problem(response, 500)
    assert "AttributeError" not in json.dumps(body)


def test_a_hostile_label_is_returned_as_the_same_text(client: TestClient) -> None:
    hostile = '<img src=x onerror=alert(1)> "quoted" & \\ backslash'
    store = client.app.state.store
    store.apply(
        add=[
            Quad(
                NamedNode("https://w3id.org/clustergraph/cluster/its-owl"),
                NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                Literal(hostile, language="en"),
                NamedNode("https://w3id.org/clustergraph/source/test"),
            )
        ]
    )
    assert hostile in client.get(f"{API}/clusters/its-owl").json()["alt_names"]


def test_every_api_route_is_documented_with_summary_description_and_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    routes = {path: ops["get"] for path, ops in spec["paths"].items() if path.startswith(API)}
    expected = {API + p for p in LISTS} | {f"{API}{p}/{{id}}" for p in DETAILS} | {
        f"{API}/clusters/{{id}}/members",
        f"{API}/clusters/{{id}}/related",
        f"{API}/search",
        f"{API}/context.jsonld",
    }
    assert expected <= set(routes)
    schemas = spec["components"]["schemas"]
    for path, op in routes.items():
        assert op.get("summary") and op.get("description"), path
        if path.endswith("context.jsonld"):
            continue
        content = op["responses"]["200"]["content"]
        assert {"application/json", "application/ld+json"} <= set(content), path
        ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        model = schemas[ref]
        item = model["properties"]["data"]["items"]["$ref"].rsplit("/", 1)[-1] if "data" in model.get("properties", {}) else ref
        assert schemas[item].get("examples"), f"{path}: {item} has no example"
        assert op["responses"]["422"]["content"][PROBLEM]["example"]["status"] == 422
        assert "304" in op["responses"]
        if "{id}" in path:
            assert op["responses"]["404"]["content"][PROBLEM]["example"]["status"] == 404


def test_the_api_reference_page_lists_every_operation_with_scripts_of_its_own_only(client: TestClient) -> None:
    from html.parser import HTMLParser

    response = client.get(f"{API}/docs")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.headings: list[str] = []
            self.tags: set[str] = set()
            self.scripts: list[str | None] = []
            self._in_h2 = False

        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)
            if tag == "script":
                self.scripts.append(dict(attrs).get("src"))
            self._in_h2 = self._in_h2 or tag == "h2"

        def handle_endtag(self, tag):
            if tag == "h2":
                self._in_h2 = False

        def handle_data(self, data):
            if self._in_h2:
                self.headings.append(data.strip())

    page = Collect()
    page.feed(response.text)
    spec = client.get("/openapi.json").json()
    operations = {f"GET {path}" for path in spec["paths"] if path.startswith(API)}
    assert operations == set(page.headings)
    assert page.scripts and all(src and src.startswith("/static/") for src in page.scripts)  # no inline script
    assert "://" not in response.text.split("</head>", 1)[0]  # nothing loaded from another host


def test_a_real_server_answers_pages_and_revalidates_with_304(live_server) -> None:
    import httpx

    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        first = http.get(f"{API}/clusters", params={"limit": 2})
        assert first.status_code == 200
        page = Page[ClusterSummary].model_validate(first.json())
        assert len(page.data) == 2 and page.count > 2
        again = http.get(f"{API}/clusters", params={"limit": 2}, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        missing = http.get(f"{API}/clusters/no-such-cluster")
        assert missing.status_code == 404 and missing.headers["content-type"].startswith(PROBLEM)
