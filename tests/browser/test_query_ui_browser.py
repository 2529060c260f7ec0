"""The query UI in a real browser: Debian's chromium, driven by Playwright, against a live server.

The browser may talk to the live server only: every other request is aborted and recorded,
so a test fails if the page tries to reach a CDN or any other host. Screenshots go to
tests/artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from clustergraph.bundled import bundled_dir
from tests.browser.conftest import keep_to

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# An example whose result rows name clusters; the expected names come from running the
# same file on the store, not from this test.
EXAMPLE = "clusters-founding-year"
PICKED = "managing-bodies-and-cities"
RESULT_ROWS = ".yasr .dataTable tbody tr"


@dataclass
class Browsing:
    """A page plus what the browser tried and failed to do on it."""

    page: Page
    blocked: list[str] = field(default_factory=list)  # requests to hosts other than the server
    errors: list[str] = field(default_factory=list)  # uncaught script errors

    def assert_clean(self) -> None:
        assert self.blocked == [], f"the page tried to reach other hosts: {self.blocked}"
        assert self.errors == [], f"script errors on the page: {self.errors}"


@pytest.fixture
def browsing(chromium, live_server) -> Iterator[Browsing]:
    """A fresh browser context that may reach the live server only."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    session = Browsing(context.new_page())
    keep_to(context, live_server.url, session.blocked)
    session.page.on("pageerror", lambda err: session.errors.append(str(err)))
    yield session
    context.close()


def expected_names(store, name: str, column: str) -> set[str]:
    """The values of ``column`` that the example query gives on the bundled data."""
    text = (bundled_dir("queries") / f"{name}.rq").read_text(encoding="utf-8")
    names = {row[column].value for row in store.query(text) if row[column] is not None}
    assert names, f"{name}.rq gives no {column} on the bundled data"
    return names


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def result_table_text(page) -> str:
    """The text of YASR's result table once it has rows (full cell text: the ellipsis is only CSS)."""
    page.wait_for_selector(RESULT_ROWS, timeout=30_000)
    return page.text_content(".yasr .dataTable") or ""


def test_run_on_the_catalogue_opens_the_editor_and_shows_the_result_table(browsing, live_server, store) -> None:
    names = expected_names(store, EXAMPLE, "clusterName")
    page = browsing.page
    page.goto(f"{live_server.url}/queries")
    screenshot(page, "queries-catalogue.png")
    page.click(f'article[data-name="{EXAMPLE}"] a.cg-run')
    page.wait_for_url(f"{live_server.url}/sparql**")
    table = result_table_text(page)
    screenshot(page, f"query-ui-{EXAMPLE}.png")
    missing = sorted(n for n in names if n not in table)
    assert not missing, f"the result table lacks {missing}"
    browsing.assert_clean()


