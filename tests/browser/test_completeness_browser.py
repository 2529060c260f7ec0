"""The completeness page in a real browser (Debian's chromium through Playwright) against a live
``clustergraph serve`` with the bundled data, in English and German, on a desktop and at phone
width (390 px). Screenshots go to tests/artifacts/completeness-*.png.

What a reader relies on: one row per cluster and one mark per field, as the API says; a
legend for the marks; on a phone the table scrolls inside its frame while the page keeps
the screen's width and the cluster names stay in view; a mark opens its evidence; the
landing page's sentence leads to the table.
"""

from __future__ import annotations

import pytest

from tests.browser.test_site_browser import WIDTHS, open_browser, screenshot

pytestmark = pytest.mark.browser


def cells(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "table.completeness-table tbody tr",
        "rows => rows.map(r => [...r.querySelectorAll('td[data-state]')].map(td => td.dataset.state))",
    )


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_table_shows_every_cluster_and_field_and_fits_the_screen(chromium, live_server, width, lang) -> None:
    context, session = open_browser(chromium, live_server, WIDTHS[width])
    page = session.page
    response = page.goto(f"{live_server.url}/completeness?lang={lang}")
    assert response is not None and response.status == 200
    assert page.get_attribute("html", "lang") == lang
    api = page.request.get(f"{live_server.url}/api/v1/completeness").json()
    assert cells(page) == [[c["state"] for c in row["fields"]] for row in api["data"]]
    assert page.locator(".completeness-legend li").count() == len(api["states"])
    assert page.locator("header.bar .brand").count() == 1 and page.locator("footer.foot").count() == 1
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= WIDTHS[width] + 1, f"the page is {page_width} px wide on a {WIDTHS[width]} px screen"
    frame = page.locator(".completeness-scroll")
    if width == "phone":
        inner, outer = frame.evaluate("f => [f.scrollWidth, f.clientWidth]")
        assert inner > outer, "at phone width the table should scroll inside its frame"
        name = page.locator("table.completeness-table tbody tr:first-child th").first
        before = name.bounding_box()
        frame.evaluate("f => { f.scrollLeft = f.scrollWidth; }")
        after = name.bounding_box()
        assert before and after and abs(after["x"] - before["x"]) < 1, "the cluster names stay in view"
        frame.evaluate("f => { f.scrollLeft = 0; }")
    screenshot(page, f"completeness-{lang}-{width}.png")
    context.close()
    session.assert_clean()


def test_a_mark_opens_its_evidence_and_the_landing_page_leads_to_the_table(chromium, live_server) -> None:
    context, session = open_browser(chromium, live_server, WIDTHS["desktop"])
    page = session.page
    page.goto(f"{live_server.url}/?lang=de")
    line = page.locator("p.completeness-line")
    assert "Profilfeldern" in line.inner_text()
    line.locator("a").click()
    page.wait_for_url("**/completeness?lang=de")
    totals = page.request.get(f"{live_server.url}/api/v1/completeness").json()["totals"]
    assert f"{totals['sourced']} von {totals['cells']}" in page.locator("#summary").inner_text()
    sourced = page.locator('td[data-state="sourced"] a').first
    href = sourced.get_attribute("href")
    sourced.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(href) and page.locator("h1").count() == 1
    context.close()
    session.assert_clean()
