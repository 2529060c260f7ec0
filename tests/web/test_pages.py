"""The HTML pages through FastAPI's TestClient: what a reader sees on a cluster page, an
actor page, the search and the landing page, in English and German, and that every value
from the data is escaped. Expected values are read from the store, not from the pages' code."""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clustergraph.catalog.matching import related_clusters
from clustergraph.catalog.query import Catalog
from clustergraph.loading.loader import load
from clustergraph.namespaces import sparql_prologue
from clustergraph.pages.urls import Urls
from clustergraph.settings import Settings
from clustergraph.web.app import create_app

BASE = "https://w3id.org/clustergraph/"
HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "hostile.trig"
HOSTILE_IRI = BASE + "cluster/hostile-test"
HOSTILE_LABEL = "<img src=x onerror=\"alert('xss')\">Hostile <script>alert(1)</script> cluster"
HOSTILE_SHORT = "<svg onload=alert(2)>Hostile</svg>"
HTML = {"Accept": "text/html"}

MEMBERS = sparql_prologue() + """SELECT ?c (COUNT(DISTINCT ?m) AS ?n) WHERE {
  { ?c org:hasMember ?m } UNION { ?x org:organization ?c ; org:member ?m }
} GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 1"""
MEMBERS_OF = sparql_prologue() + """SELECT DISTINCT ?c ?m WHERE {
  { ?c org:hasMember ?m } UNION { ?x org:organization ?c ; org:member ?m }
}"""
GRAPHS_ABOUT = sparql_prologue() + """SELECT DISTINCT ?s ?g ?title WHERE {
  GRAPH ?g { ?s ?p ?o } OPTIONAL { ?g dct:title ?title }
}"""
EN_LABEL = sparql_prologue() + """SELECT ?s ?label WHERE { ?s skos:prefLabel ?label FILTER(LANG(?label) = "en") }"""
DE_LABEL = sparql_prologue() + """SELECT ?s ?label WHERE { ?s skos:prefLabel ?label FILTER(LANG(?label) = "de") }"""
TECHNOLOGY_OF_A_CLUSTER = sparql_prologue() + """SELECT ?c ?label WHERE {
  ?c a/rdfs:subClassOf* cg:Cluster ; cg:technology ?t . ?t skos:prefLabel ?label FILTER(LANG(?label) = "en")
} ORDER BY ?label ?c LIMIT 1"""
CITY_OF_A_CLUSTER = sparql_prologue() + """SELECT ?c ?label WHERE {
  ?c a/rdfs:subClassOf* cg:Cluster ; cg:basedIn ?p . ?p skos:prefLabel ?label
} ORDER BY ?label ?c LIMIT 1"""
MANAGED = sparql_prologue() + """SELECT ?c ?body WHERE { ?c cg:managedBy ?body } ORDER BY ?c LIMIT 1"""
CLUSTERS = sparql_prologue() + """SELECT DISTINCT ?c WHERE { ?c a/rdfs:subClassOf* cg:Cluster }"""


