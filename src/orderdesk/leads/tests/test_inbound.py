"""Every caller answered (issue 15 items 1, 2) and ownership on writes (issue 21 item 2).

Inbound contacts are always recorded, also on a closed lead, and never counted as an
over-contact (D9 counts outbound sales attempts only); outbound sales contact on a closed
lead stays refused (D5). A non-owner's inbound contact changes the lead only when the call
record says it was inbound; otherwise it is recorded and the owner told.
"""

from __future__ import annotations

import datetime as dt

import pytest

from orderdesk.core.errors import DomainError
from orderdesk.flows.contacts import log_contact
from orderdesk.leads import rules, selectors
from orderdesk.leads.actions import close_politely, create_lead, record_order_created
from orderdesk.leads.choices import NotificationKind
from orderdesk.leads.models import ContactAttempt, ContactRefusal, Lead, Notification
from orderdesk.telephony.models import Call

from .conftest import fake_order, frozen, ist
from .helpers import state

NOTES = "Customer called to ask about pickup time for the phone they sold."


def inbound(lead, agent, *, at, disposition="waiting_for_quote", connected=True, **kw):
    return log_contact(
        lead,
        agent=agent,
        channel=kw.pop("channel", "call"),
        direction="inbound",
        connected=connected,
        disposition=disposition,
        notes=NOTES if connected else "",
        now=at,
        **kw,
    )


def lead_fields(lead) -> dict:
    """The lead's own fields (what an inbound contact on a closed lead must not move)."""
    fields = dict(state(lead)["lead"])
    fields.pop("last_contact_at")
    fields.pop("updated_at")
    return fields


def close(lead, cast, how, monkeypatch):
    """Close ``lead`` the way the SOP closes leads; returns the closed reason expected."""
    from orderdesk.flows import contacts

    agent = cast["sales"]
    if how in ("already_ordered", "order_not_found"):
        found = fake_order(lead.customer) if how == "already_ordered" else None
        monkeypatch.setattr(contacts, "find_customer_order", lambda customer, **kw: found)
        log_contact(
            lead,
            agent=agent,
            channel="call",
            direction="outbound",
            connected=True,
            disposition="already_ordered",
            notes="Customer says the order was placed from the app yesterday.",
            now=ist(1, 11),
        )
    elif how in ("not_interested", "wrong_person"):
        log_contact(
            lead,
            agent=agent,
            channel="call",
            direction="outbound",
            connected=True,
            disposition=how,
            notes="Customer does not want to sell the phone any more, keeps it.",
            now=ist(1, 11),
        )
    elif how == "closed_politely":
        close_politely(lead, agent=agent, notes="Still not placed after the follow-up; closing.")
    elif how == "order_created":
        record_order_created(fake_order(lead.customer, created_by=agent, source_lead=lead))
    fresh = Lead.objects.get(pk=lead.pk)
    assert fresh.closed_for_sales, how
    return fresh


CLOSURES = [
    "already_ordered",
    "order_created",
    "not_interested",
    "wrong_person",
    "closed_politely",
    "order_not_found",
]


@pytest.mark.parametrize("how", CLOSURES)
def test_d5_inbound_on_a_closed_lead_is_recorded_not_refused(cast, lead, monkeypatch, how):
    closed = close(lead, cast, how, monkeypatch)
    before = lead_fields(closed)
    contacts_before = ContactAttempt.objects.filter(lead=lead).count()
    # The customer calls in, late in the evening, and another agent picks up.
    result = inbound(closed, cast["sales2"], at=ist(2, 22, 30))
    assert result.lead_changed is False
    assert result.contact.direction == "inbound" and result.contact.agent == cast["sales2"]
    # Recorded on the lead (so the customer's and the agent's history), the lead untouched.
    assert ContactAttempt.objects.filter(lead=lead).count() == contacts_before + 1
    assert ContactAttempt.objects.filter(agent=cast["sales2"], lead__customer=lead.customer)
    assert lead_fields(lead) == before
    # Never an over-contact.
    assert not ContactRefusal.objects.exists()
    assert not selectors.contacts_after_already_ordered().filter(pk=result.contact.pk).exists()
    # The next step in one click.
    assert result.next_steps[:2] == [rules.NEXT_NEW_LEAD, rules.NEXT_CX_TICKET]
    assert result.next_steps[-1] == rules.NEXT_NOTHING
    assert (rules.NEXT_ORDER_STATUS in result.next_steps) == bool(closed.order_number)


