"""Click-to-call on a lead (issue 16): D5/D9/D4 checked before dialing with the same codes, an
unanswered call becoming the contact attempt D9 counts, and the policy that a connected call
is logged only against a call the provider saw answered."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import time_machine

from orderdesk.core.errors import DomainError
from orderdesk.core.timeutil import IST
from orderdesk.flows import calls as call_flows
from orderdesk.leads.actions import log_contact
from orderdesk.leads.models import ContactAttempt, ContactRefusal
from orderdesk.leads.tests.helpers import state
from orderdesk.telephony import actions as telephony
from orderdesk.telephony.choices import CallStatus
from orderdesk.telephony.models import Call
from orderdesk.telephony.tests.conftest import SECRET, drain
from orderdesk.telephony.tests.helpers import exotel_params

#: A Tuesday at 11:00 IST, inside calling hours.
NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=IST)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def telephony_on(settings):
    orderdesk = copy.deepcopy(settings.ORDERDESK)
    orderdesk["TELEPHONY"].update(ENABLED=True, PROVIDER="simulator", WEBHOOK_SECRET=SECRET)
    settings.ORDERDESK = orderdesk


def dial(lead, agent, sid, now=NOW):
    from unittest import mock

    from orderdesk.telephony.providers import SimulatorProvider

    call = call_flows.call_lead(lead, agent=agent, now=now)
    with mock.patch.object(SimulatorProvider, "connect", return_value=sid):
        return telephony.dial(call.pk)


def callback(client, params):
    assert client.post(f"/telephony/webhooks/simulator/{SECRET}/", params).status_code == 200
    drain()


def hand_logged(lead, agent, at, disposition="no_answer"):
    return log_contact(
        lead,
        agent=agent,
        channel="call",
        direction="outbound",
        connected=False,
        disposition=disposition,
        notes="Rang several times, nobody picked up the phone",
        now=at,
    )


@pytest.mark.django_db
def test_d9_click_to_call_outside_calling_hours_is_refused_and_nothing_changed(lead, cast):
    before = state(lead)
    late = dt.datetime(2026, 3, 10, 21, 30, tzinfo=IST)
    with pytest.raises(DomainError) as refused:
        call_flows.call_lead(lead, agent=cast["sales"], now=late)
    assert refused.value.code == "outside_calling_hours"
    assert state(lead) == before
    assert Call.objects.count() == 0
    # Recorded for the supervisor, as a refused hand-logged contact is (D9).
    assert ContactRefusal.objects.get().code == "outside_calling_hours"


@pytest.mark.django_db
def test_d9_do_not_contact_customer_is_never_dialled(lead, cast):
    lead.customer.do_not_contact = True
    lead.customer.save()
    before = state(lead)
    with pytest.raises(DomainError) as refused:
        call_flows.call_lead(lead, agent=cast["sales"])
    assert refused.value.code == "do_not_contact"
    assert state(lead) == before
    assert Call.objects.count() == 0


@pytest.mark.django_db
def test_another_agents_lead_cannot_be_dialled(lead, cast):
    with pytest.raises(DomainError) as refused:
        call_flows.call_lead(lead, agent=cast["sales2"])
    assert refused.value.code == "not_lead_owner"
    assert Call.objects.count() == 0


@pytest.mark.django_db
def test_d9_unanswered_call_becomes_the_contact_attempt_and_counts_toward_the_daily_limit(
    client, lead, cast
):
    agent = cast["sales"]
    hand_logged(lead, agent, NOW - dt.timedelta(hours=2))
    hand_logged(lead, agent, NOW - dt.timedelta(hours=1))
    call = dial(lead, agent, "sim-na")
    callback(client, exotel_params("sim-na", "no-answer"))

    call.refresh_from_db()
    assert call.status == CallStatus.NO_ANSWER
    attempt = ContactAttempt.objects.get(pk=call.contact_attempt_id)
    assert (attempt.lead_id, attempt.agent, attempt.connected, attempt.disposition.key) == (
        lead.pk,
        agent,
        False,
        "no_answer",
    )
    assert (attempt.channel, attempt.direction, attempt.at) == ("call", "outbound", NOW)
    assert attempt.recorded_by_system is False  # D9 counts it, as any outbound attempt
    assert ContactAttempt.objects.filter(lead=lead).count() == 3

    # The policy allows three a day: the third was the call, so a fourth dial is refused.
    before = state(lead)
    with pytest.raises(DomainError) as refused:
        call_flows.call_lead(lead, agent=agent, now=NOW + dt.timedelta(minutes=5))
    assert refused.value.code == "attempt_limit"
    assert state(lead) == before
    assert Call.objects.count() == 1


@pytest.mark.django_db
def test_busy_call_records_busy(client, lead, cast):
    call = dial(lead, cast["sales"], "sim-busy")
    callback(client, exotel_params("sim-busy", "busy"))
    call.refresh_from_db()
    assert ContactAttempt.objects.get(pk=call.contact_attempt_id).disposition.key == "busy"


@pytest.mark.django_db
def test_replayed_terminal_event_makes_one_contact_attempt(client, lead, cast):
    dial(lead, cast["sales"], "sim-twice")
    callback(client, exotel_params("sim-twice", "no-answer"))
    callback(client, exotel_params("sim-twice", "no-answer"))
    assert ContactAttempt.objects.filter(lead=lead).count() == 1


@pytest.mark.django_db
def test_answered_call_makes_no_attempt_by_itself_the_agent_logs_the_outcome(client, lead, cast):
    call = dial(lead, cast["sales"], "sim-ok")
    callback(client, exotel_params("sim-ok", "answered"))
    callback(client, exotel_params("sim-ok", "completed"))
    assert ContactAttempt.objects.filter(lead=lead).count() == 0

    result = log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="waiting_for_quote",
        notes="Wants the price for the 256 GB model before deciding, call back with quote",
        call=call.pk,
    )
    call.refresh_from_db()
    assert call.contact_attempt_id == result.contact.pk


@pytest.mark.django_db
def test_policy_refuses_a_hand_logged_connected_call_when_telephony_is_on(lead, cast):
    before = state(lead)
    with pytest.raises(DomainError) as refused:
        log_contact(
            lead,
            agent=cast["sales"],
            channel="call",
            direction="outbound",
            connected=True,
            disposition="waiting_for_quote",
            notes="Wants the price for the 256 GB model before deciding, call back with quote",
        )
    assert (refused.value.code, refused.value.status) == ("call_not_seen_by_provider", 409)
    assert state(lead) == before


@pytest.mark.django_db
def test_policy_setting_off_allows_a_hand_logged_connected_call(lead, cast, settings):
    settings.ORDERDESK["TELEPHONY"]["REQUIRE_PROVIDER_CALL"] = False
    result = log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="waiting_for_quote",
        notes="Wants the price for the 256 GB model before deciding, call back with quote",
    )
    assert result.contact.connected is True


@pytest.mark.django_db
def test_a_connected_contact_cannot_name_a_call_the_provider_never_saw_answered(client, lead, cast):
    call = dial(lead, cast["sales"], "sim-ring")
    callback(client, exotel_params("sim-ring", "ringing"))
    before = state(lead)
    with pytest.raises(DomainError) as refused:
        log_contact(
            lead,
            agent=cast["sales"],
            channel="call",
            direction="outbound",
            connected=True,
            disposition="waiting_for_quote",
            notes="Wants the price for the 256 GB model before deciding, call back with quote",
            call=call.pk,
        )
    assert refused.value.code == "call_not_answered"
    assert state(lead) == before


@pytest.mark.django_db
def test_a_call_already_logged_by_the_system_cannot_be_logged_again(client, lead, cast):
    call = dial(lead, cast["sales"], "sim-dup")
    callback(client, exotel_params("sim-dup", "no-answer"))
    before = state(lead)
    with pytest.raises(DomainError) as refused:
        hand_logged_with_call = log_contact(  # noqa: F841
            lead,
            agent=cast["sales"],
            channel="call",
            direction="outbound",
            connected=False,
            disposition="no_answer",
            notes="Rang several times, nobody picked up the phone",
            call=call.pk,
        )
    assert refused.value.code == "call_already_logged"
    assert state(lead) == before


@pytest.mark.django_db
def test_a_not_connected_outcome_logged_by_the_agent_first_is_not_doubled_by_the_system(
    client, lead, cast
):
    call = dial(lead, cast["sales"], "sim-first")
    log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=False,
        disposition="no_answer",
        notes="Rang several times, nobody picked up the phone",
        call=call.pk,
    )
    callback(client, exotel_params("sim-first", "no-answer"))
    assert ContactAttempt.objects.filter(lead=lead).count() == 1


CONNECTED_BODY = {
    "channel": "call",
    "direction": "outbound",
    "connected": True,
    "disposition": "waiting_for_quote",
    "notes": "Wants the price for the 256 GB model before deciding, call back with quote",
}


@pytest.mark.django_db
def test_api_logs_a_connected_call_against_the_providers_call(api, client, lead, cast):
    call = dial(lead, cast["sales"], "sim-api")
    callback(client, exotel_params("sim-api", "completed"))
    response = api(cast["sales"]).post(
        f"/api/v1/leads/{lead.pk}/contacts",
        {**CONNECTED_BODY, "call_id": call.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    call.refresh_from_db()
    assert call.contact_attempt_id == ContactAttempt.objects.get(lead=lead).pk


@pytest.mark.django_db
def test_api_refuses_a_connected_call_without_a_provider_call(api, lead, cast):
    agent = api(cast["sales"])  # issuing the token is audited: before the snapshot
    before = state(lead)
    response = agent.post(
        f"/api/v1/leads/{lead.pk}/contacts", CONNECTED_BODY, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "call_not_seen_by_provider"
    assert state(lead) == before
