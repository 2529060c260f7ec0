"""The browser every browser test drives: Debian's chromium, headless, through Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CLUSTERGRAPH_TEST_CHROMIUM", "/usr/bin/chromium")
# Without the networking flags chromium keeps calling out to hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium():
    """A headless Debian chromium; fails (never skips) when it or Playwright is missing."""
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).is_file():
        pytest.fail(f"chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: `pip install -e .[test]` (never `playwright install`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def keep_to(context, base_url: str, blocked: list[str]) -> None:
    """Let ``context`` reach the server at ``base_url`` only (and data:/blob: URLs); every
    other request is aborted and its URL appended to ``blocked``."""
    from urllib.parse import urlsplit

    allowed = urlsplit(base_url).netloc

    def only_the_server(route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == allowed or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", only_the_server)
