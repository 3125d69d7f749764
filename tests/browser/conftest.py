"""Playwright driving Debian's Chromium against the live test server.

Outside CI a missing Chromium skips these tests with a message; in CI (CI=true) it fails them.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from programs.content import read_content
from programs.sync import sync_content

from ..conftest import CONTENT_DIR

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _plain_http_for_the_live_server():
    """The live server builds its middleware once, so plain HTTP is set before it starts."""
    from django.test.utils import override_settings

    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        message = "Chromium not found: install Debian's package (apt-get install chromium)."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " Browser tests are required in CI.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def real_content():
    """The real content, read and checked once; each browser test writes it again."""
    return read_content(CONTENT_DIR)


@pytest.fixture
def page(browser, live_server, transactional_db, real_content):
    # A live-server test runs outside a rolled-back transaction and the database is emptied
    # after it, so each one loads the real content first.
    sync_content(real_content)
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def visit(page, path: str, expect_status: int = 200):
    response = page.goto(path)
    assert response is not None and response.status == expect_status, path
    return response


def axe_violations(page, axe_source: str) -> list[dict]:
    """Run axe-core (WCAG 2.2 AA) on the loaded page; return violations, summarised."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    # Every rule of those tags runs; only the violations are gathered into the result, which
    # is all that is checked (axe's resultTypes).
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
    result = page.evaluate("opts => axe.run(document, opts)", options)
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
    ]
