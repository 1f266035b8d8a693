"""Calls on leads (issue 16): the contact rules before dialing, and the lead's reactions to a
call's end (the unanswered call becomes the lead's contact attempt; a missed call's owner).

Telephony announces a call's end through its ``hooks`` registry; ``LeadsConfig.ready``
registers ``call_ended`` and ``missed_call_owner``. Dialing itself crosses apps (leads,
telephony, orders, customers) and lives in ``flows.calls``.
"""

from __future__ import annotations

import datetime as dt

from orderdesk.core.errors import DomainError
from orderdesk.leads import actions, rules, selectors
from orderdesk.leads.choices import (
    OPEN_LEAD_STATUSES,
    Channel,
    Direction,
    DispositionKey,
    LeadStatus,
)
from orderdesk.leads.models import Lead
from orderdesk.telephony import actions as telephony
from orderdesk.telephony import rules as call_rules
from orderdesk.telephony.choices import CallDirection, CallStatus, ContextKind
from orderdesk.telephony.models import Call

#: The not-connected disposition an unanswered call records by itself (D1's tree, D9 counts it).
UNANSWERED_DISPOSITION = {
    CallStatus.NO_ANSWER: DispositionKey.NO_ANSWER,
    CallStatus.CANCELED: DispositionKey.NO_ANSWER,
    CallStatus.BUSY: DispositionKey.BUSY,
    CallStatus.FAILED: DispositionKey.SWITCHED_OFF,
}
UNANSWERED_NOTES = {
    CallStatus.NO_ANSWER: "rang out, nobody picked up",
    CallStatus.CANCELED: "hung up before the customer picked up",
    CallStatus.BUSY: "customer's line was busy or rejected the call",
    CallStatus.FAILED: "network could not reach the customer's phone",
}


def dial_refusal(lead: Lead, *, now: dt.datetime) -> rules.Refusal | None:
    """Would an outbound call on ``lead`` now be refused? The same rules, in the same order,
    as logging a contact: D5 closed for sales; D9 do-not-contact, calling hours, attempts per
    lead per day; D3/D4 on a Will Place Order lead (only the one permitted follow-up, at its
    time). Call holding the lead's row lock."""
    if lead.closed_for_sales:
        return rules.closed_refusal(lead.closed_reason)
    policy = actions.current_policy(now)
    refusal = rules.outbound_refusal(
        now=now,
        policy=policy,
        do_not_contact=lead.customer.do_not_contact,
        attempts_today=actions._attempts_today(lead, now),
    )
    if refusal:
        return refusal
    if lead.status == LeadStatus.WILL_PLACE_ORDER:
        follow_up = actions._follow_up_facts(actions._episode_follow_up(lead))
        return rules.follow_up_contact_refusal(follow_up, DispositionKey.NO_ANSWER, now, policy)
    if selectors.follow_up_spent(lead):
        return rules.FOLLOW_UP_SPENT
    return None


def lock_for_dial(lead_pk, *, agent, now: dt.datetime, as_owner: bool = True) -> Lead:
    """The lead under its row lock, or ``ContactRefused`` with the contact rules' code when an
    outbound call on it would be refused now (``dial_refusal``). ``as_owner``: the agent works
    the lead (D-rules of ownership: their own or unowned leads). Call inside a transaction;
    the flows (``flows.calls``) dial in the same one."""
    lead = actions._lock(lead_pk)
    if as_owner:
        actions._check_owner(lead, agent, Direction.OUTBOUND)
    refusal = dial_refusal(lead, now=now)
    if refusal:
        actions._refuse(refusal)
    return lead


def customer_refusal(customer, *, now: dt.datetime) -> rules.Refusal | None:
    """D9 for a call about a record with no lead: do-not-contact and calling hours."""
    return rules.outbound_refusal(
        now=now,
        policy=actions.current_policy(now),
        do_not_contact=customer.do_not_contact,
        attempts_today=0,
    )


def refuse(refusal: rules.Refusal) -> None:
    actions._refuse(refusal)


def record_dial_refusal(lead_pk, agent, exc: DomainError, *, now: dt.datetime) -> None:
    """An over-contact refusal (D5/D9/D4) before dialing is kept for the supervisor, as
    ``log_contact`` keeps it (``ContactRefusal``); call after the refused transaction."""
    if exc.code in rules.OVER_CONTACT_CODES:
        actions._record_refusal(
            lead_pk, agent, exc, channel=Channel.CALL, direction=Direction.OUTBOUND, now=now
        )


def call_ended(call: Call) -> None:
    """Telephony's ``call_ended`` receiver: an outbound call on a lead that nobody answered is
    the contact attempt by itself — not connected, the matching disposition, made by the
    agent at the dial time (so D9 counts it that day) — unless the agent logged it already."""
    if (
        call.context_kind != ContextKind.LEAD
        or call.direction != CallDirection.OUTBOUND
        or call.status not in call_rules.UNANSWERED
        or call.contact_attempt_id is not None
        or call.agent is None
    ):
        return
    result = actions.log_contact(
        call.context_id,
        agent=call.agent,
        channel=Channel.CALL,
        direction=Direction.OUTBOUND,
        connected=False,
        disposition=UNANSWERED_DISPOSITION[call.status],
        notes=f"Recorded from the call by the system: {UNANSWERED_NOTES[call.status]}.",
        now=call.created_at,
    )
    telephony.link_contact(call, result.contact.pk)


def missed_call_owner(call: Call) -> None:
    """Telephony's ``call_ended`` receiver: a missed inbound call from a customer with an open
    lead goes on the callback list of the lead's owner (unowned otherwise: any agent)."""
    if call.direction != CallDirection.INBOUND or call.customer_id is None:
        return
    lead = (
        Lead.objects.filter(customer_id=call.customer_id, status__in=OPEN_LEAD_STATUSES)
        .exclude(owner__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if lead is not None:
        telephony.assign_callback(call, lead.owner)
