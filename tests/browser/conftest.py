"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Never ``playwright install``: the browser is the system's /usr/bin/chromium.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses
# to run inside one unless told that this (single-threaded test) use is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CONFTEST_DIR = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not shutil.which(CHROMIUM):
        if os.environ.get("ORDERDESK_REQUIRE_BROWSER"):
            pytest.fail(
                f"{CHROMIUM} is required (ORDERDESK_REQUIRE_BROWSER is set) but not installed"
            )
        pytest.skip(
            f"{CHROMIUM} is not installed (apt-get install chromium); browser tests skipped"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright's loop gives this thread a new Django connection object: hand it
        # the serialized reference data so transactional tests restore it (root conftest).
        from conftest import give_connection_reference_data

        give_connection_reference_data()
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (own cookies) that records console errors, e.g. CSP violations."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="en-IN"
    )
    tab = context.new_page()
    tab.console_errors = []
    tab.on(
        "console",
        lambda message: (
            tab.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    yield tab
    context.close()


@pytest.fixture
def sign_in(page):
    """sign_in(username) -> the page after submitting the sign-in form with the cast's password."""
    from orderdesk.testing.factories import PASSWORD

    def submit(username, password=PASSWORD):
        page.goto("/console/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return submit


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser is a browser test, marked or not."""
    here = str(CONFTEST_DIR)
    for item in items:
        if str(item.path).startswith(here) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
