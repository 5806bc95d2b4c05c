"""Playwright fixtures driving Debian's Chromium against pytest-django's live_server.

Without /usr/bin/chromium these tests skip with a message, unless REQUIRE_BROWSER=1.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# the tests themselves are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} not found: install it with `apt-get install -y chromium`."
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(f"Browser tests skipped: {message}")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        # Now that this thread has a running event loop, asgiref gives the ORM new
        # connection objects. Hand them the data saved after migrations, or
        # serialized_rollback silently restores nothing once earlier tests ran.
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def open_page(browser, live_server, viewport, java_script_enabled=True, **options):
    """A page in a new browser context; options go to the context (such as
    timezone_id)."""
    context = browser.new_context(
        viewport=viewport, java_script_enabled=java_script_enabled, **options
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    origin = urlsplit(live_server.url)
    page.off_site_requests = []  # requests to any origin but the live server's
    page.console_errors = []

    def record(request):
        url = urlsplit(request.url)
        if url.scheme in {"data", "blob"}:
            return
        if (url.hostname, url.port) != (origin.hostname, origin.port):
            page.off_site_requests.append(request.url)

    page.on("request", record)
    page.on(
        "console",
        lambda message: (
            page.console_errors.append(message.text)
            if message.type == "error"
            else None
        ),
    )
    return page


@pytest.fixture
def phone_page(browser, live_server):
    page = open_page(browser, live_server, PHONE)
    yield page
    page.context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    page = open_page(browser, live_server, DESKTOP)
    yield page
    page.context.close()


@pytest.fixture
def no_js_page(browser, live_server):
    page = open_page(browser, live_server, PHONE, java_script_enabled=False)
    yield page
    page.context.close()


def axe_violations(page):
    """axe-core's violations on the page as shown, as readable strings."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} "
        f"({[node['target'] for node in violation['nodes']]})"
        for violation in results.response["violations"]
    ]


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
