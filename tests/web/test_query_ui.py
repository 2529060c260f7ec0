"""The query UI for browsers and the catalogue of example research queries.

The app runs in-process (TestClient) with the bundled data; each example query is also run
directly on a store with the bundled data.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import QueryBoolean, QuerySolutions, QueryTriples
from rdflib import Graph

from clustergraph.bundled import bundled_dir
from clustergraph.namespaces import CG, PREFIXES, resource_prefixes
from clustergraph.settings import Settings
from clustergraph.web.app import create_app

QUERIES = sorted(bundled_dir("queries").glob("*.rq"))
# Examples that call an EU endpoint (``# federated: URL``) run against a stand-in in tests/connectors.
LOCAL_QUERIES = [p for p in QUERIES if "\n# federated:" not in "\n" + p.read_text(encoding="utf-8").split("\n\n", 1)[0]]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def header(path: Path, key: str) -> str:
    """The value of a ``# key: value`` line in the leading comment block of a .rq file."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        name, _, value = line.lstrip("#").partition(":")
        if name.strip().lower() == key:
            return value.strip()
    return ""


class Elements(HTMLParser):
    """Collects the start tags of a page with their attributes, and the text of one element by id."""

    def __init__(self, text_of: str | None = None) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self._text_of, self._inside, self.text = text_of, False, ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        self._inside = self._text_of is not None and found.get("id") == self._text_of

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.text += data

    def having(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def parse(html: str, text_of: str | None = None) -> Elements:
    page = Elements(text_of)
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", _env_file=None))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def ui_page(client: TestClient) -> str:
    response = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_there_are_at_least_fourteen_example_queries() -> None:
    assert len(QUERIES) >= 14


def test_a_browser_asking_for_the_endpoint_gets_the_query_editor_with_local_assets(client, ui_page) -> None:
    page = parse(ui_page)
    scripts = [a["src"] for a in page.having("script") if "src" in a]
    styles = [a["href"] for a in page.having("link", rel="stylesheet")]
    assert "/static/yasgui/yasgui.min.js" in scripts
    assert "/static/yasgui/yasgui.min.css" in styles
    for asset in scripts + styles:
        assert asset.startswith("/static/"), f"{asset} is not served by the service itself"
        response = client.get(asset)
        assert response.status_code == 200 and len(response.content) > 0, asset
        expected = "javascript" if asset.endswith(".js") else "text/css"
        assert expected in response.headers["content-type"], asset


def test_the_yasgui_bundle_comes_with_its_licences(client) -> None:
    licence = client.get("/static/yasgui/LICENSE")
    assert licence.status_code == 200 and "MIT License" in licence.text
    third_party = client.get("/static/yasgui/THIRD-PARTY-LICENSES.txt")
    assert third_party.status_code == 200 and "codemirror" in third_party.text.lower()


def test_the_editor_is_configured_with_this_endpoint_and_the_project_prefixes(ui_page) -> None:
    config = json.loads(parse(ui_page, text_of="cg-config").text)
    assert config["endpoint"] == "/sparql"
    expected = {**PREFIXES, **resource_prefixes(Settings(store="memory", _env_file=None).base_iri)}
    assert config["prefixes"] == expected
    assert config["prefixes"]["cluster"] == "https://w3id.org/clustergraph/cluster/"
    # autocompletion offers the ontology's own terms, read from the store
    assert str(CG.Cluster) in config["terms"]["classes"]
    assert str(CG.innovationField) in config["terms"]["properties"]
    assert {e["name"] for e in config["examples"]} == {p.stem for p in QUERIES}


def test_the_editor_page_lists_the_examples_to_pick_from(ui_page) -> None:
    options = {a["value"] for a in parse(ui_page).having("option") if a.get("value")}
    assert options == {p.stem for p in QUERIES}


def test_the_catalogue_page_lists_every_query_file_with_title_description_and_run_link(client) -> None:
    response = client.get("/queries", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = parse(response.text)
    articles = {a["data-name"] for a in page.having("article") if "data-name" in a}
    assert articles == {p.stem for p in QUERIES}
    runs = [a["href"] for a in page.having("a", **{"class": "cg-run"})]
    assert len(runs) == len(QUERIES)
    run_queries = set()
    for href in runs:
        parts = urlsplit(href)
        assert parts.path == "/sparql" and not parts.netloc
        run_queries.add(parse_qs(parts.fragment)["query"][0])
    assert run_queries == {p.read_text(encoding="utf-8") for p in QUERIES}
    for path in QUERIES:
        assert header(path, "title") in response.text.replace("&#39;", "'").replace("&amp;", "&")


def test_the_catalogue_as_json_has_every_query_with_its_links(client) -> None:
    body = client.get("/queries.json").json()
    assert body["count"] == len(QUERIES) == len(body["data"])
    by_name = {entry["name"]: entry for entry in body["data"]}
    for path in QUERIES:
        entry = by_name[path.stem]
        assert entry["title"] == header(path, "title") and entry["title"] != path.stem
        assert entry["description"] == header(path, "description") and entry["description"]
        assert entry["sparql"] == path.read_text(encoding="utf-8")
        expected = {"turtle", "jsonld"} if entry["form"] in ("CONSTRUCT", "DESCRIBE") else {"json", "csv"}
        if path not in LOCAL_QUERIES:  # federated: answers only where the allow-list names its endpoint
            expected = set()
        assert set(entry["links"]) == {"run", "source"} | expected
        for name in expected:
            assert parse_qs(urlsplit(entry["links"][name]).query)["format"] == [name]


def test_an_example_file_is_served_as_a_sparql_query(client) -> None:
    path = QUERIES[0]
    response = client.get(f"/queries/{path.stem}.rq")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-query")
    assert response.text == path.read_text(encoding="utf-8")


def test_an_unknown_example_is_a_404_problem(client) -> None:
    response = client.get("/queries/no-such-query.rq")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "no-such-query" in response.json()["detail"]


def test_the_json_and_csv_links_of_a_table_query_return_its_results(client) -> None:
    entry = next(e for e in client.get("/queries.json").json()["data"] if e["form"] == "SELECT")
    as_json = client.get(entry["links"]["json"])
    assert as_json.status_code == 200, as_json.text[:300]
    assert as_json.json()["results"]["bindings"]
    as_csv = client.get(entry["links"]["csv"])
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert len(rows) >= 2  # header and at least one row


@pytest.mark.parametrize("path", LOCAL_QUERIES, ids=[p.stem for p in LOCAL_QUERIES])
def test_example_query_has_a_title_and_description_and_returns_results_on_the_bundled_data(store, path) -> None:
    assert header(path, "title"), "no '# title:' line"
    assert header(path, "description"), "no '# description:' line"
    result = store.query(path.read_text(encoding="utf-8"))
    if isinstance(result, QueryBoolean):
        assert bool(result)
    elif isinstance(result, QueryTriples):
        assert len(list(result)) > 0
    else:
        assert isinstance(result, QuerySolutions)
        rows = list(result)
        assert rows, "no rows on the bundled data"
        # every variable is bound in some row: no column is dead
        for variable in result.variables:
            assert any(row[variable] is not None for row in rows), f"{variable} is never bound"


def test_the_turtle_link_of_a_graph_query_returns_its_graph(client) -> None:
    graph_queries = [e for e in client.get("/queries.json").json()["data"] if e["form"] == "CONSTRUCT"]
    assert graph_queries, "the catalogue has no CONSTRUCT example"
    response = client.get(graph_queries[0]["links"]["turtle"])
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) > 0


def test_every_result_link_in_the_catalogue_answers(client) -> None:
    for entry in client.get("/queries.json").json()["data"]:
        for name, href in entry["links"].items():
            if name in ("run", "source"):
                continue
            response = client.get(href)
            assert response.status_code == 200, f"{entry['name']} {name}: {response.status_code} {response.text[:200]}"
            assert response.content, f"{entry['name']} {name}: empty body"
