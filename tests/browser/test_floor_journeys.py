"""Issue 15 items 1, 7 and 8 in Chromium: every caller answered and a second device sold; a
lead created from the customer page; a complaint handed over to CX from the lead page and the
CX agent reading the lead's contacts."""

from __future__ import annotations

import importlib

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from orderdesk.testing.factories import agent_order_request, make_customer

pytestmark = pytest.mark.browser

NOTES = "Customer called back: the iPhone pickup is fine, now wants to sell his MacBook too."


@pytest.fixture
def reference_data(page):
    """The rows data migrations made (the disposition tree, message kinds), restored when an
    earlier transactional test flushed them (see test_cx_journey.reference_data)."""
    from django.apps import apps

    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.messaging.models import MessageKind

    ensure_default_settings()
    if not MessageKind.objects.filter(key="order_confirmation").exists():
        for module in (
            "orderdesk.messaging.migrations.0002_seed_kinds_and_templates",
            "orderdesk.cx.migrations.0004_sla_policies_and_message_kinds",
            "orderdesk.messaging.migrations.0006_lead_quote_kind",
        ):
            migration = importlib.import_module(module)
            (getattr(migration, "seed", None) or migration.forwards)(apps, None)


def test_15_1_inbound_caller_on_a_closed_lead_is_answered_and_sells_a_second_device(
    reference_data, cast, catalog, page, sign_in
):
    from orderdesk.flows.orders import place_order
    from orderdesk.leads.actions import create_lead
    from orderdesk.leads.models import Lead
    from orderdesk.orders.models import Order

    # Sita's lead for Asha's iPhone; Asha then ordered it (D8 closes the lead: Already Placed
    # an Order, closed for sales).
    customer = make_customer(name="Asha Rao", phone="+919876543210")
    lead, _ = create_lead(
        customer=customer, source="app_quote", variant=catalog["v128"], owner=cast["sales"]
    )
    first = place_order(agent_order_request(catalog), actor=cast["sales2"], channel="agent")
    catalog["served"].device_types.add(catalog["laptop"])  # her pincode is served for laptops
    lead.refresh_from_db()
    assert (lead.status, lead.closed_for_sales) == ("already_ordered", True)
    sign_in("sita")
    page.goto(f"/console/leads/{lead.pk}/")
    panel = page.get_by_test_id("call-panel")
    expect(panel.get_by_test_id("inbound-only")).to_contain_text("always answered")
    panel.get_by_role("radio", name="Connected", exact=True).check()
    panel.get_by_role("radio", name="Waiting for Quote").check()
    panel.get_by_label("Notes").fill(NOTES)
    panel.get_by_role("button", name="Log contact").click()

    # The call is recorded, the lead stays closed, and the next step is one click.
    steps = page.get_by_test_id("next-steps")
    expect(steps).to_contain_text("The customer's call is logged")
    assert Lead.objects.get(pk=lead.pk).status == "already_ordered"
    assert lead.contacts.filter(direction="inbound").count() == 1
    steps.get_by_test_id("next-new_lead").click()
    expect(page.locator(".messages")).to_contain_text("ask which device")
    new_lead = Lead.objects.exclude(pk=lead.pk).get(customer=first.customer)
    assert (new_lead.owner, new_lead.source) == (cast["sales"], "inbound_call")

    # The order for the second device, from the new lead.
    page.get_by_test_id("create-order").click()
    page.get_by_label("Customer is not comfortable with the app").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Search the model").fill("macbook")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("8 GB / 256 GB").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("group", name="Does it power on?").get_by_label("Yes").check()
    page.get_by_role("button", name="Next").click()
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
    expect(page.get_by_test_id("review-summary")).to_contain_text("MacBook Air M2")
    page.get_by_label("The customer said yes, place the order").check()
    page.get_by_label("Their words, typed as they said them").fill("Haan, laptop bhi le jao")
    page.get_by_role("button", name="Create order").click()

    expect(page.get_by_test_id("order-number")).to_be_visible()
    second = Order.objects.exclude(pk=first.pk).get()
    assert second.customer_id == first.customer_id
    assert second.variant_id == catalog["mac_variant"].pk
    new_lead.refresh_from_db()
    assert (new_lead.status, new_lead.order_number) == ("order_created", second.number)
    assert page.console_errors == []


def test_15_7_a_lead_is_created_from_the_customer_page(reference_data, cast, page, sign_in):
    from orderdesk.leads.models import Lead

    customer = make_customer(name="Kavya Menon", phone="+919812345678")
    sign_in("sita")
    page.goto("/console/tools/customers/")
    page.get_by_label("Phone or name").fill("98123 45678")
    page.get_by_label("Phone or name").press("Enter")
    page.get_by_test_id("customer-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kavya Menon")
    expect(page.get_by_test_id("customer-leads")).to_contain_text("No lead yet")
    page.get_by_label("Where it comes from").select_option("inbound_call")
    page.get_by_test_id("start-lead-button").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kavya Menon")
    expect(page.get_by_test_id("lead-status")).to_have_text("New")
    lead = Lead.objects.get(customer=customer)
    assert (lead.owner, lead.source) == (cast["sales"], "inbound_call")
    assert page.url.endswith(f"/console/leads/{lead.pk}/")
    # Back on the customer page the lead is listed, and an order can start from here too.
    page.get_by_test_id("customer-page").click()
    expect(page.get_by_test_id("customer-leads")).to_contain_text(f"#{lead.pk}")
    expect(page.get_by_test_id("customer-create-order")).to_be_visible()
    assert page.console_errors == []


def test_15_8_sales_hands_a_complaint_over_to_cx_and_cx_reads_the_leads_contacts(
    reference_data, cast, page, sign_in, browser, live_server
):
    from orderdesk.cx.models import Ticket
    from orderdesk.flows.contacts import log_contact
    from orderdesk.leads.actions import create_lead

    customer = make_customer(name="Ravi Kumar", phone="+919876500001")
    lead, _ = create_lead(customer=customer, source="app_quote", owner=cast["sales"])
    log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="inbound",  # the customer's own call: answered at any hour (D9)
        connected=True,
        disposition="waiting_for_quote",
        notes="Customer wants the price for his old Redmi before deciding",
    )
    sign_in("sita")
    page.goto(f"/console/leads/{lead.pk}/")
    page.get_by_test_id("hand-over-to-cx").click()
    page.get_by_label("Complaint").check()
    page.get_by_label("What the customer said").fill(
        "Customer says the last pickup agent was rude and left without the phone"
    )
    page.get_by_test_id("handover-submit").click()
    expect(page.locator(".messages")).to_contain_text("Handed over to CX")
    ticket = Ticket.objects.get()
    assert (ticket.type, ticket.lead_id) == ("complaint", lead.pk)

    # The CX agent opens the case and reads the lead's contact history, read only.
    context = browser.new_context(base_url=live_server.url)
    cx = context.new_page()
    from orderdesk.testing.factories import PASSWORD

    cx.goto("/console/login/")
    cx.get_by_label("Username").fill("chitra")
    cx.get_by_label("Password").fill(PASSWORD)
    cx.get_by_role("button", name="Sign in").click()
    cx.goto(reverse("console:cx_ticket", args=[ticket.pk]))
    cx.get_by_test_id("ticket-lead").click()
    expect(cx.get_by_test_id("cx-read-only")).to_be_visible()
    expect(cx.get_by_test_id("contact-history")).to_contain_text(
        "Customer wants the price for his old Redmi before deciding"
    )
    expect(cx.locator(f'form[action="/console/leads/{lead.pk}/contacts/"]')).to_have_count(0)
    context.close()
    assert page.console_errors == []
