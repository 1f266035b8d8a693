"""log_contact and the SOP's rules D1-D5, D7, D9 (one test per rule, named after it)."""

from __future__ import annotations

import datetime as dt

import pytest

from orderdesk.core.errors import DomainError
from orderdesk.flows.contacts import log_contact
from orderdesk.leads import rules
from orderdesk.leads.actions import close_politely, schedule_follow_up
from orderdesk.leads.choices import FollowUpStatus, LeadStatus
from orderdesk.leads.models import ContactAttempt, ContactRefusal, FollowUp, Lead

from .conftest import ist
from .helpers import state

WPO_NOTES = "Customer will place order themselves today. Asked for follow-up tomorrow 11 AM."


def wpo(lead, agent, *, at, follow_up_at=None, permission=True, direction="outbound", **kw):
    return log_contact(
        lead,
        agent=agent,
        channel="call",
        direction=direction,
        connected=True,
        disposition="will_place_order",
        notes=WPO_NOTES,
        follow_up_at=follow_up_at,
        follow_up_permission=permission,
        now=at,
        **kw,
    )


def refused(code, fn, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value.message
    return info.value


# --- D1 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "notes",
    ["", "ok", "done", "na", "called", "ok done called", "Customer will place order", "cust ok"],
)
def test_d1_empty_or_trivial_notes_are_refused_and_nothing_changes(cast, lead, notes):
    before = state(lead)
    error = refused(
        "notes_required",
        log_contact,
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="will_place_order",
        notes=notes,
        now=ist(1, 11),
    )
    assert error.field == "notes" and error.status == 422
    assert "what the customer said" in error.message
    assert state(lead) == before


def test_d1_notes_rule_accepts_real_notes_and_names_what_is_missing():
    assert rules.notes_problem(WPO_NOTES, disposition_label="Customer Will Place Order") is None
    assert (
        rules.notes_problem(
            "Will place tonight from app", disposition_label="Customer Will Place Order"
        )
        is None
    )
    message = rules.notes_problem("ok", disposition_label="Customer Will Place Order", example="X")
    assert "“ok” does not say what happened" in message and "For example: “X”" in message


def test_d1_not_connected_needs_no_notes_and_exactly_one_disposition_is_stored(cast, lead):
    result = log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=False,
        disposition="no_answer",
        now=ist(1, 11),
    )
    assert result.contact.disposition.key == "no_answer"
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.CONTACTING


def test_d1_disposition_of_the_wrong_group_is_refused(cast, lead):
    before = state(lead)
    refused(
        "disposition_group_mismatch",
        log_contact,
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="no_answer",
        notes=WPO_NOTES,
        now=ist(1, 11),
    )
    refused(
        "disposition_unknown",
        log_contact,
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="maybe_later",
        notes=WPO_NOTES,
        now=ist(1, 11),
    )
    assert state(lead) == before


# --- D2 -----------------------------------------------------------------------------------------


def test_d2_suggestion_and_final_choice_are_both_stored(cast, lead):
    # The customer's words suggest Already Placed an Order; the agent decides otherwise.
    result = wpo(lead, cast["sales"], at=ist(1, 11), customer_words="maine already order kar diya")
    contact = ContactAttempt.objects.get(pk=result.contact.pk)
    assert contact.suggested_disposition == "already_ordered"
    assert 0.5 < contact.suggestion_confidence <= 1
    assert contact.disposition.key == "will_place_order"


# --- D3 --------------------------------------------------------------------------------------------


def test_d3_second_follow_up_is_refused(cast, lead):
    wpo(lead, cast["sales"], at=ist(1, 11), follow_up_at=ist(2, 11))
    before = state(lead)
    error = refused(
        "followup_limit",
        schedule_follow_up,
        lead,
        agent=cast["sales"],
        at=ist(2, 15),
        permission=True,
        now=ist(1, 12),
    )
    assert "one follow-up" in error.message and error.status == 409
    # Nor with another contact in the same episode (the customer calls in again).
    refused(
        "followup_limit",
        wpo,
        lead,
        cast["sales"],
        at=ist(1, 13),
        follow_up_at=ist(2, 16),
        direction="inbound",
    )
    assert state(lead) == before
    assert FollowUp.objects.filter(lead=lead).count() == 1


def test_d3_follow_up_needs_permission_and_the_end_of_the_next_day(cast, lead):
    before = state(lead)
    refused(
        "followup_needs_permission",
        wpo,
        lead,
        cast["sales"],
        at=ist(1, 11),
        follow_up_at=ist(2, 11),
        permission=False,
    )
    error = refused(
        "followup_too_late", wpo, lead, cast["sales"], at=ist(1, 11), follow_up_at=ist(3, 9, 30)
    )
    assert "end of the next day" in error.message
    refused(
        "outside_calling_hours", wpo, lead, cast["sales"], at=ist(1, 11), follow_up_at=ist(2, 22)
    )
    assert state(lead) == before
    # The last minute of the next day inside calling hours is fine.
    assert (
        wpo(lead, cast["sales"], at=ist(1, 11), follow_up_at=ist(2, 20, 59)).follow_up is not None
    )