@dataclass
class Page:
    """A page parsed into what a reader (or a crawler) uses: links per section, text, JSON-LD."""

    links: list[tuple[str | None, str, str]] = field(default_factory=list)  # (section, href, text)
    text: str = ""
    h1: str = ""
    jsonld: list[dict] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)

    def links_in(self, section: str) -> dict[str, str]:
        return {href: text for sec, href, text in self.links if sec == section}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.sections: list[str | None] = []
        self.href: str | None = None
        self.anchor_text: list[str] = []
        self.in_h1 = False
        self.script: list[str] | None = None
        self.script_type = ""
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.sections.append(attrs.get("aria-labelledby"))
        elif tag == "a":
            self.href, self.anchor_text = attrs.get("href"), []
        elif tag == "h1":
            self.in_h1 = True
        elif tag == "script":
            self.script, self.script_type = [], attrs.get("type", "")

    def handle_endtag(self, tag):
        if tag == "section" and self.sections:
            self.sections.pop()
        elif tag == "a" and self.href is not None:
            section = next((s for s in reversed(self.sections) if s), None)
            self.page.links.append((section, self.href, "".join(self.anchor_text).strip()))
            self.href = None
        elif tag == "h1":
            self.in_h1 = False
        elif tag == "script" and self.script is not None:
            body = "".join(self.script)
            self.page.scripts.append(body)
            if self.script_type == "application/ld+json":
                self.page.jsonld.append(json.loads(body))
            self.script = None

    def handle_data(self, data):
        if self.script is not None:
            self.script.append(data)
            return
        self.chunks.append(data)
        if self.href is not None:
            self.anchor_text.append(data)
        if self.in_h1:
            self.page.h1 += data


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.page.text = " ".join(" ".join(reader.chunks).split())
    return reader.page


@pytest.fixture(scope="module")
def client(shacl_gate) -> Iterator[TestClient]:
    """The app over the bundled data plus one cluster whose names carry markup."""
    settings = Settings(store="memory", _env_file=None)
    with TestClient(create_app(settings)) as test_client:
        load(test_client.app.state.store, settings, [HOSTILE], gate=shacl_gate)
        yield test_client


@pytest.fixture(scope="module")
def db(client):
    return client.app.state.store


def labels(db, query: str) -> dict[str, str]:
    return {row["s"].value: row["label"].value for row in db.query(query)}


def path_of(iri: str) -> str:
    return "/" + iri[len(BASE):]


def get_page(client, path: str, **headers) -> Page:
    response = client.get(path, headers={**HTML, **headers})
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return read_page(response.text)


def test_a_cluster_page_lists_its_members_with_links(client, db):
    cluster = next(iter(db.query(MEMBERS)))["c"].value
    members = {row["m"].value for row in db.query(MEMBERS_OF) if row["c"].value == cluster}
    assert members, "the data should give some cluster members"
    names = labels(db, EN_LABEL)
    page = get_page(client, path_of(cluster) + "?lang=en")
    listed = page.links_in("members-h")
    for member in members:
        href = path_of(member) + "?lang=en"
        assert href in listed, f"member {member} missing"
        assert listed[href] == names.get(member, listed[href])


def test_a_cluster_page_names_the_source_of_its_facts(client, db):
    cluster = BASE + "cluster/its-owl"
    rows = [r for r in db.query(GRAPHS_ABOUT) if r["s"].value == cluster]
    assert rows
    page = get_page(client, path_of(cluster))
    sources = page.links_in("sources-h")
    for row in rows:
        assert path_of(row["g"].value) in sources
        if row["title"] is not None and row["title"].language in (None, "", "en"):
            assert row["title"].value in sources.values()
    # every fact value carries a footnote into that list
    assert any(href.startswith("#source-") for _, href, _ in page.links)


def test_a_footnote_of_an_editors_summary_links_the_page_it_summarises_with_its_access_date(client, db):
    rows = list(db.query(sparql_prologue() + """SELECT ?g ?url ?accessed WHERE {
        ?g a cg:EditorialSource ; prov:wasDerivedFrom ?page . ?page schema:url ?url ; cg:accessed ?accessed .
        GRAPH ?g { cluster:its-owl ?p ?o }
      } ORDER BY ?g LIMIT 1""", prefixes={"cluster": BASE + "cluster/"}))
    assert rows, "its-owl should have an editors' summary of a web page"
    page = get_page(client, path_of(BASE + "cluster/its-owl"))
    sources = page.links_in("sources-h")
    assert path_of(rows[0]["g"].value) in sources
    assert rows[0]["url"].value in sources  # one click to the page itself
    assert rows[0]["accessed"].value in page.text


