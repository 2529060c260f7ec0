"""One site in a real browser: Debian's chromium driven by Playwright against a live
``clustergraph serve`` with the bundled data, in English and German, on a desktop and at
phone width (390 px). Screenshots go to tests/artifacts/site-*.png.

What a person relies on: the same menu on every page (query editor, examples, API
reference, catalogue, ontology included) whose links all answer without another host; the
API reference's "try it"; the catalogue as a page; a favicon; pictures whose colours and
ties are explained on the page; one search.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.browser.conftest import keep_to

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
BASE = "https://w3id.org/clustergraph/"
PAGES = {
    "landing": "/",
    "sparql": "/sparql",
    "queries": "/queries",
    "api": "/api/v1/docs",
    "catalog": "/catalog",
    "ontology": "/ontology",
    "cluster": "/cluster/its-owl",
    "search": "/search?q=automotive",
}
WIDTHS = {"desktop": 1280, "phone": 390}
MENU_PATHS = ["/", "/search", "/cluster/", "/ontology", "/sparql", "/queries", "/api/v1/docs", "/catalog"]


@dataclass
class Browsing:
    page: Page
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.blocked == [], f"the page tried to reach other hosts: {self.blocked}"
        assert self.errors == [], f"script errors on the page: {self.errors}"
        assert self.console == [], f"console errors (a refused script or style?): {self.console}"


def open_browser(chromium, live_server, width: int) -> tuple[object, Browsing]:
    context = chromium.new_context(viewport={"width": width, "height": 900})
    session = Browsing(context.new_page())
    keep_to(context, live_server.url, session.blocked)
    session.page.on("pageerror", lambda err: session.errors.append(str(err)))
    session.page.on("console", lambda msg: session.console.append(msg.text) if msg.type == "error" else None)
    return context, session


@pytest.fixture(params=list(WIDTHS))
def browsing(request, chromium, live_server) -> Iterator[Browsing]:
    context, session = open_browser(chromium, live_server, WIDTHS[request.param])
    session.width_name = request.param  # type: ignore[attr-defined]
    yield session
    context.close()


@pytest.fixture
def desktop(chromium, live_server) -> Iterator[Browsing]:
    context, session = open_browser(chromium, live_server, WIDTHS["desktop"])
    yield session
    context.close()


def screenshot(page, name: str, *, full: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full)


def with_lang(path: str, lang: str) -> str:
    split = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(split.query) if k != "lang"] + [("lang", lang)]
    return f"{split.path}?{urlencode(query)}"


def menu(page) -> list[tuple[str, str]]:
    """(path without ?lang, text) of every link in the main menu."""
    links = page.eval_on_selector_all(
        'nav[aria-label="main"] a', "els => els.map(a => [a.getAttribute('href'), a.textContent.trim()])"
    )
    return [(urlsplit(href).path, text) for href, text in links]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_page_has_the_site_layout_and_menu(browsing, live_server, lang) -> None:
    """Every kind of page has the same header and menu, in the page's language, works
    without another host or a refused script, and fits a phone's width."""
    page = browsing.page
    menus = {}
    for name, path in PAGES.items():
        response = page.goto(live_server.url + with_lang(path, lang))
        assert response is not None and response.status == 200, (name, response and response.status)
        assert response.headers["content-type"].startswith("text/html"), name
        page.wait_for_load_state("networkidle")
        assert page.get_attribute("html", "lang") == lang, name
        menus[name] = menu(page)
        assert page.locator("header.bar .brand").count() == 1, name
        assert page.locator("footer.foot").count() == 1, name
        if browsing.width_name == "phone":  # type: ignore[attr-defined]
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= WIDTHS["phone"] + 1, f"{name} is {overflow} px wide on a 390 px phone"
        screenshot(page, f"site-{name}-{lang}-{browsing.width_name}.png", full=name != "queries")  # type: ignore[attr-defined]
    browsing.assert_clean()
    first = menus["landing"]
    assert [p for p, _ in first] == MENU_PATHS
    assert all(m == first for m in menus.values()), menus
    if lang == "de":
        assert dict(first)["/catalog"] == "Katalog" and dict(first)["/queries"] == "Beispielabfragen"


def test_every_menu_link_answers_without_another_host(desktop, live_server) -> None:
    page = desktop.page
    for path in MENU_PATHS:
        for lang in ("en", "de"):
            response = page.goto(live_server.url + with_lang(path, lang))
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("networkidle")
    desktop.assert_clean()