def test_d3_follow_up_records_who_recorded_permission_and_when(cast, lead):
    result = wpo(lead, cast["sales"], at=ist(1, 11), follow_up_at=ist(2, 11))
    fu = FollowUp.objects.get(pk=result.follow_up.pk)
    assert (fu.permission_given, fu.permission_recorded_by, fu.permission_recorded_at) == (
        True,
        cast["sales"],
        ist(1, 11),
    )
    assert fu.permission_contact_id == result.contact.pk and fu.episode == 1
    assert Lead.objects.get(pk=lead.pk).next_follow_up_at == ist(2, 11)


def test_d3_no_further_call_without_a_permitted_follow_up(cast, lead):
    wpo(lead, cast["sales"], at=ist(1, 11))  # the customer did not agree to a follow-up
    before = state(lead)
    refused(
        "followup_needs_permission",
        log_contact,
        lead,
        agent=cast["sales"],
        channel="whatsapp",
        direction="outbound",
        connected=False,
        disposition="no_answer",
        now=ist(2, 11),
    )
    assert state(lead) == before


# --- D4 -----------------------------------------------------------------------------------------------


def test_d4_will_place_order_again_at_the_follow_up_is_refused(cast, lead):
    wpo(lead, cast["sales"], at=ist(1, 11), follow_up_at=ist(2, 11))
    before = state(lead)
    error = refused("followup_limit", wpo, lead, cast["sales"], at=ist(2, 11, 2))
    assert "Waiting for Quote or close politely" in error.message
    assert state(lead) == before


def test_d4_contact_before_the_agreed_time_is_refused(cast, lead):
    wpo(lead, cast["sales"], at=ist(1, 11), follow_up_at=ist(2, 11))
    before = state(lead)
    refused(
        "followup_not_due",
        log_contact,
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=False,
        disposition="busy",
        now=ist(1, 18),
    )
    assert state(lead) == before
    assert ContactRefusal.objects.get().code == "followup_not_due"


def test_d4_unanswered_follow_up_moves_the_lead_to_waiting_for_quote(cast, lead):
    wpo(lead, cast["sales"], at=ist(1, 11), follow_up_at=ist(2, 11))
    result = log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=False,
        disposition="no_answer",
        now=ist(2, 11, 5),
    )
    assert result.contact.is_follow_up
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.WAITING_FOR_QUOTE
    fu = FollowUp.objects.get(lead=lead)
    assert (fu.status, fu.done_contact_id) == (FollowUpStatus.DONE, result.contact.pk)


def test_d4_close_politely_after_the_follow_up(cast, lead):
    wpo(lead, cast["sales"], at=ist(1, 11), follow_up_at=ist(2, 11))
    before = state(lead)
    refused("notes_required", close_politely, lead, agent=cast["sales"], notes="ok", now=ist(2, 12))
    assert state(lead) == before
    closed = close_politely(
        lead,
        agent=cast["sales"],
        notes="Still not placed after the follow-up; closed politely.",
        now=ist(2, 12),
    )
    assert (closed.status, closed.closed_reason, closed.closed_for_sales) == (
        "closed",
        "closed_politely",
        True,
    )
    assert FollowUp.objects.get(lead=lead).status == FollowUpStatus.CANCELLED


# --- D5 ---------------------------------------------------------------------------------------------------


def test_d5_no_sales_contact_after_already_ordered(cast, lead, monkeypatch):
    from orderdesk.flows import contacts

    from .conftest import fake_order

    wpo(lead, cast["sales"], at=ist(1, 11), follow_up_at=ist(2, 11))
    monkeypatch.setattr(
        contacts, "find_customer_order", lambda customer, **kw: fake_order(customer)
    )
    result = log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="inbound",
        connected=True,
        disposition="already_ordered",
        notes="Customer confirmed order placed. Pickup scheduled.",
        order_number="OD7K3P9QXM",
        now=ist(1, 15),
    )
    assert result.order_found is True
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.status, fresh.closed_for_sales, fresh.order_number) == (
        "already_ordered",
        True,
        "OD7K3P9QX",
    )
    assert FollowUp.objects.get(lead=lead).status == FollowUpStatus.CANCELLED
    before = state(lead)
    for channel in ("call", "whatsapp", "sms"):
        refused(
            "sales_contact_closed",
            log_contact,
            lead,
            agent=cast["sales"],
            channel=channel,
            direction="outbound",
            connected=False,
            disposition="no_answer",
            now=ist(2, 11),
        )
    refused(
        "sales_contact_closed",
        schedule_follow_up,
        lead,
        agent=cast["sales"],
        at=ist(2, 12),
        permission=True,
        now=ist(1, 16),
    )
    assert state(lead) == before
    assert ContactRefusal.objects.filter(code="sales_contact_closed").count() == 3


# --- D7 ------------------------------------------------------------------------------------------------------


