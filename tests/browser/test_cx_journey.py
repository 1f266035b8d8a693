"""A CX agent takes a price-dispute ticket (M9), records Listen, Apologise and Act (offers
cancellation without argument), the order is cancelled through its lifecycle, the ticket is
resolved (C1), and the CSAT survey is in the customer's outbox (C3)."""

import pytest
from playwright.sync_api import expect

from orderdesk.cx.actions import open_ticket
from orderdesk.cx.models import Ticket
from orderdesk.messaging.models import Message
from orderdesk.orders.actions import create_order
from orderdesk.orders.lifecycle import transition
from orderdesk.orders.models import Order
from orderdesk.testing.factories import agent_order_request

pytestmark = pytest.mark.browser


@pytest.fixture
def reference_data(page):
    """Restore the reference rows data migrations made (message kinds and templates, SLA
    policies) when an earlier transactional test in this process flushed them and the
    serialized rollback did not bring them back. Seen whenever a transactional test runs
    before a browser test in the same process (the ops journey shows it too): a known gap in
    the browser fixtures, worked around here, reported to the lead."""
    import importlib

    from django.apps import apps

    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.messaging.models import MessageKind

    ensure_default_settings()  # the disposition tree and the contact policy (idempotent)
    if not MessageKind.objects.filter(key="order_confirmation").exists():
        for module in (
            "orderdesk.messaging.migrations.0002_seed_kinds_and_templates",
            "orderdesk.cx.migrations.0004_sla_policies_and_message_kinds",
        ):
            migration = importlib.import_module(module)
            (getattr(migration, "seed", None) or migration.forwards)(apps, None)


@pytest.fixture
def disputed_order(reference_data, cast, catalog):
    """Sita's manual order for Asha (estimate ₹45,000, consent on record), inspected at ₹38,000."""
    order = create_order(
        agent_order_request(catalog),
        actor=cast["sales"],
        channel="agent",
    )
    for to in ("vendor_assigned", "pickup_scheduled", "out_for_pickup"):
        order = transition(order, to, actor=cast["ops"])
    return transition(
        order, "inspected", actor=cast["ops"], final_price=38000, notes="Back glass cracked"
    )


def test_cx_agent_resolves_a_price_dispute_by_cancelling_the_order(
    cast, disputed_order, page, sign_in
):
    ticket = open_ticket(
        type="price_dispute",
        customer=disputed_order.customer,
        order=disputed_order,
        notes="I didn't agree to this price",
        channel="call",
    )
    sign_in("chitra")
    page.get_by_role("link", name="Tickets", exact=True).click()
    page.get_by_role("link", name="Unassigned (1)").click()
    page.get_by_role("link", name=ticket.number).click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Open")
    page.get_by_role("button", name="Take this ticket").click()
    expect(page.get_by_test_id("assignee")).to_have_text("chitra")

    # M9: what was agreed, and the script
    dispute = page.get_by_test_id("price-dispute")
    expect(dispute.get_by_test_id("consent")).to_contain_text("Yes, please place the order")
    expect(dispute.get_by_test_id("m9-script")).to_contain_text("final price depends on inspection")

    # C1: a resolution before the Act is refused, beside the step
    resolve = page.get_by_test_id("step-resolve")
    resolve.get_by_label("Resolution (what was fixed)").fill("Customer is fine with everything now")
    resolve.get_by_role("button", name="Resolve the ticket").click()
    expect(page.get_by_test_id("step-resolve")).to_contain_text("only with an action recorded")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Open")

    listen = page.get_by_test_id("step-listen")
    listen.get_by_label("What the customer said (their words)").fill(
        "Customer says she never agreed to 38,000 and the partner cut the price at the door"
    )
    listen.get_by_role("button", name="Record Listen").click()
    expect(page.get_by_test_id("step-listen")).to_have_attribute("data-done", "yes")

    page.get_by_test_id("step-apologise").get_by_role("button", name="Record the apology").click()
    expect(page.get_by_test_id("step-apologise")).to_have_attribute("data-done", "yes")

    act = page.get_by_test_id("step-act")
    act.get_by_label("Cancel the order (no penalty)").check()
    act.get_by_label("What you did and what happens next").fill(
        "Re-explained inspection pricing; offered cancellation without argument, customer chose to cancel"
    )
    act.get_by_role("button", name="Record the Act").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Cancelled")

    resolve = page.get_by_test_id("step-resolve")
    resolve.get_by_label("Resolution (what was fixed)").fill(
        "Order cancelled at no cost; customer informed"
    )
    resolve.get_by_role("button", name="Resolve the ticket").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Resolved")
    expect(page.get_by_test_id("csat-panel")).to_contain_text("Survey sent")

    order = Order.objects.get(pk=disputed_order.pk)
    assert (order.status, order.cancellation_reason) == ("cancelled", "price_not_accepted")
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.resolved_by, fresh.fcr) == ("resolved", cast["cx"], True)
    assert list(
        fresh.actions.filter(kind__in=["listen", "apologise", "act", "resolve"]).values_list(
            "kind", flat=True
        )
    ) == ["listen", "apologise", "act", "resolve"]
    survey = Message.objects.filter(customer=order.customer, kind_id="csat_survey")
    assert survey.count() >= 1
    assert fresh.csat.reply_code in survey.first().body
    assert Message.objects.filter(order=order, kind_id="order_cancelled").exists()
    # the one deliberate refusal answers 422; nothing else went wrong (no CSP violation)
    assert [e for e in page.console_errors if "status of 422" not in e] == []
