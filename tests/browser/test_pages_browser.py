"""The linked-data pages in a real browser: Debian's chromium driven by Playwright against a
live ``clustergraph serve`` whose data is the bundled data plus one cluster with a hostile
label. Expected values come from SPARQL over a store loaded from the same files.
Screenshots go to tests/artifacts/ (the landing page: tests/artifacts/pages-landing.png).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

import pytest
from pyoxigraph import NamedNode

from clustergraph.bundled import bundled_dir
from clustergraph.catalog.matching import related_clusters
from clustergraph.catalog.query import Catalog
from clustergraph.loading.loader import load
from clustergraph.namespaces import sparql_prologue
from clustergraph.settings import Settings
from clustergraph.store import EmbeddedStore
from tests.conftest import start_server

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "hostile.trig"
BASE = "https://w3id.org/clustergraph/"
HOSTILE_IRI = BASE + "cluster/hostile-test"
HOSTILE_LABEL = "<img src=x onerror=\"alert('xss')\">Hostile <script>alert(1)</script> cluster"

CLUSTER_COUNT = sparql_prologue() + "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a/rdfs:subClassOf* cg:Cluster }"
MOST_MEMBERS = sparql_prologue() + """SELECT ?c (COUNT(DISTINCT ?m) AS ?n) WHERE {
  { ?c org:hasMember ?m } UNION { ?x org:organization ?c ; org:member ?m }
} GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 1"""
MEMBER_NAMES = sparql_prologue() + """SELECT DISTINCT ?c ?name WHERE {
  { ?c org:hasMember ?m } UNION { ?x org:organization ?c ; org:member ?m }
  ?m skos:prefLabel ?name FILTER(LANG(?name) = "en" || NOT EXISTS { ?m skos:prefLabel ?e FILTER(LANG(?e) = "en") })
}"""
TECHNOLOGY = sparql_prologue() + """SELECT ?c ?label WHERE {
  ?c a/rdfs:subClassOf* cg:Cluster ; cg:technology ?t . ?t skos:prefLabel ?label FILTER(LANG(?label) = "en")
} ORDER BY DESC(STRLEN(?label)) ?c"""


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data plus the hostile-label fixture, as the server's data folder."""
    folder = tmp_path_factory.mktemp("pages-data") / "data"
    shutil.copytree(bundled_dir("data"), folder)
    shutil.copy(HOSTILE, folder / "zz-hostile.trig")
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, data_dir: Path):
    live = start_server(tmp_path_factory.mktemp("pages-server"), CLUSTERGRAPH_DATA_DIR=str(data_dir))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def expected(data_dir: Path, shacl_gate) -> Iterator[EmbeddedStore]:
    """A store loaded from the server's data files, for the expected values."""
    db = EmbeddedStore(None)
    load(db, Settings(store="memory", data_dir=data_dir, _env_file=None), gate=shacl_gate)
    yield db
    db.close()


