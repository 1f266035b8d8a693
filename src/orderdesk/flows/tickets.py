"""The doors' two ticket writes that may cross domains.

``open_ticket_for_caller`` (customers, leads, orders, cx): the console form and ``POST
/api/v1/tickets`` open a case for a caller who may be new. The customer (found or created),
the lead, the order and the ticket are settled in one atomic block, so a refused case (M9: a
price dispute needs its order; an unknown lead) leaves no customer row and no audit event
behind.

``record_ticket_action`` (cx, and orders or leads for M9/D6): the console's step form and
``POST /api/v1/tickets/{id}/actions``. An Act whose outcome reaches into another domain goes
to its flow (``flows.disputes``, ``flows.order_not_found``); every other step is
``cx.actions.steps.record_action``.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from orderdesk.accounts.permissions import Perm, require
from orderdesk.core.errors import Conflict, NotFound, ValidationFailed
from orderdesk.customers.actions import get_or_create_customer
from orderdesk.cx.actions.opening import open_ticket
from orderdesk.cx.actions.steps import StepResult, record_action
from orderdesk.cx.choices import ACTIVE_STATUSES, ActionKind, ActOutcome, TicketType
from orderdesk.cx.models import Ticket
from orderdesk.flows.disputes import act_on_price_dispute
from orderdesk.flows.order_not_found import act_on_order_not_found
from orderdesk.leads.models import Lead
from orderdesk.leads.rules import notes_problem
from orderdesk.orders.selectors import order_by_number


@transaction.atomic
def open_ticket_for_caller(
    *,
    type: str,
    created_by,
    customer_phone: str = "",
    customer_name: str = "",
    order_number: str = "",
    lead_id: int | None = None,
    notes: str = "",
    channel: str | None = None,
    priority: str | None = None,
    customer_field: str = "customer",
) -> Ticket:
    """Open a ticket for the caller named by phone, or for the customer of ``order_number``.

    1. ``created_by`` must hold ``TICKETS_WORK``.
    2. The order the number names (except for D6, where the number is only the
       customer's claim); the customer by phone (created if new), else the order's.
    3. The lead, when given, must be that customer's.
    4. ``cx.actions.open_ticket`` (type, priority, channel, M9, C2 clocks, audit),
       assigned to ``created_by``. Any refusal rolls the whole block back.
    """
    require(created_by, Perm.TICKETS_WORK)
    order = None
    if order_number and type != TicketType.ORDER_NOT_FOUND:
        order = order_by_number(order_number, field="order_number")
    if customer_phone:
        customer, _ = get_or_create_customer(name=customer_name, phone=customer_phone)
    elif order is not None:
        customer = order.customer
    else:
        raise ValidationFailed(
            "Say who the customer is (their phone) or give the order number.",
            code="required",
            field=customer_field,
        )
    lead = None
    if lead_id:
        lead = Lead.objects.filter(pk=lead_id).first()
        if lead is None or lead.customer_id != customer.pk:
            raise NotFound("No such lead for this customer.", code="lead_unknown", field="lead_id")
    return open_ticket(
        type=type,
        customer=customer,
        lead=lead,
        order=order,
        order_number=order_number,
        notes=notes,
        created_by=created_by,
        channel=channel,
        priority=priority,
        assignee=created_by,
    )


# Issue 15 item 8: the cases sales hands over to CX from the lead page (SOP 000, "with CX
# visibility"). Anything else the caller needs is CX's own desk.
HANDOVER_TYPES = (TicketType.COMPLAINT, TicketType.ORDER_NOT_FOUND, TicketType.PRICE_DISPUTE)


@transaction.atomic
def hand_over_to_cx(
    lead: Lead, *, type: str, created_by, notes: str, order_number: str = ""
) -> Ticket:
    """Issue 15 item 8: a sales agent opens a CX case from the lead page, with the lead linked.

    The agent must work leads (``leads.work``; the lead was already checked as theirs, unowned,
    or answered inbound by the view). The type is one of ``HANDOVER_TYPES``
    (``handover_type`` 422 on ``type``); notes say what the customer said (``notes_required``);
    the order is checked by ``open_ticket`` (M9: a price dispute needs it; it must be this
    customer's: ``order_customer_mismatch``); one open "order not found" case
    per lead (``ticket_already_open`` 409). The ticket is unassigned: CX's queue picks it up.
    A refusal leaves nothing behind.
    """
    require(created_by, Perm.LEADS_WORK)
    if type not in HANDOVER_TYPES:
        raise ValidationFailed(
            "Sales hands over a complaint, an order not found or a price dispute (issue 15).",
            code="handover_type",
            field="type",
        )
    notes = (notes or "").strip()
    problem = notes_problem(notes, disposition_label="a hand-over to CX")
    if problem:  # D1's rule for notes: what the customer said, so CX does not ask again
        raise ValidationFailed(problem, code="notes_required", field="notes")
    try:
        with transaction.atomic():
            return open_ticket(
                type=type,
                customer=lead.customer,
                lead=lead,
                order_number=order_number,
                notes=f"Handed over by sales from lead #{lead.pk}: {notes}",
                created_by=created_by,
            )
    except IntegrityError:
        # one_active_order_not_found_per_lead (cx.Ticket) decides, also between two agents
        if not Ticket.objects.filter(
            lead=lead, type=TicketType.ORDER_NOT_FOUND, status__in=ACTIVE_STATUSES
        ).exists():
            raise
        raise Conflict(
            "An 'order not found' case is already open with CX for this lead.",
            code="ticket_already_open",
            field="type",
        ) from None


def record_ticket_action(
    ticket: Ticket | int,
    *,
    kind: str,
    actor,
    text: str = "",
    outcome: str = "",
    order_number: str = "",
    now: dt.datetime | None = None,
) -> StepResult:
    """One step on a ticket, as the doors send it (same arguments as ``record_action``).

    An Act ``cancel_order`` / ``customer_accepts`` is M9 (``act_on_price_dispute``: the
    order is cancelled or its price accepted); an Act ``link_order`` / ``no_order`` is D6
    (``act_on_order_not_found``: the lead is settled). Each of those is one atomic block.
    Anything else, refusals included, is ``cx.actions.steps.record_action``.
    """
    now = now or timezone.now()
    if kind == ActionKind.ACT and outcome in (ActOutcome.CANCEL_ORDER, ActOutcome.CUSTOMER_ACCEPTS):
        return act_on_price_dispute(ticket, actor=actor, outcome=outcome, text=text, now=now)
    if kind == ActionKind.ACT and outcome in (ActOutcome.LINK_ORDER, ActOutcome.NO_ORDER):
        return act_on_order_not_found(
            ticket, actor=actor, outcome=outcome, text=text, order_number=order_number, now=now
        )
    return record_action(
        ticket,
        kind=kind,
        actor=actor,
        text=text,
        outcome=outcome,
        order_number=order_number,
        now=now,
    )