def test_the_api_reference_tries_a_call_on_the_page(desktop, live_server) -> None:
    page = desktop.page
    page.goto(live_server.url + "/api/v1/docs?lang=de")
    form = page.locator('form.try[data-path="/api/v1/clusters"]')
    assert form.locator("legend").inner_text() == "Ausprobieren"
    form.locator('input[name="q"]').fill("automotive")
    form.locator('input[name="limit"]').fill("5")
    form.locator("button").click()
    status = form.locator(".try-status")
    status.filter(has_text="200").wait_for()
    shown = json.loads(form.locator(".try-body").inner_text())
    direct = page.request.get(live_server.url + "/api/v1/clusters?q=automotive&limit=5").json()
    assert shown == direct and shown["count"] >= 1
    one = page.locator('form.try[data-path="/api/v1/clusters/{id}"]')
    assert one.locator('input[name="id"]').input_value()  # an example id is filled in
    one.locator("button").click()
    one.locator(".try-status").filter(has_text="200").wait_for()
    assert json.loads(one.locator(".try-body").inner_text())["iri"].startswith(BASE + "cluster/")
    form.scroll_into_view_if_needed()
    screenshot(page, "site-api-try-de-desktop.png", full=False)
    desktop.assert_clean()


def test_the_catalogue_opens_as_a_page_and_offers_its_rdf(desktop, live_server) -> None:
    page = desktop.page
    response = page.goto(live_server.url + "/catalog")
    assert response is not None and response.headers["content-type"].startswith("text/html")
    assert page.locator("h1").inner_text() == "Data catalogue"
    downloads = page.eval_on_selector_all(".downloads a", "els => els.map(a => a.getAttribute('href'))")
    assert any(href.endswith("/dump.nq") for href in downloads)
    turtle = page.locator('a[type="text/turtle"]').get_attribute("href")
    rdf = page.request.get(live_server.url + turtle)
    assert rdf.ok and "dcat:Catalog" in rdf.text()
    harvester = page.request.get(live_server.url + "/catalog", headers={"Accept": "application/rdf+xml"})
    assert harvester.headers["content-type"].startswith("application/rdf+xml")
    desktop.assert_clean()


def test_every_page_has_a_favicon(desktop, live_server) -> None:
    page = desktop.page
    icon = page.request.get(live_server.url + "/favicon.ico")
    assert icon.status == 200 and icon.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    for path in ("/", "/sparql", "/api/v1/docs"):
        page.goto(live_server.url + path)
        href = page.locator('link[rel="icon"][type="image/svg+xml"]').get_attribute("href")
        svg = page.request.get(live_server.url + href)
        assert svg.ok and svg.headers["content-type"].startswith("image/svg+xml")


def network_facts(page) -> dict:
    return page.evaluate(
        """() => ({
          nodes: Object.fromEntries([...document.querySelectorAll('#network a.node')].map(a => {
            const c = a.querySelector('circle'); return [a.dataset.iri, [c.getAttribute('cx'), c.getAttribute('cy')]]; })),
          paths: [...document.querySelectorAll('#network path.tie')].map(p =>
            [p.dataset.a, p.dataset.b, p.getAttribute('class').split(' ')[1]].join(' ')),
          rows: [...document.querySelectorAll('.ties-table tr.tie-row')].map(r => [r.dataset.a, r.dataset.b, r.dataset.kind].join(' ')),
          untiedNodes: document.querySelectorAll('#network a.node.untied').length,
          untiedListed: document.querySelectorAll('ul.untied li').length,
          fieldColours: document.querySelectorAll('#network .legend-item.field-colour').length,
          fields: document.querySelectorAll('ul.field-list > li').length,
          tieKinds: document.querySelectorAll('#network .legend-item.tie-kind').length,
        })"""
    )


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_pictures_explain_every_colour_and_tie_on_the_page(chromium, live_server, width) -> None:
    context, session = open_browser(chromium, live_server, WIDTHS[width])
    page = session.page
    facts = {}
    for lang in ("en", "de"):
        page.goto(live_server.url + f"/?lang={lang}")
        facts[lang] = network_facts(page)
        page.locator("#network-h").scroll_into_view_if_needed()
        screenshot(page, f"site-network-{lang}-{width}.png", full=False)
        page.locator("#ties-h").scroll_into_view_if_needed()
        screenshot(page, f"site-ties-{lang}-{width}.png", full=False)
    en, de = facts["en"], facts["de"]
    assert en["nodes"] and en["nodes"] == de["nodes"], "the network is drawn differently in English and German"
    assert sorted(en["paths"]) == sorted(en["rows"]), "every tie in the picture has a row in the table, and no more"
    assert en["untiedNodes"] == en["untiedListed"]
    assert en["tieKinds"] == 4
    # one colour per field group, plus the hollow circle of a cluster without ties
    assert en["fieldColours"] == en["fields"] + 1
    context.close()
    session.assert_clean()