def test_a_figure_shows_the_date_it_holds_for(client, db):
    rows = list(db.query(sparql_prologue() + """SELECT ?c ?date WHERE {
        ?f cg:figureOf ?c ; cg:referenceDate ?date . FILTER(STRSTARTS(STR(?c), STR(cluster:)))
      } ORDER BY ?c LIMIT 1""", prefixes={"cluster": BASE + "cluster/"}))
    assert rows
    page = get_page(client, path_of(rows[0]["c"].value))
    year, month, day = (rows[0]["date"].value.split("-") + [None, None])[:3]
    written = " ".join(p for p in (str(int(day)) if day else None, calendar.month_name[int(month)] if month else None, year) if p)
    assert f"as of {written}" in page.text  # the date in words, as a reader writes it


def test_a_cluster_page_shows_the_related_clusters_of_the_matching(client, db):
    cluster = BASE + "cluster/its-owl"
    expected = related_clusters(Catalog(db, BASE), "its-owl", limit=10).data
    assert expected, "its-owl should have related clusters in the data"
    page = get_page(client, path_of(cluster))
    related = [href for sec, href, _ in page.links if sec == "related-h" and href.startswith("/cluster/")]
    assert related[0] == path_of(expected[0].cluster.iri)
    assert {path_of(r.cluster.iri) for r in expected} <= set(related)


def test_an_actor_page_shows_incoming_links(client, db):
    row = next(iter(db.query(MANAGED)))
    cluster, body = row["c"].value, row["body"].value
    page = get_page(client, path_of(body) + "?lang=en")
    assert path_of(cluster) + "?lang=en" in page.links_in("incoming-h")
    assert "manages" in page.text


def test_a_member_page_shows_what_it_is_member_of(client, db):
    row = next(iter(db.query(MEMBERS_OF)))
    page = get_page(client, path_of(row["m"].value))
    assert path_of(row["c"].value) in page.links_in("member-of-h")


def test_pages_link_to_the_resource_as_data_and_to_a_sparql_query(client):
    page = get_page(client, "/cluster/its-owl")
    data_links = page.links_in("data-h")
    for suffix in (".ttl", ".jsonld", ".nt", ".rdf"):
        assert f"/cluster/its-owl{suffix}" in data_links
    sparql = [href for href in data_links if href.startswith("/sparql?query=")]
    assert sparql and "CONSTRUCT" in sparql[0] and "its-owl" in sparql[0]


def test_pages_embed_schema_org_json_ld(client, db):
    page = get_page(client, "/cluster/its-owl?lang=en")
    data = page.jsonld[0]
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["@id"] == BASE + "cluster/its-owl"
    assert data["name"] == labels(db, EN_LABEL)[BASE + "cluster/its-owl"]
    home = get_page(client, "/")
    assert home.jsonld[0]["@type"] == "Dataset"