def test_d5_outbound_on_a_closed_lead_stays_refused_and_recorded(cast, lead, monkeypatch):
    closed = close(lead, cast, "already_ordered", monkeypatch)
    before = state(closed)
    with pytest.raises(DomainError) as caught:
        log_contact(
            closed,
            agent=cast["sales"],
            channel="whatsapp",
            direction="outbound",
            connected=True,
            disposition="waiting_for_quote",
            notes="Offering a quote for their second phone as well.",
            now=ist(2, 11),
        )
    assert caught.value.code == "sales_contact_closed" and caught.value.status == 409
    assert state(closed) == before
    assert ContactRefusal.objects.filter(code="sales_contact_closed").count() == 1


def test_d5_inbound_on_a_closed_lead_carries_no_follow_up(cast, lead, monkeypatch):
    closed = close(lead, cast, "not_interested", monkeypatch)
    before = state(closed)
    with pytest.raises(DomainError) as caught:
        inbound(
            closed,
            cast["sales"],
            at=ist(2, 11),
            disposition="will_place_order",
            follow_up_at=ist(3, 11),
            follow_up_permission=True,
        )
    assert (caught.value.code, caught.value.status) == ("followup_not_allowed", 422)
    assert state(closed) == before


def test_d9_inbound_contacts_do_not_count_as_attempts(cast, lead):
    for hour in (10, 11, 12, 13):
        inbound(lead, cast["sales"], at=ist(1, hour), disposition="no_answer", connected=False)
    # Three outbound attempts a day are still allowed after four inbound contacts.
    for hour in (14, 15, 16):
        log_contact(
            lead,
            agent=cast["sales"],
            channel="call",
            direction="outbound",
            connected=False,
            disposition="no_answer",
            now=ist(1, hour),
        )


def test_own_21_2_non_owner_inbound_cannot_close_the_lead(cast, lead):
    before = lead_fields(lead)
    result = inbound(lead, cast["sales2"], at=ist(1, 22, 30), disposition="not_interested")
    assert result.lead_changed is False and result.contact.agent == cast["sales2"]
    fresh = Lead.objects.get(pk=lead.pk)
    assert lead_fields(fresh) == before
    assert (fresh.status, fresh.closed_for_sales, fresh.owner) == ("new", False, cast["sales"])
    note = Notification.objects.get(recipient=cast["sales"], lead=lead)
    assert note.kind == NotificationKind.INBOUND_ANSWERED
    # The owner still works the lead as usual.
    log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="will_place_order",
        notes="Customer will place the order tonight from the app.",
        now=ist(2, 11),
    )


def test_own_21_2_non_owner_inbound_cannot_agree_the_owners_follow_up(cast, lead):
    before = state(lead)
    with pytest.raises(DomainError) as caught:
        inbound(
            lead,
            cast["sales2"],
            at=ist(1, 11),
            disposition="will_place_order",
            follow_up_at=ist(2, 11),
            follow_up_permission=True,
        )
    assert (caught.value.code, caught.value.status) == ("not_lead_owner", 403)
    assert state(lead) == before


def _call(lead, agent, direction, *, at):
    return Call.objects.create(
        provider="simulator",
        direction=direction,
        from_number=lead.customer.phone,
        to_number="+918000000000",
        agent=agent,
        customer=lead.customer,
        context_kind="lead",
        context_id=lead.pk,
        status="completed",
        created_at=at,
        answered_at=at,
        ended_at=at + dt.timedelta(minutes=3),
    )