def test_an_example_picked_in_the_editor_runs_and_shows_its_rows(browsing, live_server, store) -> None:
    names = expected_names(store, PICKED, "clusterName")
    page = browsing.page
    page.goto(f"{live_server.url}/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.select_option("#cg-examples", PICKED)
    table = result_table_text(page)
    screenshot(page, f"query-ui-picked-{PICKED}.png")
    shown = sorted(n for n in names if n in table)
    assert shown, f"none of {sorted(names)} in the result table"
    browsing.assert_clean()


def set_editor(page, text: str, line: int, ch: int) -> None:
    page.evaluate(
        "([text, line, ch]) => { const y = window.clustergraphYasgui.getTab().getYasqe();"
        " y.setValue(text); y.focus(); y.getDoc().setCursor({line, ch}); }",
        [text, line, ch],
    )


def editor_text(page) -> str:
    return page.evaluate("() => window.clustergraphYasgui.getTab().getYasqe().getValue()")


def test_typing_a_project_prefix_adds_its_prefix_line(browsing, live_server) -> None:
    page = browsing.page
    page.goto(f"{live_server.url}/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    set_editor(page, "SELECT * WHERE {\n  ?s a \n}", 1, 7)
    page.keyboard.type("cluster:")
    page.wait_for_function("() => window.clustergraphYasgui.getTab().getYasqe().getValue().startsWith('PREFIX')")
    assert editor_text(page).startswith("PREFIX cluster: <https://w3id.org/clustergraph/cluster/>")
    browsing.assert_clean()


def test_class_completion_offers_the_ontology_classes_without_leaving_the_site(browsing, live_server) -> None:
    page = browsing.page
    page.goto(f"{live_server.url}/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    set_editor(page, "PREFIX cg: <https://w3id.org/clustergraph/ontology/>\nSELECT * WHERE {\n  ?s a \n}", 2, 7)
    page.keyboard.type("cg:Clu")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints li")
    hints = [item.text_content() for item in page.query_selector_all(".CodeMirror-hints li")]
    assert "cg:Cluster" in hints
    endpoint = page.evaluate("() => window.clustergraphYasgui.getTab().getEndpoint()")
    assert endpoint == f"{live_server.url}/sparql"
    browsing.assert_clean()


BROKEN = "PREFIX cg: <https://w3id.org/clustergraph/ontology/>\nSELECT ?name WHERE {\n  ?cluster cg:shortName\n}"
BROKEN_SENTENCE = (
    "Syntax error at line 4, column 1 near '}': expected an object after '?cluster cg:shortName' "
    "to complete the triple pattern"
)


def run_in_editor(page, text: str) -> None:
    set_editor(page, text, 0, 0)
    page.click(".yasqe_queryButton")


def test_a_query_shows_its_rows_and_a_broken_one_the_sentence_not_the_json(browsing, live_server, store) -> None:
    page = browsing.page
    page.goto(f"{live_server.url}/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    good = "PREFIX cg: <https://w3id.org/clustergraph/ontology/>\nSELECT ?name WHERE { ?c cg:shortName ?name }"
    names = {row["name"].value for row in store.query(good)}
    run_in_editor(page, good)
    table = result_table_text(page)
    assert names and all(name in table for name in names)

    run_in_editor(page, BROKEN)
    page.wait_for_selector(".yasr .cg-problem-detail", timeout=30_000)
    screenshot(page, "query-ui-syntax-error.png")
    assert page.text_content(".yasr .cg-problem-detail") == BROKEN_SENTENCE
    assert page.text_content(".yasr .cg-problem-title") == "The query failed: SPARQL syntax error (400)"
    shown = page.inner_text(".yasr")
    assert '"type"' not in shown and "about:blank" not in shown and "error at 4:" not in shown
    # the parser's own words are there, folded away, and the line of the error is marked
    assert page.text_content(".yasr .cg-problem-parser pre").startswith("error at ")
    assert page.eval_on_selector_all(".yasqe .cg-error-line", "lines => lines.length") == 1
    browsing.assert_clean()


# What the German editor may show besides German: names of formats, methods and query forms.
NAMES = {"CSV", "TSV", "JSON", "XML", "Turtle", "TriG", "N-Triples", "N-Quads", "RDF/XML", "JSON-LD", "GET", "POST",
         "Ask / Select", "Construct / Describe", "cURL", "image/svg+xml", "X", "✖", "<", "<<", ">", ">>", "+"}
CONTROL_TEXTS = """() => {
  const out = [];
  const area = document.getElementById("yasgui");
  const keep = ".CodeMirror-lines, td, th, pre, .cg-problem";
  const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.nodeValue.trim();
    if (text && !node.parentElement.closest(keep) && node.parentElement.getClientRects().length) out.push(text);
  }
  area.querySelectorAll("[title], [aria-label], [placeholder]").forEach(el => {
    if (el.closest(".CodeMirror-lines")) return;
    for (const name of ["title", "aria-label", "placeholder"]) if (el.getAttribute(name)) out.push(el.getAttribute(name));
  });
  return out;
}"""


def test_the_german_editor_speaks_german_and_marks_the_servers_english(browsing, live_server, store) -> None:
    import re

    from clustergraph.pages.yasgui_texts import EXACT_DE, PATTERNS_DE, PROBLEM_TITLES_DE

    page = browsing.page
    page.goto(f"{live_server.url}/sparql?lang=de")
    page.wait_for_selector(".yasqe .CodeMirror")
    good = "PREFIX cg: <https://w3id.org/clustergraph/ontology/>\nSELECT ?name WHERE { ?c cg:shortName ?name }"
    rows = len({row["name"].value for row in store.query(good)})
    run_in_editor(page, good)
    result_table_text(page)
    page.click(".tabContextButton")  # the request settings draw their own texts
    page.wait_for_timeout(300)
    shown = page.evaluate(CONTROL_TEXTS)
    screenshot(page, "query-ui-de.png")
    german = set(EXACT_DE.values())
    counted = re.compile(
        r"^(\d+ Ergebnisse?|Antwort) in \d+,\d+ Sekunden$|^Zeilen \d+ bis \d+ von \d+$|^\w+: zum Sortieren aktivieren$"
    )
    english = [text for text in shown if text in EXACT_DE or any(re.match(p, text) for p, _ in PATTERNS_DE)]
    other = [text for text in shown if text not in german and text not in NAMES and not text.isdigit() and not counted.match(text)]
    assert english == [], f"YASGUI's English on the German page: {english}"
    assert other == [], f"texts that are neither German nor names: {other}"
    assert page.get_attribute(".yasqe_queryButton", "title") == "Abfrage ausführen"
    assert {"Tabelle", "Antwort", "Anfragemethode"} <= set(shown), shown
    assert any(re.fullmatch(rf"{rows} Ergebnisse? in \d+,\d+ Sekunden", text) for text in shown), shown

    page.keyboard.press("Escape")
    page.mouse.click(5, 5)
    run_in_editor(page, BROKEN)
    page.wait_for_selector(".yasr .cg-problem-detail", timeout=30_000)
    title = PROBLEM_TITLES_DE["SPARQL syntax error"]
    assert page.text_content(".yasr .cg-problem-title") == f"Die Abfrage ist fehlgeschlagen: {title} (400)"
    detail = page.query_selector(".yasr .cg-problem-detail")
    assert detail.get_attribute("lang") == "en" and "untranslated" in detail.get_attribute("class")
    hint = detail.query_selector(".tag")
    assert hint.get_attribute("lang") == "de" and hint.text_content() == "nur auf Englisch" and hint.is_visible()
    assert detail.text_content().startswith(BROKEN_SENTENCE)
    assert page.text_content(".yasr .cg-problem-parser summary") == "Meldung des Parsers"
    screenshot(page, "query-ui-syntax-error-de.png")
    browsing.assert_clean()