@dataclass
class Browsing:
    page: Page
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt: must never open
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@pytest.fixture
def browsing(chromium) -> Iterator[Browsing]:
    """A fresh context that may reach the local test servers only, recording dialogs and script errors."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    session = Browsing(context.new_page())

    def only_the_server(route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1" or route.request.url.startswith("data:"):
            route.continue_()
        else:
            session.blocked.append(route.request.url)
            route.abort()

    def on_dialog(dialog) -> None:
        session.dialogs.append(dialog.message)
        dialog.dismiss()

    context.route("**/*", only_the_server)
    session.page.on("dialog", on_dialog)
    session.page.on("pageerror", lambda err: session.errors.append(str(err)))
    yield session
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def path_of(iri: str) -> str:
    return "/" + iri[len(BASE):]


def test_the_landing_page_shows_the_landscape_with_every_cluster(browsing, live_server, store) -> None:
    count = int(next(iter(store.query(CLUSTER_COUNT)))["n"].value)  # the bundled data, as served
    page = browsing.page
    page.goto(live_server.url + "/")
    landscape = page.locator("#landscape svg")
    assert landscape.is_visible()
    iris = page.eval_on_selector_all("#landscape a.cluster", "els => els.map(e => e.getAttribute('data-iri'))")
    assert len(set(iris)) == count
    hrefs = page.eval_on_selector_all("#landscape a.cluster", "els => els.map(e => e.getAttribute('href'))")
    assert all(href and href.startswith("/") for href in hrefs)
    nodes = page.eval_on_selector_all("#network a.cluster", "els => els.map(e => e.getAttribute('data-iri'))")
    assert set(nodes) == set(iris)
    shot = screenshot(page, "pages-landing.png")
    assert shot.stat().st_size > 10_000
    assert browsing.dialogs == [] and browsing.errors == [] and browsing.blocked == []


def test_clicking_a_cluster_opens_its_page_with_members_sources_and_related_clusters(browsing, server, expected) -> None:
    cluster = next(iter(expected.query(MOST_MEMBERS)))["c"].value
    members = {row["name"].value for row in expected.query(MEMBER_NAMES, substitutions={"c": NamedNode(cluster)})}
    assert members
    related = related_clusters(Catalog(expected, BASE), cluster.rsplit("/", 1)[1], limit=10).data
    page = browsing.page
    page.goto(server.url + "/?lang=en")
    page.locator(f'#landscape a.cluster[data-iri="{cluster}"]').first.click()
    page.wait_for_url(f"**{path_of(cluster)}**")
    members_text = page.locator("section[aria-labelledby=members-h]").inner_text()
    missing = sorted(name for name in members if name not in members_text)
    assert not missing, f"members missing on the page: {missing}"
    sources = page.locator("section[aria-labelledby=sources-h] li")
    assert sources.count() >= 1
    footnote = page.locator("sup.fn a").first
    footnote.click()
    assert page.url.split("#")[1].startswith("source-")
    related_links = page.eval_on_selector_all(
        "section[aria-labelledby=related-h] ol > li > a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert [h.split("?")[0] for h in related_links] == [path_of(r.cluster.iri) for r in related]
    screenshot(page, "pages-cluster.png")
    assert browsing.dialogs == [] and browsing.errors == []


def test_search_finds_a_cluster_by_a_technology(browsing, server, expected) -> None:
    row = next(r for r in expected.query(TECHNOLOGY) if r["c"].value != HOSTILE_IRI)
    cluster, technology = row["c"].value, row["label"].value
    page = browsing.page
    page.goto(server.url + "/")
    page.fill("#q", technology.lower())
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=**")
    hit = page.locator(f'section[aria-labelledby=results-h] a[href^="{path_of(cluster)}"]')
    assert hit.count() == 1
    assert "technology" in page.locator("section[aria-labelledby=results-h]").inner_text()
    screenshot(page, "pages-search.png")
    hit.click()
    page.wait_for_url(f"**{path_of(cluster)}**")
    assert page.locator("h1").inner_text().strip()


def test_a_hostile_label_is_shown_as_text_and_runs_no_script(browsing, server) -> None:
    page = browsing.page
    for path in (path_of(HOSTILE_IRI), "/", "/search?q=" + quote("hostile"), "/cluster/"):
        page.goto(server.url + path)
        page.wait_for_load_state("load")
        assert page.locator("img[src=x]").count() == 0
        assert page.locator("svg[onload]").count() == 0
        scripts = page.eval_on_selector_all("script", "els => els.map(e => e.type)")
        assert all(kind == "application/ld+json" for kind in scripts)
    page.goto(server.url + path_of(HOSTILE_IRI))
    assert page.locator("h1").text_content() == HOSTILE_LABEL
    screenshot(page, "pages-hostile.png")
    assert browsing.dialogs == [], f"a script from the data ran: {browsing.dialogs}"
    assert browsing.errors == []


def test_the_landscape_can_be_used_with_the_keyboard(browsing, server) -> None:
    page = browsing.page
    page.goto(server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#landscape a.cluster') !== null"):
            break
    else:
        pytest.fail("no cluster of the landscape is reachable with Tab")
    target = page.evaluate("document.activeElement.closest('a').getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target}")