def test_the_language_follows_the_lang_parameter_and_accept_language(client, db):
    german = labels(db, DE_LABEL)[BASE + "cluster/its-owl"]
    english = labels(db, EN_LABEL)[BASE + "cluster/its-owl"]
    assert get_page(client, "/cluster/its-owl?lang=de").h1 == german
    assert get_page(client, "/cluster/its-owl", **{"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}).h1 == german
    assert get_page(client, "/cluster/its-owl?lang=en", **{"Accept-Language": "de"}).h1 == english
    assert "Quellen" in get_page(client, "/cluster/its-owl?lang=de").text


def test_search_finds_a_cluster_by_a_technology(client, db):
    row = next(iter(db.query(TECHNOLOGY_OF_A_CLUSTER)))
    word = row["label"].value.split()[0]
    page = get_page(client, f"/search?q={word.lower()}&lang=en")
    assert path_of(row["c"].value) + "?lang=en" in page.links_in("results-h")
    assert "technology" in page.text


def test_search_finds_a_cluster_by_its_city(client, db):
    row = next(iter(db.query(CITY_OF_A_CLUSTER)))
    page = get_page(client, f"/search?q={row['label'].value.upper()}")
    assert path_of(row["c"].value) in page.links_in("results-h")


def test_search_finds_actors_by_name(client, db):
    row = next(iter(db.query(MANAGED)))
    name = labels(db, EN_LABEL).get(row["body"].value) or labels(db, DE_LABEL)[row["body"].value]
    page = get_page(client, f"/search?q={name}")
    assert path_of(row["body"].value) in page.links_in("results-h")


def test_search_without_text_shows_the_form_and_overlong_text_is_400(client):
    empty = client.get("/search", headers=HTML)
    assert empty.status_code == 200 and 'name="q"' in empty.text
    assert client.get("/search", params={"q": "x" * 201}, headers=HTML).status_code == 400


def test_a_label_with_markup_is_shown_as_text(client):
    response = client.get(path_of(HOSTILE_IRI), headers=HTML)
    assert response.status_code == 200
    page = read_page(response.text)
    assert page.h1 == HOSTILE_LABEL  # the reader sees the markup as characters
    assert "<script>alert(1)" not in response.text
    assert "<img src=x" not in response.text
    assert "<svg onload" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    # JSON-LD keeps the value but cannot close its script element
    assert page.jsonld[0]["name"] == HOSTILE_LABEL
    assert all("</script" not in script.lower() for script in page.scripts)


@pytest.mark.parametrize("path", ["/", "/cluster/", "/search?q=hostile", "/landscape.svg", "/network.svg", "/source/hostile-test"])
def test_markup_from_the_data_is_escaped_everywhere(client, path):
    response = client.get(path, headers=HTML)
    assert response.status_code == 200
    for raw in ("<script>alert(", "<img src=x", "<svg onload", "<b>with</b>"):
        assert raw not in response.text, f"{raw!r} unescaped on {path}"


def test_the_landing_page_draws_every_cluster(client, db):
    response = client.get("/", headers=HTML)
    clusters = {row["c"].value for row in db.query(CLUSTERS)}
    page = read_page(response.text)
    assert {path_of(c) for c in clusters} <= {href for _, href, _ in page.links}
    assert HOSTILE_IRI in clusters  # adding a cluster adds it to the picture


def test_the_landscape_pictures_follow_a_write(shacl_gate):
    """The pictures are kept between requests, but never past a change of the data."""
    settings = Settings(store="memory", _env_file=None)
    with TestClient(create_app(settings)) as fresh:
        before = {path: fresh.get(path).text for path in ("/landscape.svg", "/network.svg")}
        assert {path: fresh.get(path).text for path in before} == before  # drawn again, or kept: the same
        assert path_of(HOSTILE_IRI) not in before["/landscape.svg"]

        load(fresh.app.state.store, settings, [HOSTILE], gate=shacl_gate)

        assert path_of(HOSTILE_IRI) in fresh.get("/landscape.svg").text
        assert path_of(HOSTILE_IRI) in fresh.get("/network.svg").text
        assert path_of(HOSTILE_IRI) in fresh.get("/", headers=HTML).text


def test_listing_pages_link_every_resource_of_a_kind(client, db):
    page = get_page(client, "/cluster/")
    clusters = {row["c"].value for row in db.query(CLUSTERS)}
    assert {path_of(c) for c in clusters} <= {href for _, href, _ in page.links}


def test_svg_downloads_are_svg(client):
    for path in ("/landscape.svg", "/network.svg"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")


def test_only_http_iris_become_outside_links():
    urls = Urls(BASE)
    assert urls.page("javascript:alert(1)") is None
    assert urls.page("data:text/html,<script>alert(1)</script>") is None
    assert urls.page("https://example.org/x") == "https://example.org/x"
    assert urls.page(BASE + "cluster/x") == "/cluster/x"
    assert urls.page("https://example.org/x", described=True) == "/resource?iri=https%3A%2F%2Fexample.org%2Fx"
