"""Click-to-call across apps (issue 16): the contact rules of leads, then telephony dials.

- ``call_lead``: the lead page and the follow-up queue. D5/D9/D4 on the lead (the agent works
  it), then ``telephony.start_call`` in the same atomic block under the lead's row lock.
- ``call_order``: the console order page. A sales agent's call is checked with the same rules
  and codes as a call on the order's lead (the lead it was created from, else the lead closed
  with its number), so D5 still stops sales calls once the customer has ordered. A CX agent's
  call is a service call about the order: only D9's customer rules (do-not-contact, calling
  hours) apply, as for an order with no lead.
- ``lead_from_call``: the unknown caller's screen-pop "new lead" (customers, leads, telephony).

Over-contact refusals are recorded for the supervisor (``ContactRefusal``) after the refused
transaction rolled back, as ``log_contact`` does.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from orderdesk.accounts.permissions import Perm, has_perm, require
from orderdesk.core.errors import DomainError, NotFound
from orderdesk.customers.actions import get_or_create_customer
from orderdesk.leads import actions as lead_actions
from orderdesk.leads import calls as lead_calls
from orderdesk.leads.choices import LeadSource
from orderdesk.leads.models import Lead
from orderdesk.orders.models import Order
from orderdesk.telephony import actions as telephony
from orderdesk.telephony.choices import CallDirection, ContextKind
from orderdesk.telephony.models import Call


def call_lead(lead, *, agent, now: dt.datetime | None = None) -> Call:
    """Click-to-call on a lead: the contact rules first, then telephony (one call at a time)."""
    now = now or timezone.now()
    lead_pk = lead.pk if isinstance(lead, Lead) else lead
    try:
        return _call_lead(lead_pk, agent=agent, now=now)
    except DomainError as exc:
        lead_calls.record_dial_refusal(lead_pk, agent, exc, now=now)
        raise


@transaction.atomic
def _call_lead(lead_pk, *, agent, now) -> Call:
    require(agent, Perm.LEADS_WORK)
    lead = lead_calls.lock_for_dial(lead_pk, agent=agent, now=now)
    return telephony.start_call(
        agent=agent,
        customer_number=lead.customer.phone,
        customer=lead.customer,
        context_kind=ContextKind.LEAD,
        context_id=lead.pk,
        now=now,
    )


def lead_of_order(order: Order) -> Lead | None:
    """The lead an order stands behind: created from it, else the lead closed with its number."""
    if order.source_lead_id is not None:
        return Lead.objects.filter(pk=order.source_lead_id).first()
    return Lead.objects.filter(order_number=order.number).order_by("-pk").first()


def call_order(order: Order, *, agent, now: dt.datetime | None = None) -> Call:
    """Click-to-call from the order page, then telephony; the call's context is the order.

    A sales agent (``leads.work``) gets the same D5/D9/D4 checks and refusal codes as a call on
    the order's lead (the lead's owner rule aside: whoever may read the order may call about
    it), so no sales call follows an order. Anyone else (CX) makes a service call about the
    order: D9's customer rules only (do-not-contact, calling hours)."""
    now = now or timezone.now()
    lead = lead_of_order(order) if has_perm(agent, Perm.LEADS_WORK) else None
    try:
        return _call_order(order, lead, agent=agent, now=now)
    except DomainError as exc:
        if lead is not None:
            lead_calls.record_dial_refusal(lead.pk, agent, exc, now=now)
        raise


@transaction.atomic
def _call_order(order: Order, lead: Lead | None, *, agent, now) -> Call:
    require(agent, Perm.ORDERS_VIEW)
    require(agent, Perm.CALLS_MAKE)
    if lead is not None:
        lead_calls.lock_for_dial(lead.pk, agent=agent, now=now, as_owner=False)
    else:
        refusal = lead_calls.customer_refusal(order.customer, now=now)
        if refusal:
            lead_calls.refuse(refusal)
    return telephony.start_call(
        agent=agent,
        customer_number=order.customer.phone,
        customer=order.customer,
        context_kind=ContextKind.ORDER,
        context_id=order.pk,
        now=now,
    )


def lead_from_call(call_id: int, *, agent, name: str) -> Lead:
    """The unknown caller's screen-pop "new lead": the customer by the caller's number (made if
    new) and an inbound-call lead owned by the agent who took the call."""
    require(agent, Perm.LEADS_WORK)
    call = Call.objects.filter(pk=call_id, agent=agent, direction=CallDirection.INBOUND).first()
    if call is None:
        raise NotFound("No such call of yours.", code="call_not_found", field="call")
    with transaction.atomic():
        customer, _ = get_or_create_customer(name=name, phone=call.from_number)
        lead, _ = lead_actions.create_lead(
            customer=customer, source=LeadSource.INBOUND_CALL, owner=agent, actor=agent
        )
        telephony.attach_customer(call, customer, context_kind=ContextKind.LEAD, context_id=lead.pk)
    return lead
