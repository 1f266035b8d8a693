"""The console as a person walks it: sign in, land on the role's home, quote a device."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Screenshots for a person to look at (default: the system temp directory, tempfile.gettempdir()).
SCREENSHOTS = Path(os.environ.get("ORDERDESK_SCREENSHOTS", tempfile.gettempdir()))

HOMES = {
    "sales": "Sales desk",
    "cx": "CX desk",
    "ops": "Operations",
    "supervisor": "Supervisor",
    "admin": "Back office",
}


@pytest.mark.parametrize(("role", "heading"), HOMES.items())
def test_each_staff_role_signs_in_to_its_own_home(cast, page, sign_in, role, heading):
    sign_in(cast[role].username)
    home = page.get_by_test_id("role-home")
    expect(home).to_have_attribute("data-role", role)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator(".site-user")).to_contain_text(cast[role].display_role)
    assert page.console_errors == []  # no CSP violation, no script error


def test_sales_agent_computes_a_quote_in_the_calculator(cast, catalog, page, sign_in):
    sign_in("sita")
    page.get_by_label("Device model").fill("iphone 15")
    page.get_by_role("link", name=re.compile(r"^128 GB")).click()
    page.get_by_role("group", name="Screen condition?").get_by_label("Minor scratches").check()
    page.get_by_role("group", name="Body condition?").get_by_label("No dents").check()
    page.get_by_role("button", name="Compute estimate").click()

    estimate = page.get_by_test_id("estimate")
    expect(estimate).to_contain_text(
        "The estimated price showing is ₹45,000. Final price depends on inspection."
    )
    expect(estimate).to_be_focused()  # keyboard and screen-reader users land on the result

    # The serviceability check beside it, for the customer's pincode.
    page.get_by_label("Pincode", exact=True).fill("560034")
    page.get_by_label("Device type").select_option("phone")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_test_id("serviceability-result")).to_contain_text(
        "Serviceable: 560034 is in Bengaluru"
    )

    page.screenshot(path=SCREENSHOTS / "sales-home.png", full_page=True)
    assert page.console_errors == []


def test_unanswered_question_is_shown_beside_it_in_the_browser(cast, catalog, page, sign_in):
    sign_in("sita")
    page.get_by_label("Device model").fill("iphone")
    page.get_by_role("link", name=re.compile(r"^256 GB")).click()
    page.get_by_role("group", name="Screen condition?").get_by_label("Cracked").check()
    page.get_by_role("button", name="Compute estimate").click()
    expect(page.locator("#q-body-error")).to_have_text("The question 'body' is not answered.")
    expect(page.get_by_test_id("estimate")).to_have_count(0)
    # Chromium logs the 422 refusal as a failed load; nothing else may appear.
    assert [e for e in page.console_errors if "status of 422" not in e] == []


def test_api_client_signing_in_sees_the_refusal(cast, page, sign_in):
    sign_in("customer-app")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed for your role")
    expect(page.get_by_test_id("forbidden")).to_contain_text("console.use")
    expect(page.get_by_test_id("role-home")).to_have_count(0)
    page.goto("/console/")
    expect(page).to_have_url(
        re.compile(r"/console/login/\?next=/console/$")
    )  # no session was started


def test_first_tab_reaches_the_skip_link(cast, page, sign_in):
    sign_in("om")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_sign_out_returns_to_the_sign_in_page(cast, page, sign_in):
    sign_in("chitra")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto("/console/cx/")
    expect(page).to_have_url(re.compile(r"/console/login/"))
