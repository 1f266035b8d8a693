"""Calls on leads (issue 16): click-to-call under the contact rules, and the call that becomes
the lead's contact attempt by itself.

Lives in ``leads`` (telephony sits below it and never imports it); when ``flows/`` lands,
this is the module to move there. Telephony announces a call's end through its
``hooks`` registry; ``LeadsConfig.ready`` registers ``call_ended``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from orderdesk.accounts.permissions import Perm, require
from orderdesk.core.errors import DomainError, NotFound
from orderdesk.customers.actions import get_or_create_customer
from orderdesk.leads import actions, rules
from orderdesk.leads.choices import (
    OPEN_LEAD_STATUSES,
    Channel,
    Direction,
    DispositionKey,
    LeadSource,
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
    return None


def call_lead(lead, *, agent, now: dt.datetime | None = None) -> Call:
    """Click-to-call on a lead: the contact rules first, then telephony (one call at a time).

    Over-contact refusals (D5/D9/D4) are recorded for the supervisor, as ``log_contact``
    records them, after the refused transaction rolled back.
    """
    now = now or timezone.now()
    lead_pk = lead.pk if isinstance(lead, Lead) else lead
    try:
        return _call_lead(lead_pk, agent=agent, now=now)
    except DomainError as exc:
        if exc.code in rules.OVER_CONTACT_CODES:
            actions._record_refusal(
                lead_pk, agent, exc, channel=Channel.CALL, direction=Direction.OUTBOUND, now=now
            )
        raise


@transaction.atomic
def _call_lead(lead_pk, *, agent, now) -> Call:
    require(agent, Perm.LEADS_WORK)
    lead = actions._lock(lead_pk)
    actions._check_owner(lead, agent, Direction.OUTBOUND)
    refusal = dial_refusal(lead, now=now)
    if refusal:
        actions._refuse(refusal)
    return telephony.start_call(
        agent=agent,
        customer_number=lead.customer.phone,
        customer=lead.customer,
        context_kind=ContextKind.LEAD,
        context_id=lead.pk,
        now=now,
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


def lead_from_call(call_id: int, *, agent, name: str) -> Lead:
    """The unknown caller's screen-pop "new lead": the customer by the caller's number (made if
    new) and an inbound-call lead owned by the agent who took the call."""
    require(agent, Perm.LEADS_WORK)
    call = Call.objects.filter(pk=call_id, agent=agent, direction=CallDirection.INBOUND).first()
    if call is None:
        raise NotFound("No such call of yours.", code="call_not_found", field="call")
    with transaction.atomic():
        customer, _ = get_or_create_customer(name=name, phone=call.from_number)
        lead, _ = actions.create_lead(
            customer=customer, source=LeadSource.INBOUND_CALL, owner=agent, actor=agent
        )
        telephony.attach_customer(call, customer, context_kind=ContextKind.LEAD, context_id=lead.pk)
    return lead
