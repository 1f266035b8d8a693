"""An agent creates an order from a lead through the whole wizard (SOP manual-order-creation §5)."""

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from orderdesk.customers.actions import get_or_create_customer
from orderdesk.leads.actions import create_lead
from orderdesk.messaging.models import Message
from orderdesk.orders.models import Order

pytestmark = pytest.mark.browser
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
