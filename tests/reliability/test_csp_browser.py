"""The Content-Security-Policy in a real browser: Debian's chromium (headless, Playwright) against a
live server. Every ``securitypolicyviolation`` event and console error is collected."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from browser.conftest import chromium  # noqa: F401  (the shared browser fixture)
from support.servers import LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PAGES = [
    "/", "/?lang=de", "/search?q=ki", "/cluster/its-owl", "/cluster/", "/organisation/", "/ontology",
    "/queries", "/api/v1/docs", "/landscape.svg", "/network.svg",
]
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  e.effectiveDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));
"""
FRAMING_ORIGIN = "http://framing.test"


@dataclass
class Session:
    page: Page
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__violations || []")


@pytest.fixture
def session(chromium, live_server: LiveServer) -> Iterator[Session]:  # noqa: F811
    """A page that may reach the live server only (and a stand-in framing site), recording violations."""
    context = chromium.new_context()
    context.add_init_script(RECORD_VIOLATIONS)

    def only_local(route) -> None:
        url = route.request.url
        if url.startswith(FRAMING_ORIGIN):
            route.fulfill(content_type="text/html", body=f'<iframe id="f" src="{live_server.url}/"></iframe>')
        elif urlsplit(url).hostname == "127.0.0.1" or url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    recorded = Session(page)
    page.on("console", lambda message: recorded.console.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: recorded.errors.append(str(error)))
    yield recorded
    context.close()


def test_the_pages_and_pictures_work_under_the_policy_without_a_violation(
    session: Session, live_server: LiveServer, figures: dict
) -> None:
    """Guarantee: every page and the landscape SVGs render in chromium under the CSP with no
    violation and no console error."""
    for path in PAGES:
        session.page.goto(live_server.url + path)
        session.page.wait_for_load_state("networkidle")
        assert session.violations() == [], path
    assert session.page.goto(live_server.url + "/").headers["content-security-policy"]
    assert session.page.locator("#landscape svg").is_visible()
    assert session.console == [] and session.errors == []
    figures.update(pages=len(PAGES), violations=0)


def test_the_query_editor_runs_a_query_under_the_policy_without_a_violation(
    session: Session, live_server: LiveServer
) -> None:
    """Guarantee: the YASGUI query editor loads, runs a query and shows its rows under the CSP with no violation."""
    page = session.page
    page.goto(f"{live_server.url}/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate(
        "window.clustergraphYasgui.getTab().getYasqe().setValue("
        "'SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 7')"
    )
    page.evaluate("window.clustergraphYasgui.getTab().query()")
    page.wait_for_selector(".yasr tbody tr", timeout=30_000)
    assert page.locator(".yasr tbody tr").count() == 7
    assert session.violations() == []
    assert session.console == [] and session.errors == []


def test_an_injected_inline_script_is_blocked_and_framing_is_refused(
    session: Session, live_server: LiveServer, figures: dict
) -> None:
    """Guarantee: the policy is enforced, not just sent: an inline script injected into a page does
    not run, and another site cannot frame the pages (frame-ancestors 'none')."""
    page = session.page
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        " document.body.appendChild(s); }"
    )
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = 'x'; i.setAttribute('onerror', 'window.__ran2 = true');"
        " document.body.appendChild(i); }"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran === undefined && window.__ran2 === undefined")
    blocked = session.violations()
    assert any(v.startswith("script-src-elem inline") for v in blocked), blocked
    assert any(v.startswith("script-src-attr inline") for v in blocked), blocked
    page.goto(FRAMING_ORIGIN + "/")
    page.wait_for_timeout(1000)
    (framed,) = page.frames[1:]
    assert framed.url.startswith("chrome-error:"), f"the page rendered inside another site's frame: {framed.url}"
    assert page.frame_locator("#f").locator("#landscape").count() == 0
    figures.update(bypasses_tried=3, bypasses_blocked=3)
