"""Issue 15 item 4: a customer sells two phones in one pickup, and one is returned at
inspection. Sita books both in the wizard ("Add another device"); Om records the inspection
device by device (the iPhone accepted, the Galaxy returned) and the payment."""

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from orderdesk.catalog.models import Brand, DeviceModel, Variant
from orderdesk.customers.actions import get_or_create_customer
from orderdesk.leads.actions import create_lead
from orderdesk.orders import lifecycle
from orderdesk.orders.models import Order

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(os.environ.get("ORDERDESK_SCREENSHOTS", tempfile.gettempdir()))


def test_customer_sells_two_phones_in_one_pickup_and_one_is_returned(cast, catalog, page, sign_in):
    samsung = Brand.objects.create(name="Samsung")
    galaxy_model = DeviceModel.objects.create(
        brand=samsung, device_type=catalog["phone"], name="Galaxy S23"
    )
    Variant.objects.create(model=galaxy_model, name="8/128 GB", base_price=30000)
    customer, _ = get_or_create_customer(name="Asha Rao", phone="9876543210")
    lead, _ = create_lead(
        customer=customer, source="app_quote", variant=catalog["v128"], owner=cast["sales"]
    )

    sign_in("sita")
    page.goto(f"/console/orders/new/?lead={lead.pk}")
    page.get_by_label("Customer is not comfortable with the app").check()
    page.get_by_role("button", name="Next").click()
    # the first phone
    page.get_by_label("Search the model").fill("iphone 15")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("128 GB").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("group", name="Screen condition?").get_by_label("Minor scratches").check()
    page.get_by_role("group", name="Body condition?").get_by_label("No dents").check()
    page.get_by_role("button", name="Add another device").click()
    # back at the device step, the first phone listed
    expect(page.get_by_test_id("pickup-devices")).to_contain_text("Apple iPhone 15 128 GB")
    page.get_by_label("Search the model").fill("galaxy")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("8/128 GB").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("group", name="Screen condition?").get_by_label("Flawless").check()
    page.get_by_role("group", name="Body condition?").get_by_label("No dents").check()
    page.get_by_role("button", name="Next").click()
    # one estimate for the pickup: ₹45,000 + ₹30,000
    expect(page.get_by_test_id("estimate")).to_contain_text("₹75,000")
    page.get_by_label("The customer agrees to the estimate").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Address (house, street)").fill("14, 3rd Cross, 5th Block")
    page.get_by_label("Landmark").fill("Opposite Forum Mall")
    page.get_by_label("City").fill("Bengaluru")
    page.get_by_label("Pincode").fill("560034")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("10:00-13:00", exact=False).check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("UPI", exact=True).check()
    page.get_by_label("UPI ID").fill("asha.rao@okaxis")
    page.get_by_role("button", name="Next").click()
    summary = page.get_by_test_id("review-summary")
    expect(summary).to_contain_text("Apple iPhone 15 128 GB")
    expect(summary).to_contain_text("Samsung Galaxy S23 8/128 GB")
    expect(summary).to_contain_text("₹75,000 estimated")
    page.get_by_label("The customer said yes, place the order").check()
    page.get_by_label("Their words").fill("Haan, dono phone le jao")
    page.get_by_role("button", name="Create order").click()
    expect(page.get_by_test_id("order-number")).to_be_visible()
    order = Order.objects.get()
    assert order.estimated_price == 75000 and order.items.count() == 2

    # the vendor is at the door (the moves before the inspection, as in the ops journey)
    for to in ("vendor_assigned", "pickup_scheduled", "out_for_pickup"):
        order = lifecycle.transition(order, to, actor=cast["ops"])

    page.get_by_role("button", name="Sign out").click()
    sign_in("om")
    page.goto(f"/console/ops/orders/{order.number}/")
    expect(page.get_by_test_id("order-devices")).to_contain_text("Samsung Galaxy S23")
    section = page.get_by_role("region", name="Record the inspection", exact=True)
    if not section.locator("details").evaluate("d => d.open"):  # one action at a time
        section.locator("summary").click()
    section.get_by_label("Device 1: final price (₹)").fill("45000")
    section.get_by_label("Device 2: Samsung Galaxy S23 8/128 GB", exact=False).select_option(
        label="Returned to the customer"
    )
    section.get_by_label("What was found", exact=True).fill(
        "iPhone as described; Galaxy's back is cracked, customer keeps it"
    )
    section.get_by_role("button", name="Record the inspection", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("order-status")).to_have_text("Inspected")
    expect(page.get_by_test_id("final-price")).to_have_text("₹45,000")
    expect(page.get_by_test_id("order-item-2")).to_contain_text("returned to the customer")
    expect(page.get_by_test_id("order-item-1")).to_contain_text("accepted at ₹45,000")
    expect(page.get_by_test_id("acceptance-needed")).to_have_count(0)
    page.screenshot(path=SCREENSHOTS / "ops-order-one-device-returned.png", full_page=True)
    section = page.get_by_role("region", name="Record the payment", exact=True)
    if not section.locator("details").evaluate("d => d.open"):  # one action at a time
        section.locator("summary").click()
    section.get_by_label("Payment reference", exact=True).fill("UTR123456789012")
    section.get_by_role("button", name="Record the payment", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("order-status")).to_have_text("Paid")
    stored = Order.objects.get()
    assert (stored.status, stored.final_price) == ("paid", 45000)
    assert sorted(stored.items.values_list("position", "outcome")) == [
        (1, "accepted"),
        (2, "returned"),
    ]
    assert page.console_errors == []