def test_15_2_inbound_call_on_another_agents_lead_is_handled_by_whoever_picks_up(cast, lead):
    call = _call(lead, cast["sales2"], "inbound", at=ist(1, 11))
    result = inbound(lead, cast["sales2"], at=ist(1, 11, 5), call=call.pk)
    assert result.lead_changed is True
    fresh = Lead.objects.get(pk=lead.pk)
    assert fresh.status == "waiting_for_quote" and fresh.owner == cast["sales"]
    assert result.contact.agent == cast["sales2"]
    assert Call.objects.get(pk=call.pk).contact_attempt_id == result.contact.pk


def test_own_21_2_direction_comes_from_the_call_record(cast, lead):
    # An outbound call the agent claims was the customer's: the call record says outbound.
    call = _call(lead, cast["sales2"], "outbound", at=ist(1, 11))
    before = state(lead)
    with pytest.raises(DomainError) as caught:
        inbound(lead, cast["sales2"], at=ist(1, 11, 5), call=call.pk)
    assert caught.value.code == "not_lead_owner"
    assert state(lead) == before


def test_own_21_2_order_with_a_colleagues_lead_credits_its_owner(cast, lead):
    record_order_created(fake_order(lead.customer, created_by=cast["sales2"], source_lead=lead))
    credit = ContactAttempt.objects.get(lead=lead, disposition__key="create_order")
    assert credit.agent == cast["sales"]
    assert Notification.objects.filter(recipient=cast["sales"], lead=lead).exists()
    # The owner's own order keeps crediting the owner.
    other, _ = create_lead(customer=lead.customer, source="campaign", owner=cast["sales2"])
    record_order_created(fake_order(lead.customer, created_by=cast["sales2"], source_lead=other))
    assert (
        ContactAttempt.objects.get(lead=other, disposition__key="create_order").agent
        == (cast["sales2"])
    )


def test_own_21_2_oversight_lists_inbound_claimed_outside_calling_hours(cast, lead):
    late = inbound(lead, cast["sales2"], at=ist(-1, 22, 30)).contact
    inbound(lead, cast["sales2"], at=ist(-1, 12))  # within hours: not listed
    with_call = _call(lead, cast["sales"], "inbound", at=ist(-1, 23))
    verified = inbound(lead, cast["sales"], at=ist(-1, 23, 5), call=with_call.pk).contact
    listed = selectors.inbound_claimed_outside_hours(since=ist(-3, 0))
    assert [c.pk for c in listed] == [late.pk]
    assert verified.pk not in [c.pk for c in listed]


def test_own_21_2_reuse_path_returns_no_notes_to_a_non_owner(api, cast, lead):
    log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="will_place_order",
        notes="Customer will sell after his daughter's exam, wife's phone 98xxxx.",
        customer_words="beti ke exam ke baad bechenge",
        now=ist(1, 11),
    )
    body = {
        "customer": {"name": "Asha Rao", "phone": lead.customer.phone},
        "source": "app_quote",
    }
    stranger = api(cast["sales2"]).post("/api/v1/leads", body, content_type="application/json")
    assert stranger.status_code == 200 and stranger.json()["id"] == lead.pk
    contacts = stranger.json()["contacts"]
    assert contacts and all(c["notes"] == "" and c["customer_words"] == "" for c in contacts)
    owner = api(cast["sales"]).post("/api/v1/leads", body, content_type="application/json")
    assert "daughter" in owner.json()["contacts"][0]["notes"]


def test_d5_api_inbound_on_a_closed_lead_is_answered_with_next_steps(api, cast, lead, monkeypatch):
    close(lead, cast, "already_ordered", monkeypatch)
    with frozen(ist(2, 22)):
        response = api(cast["sales2"]).post(
            f"/api/v1/leads/{lead.pk}/contacts",
            {
                "channel": "call",
                "direction": "inbound",
                "connected": True,
                "disposition": "waiting_for_quote",
                "notes": "Customer wants a quote for his second phone, a laptop too.",
            },
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["lead_changed"] is False and data["lead"]["status"] == "already_ordered"
    assert data["next_steps"] == ["new_lead", "cx_ticket", "order_status", "nothing"]
    assert not ContactRefusal.objects.exists()