def test_one_search_gives_the_same_hits_in_the_same_order(desktop, live_server) -> None:
    page = desktop.page
    for q in ("automotive", "wasserstoff", "essen"):
        page.goto(live_server.url + "/search?" + urlencode({"q": q}))
        hrefs = page.eval_on_selector_all("ol.hits > li > a", "els => els.map(a => a.getAttribute('href'))")
        api = page.request.get(live_server.url + "/api/v1/search?" + urlencode({"q": q, "limit": 100})).json()
        assert [urlsplit(h).path for h in hrefs] == ["/" + hit["iri"][len(BASE):] for hit in api["data"]], q
        clusters = page.request.get(live_server.url + "/api/v1/clusters?" + urlencode({"q": q, "limit": 100})).json()
        assert [c["iri"] for c in clusters["data"]] == [hit["iri"] for hit in api["data"] if hit["kind"] == "cluster"], q
        assert clusters["count"] == len(clusters["data"])
    page.goto(live_server.url + "/search?q=automotive&lang=de")
    screenshot(page, "site-search-automotive-de-desktop.png")
    desktop.assert_clean()


MEMBER_FIGURE = """PREFIX cg: <https://w3id.org/clustergraph/ontology/>
SELECT ?c WHERE { ?f cg:figureOf ?c ; cg:measure cg:MemberCount ; cg:value ?v FILTER(?v > 1) } ORDER BY ?c LIMIT 1"""
ENGLISH_ONLY_DESCRIPTION = """PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?s WHERE { ?s dct:description ?d FILTER(LANG(?d) = "en")
  FILTER NOT EXISTS { ?s dct:description ?de FILTER(LANG(?de) = "de") } } ORDER BY ?s LIMIT 1"""
MARKS = """() => [...document.querySelectorAll('.untranslated')].map(el => {
  const hint = [...el.querySelectorAll('.tag')].find(t => t.textContent.trim() === 'nur auf Englisch');
  const english = [...el.querySelectorAll('[lang="en"]')].concat(el.lang === 'en' ? [el] : []);
  return {
    hint: !!hint && hint.getClientRects().length > 0 && getComputedStyle(hint).visibility === 'visible',
    hintLang: hint ? hint.closest('[lang]').lang : null,
    english: english.some(e => e.textContent.trim().length > 0),
  };
})"""


def test_german_pages_read_as_german_in_the_browser(desktop, live_server, store) -> None:
    import re

    page = desktop.page
    cluster = next(row["c"].value for row in store.query(MEMBER_FIGURE))
    page.goto(live_server.url + "/" + cluster[len(BASE):] + "?lang=de")
    figures = page.inner_text("ul.figures")
    assert re.search(r"(etwa |mehr als )?[\d.]+ Mitglieder", figures), figures
    related = page.inner_text(".related-list") if page.query_selector(".related-list") else ""
    page.goto(live_server.url + "/cluster/its-owl?lang=de")
    related += page.inner_text(".related-list")
    scores = re.findall(r"Wert (\S+?)\)", related)
    assert scores and all(re.fullmatch(r"\d+,\d\d", s) for s in scores), scores
    screenshot(page, "site-cluster-scores-de-desktop.png")
    # A description no source gives in German: English, tagged so, with the German hint in sight.
    described = next(row["s"].value for row in store.query(ENGLISH_ONLY_DESCRIPTION))
    for path in ("/" + described[len(BASE):], "/ontology/Cluster"):
        page.goto(live_server.url + path + "?lang=de")
        marks = page.evaluate(MARKS)
        assert marks, path
        assert all(m["hint"] and m["hintLang"] == "de" and m["english"] for m in marks), (path, marks)
    screenshot(page, "site-untranslated-de-desktop.png")
    desktop.assert_clean()
