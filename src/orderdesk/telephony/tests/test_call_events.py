"""Calls move only forward: replays and out-of-order events never move a call backwards,
an event for an unknown call is kept and applied when the call appears."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderdesk.core.timeutil import IST
from orderdesk.telephony import actions
from orderdesk.telephony.choices import AgentState, CallStatus, EventOutcome
from orderdesk.telephony.models import AgentPresence, Call, CallEvent
from orderdesk.telephony.tests.conftest import NOW, drain, hook_url
from orderdesk.telephony.tests.helpers import exotel_params, placed_call

ENDED = dt.datetime(2026, 3, 10, 11, 1, tzinfo=IST)


def post(client, params):
    response = client.post(hook_url(), params)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_answered_then_completed_call_records_the_providers_facts(client, cast, customer):
    call = placed_call(cast["sales"], customer, sid="sim-a", context=("lead", 7))
    assert call.status == CallStatus.INITIATED
    assert AgentPresence.objects.get(agent=cast["sales"]).state == AgentState.ON_CALL
    post(client, exotel_params("sim-a", "answered"))
    post(client, exotel_params("sim-a", "completed"))
    assert drain() == [EventOutcome.APPLIED, EventOutcome.APPLIED]
    call.refresh_from_db()
    assert call.status == CallStatus.COMPLETED
    assert call.answered_at == ENDED - dt.timedelta(seconds=42)
    assert call.ended_at == ENDED
    assert call.talk_seconds == 42
    assert call.recording_url == "https://recordings.example.test/sim-a.wav"
    # An answered call on a lead leaves the agent in after-call work until it is logged.
    assert AgentPresence.objects.get(agent=cast["sales"]).state == AgentState.AFTER_CALL_WORK
    actions.link_contact(call, 99)
    assert AgentPresence.objects.get(agent=cast["sales"]).state == AgentState.AVAILABLE


@pytest.mark.django_db
def test_an_answered_call_about_no_lead_frees_the_agent_when_it_ends(client, cast, customer):
    placed_call(cast["sales"], customer, sid="sim-t", context=("ticket", 3))
    post(client, exotel_params("sim-t", "completed"))
    drain()
    assert AgentPresence.objects.get(agent=cast["sales"]).state == AgentState.AVAILABLE


@pytest.mark.django_db
def test_answered_event_arriving_after_the_terminal_one_changes_nothing(client, cast, customer):
    call = placed_call(cast["sales"], customer, sid="sim-b")
    post(client, exotel_params("sim-b", "completed"))
    drain()
    call.refresh_from_db()
    before = (call.status, call.answered_at, call.ended_at, call.talk_seconds)
    post(client, exotel_params("sim-b", "answered"))
    assert drain() == [EventOutcome.STALE]
    call.refresh_from_db()
    assert (call.status, call.answered_at, call.ended_at, call.talk_seconds) == before
    assert before[0] == CallStatus.COMPLETED


@pytest.mark.django_db
def test_a_terminal_status_is_final(client, cast, customer):
    call = placed_call(cast["sales"], customer, sid="sim-c")
    post(client, exotel_params("sim-c", "busy"))
    post(client, exotel_params("sim-c", "ringing"))
    drain()
    call.refresh_from_db()
    assert call.status == CallStatus.BUSY
    assert AgentPresence.objects.get(agent=cast["sales"]).state == AgentState.AVAILABLE


@pytest.mark.django_db
def test_event_for_an_unknown_call_is_kept_and_applied_when_the_call_appears(
    client, cast, customer
):
    post(client, exotel_params("sim-early", "no-answer"))
    assert drain() == [EventOutcome.UNMATCHED]
    assert CallEvent.objects.get().call is None
    call = placed_call(cast["sales"], customer, sid="sim-early")  # dial reconciles
    call.refresh_from_db()
    assert call.status == CallStatus.NO_ANSWER
    assert CallEvent.objects.get().outcome == EventOutcome.APPLIED


@pytest.mark.django_db
def test_event_naming_our_call_id_matches_a_call_whose_provider_id_is_not_known_yet(
    client, cast, customer
):
    call = actions.start_call(agent=cast["sales"], customer_number=customer.phone)
    post(client, exotel_params("sim-d", "busy", CustomField=str(call.public_id)))
    drain()
    call.refresh_from_db()
    assert (call.provider_call_id, call.status) == ("sim-d", CallStatus.BUSY)


_sids = itertools.count()
EVENTS = ("ringing", "answered", "completed")


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    order=st.permutations(EVENTS),
    replays=st.lists(st.sampled_from(EVENTS), max_size=4),
    known_after=st.integers(min_value=0, max_value=3),
)
def test_any_order_of_events_with_replays_ends_in_the_same_call(
    client, cast, customer, order, replays, known_after
):
    """Property: whatever order the provider's events arrive in, replayed or not, before or
    after the call is known, the call ends completed with the same facts and each event is
    stored once."""
    sid = f"sim-prop-{next(_sids)}"
    arrivals = list(order) + replays
    early, late = arrivals[:known_after], arrivals[known_after:]
    for kind in early:
        post(client, exotel_params(sid, kind))
    drain()
    call = placed_call(cast["sales"], customer, sid=sid)
    for kind in late:
        post(client, exotel_params(sid, kind))
    drain()
    call.refresh_from_db()
    assert call.status == CallStatus.COMPLETED
    assert call.ended_at == ENDED
    assert call.talk_seconds == 42
    assert call.answered_at == ENDED - dt.timedelta(seconds=42)
    assert call.recording_url == f"https://recordings.example.test/{sid}.wav"
    events = CallEvent.objects.filter(provider_call_id=sid)
    assert sorted(events.values_list("event", flat=True)) == ["answered", "ringing", "terminal"]
    assert not events.filter(outcome__in=[EventOutcome.PENDING, EventOutcome.UNMATCHED]).exists()


@pytest.mark.django_db
def test_a_second_call_while_one_is_in_progress_is_refused(cast, customer):
    placed_call(cast["sales"], customer, sid="sim-e")
    calls = Call.objects.count()
    with pytest.raises(Exception) as refused:
        actions.start_call(agent=cast["sales"], customer_number=customer.phone)
    assert refused.value.code == "call_in_progress"
    assert Call.objects.count() == calls


@pytest.mark.django_db
def test_start_call_is_refused_when_telephony_is_off(cast, customer, settings):
    settings.ORDERDESK["TELEPHONY"]["ENABLED"] = False
    with pytest.raises(Exception) as refused:
        actions.start_call(agent=cast["sales"], customer_number=customer.phone)
    assert refused.value.code == "telephony_off"
    assert Call.objects.count() == 0


@pytest.mark.django_db
def test_ops_may_not_place_calls(cast, customer):
    with pytest.raises(Exception) as refused:
        actions.start_call(agent=cast["ops"], customer_number=customer.phone)
    assert refused.value.code == "forbidden"
    assert Call.objects.count() == 0


@pytest.mark.django_db
def test_exotel_rate_limit_allows_the_configured_requests_a_minute():
    assert [actions.take_rate_slot("exotel", 2, now=NOW) for _ in range(3)] == [True, True, False]
    next_minute = NOW + dt.timedelta(minutes=1)
    assert actions.take_rate_slot("exotel", 2, now=next_minute) is True


@pytest.mark.django_db
def test_exotel_call_refused_when_the_minutes_requests_are_used_up(cast, customer, settings):
    settings.ORDERDESK["TELEPHONY"].update(PROVIDER="exotel", EXOTEL_REQUESTS_PER_MINUTE=1)
    AgentPresence.objects.create(agent=cast["sales"], since=NOW, phone="+919000000001")
    actions.take_rate_slot("exotel", 1, now=NOW)
    with pytest.raises(Exception) as refused:
        actions.start_call(agent=cast["sales"], customer_number=customer.phone, now=NOW)
    assert (refused.value.code, refused.value.status) == ("provider_rate_limited", 429)
    assert Call.objects.count() == 0


@pytest.mark.django_db
def test_a_call_with_no_terminal_event_is_polled_from_the_provider(cast, customer, monkeypatch):
    from orderdesk.telephony.providers import ExotelProvider, SimulatorProvider

    call = placed_call(cast["sales"], customer, sid="sim-f", now=NOW - dt.timedelta(minutes=11))
    details = ExotelProvider.parse_webhook(None, exotel_params("sim-f", "no-answer"))
    monkeypatch.setattr(SimulatorProvider, "fetch_call", lambda self, sid: details)
    assert actions.poll_stale_calls(now=NOW) == 1
    call.refresh_from_db()
    assert call.status == CallStatus.NO_ANSWER


@pytest.mark.django_db
def test_a_call_not_yet_stale_is_not_polled(cast, customer, monkeypatch):
    from orderdesk.telephony.providers import SimulatorProvider

    placed_call(cast["sales"], customer, sid="sim-g", now=NOW - dt.timedelta(minutes=5))
    monkeypatch.setattr(SimulatorProvider, "fetch_call", lambda self, sid: pytest.fail("polled"))
    assert actions.poll_stale_calls(now=NOW) == 0
