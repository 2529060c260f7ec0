"""The label table as a page (/labels, English and German) and as JSON (/api/v1/label-history),
read without a browser: the HTML is parsed and its table compared with the catalogue."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clustergraph.settings import Settings
from clustergraph.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_FILES = sorted(p.stem for p in (ROOT / "data" / "clusters").glob("*.trig"))
HTML = {"Accept": "text/html"}


class LabelTableParser(HTMLParser):
    """Collects the label table by cluster: status, award levels, links and texts of its rows."""

    def __init__(self) -> None:
        super().__init__()
        self.clusters: dict[str, dict] = {}
        self.lang: str | None = None
        self._row: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "tr" and "label-row" in (a.get("class") or ""):
            empty = {"statuses": set(), "levels": [], "links": [], "text": ""}
            self._row = self.clusters.setdefault(a["data-cluster"], empty)
            self._row["statuses"].add(a.get("data-status"))
        if self._row is None:
            return
        if tag == "a" and a.get("href"):
            self._row["links"].append(a["href"])
        if tag == "td" and "label-award" in (a.get("class") or ""):
            self._row["levels"].append(a.get("data-level"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._row is not None:
            self._row["text"] += data


@pytest.fixture(scope="module")
def client() -> TestClient:
    with TestClient(create_app(Settings(store="memory", _env_file=None))) as c:
        yield c


def parse(body: str) -> LabelTableParser:
    parser = LabelTableParser()
    parser.feed(body)
    return parser


@pytest.mark.parametrize(("lang", "awarded_word", "searched_word"), [("en", "read on", "searched on"),
                                                                     ("de", "abgerufen am", "gesucht am")])
def test_the_page_lists_every_cluster_with_awards_or_a_recorded_search(client, lang, awarded_word, searched_word) -> None:
    response = client.get(f"/labels?lang={lang}", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    page = parse(response.text)
    assert page.lang == lang
    assert sorted(page.clusters) == CLUSTER_FILES
    table = client.get("/api/v1/label-history").json()
    expected = {row["cluster"]["id"]: row for row in table["data"]}
    for slug, row in page.clusters.items():
        assert row["statuses"] == {expected[slug]["status"]}
        assert f"/cluster/{slug}" in {link.split("?")[0] for link in row["links"]}
        if expected[slug]["status"] == "awarded":
            assert row["levels"] == [a["level"] for a in expected[slug]["awards"]]
            addresses = {p["url"] for a in expected[slug]["awards"] for p in a["pages"] if p["url"]}
            assert addresses and addresses <= set(row["links"])
            assert awarded_word in row["text"]
        else:
            assert expected[slug]["status"] == "searched"
            places = {u for s in expected[slug]["searches"] for u in s["searched_in"]}
            assert places and places <= set(row["links"])
            assert searched_word in row["text"]


def test_the_german_page_speaks_german(client) -> None:
    english = client.get("/labels?lang=en", headers=HTML).text
    german = client.get("/labels?lang=de", headers=HTML).text
    assert "Clustermanagement-Label" in german and "gesucht, nicht gefunden" not in english
    assert "searched on" in english and "searched on" not in german


def test_the_json_route_counts_what_it_lists(client) -> None:
    response = client.get("/api/v1/label-history")
    assert response.status_code == 200
    body = response.json()
    statuses = [row["status"] for row in body["data"]]
    assert body["count"] == len(statuses) == len(CLUSTER_FILES)
    assert body["awarded"] == statuses.count("awarded")
    assert body["searched"] == statuses.count("searched")
    assert body["not_searched"] == statuses.count("not-searched") == 0
    again = client.get("/api/v1/label-history", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_the_json_ld_variant_reads_as_rdf_with_the_graphs_own_terms(client) -> None:
    import json

    from rdflib import Graph, URIRef

    response = client.get("/api/v1/label-history?format=jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    body = response.json()
    assert body["@context"].endswith("/api/v1/context.jsonld")
    # the linked context inlined, so rdflib reads the document without the network
    body["@context"] = client.get("/api/v1/context.jsonld").json()["@context"]
    graph = Graph().parse(data=json.dumps(body), format="json-ld")
    cg = "https://w3id.org/clustergraph/ontology/"
    places = set(graph.objects(None, URIRef(cg + "searchedIn")))
    assert URIRef("https://www.cluster-analysis.org/benchmarked-clusters") in places
    sought = set(graph.objects(None, URIRef(cg + "soughtProperty")))
    assert URIRef(cg + "label") in sought
    accessed = {str(o) for o in graph.objects(None, URIRef(cg + "accessed"))}
    assert accessed, "the pages of the awards carry their access dates"


def test_the_landing_page_links_the_label_table(client) -> None:
    for lang in ("en", "de"):
        home = client.get(f"/?lang={lang}", headers=HTML).text
        assert f'href="/labels?lang={lang}"' in home


def test_a_search_record_has_a_page_of_its_own_in_both_languages(client) -> None:
    for lang in ("en", "de"):
        response = client.get(f"/research-gap/labels-clib?lang={lang}", headers=HTML)
        assert response.status_code == 200
        assert "cluster-analysis.org" in response.text
