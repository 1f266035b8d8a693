"""An agent creates an order from a lead through the whole wizard (SOP manual-order-creation §5)."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from orderdesk.customers.actions import get_or_create_customer
from orderdesk.leads.actions import create_lead
from orderdesk.messaging.models import Message
from orderdesk.orders.actions import create_order
from orderdesk.orders.models import Order
from orderdesk.testing.factories import PASSWORD, agent_order_request

pytestmark = pytest.mark.browser
AXE = (
    Path(__file__).resolve().parents[2] / "src/orderdesk/console/static/console/vendor/axe.min.js"
).read_text()
SCREENSHOTS = Path(os.environ.get("ORDERDESK_SCREENSHOTS", tempfile.gettempdir()))


def test_agent_creates_an_order_from_a_lead_and_reads_out_the_number(cast, catalog, page, sign_in):
    customer, _ = get_or_create_customer(name="Asha Rao", phone="9876543210")
    lead, _ = create_lead(
        customer=customer, source="app_quote", variant=catalog["v128"], owner=cast["sales"]
    )
    sign_in("sita")
    page.goto(f"/console/orders/new/?lead={lead.pk}")

    # 1. Why: the customer is not comfortable with the app.
    page.get_by_label("Customer is not comfortable with the app").check()
    page.get_by_role("button", name="Next").click()
    # 2. Device: search, pick the variant.
    page.get_by_label("Search the model").fill("iphone 15")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("128 GB").check()
    page.get_by_role("button", name="Next").click()
    # 3. Condition: every question answered.
    page.get_by_role("group", name="Screen condition?").get_by_label("Minor scratches").check()
    page.get_by_role("group", name="Body condition?").get_by_label("No dents").check()
    page.get_by_role("button", name="Next").click()
    # 4. The estimate, read out with the SOP's words; the customer agrees.
    expect(page.get_by_test_id("estimate")).to_contain_text(
        "The estimated price showing is ₹45,000. Final price depends on inspection. Are you okay to proceed?"
    )
    page.get_by_label("The customer agrees to the estimate").check()
    page.get_by_role("button", name="Next").click()
    # 5. Pickup address with landmark and pincode.
    page.get_by_label("Address (house, street)").fill("14, 3rd Cross, 5th Block")
    page.get_by_label("Landmark").fill("Opposite Forum Mall")
    page.get_by_label("City").fill("Bengaluru")
    page.get_by_label("Pincode").fill("560034")
    page.get_by_role("button", name="Next").click()
    # 6. A slot from those open.
    page.get_by_label("10:00-13:00", exact=False).check()
    page.get_by_role("button", name="Next").click()
    # 7. Payment.
    page.get_by_label("UPI", exact=True).check()
    page.get_by_label("UPI ID").fill("asha.rao@okaxis")
    page.get_by_role("button", name="Next").click()
    # 8. The review summary, then consent, then create.
    summary = page.get_by_test_id("review-summary")
    expect(summary).to_contain_text("Apple iPhone 15 128 GB")
    expect(summary).to_contain_text("₹45,000 estimated")
    expect(summary).to_contain_text("Opposite Forum Mall")
    expect(summary).to_contain_text("UPI")
    assert Order.objects.count() == 0  # nothing written before the final click
    page.get_by_label("The customer said yes, place the order").check()
    # Issue 15, 11: nothing is pre-filled; the agent types the customer's own words.
    expect(page.get_by_label("Their words, typed as they said them")).to_have_value("")
    page.get_by_label("Their words, typed as they said them").fill("Haan, order kar do")
    page.get_by_role("button", name="Create order").click()

    number_on_screen = page.get_by_test_id("order-number").inner_text()
    order = Order.objects.get()
    assert number_on_screen == order.display_number
    assert order.consent_statement == "Haan, order kar do"
    assert order.price_confirmed_at < order.consent_at  # the estimate step's time
    page.screenshot(path=SCREENSHOTS / "order-created.png", full_page=True)

    # The lead now shows Create Order, and the outbox holds the confirmation.
    lead.refresh_from_db()
    assert lead.contacts.filter(disposition__key="create_order").exists()
    assert Message.objects.filter(order=order, kind="order_confirmation").exists()
    assert page.console_errors == []


def answer_the_device_questions(page):
    """Steps 3-4 with good values: the condition, then the customer agrees to the estimate."""
    page.get_by_role("group", name="Screen condition?").get_by_label("Minor scratches").check()
    page.get_by_role("group", name="Body condition?").get_by_label("No dents").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("The customer agrees to the estimate").check()
    page.get_by_role("button", name="Next").click()


def test_a_new_caller_found_by_header_search_gets_an_order_and_its_page(
    cast, catalog, page, sign_in
):
    """The new caller path (issue 18): header search by phone → "New caller" → the wizard with
    the phone carried → the early check at step 1 → the order → its page."""
    sign_in("sita")
    page.get_by_test_id("header-search").fill("+91 98450 12345")
    page.get_by_test_id("header-search").press("Enter")
    new_caller = page.get_by_test_id("new-caller")
    expect(new_caller).to_contain_text("No customer has this number yet.")
    new_caller.get_by_role("link", name=re.compile("Start an order")).click()

    # Step 1: the typed phone came along; the name, the reason and the pincode are asked.
    expect(page.get_by_label(re.compile("^Customer.s mobile$"))).to_have_value("+91 98450 12345")
    page.get_by_label(re.compile("^Customer.s name$")).fill("Farah Khan")
    page.get_by_label("Customer is not comfortable with the app").check()
    page.get_by_label("Pickup pincode").fill("560034")
    page.get_by_role("button", name="Next").click()
    # Step 2: the device; the early check answers as soon as it is chosen (HTMX, no reload).
    page.get_by_label("Search the model").fill("iphone 15")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("128 GB").check()
    check = page.get_by_test_id("early-check")
    expect(check).to_contain_text("We pick up phones at 560034 (Bengaluru).")
    expect(check).to_contain_text("No open order of this customer for this device.")
    page.get_by_role("button", name="Next").click()
    answer_the_device_questions(page)
    # Step 5: the pincode typed at step 1 is already there.
    expect(page.get_by_label("Pincode")).to_have_value("560034")
    page.get_by_label("Address (house, street)").fill("7, 1st Main")
    page.get_by_label("Landmark").fill("Behind Sony Signal")
    page.get_by_label("City").fill("Bengaluru")
    page.get_by_role("button", name="Next").click()
    # Step 6: the day-by-time grid, used with the keyboard: focus a slot, arrow to the next.
    grid = page.get_by_test_id("slot-grid")
    expect(grid.get_by_role("columnheader", name="10:00-13:00")).to_be_visible()
    grid.get_by_label("10:00-13:00", exact=False).focus()
    page.keyboard.press("ArrowRight")
    expect(grid.get_by_label("16:00-19:00", exact=False)).to_be_checked()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("UPI", exact=True).check()
    page.get_by_label("UPI ID").fill("farah@okicici")
    page.get_by_role("button", name="Next").click()
    summary = page.get_by_test_id("review-summary")
    expect(summary).to_contain_text("Farah Khan")
    expect(summary).to_contain_text("16:00-19:00")
    expect(summary).to_contain_text("UPI to farah@okicici")
    page.get_by_label("The customer said yes, place the order").check()
    page.get_by_label("Their words, typed as they said them").fill("Yes, book it")
    page.get_by_role("button", name="Create order").click()

    order = Order.objects.get()
    expect(page.get_by_test_id("order-number")).to_have_text(order.display_number)
    page.get_by_test_id("after-order").get_by_role("link", name=re.compile("Open order")).click()
    expect(page.get_by_test_id("order-view")).to_contain_text(order.display_number)
    assert (order.customer.name, order.upi_id, order.slot_id) == (
        "Farah Khan",
        "farah@okicici",
        catalog["evening"].pk,
    )
    assert page.console_errors == []


def test_the_wizard_refuses_a_duplicate_at_the_first_step_and_links_the_existing_order(
    cast, catalog, page, sign_in
):
    """X1 early (issue 18): the lead names the device, so the open order is shown before the
    first question and the first step refuses; the link opens the existing order."""
    existing = create_order(
        agent_order_request(catalog, slot_id=catalog["evening"].pk),
        actor=cast["sales2"],
        channel="agent",
    )
    lead, _ = create_lead(
        customer=existing.customer, source="app_quote", variant=catalog["v128"], owner=cast["sales"]
    )
    sign_in("sita")
    page.goto(f"/console/orders/new/?lead={lead.pk}")
    expect(page.get_by_test_id("early-duplicate")).to_contain_text(existing.display_number)
    page.get_by_label("Customer is not comfortable with the app").check()
    page.get_by_label("Pickup pincode").fill("560034")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_test_id("order-wizard")).to_have_attribute("data-step", "reason")
    expect(page.get_by_role("alert")).to_contain_text(
        f"already has open order {existing.display_number} for this device"
    )
    assert Order.objects.count() == 1
    page.get_by_test_id("existing-order").click()
    expect(page.get_by_test_id("order-view")).to_contain_text(existing.display_number)
    # the refused step answers 422 (the browser logs it); nothing else
    assert [e for e in page.console_errors if "status of 422" not in e] == []


def test_the_slot_grid_fits_a_390_px_phone(cast, catalog, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="en-IN"
    )
    tab = context.new_page()
    tab.goto("/console/login/")
    tab.get_by_label("Username").fill("sita")
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_load_state()
    query = {
        "step": "pickup",
        "customer_name": "Asha Rao",
        "customer_phone": "9876543210",
        "reason": "technical_issue",
        "variant_id": catalog["v128"].pk,
        "answer_screen": "scratched",
        "answer_body": "good",
        "price_confirmed": "yes",
        "line1": "14, 3rd Cross",
        "landmark": "Forum Mall",
        "city": "Bengaluru",
        "pincode": "560034",
    }
    tab.goto("/console/orders/new/")  # the steps before the slot, posted as the wizard carries them
    tab.evaluate(
        """q => { const f = document.querySelector('form.wizard__form');
                  f.querySelectorAll('input:not([name=csrfmiddlewaretoken])').forEach(e => e.remove());
                  for (const [k, v] of Object.entries(q)) {
                    const i = document.createElement('input');
                    i.type = 'hidden'; i.name = k; i.value = v; f.append(i); }
                  f.querySelector('#wizard-next').click(); }""",
        query,
    )
    tab.wait_for_load_state()
    expect(tab.get_by_test_id("order-wizard")).to_have_attribute("data-step", "slot")
    table = tab.get_by_test_id("slot-grid").locator("table")
    expect(table).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    box = table.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    # axe-core (vendored) finds no serious or critical problem in the grid step
    tab.evaluate(AXE)
    serious = tab.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)"
    )
    assert serious == []
    context.close()
