"""Inbound calls (issue 16): the caller looked up by E.164 and popped on the screen of the
agent who took the call; an unknown caller's new lead; missed calls on the callback list."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import time_machine
from django.test import Client

from orderdesk.core.timeutil import IST
from orderdesk.leads.models import Lead
from orderdesk.telephony import actions as telephony
from orderdesk.telephony.models import AgentPresence, Call, MissedCallback
from orderdesk.telephony.tests.conftest import SECRET, drain

NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=IST)
AGENT_PHONE = "+919000000042"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def telephony_on(settings):
    orderdesk = copy.deepcopy(settings.ORDERDESK)
    orderdesk["TELEPHONY"].update(ENABLED=True, PROVIDER="simulator", WEBHOOK_SECRET=SECRET)
    settings.ORDERDESK = orderdesk


@pytest.fixture
def known(cast):
    from orderdesk.customers.models import Customer
    from orderdesk.leads.actions import create_lead
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()
    customer = Customer.objects.create(name="Asha Rao", phone="+919876543215")
    lead, _ = create_lead(customer=customer, source="app_quote", owner=cast["sales"])
    return customer, lead


@pytest.fixture
def desk_phone(cast):
    return AgentPresence.objects.create(agent=cast["sales2"], since=NOW, phone=AGENT_PHONE)


def inbound(status: str, caller: str, *, sid="in-1", event="answered", **extra):
    params = {
        "CallSid": sid,
        "Direction": "incoming",
        "From": caller,
        "To": "+918000000000",
        "StartTime": "2026-03-10 11:00:00",
        "EventType": event,
        "Status": status,
        **extra,
    }
    assert Client().post(f"/telephony/webhooks/simulator/{SECRET}/", params).status_code == 200
    drain()


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_known_caller_pops_on_the_screen_of_the_agent_who_answered(cast, known, desk_phone):
    customer, lead = known
    inbound("in-progress", "09876543215", DialWhomNumber=AGENT_PHONE)
    call = Call.objects.get()
    assert (call.direction, call.customer, call.agent, call.status) == (
        "inbound",
        customer,
        cast["sales2"],
        "answered",
    )
    pop = signed_in(cast["sales2"]).get("/console/calls/pop/")
    body = pop.content.decode()
    assert 'data-testid="screen-pop"' in body
    assert "Asha Rao" in body
    assert f"/console/leads/{lead.pk}/" in body
    assert "+919876543215" not in body and "9876543215" not in body
    # Nobody else's screen pops.
    assert signed_in(cast["sales"]).get("/console/calls/pop/").content == b""


@pytest.mark.django_db
def test_unknown_caller_gets_a_new_lead_with_the_number_filled_in(cast, desk_phone):
    inbound("in-progress", "+919812340077", DialWhomNumber=AGENT_PHONE)
    agent = signed_in(cast["sales2"])
    body = agent.get("/console/calls/pop/").content.decode()
    assert "unknown caller" in body and 'data-testid="pop-new-lead"' in body
    call = Call.objects.get()
    response = agent.post(f"/console/calls/{call.pk}/new-lead/", {"name": "Ravi Kumar"})
    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/leads/{lead.pk}/"
    assert (lead.customer.phone, lead.customer.name, lead.source, lead.owner) == (
        "+919812340077",
        "Ravi Kumar",
        "inbound_call",
        cast["sales2"],
    )
    call.refresh_from_db()
    assert (call.customer, call.context_kind, call.context_id) == (lead.customer, "lead", lead.pk)


@pytest.mark.django_db
def test_new_lead_needs_the_callers_name_and_changes_nothing_without_it(cast, desk_phone):
    inbound("in-progress", "+919812340077", DialWhomNumber=AGENT_PHONE)
    call = Call.objects.get()
    signed_in(cast["sales2"]).post(f"/console/calls/{call.pk}/new-lead/", {"name": ""})
    assert Lead.objects.count() == 0
    call.refresh_from_db()
    assert call.customer is None


@pytest.mark.django_db
def test_missed_inbound_call_goes_on_the_lead_owners_callback_list(cast, known):
    customer, _ = known
    inbound(
        "no-answer",
        "+919876543215",
        event="terminal",
        EndTime="2026-03-10 11:00:40",
        ConversationDuration="0",
    )
    callback = MissedCallback.objects.get()
    assert (callback.customer, callback.owner) == (customer, cast["sales"])
    assert callback.due_at == dt.datetime(2026, 3, 10, 11, 30, 40, tzinfo=IST)
    page = signed_in(cast["sales"]).get("/console/calls/callbacks/").content.decode()
    assert "Asha Rao" in page and "+919876543215" not in page

    # Calling the customer back settles it.
    back = telephony.start_call(agent=cast["sales"], customer_number=customer.phone)
    callback.refresh_from_db()
    assert (callback.done_at, callback.done_call) == (NOW, back)
