"""Calls in the desk, in Chromium, on the telephony simulator over HTTP (issue 16).

1. The agent clicks Call on a lead; the simulator rings, answers and posts Exotel's callbacks
   to the live server; the status turns to Connected, then the page reloads when the call
   ends; the agent logs the disposition against the call; the recording (copied into our
   storage) plays.
2. A second agent with a page open receives an inbound call from a known customer: the
   screen-pop shows the customer without a reload.

The worker's part (applying stored events, copying the recording) runs in the request that
stored them here (``tasks.enqueue_*`` patched), so the test needs no worker process. The
server's clock is held inside calling hours (the live server runs in this process).
"""

from __future__ import annotations

import copy
import datetime as dt
from unittest import mock

import pytest
from playwright.sync_api import expect

from orderdesk.core.timeutil import IST

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "browser-webhook-secret"
DESK_PHONE = "+919000000042"


@pytest.fixture
def clock():
    at = dt.datetime.combine(dt.datetime.now(tz=IST).date(), dt.time(15, 0), tzinfo=IST)
    with mock.patch("django.utils.timezone.now", side_effect=lambda: at):
        yield at


@pytest.fixture
def simulator(live_server, settings, tmp_path):
    from orderdesk.telephony import actions
    from orderdesk.telephony.simulator import start_in_thread

    server = start_in_thread(
        speed=3.0, webhook_url=f"{live_server.url}/telephony/webhooks/simulator/{SECRET}/"
    )
    orderdesk = copy.deepcopy(settings.ORDERDESK)
    orderdesk["TELEPHONY"].update(
        ENABLED=True,
        PROVIDER="simulator",
        WEBHOOK_SECRET=SECRET,
        PUBLIC_URL=live_server.url,
        SIMULATOR_URL=server.base_url,
    )
    settings.ORDERDESK = orderdesk
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    with (
        mock.patch(
            "orderdesk.telephony.tasks.enqueue_events",
            side_effect=lambda ids: [actions.process_event(pk) for pk in ids],
        ),
        mock.patch(
            "orderdesk.telephony.tasks.enqueue_recording_copy",
            side_effect=lambda pk: actions.copy_recording(pk),
        ),
    ):
        yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def desk(db):
    from orderdesk.customers.models import Customer
    from orderdesk.leads.actions import create_lead
    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.telephony.models import AgentPresence
    from orderdesk.testing.factories import make_user

    ensure_default_settings()
    sita = make_user("sales", "sita")
    sameer = make_user("sales", "sameer")
    AgentPresence.objects.create(agent=sameer, since=dt.datetime.now(tz=IST), phone=DESK_PHONE)
    customer = Customer.objects.create(name="Kavya Menon", phone="+919812345675")
    lead, _ = create_lead(customer=customer, source="app_quote", owner=sita)
    return lead


def test_agent_calls_a_lead_logs_the_answered_call_and_plays_the_recording(
    clock, simulator, desk, sign_in, page
):
    from orderdesk.leads.models import ContactAttempt
    from orderdesk.telephony.models import Call

    lead = desk
    sign_in("sita")
    page.goto(f"/console/leads/{lead.pk}/")
    page.get_by_test_id("call-button").click()

    status = page.get_by_test_id("call-status")
    expect(status).to_have_attribute("data-status", "answered", timeout=15_000)
    expect(status).to_contain_text("Connected")
    expect(page.get_by_test_id("recording-announcement")).to_be_visible()
    # The call ends; the page reloads once and the call panel logs against this call.
    expect(page.get_by_test_id("call-status")).to_have_attribute(
        "data-status", "completed", timeout=15_000
    )
    call = Call.objects.get()
    assert (call.status, call.talk_seconds, call.context_id) == ("completed", 12, lead.pk)

    panel = page.get_by_test_id("call-panel")
    panel.get_by_role("radio", name="Connected", exact=True).check()
    panel.get_by_role("radio", name="Waiting for Quote").check()
    panel.get_by_label("Notes").fill(
        "Wants the price for the 256 GB model before deciding; sending the quote today."
    )
    panel.get_by_role("button", name="Log contact").click()
    expect(page.locator(".messages")).to_contain_text("Logged: Waiting for Quote.")
    call.refresh_from_db()
    attempt = ContactAttempt.objects.get(lead=lead)
    assert (call.contact_attempt_id, attempt.connected) == (attempt.pk, True)

    # The recording, copied into our storage, plays (its length is the simulator's tone).
    audio = page.get_by_test_id("recording")
    expect(audio).to_have_count(1)
    duration = audio.evaluate(
        "a => new Promise((ok, no) => { a.onloadedmetadata = () => ok(a.duration);"
        " a.onerror = () => no(String(a.error && a.error.code)); a.load(); })"
    )
    assert duration == pytest.approx(1.5, abs=0.05)
    assert page.console_errors == []


def test_second_agent_gets_the_screen_pop_of_a_known_customer_without_reloading(
    clock, simulator, desk, sign_in, page
):
    import urllib.parse
    import urllib.request

    from orderdesk.telephony.models import Call

    sign_in("sameer")
    page.goto("/console/sales/")
    expect(page.get_by_test_id("screen-pop")).to_have_count(0)
    ring = urllib.parse.urlencode({"From": "+919812345675", "To": DESK_PHONE}).encode()
    with urllib.request.urlopen(f"{simulator.base_url}/simulate/inbound", data=ring) as answer:  # noqa: S310
        assert answer.status == 200
    pop = page.get_by_test_id("screen-pop")
    expect(pop).to_contain_text("Kavya Menon", timeout=10_000)
    expect(pop.get_by_test_id("pop-lead")).to_have_count(1)
    expect(pop).not_to_contain_text("9812345675")
    assert Call.objects.get(direction="inbound").agent.username == "sameer"
    assert page.console_errors == []