def test_d7_agent_cannot_pick_create_order(cast, lead):
    before = state(lead)
    error = refused(
        "disposition_system_only",
        log_contact,
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="create_order",
        notes="Customer asked me to create the order for the 128 GB.",
        now=ist(1, 11),
    )
    assert error.status == 422 and error.field == "disposition"
    assert state(lead) == before


def test_d7_database_keeps_create_order_system_only(db):
    from django.db import IntegrityError, transaction

    from orderdesk.leads.models import Disposition

    with pytest.raises(IntegrityError), transaction.atomic():
        Disposition.objects.filter(key="create_order").update(agent_selectable=True)
    assert Disposition.objects.get(key="create_order").agent_selectable is False


# --- D9 -------------------------------------------------------------------------------------------------------


def test_d9_outbound_outside_calling_hours_is_refused(cast, lead):
    before = state(lead)
    for at in (ist(1, 8, 59), ist(1, 21, 0), ist(1, 23, 30)):
        error = refused(
            "outside_calling_hours",
            log_contact,
            lead,
            agent=cast["sales"],
            channel="whatsapp",
            direction="outbound",
            connected=False,
            disposition="no_answer",
            now=at,
        )
        assert "09:00-21:00 IST" in error.message
    assert state(lead) == before


def test_d9_inbound_is_answered_outside_calling_hours(cast, lead):
    result = wpo(lead, cast["sales"], at=ist(1, 22, 30), direction="inbound")
    assert result.contact.direction == "inbound"
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.WILL_PLACE_ORDER


def test_d9_attempt_limit_per_lead_per_day(cast, lead):
    for hour in (10, 12, 14):
        log_contact(
            lead,
            agent=cast["sales"],
            channel="call",
            direction="outbound",
            connected=False,
            disposition="busy",
            now=ist(1, hour),
        )
    before = state(lead)
    error = refused(
        "attempt_limit",
        log_contact,
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=False,
        disposition="busy",
        now=ist(1, 16),
    )
    assert "3 per lead per day" in error.message
    assert state(lead) == before
    # The next IST day starts afresh.
    log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=False,
        disposition="busy",
        now=ist(2, 9, 5),
    )


def test_d9_do_not_contact_customer_is_never_called_for_sales(cast, lead, customer):
    customer.do_not_contact = True
    customer.save()
    before = state(lead)
    refused(
        "do_not_contact",
        log_contact,
        lead,
        agent=cast["sales"],
        channel="sms",
        direction="outbound",
        connected=False,
        disposition="no_answer",
        now=ist(1, 11),
    )
    assert state(lead) == before
    assert wpo(lead, cast["sales"], at=ist(1, 11), direction="inbound").contact.pk


def test_d9_policy_is_versioned_and_the_version_in_force_applies(cast, lead):
    from orderdesk.leads.models import ContactPolicy

    ContactPolicy.objects.create(
        version=2,
        calling_hours_start=dt.time(10),
        calling_hours_end=dt.time(19),
        max_attempts_per_lead_per_day=2,
        effective_from=ist(1, 0),
    )
    assert ContactPolicy.in_force(ist(0, 12)).version == 1
    assert ContactPolicy.in_force(ist(1, 12)).version == 2
    before = state(lead)
    error = refused(
        "outside_calling_hours",
        log_contact,
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=False,
        disposition="busy",
        now=ist(1, 9, 30),
    )
    assert "v2" in error.message
    assert state(lead) == before


# --- Ownership ----------------------------------------------------------------------------------------------------


def test_another_agents_lead_is_refused_for_outbound_but_inbound_is_answered(cast, lead):
    before = state(lead)
    refused(
        "not_lead_owner",
        log_contact,
        lead,
        agent=cast["sales2"],
        channel="call",
        direction="outbound",
        connected=False,
        disposition="busy",
        now=ist(1, 11),
    )
    assert state(lead) == before
    result = wpo(lead, cast["sales2"], at=ist(1, 11), direction="inbound")
    assert result.contact.agent == cast["sales2"]
    assert Lead.objects.get(pk=lead.pk).owner == cast["sales"]


def test_first_contact_on_an_unowned_lead_takes_ownership(cast, customer):
    from orderdesk.leads.actions import create_lead

    lead, _ = create_lead(customer=customer, source="campaign")
    log_contact(
        lead,
        agent=cast["sales2"],
        channel="call",
        direction="outbound",
        connected=False,
        disposition="busy",
        now=ist(1, 11),
    )
    assert Lead.objects.get(pk=lead.pk).owner == cast["sales2"]


def test_notes_over_the_cap_are_refused_at_every_door_and_nothing_changes(cast, lead):
    """Issue 18: the action itself caps notes (the console sent any length)."""
    before = state(lead)
    error = refused(
        "notes_too_long",
        log_contact,
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="will_place_order",
        notes=WPO_NOTES + " x" * rules.NOTES_MAX_LENGTH,
        now=ist(1, 11),
    )
    assert (error.field, error.status) == ("notes", 422)
    assert "at most 2,000 characters" in error.message
    assert state(lead) == before
    assert rules.notes_too_long("y" * rules.NOTES_MAX_LENGTH) is None
