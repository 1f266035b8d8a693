"""An agent's call, in Chromium (issue 4): find the lead by phone, log Customer Will Place
Order with notes and a permitted follow-up for tomorrow 11:00 IST, see it in the due queue
at that time, and be refused a second follow-up.

The clock. The live server runs in a thread of this process, so patching
``django.utils.timezone.now`` (which the actions, the selectors, sessions and the views all
read through the module attribute) moves the server's clock too. The test holds it at today
15:00 IST for the call (inside calling hours whenever the suite runs), then moves it to
tomorrow 11:00 IST to look at the queue. That walks the real path — the view asks
``lead_queue`` with no ``now``, exactly as in production — instead of passing a ``now=`` the
console never passes. The session lives longer than the jump (``SESSION_COOKIE_AGE``).
The browser's own clock is not involved: the follow-up time is typed, and its min/max come
from the server.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from playwright.sync_api import expect

from orderdesk.core.timeutil import IST
from orderdesk.testing.factories import make_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ist(days: int, hour: int, minute: int = 0) -> dt.datetime:
    today = dt.datetime.now(tz=IST).date()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=IST)


@pytest.fixture
def clock(settings):
    settings.SESSION_COOKIE_AGE = 5 * 24 * 60 * 60
    now = [ist(0, 15)]
    with mock.patch("django.utils.timezone.now", side_effect=lambda: now[0]):
        yield now


@pytest.fixture
def agent_and_lead(db):
    from orderdesk.leads.actions import create_lead
    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.testing.factories import make_user

    ensure_default_settings()
    agent = make_user("sales", "sita")
    make_user("sales", "sameer")
    customer = make_customer(name="Kavya Menon", phone="+919812345678")
    lead, _ = create_lead(customer=customer, source="app_quote", owner=agent)
    return agent, lead


def test_agent_logs_will_place_order_sees_the_follow_up_due_and_cannot_add_a_second(
    clock, agent_and_lead, sign_in, page
):
    from orderdesk.leads.models import ContactAttempt, FollowUp

    _, lead = agent_and_lead
    tomorrow_11 = ist(1, 11)
    sign_in("sita")

    # Find the lead by phone, typed the way the customer reads it out.
    page.goto("/console/leads/")
    page.get_by_label("Find a lead by phone or name").fill("98123 45678")
    results = page.get_by_test_id("lead-search-results")
    expect(results).to_contain_text("Kavya Menon")
    results.get_by_role("link", name="Kavya Menon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kavya Menon")

    # The call panel, step by step.
    panel = page.get_by_test_id("call-panel")
    expect(panel.get_by_test_id("follow-up-fields")).to_be_hidden()
    panel.get_by_role("radio", name="Connected", exact=True).check()
    panel.get_by_role("radio", name="Customer Will Place Order").check()
    script = panel.get_by_test_id("sop-script")
    expect(script).to_contain_text("Perfect 👍 If you need any help, I'm here.")
    expect(panel.get_by_role("radio", name="Create Order")).to_have_count(0)  # D7
    panel.locator("#customer-words").press_sequentially("kal app se kar dunga")
    expect(panel.get_by_test_id("suggestion")).to_contain_text("Customer Will Place Order")
    panel.get_by_label("Notes").fill(
        "Customer will place order themselves today. Asked for follow-up tomorrow 11 AM."
    )
    panel.get_by_label("Follow-up time (IST)").fill(tomorrow_11.strftime("%Y-%m-%dT%H:%M"))
    panel.get_by_label("The customer agreed to be contacted at this time").check()
    panel.get_by_role("button", name="Log contact").click()

    expect(page.locator(".messages")).to_contain_text("Logged: Customer Will Place Order.")
    expect(page.get_by_test_id("lead-status")).to_have_text("Customer will place order")
    follow_up = FollowUp.objects.get(lead=lead)
    assert follow_up.due_at == tomorrow_11
    assert ContactAttempt.objects.get(lead=lead).suggested_disposition == "will_place_order"

    # Not due yet today; due tomorrow at 11:00.
    page.goto("/console/leads/")
    expect(page.get_by_test_id("lead-queue")).not_to_contain_text("Due")
    clock[0] = tomorrow_11
    page.goto("/console/leads/")
    first_row = page.get_by_test_id("lead-queue").locator("tbody tr").first
    expect(first_row).to_contain_text("Kavya Menon")
    expect(first_row).to_contain_text("Due")
    expect(page.get_by_role("heading", name="My leads")).to_contain_text("1 due now")

    # A second follow-up is refused, with the reason beside the follow-up, and nothing changes.
    first_row.get_by_role("link", name="Kavya Menon").click()
    panel = page.get_by_test_id("call-panel")
    expect(panel).to_contain_text("This Will Place Order has its one follow-up")
    panel.get_by_role("radio", name="Connected", exact=True).check()
    panel.get_by_role("radio", name="Customer Will Place Order").check()
    panel.get_by_label("Notes").fill("Customer says still busy today; wants another call at 4 PM.")
    panel.get_by_label("Follow-up time (IST)").fill(ist(1, 16).strftime("%Y-%m-%dT%H:%M"))
    panel.get_by_label("The customer agreed to be contacted at this time").check()
    panel.get_by_role("button", name="Log contact").click()

    refusal = page.locator("#follow-up-error")
    expect(refusal).to_contain_text("already has its one follow-up (D3)")
    expect(page.get_by_test_id("call-refusal")).to_contain_text("Nothing was changed")
    assert FollowUp.objects.filter(lead=lead).count() == 1
    assert ContactAttempt.objects.filter(lead=lead).count() == 1
    # The refusal's 409 is logged by the browser as a failed resource; nothing else may be.
    assert [e for e in page.console_errors if "status of 409" not in e] == []
