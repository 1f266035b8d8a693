"""Opening a CX case (SPEC §11 ticket types; M9 needs the order; C2 clocks)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from orderdesk.core import audit, events
from orderdesk.core.errors import ValidationFailed
from orderdesk.cx import rules
from orderdesk.cx.actions._blocks import _is_cx, _person, _view
from orderdesk.cx.choices import (
    ActionKind,
    TicketChannel,
    TicketPriority,
    TicketStatus,
    TicketType,
)
from orderdesk.cx.models import SlaPolicy, Ticket
from orderdesk.orders.selectors import order_by_number

S = TicketStatus
K = ActionKind


# --- opening a ticket --------------------------------------------------------------------


@transaction.atomic
def open_ticket(
    *,
    type: str,
    customer,
    lead=None,
    order=None,
    order_number: str = "",
    notes: str = "",
    created_by=None,
    channel: str | None = None,
    priority: str | None = None,
    assignee=None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Open a CX case. ``type`` is one of ``TicketType`` (SPEC §11 ticket types).

    1. Check the type, priority and channel keys; M9: a price dispute needs the order.
    2. Link the order: ``order`` or, except for D6 (where the number is the customer's
       claim, not a found order), the order ``order_number`` names; it must be the customer's.
    3. C2: take the SLA policy in force for (type, priority) and set both due times.
    4. Audit; make sure the worker's SLA sweep is running (after commit).
    """
    now = now or timezone.now()
    if type not in TicketType.values:
        raise ValidationFailed(
            f"Unknown ticket type {type!r}.", code="ticket_type_unknown", field="type"
        )
    priority = priority or rules.DEFAULT_PRIORITY[type]
    if priority not in TicketPriority.values:
        raise ValidationFailed(
            f"Unknown priority {priority!r} ({', '.join(TicketPriority.values)}).",
            code="priority_unknown",
            field="priority",
        )
    if channel is None:
        channel = TicketChannel.AGENT if lead is not None else TicketChannel.CALL
    if channel not in TicketChannel.values:
        raise ValidationFailed(
            f"Unknown channel {channel!r}.", code="channel_unknown", field="channel"
        )
    order_number = (order_number or "").strip()
    if order is None and order_number and type != TicketType.ORDER_NOT_FOUND:
        order = order_by_number(order_number, field="order_number")
    if order is not None and order.customer_id != customer.pk:
        raise ValidationFailed(
            "That order belongs to another customer.",
            code="order_customer_mismatch",
            field="order_number",
        )
    if type == TicketType.PRICE_DISPUTE and order is None:
        raise ValidationFailed(
            "A price dispute is about an order: give its order number (M9).",
            code="order_required",
            field="order_number",
        )
    policy = SlaPolicy.in_force(type, priority, now)
    ticket = Ticket(
        type=type,
        customer=customer,
        lead=lead,
        order=order,
        order_number=(order.number if order is not None else order_number)[:20],
        notes=notes or "",
        created_by=_person(created_by),
        channel=channel,
        priority=priority,
        assignee=assignee if _is_cx(assignee) else None,
        sla_policy=policy if policy.pk else None,
        first_response_minutes=policy.first_response_minutes,
        resolution_minutes=policy.resolution_minutes,
        first_response_due_at=now + dt.timedelta(minutes=policy.first_response_minutes),
        resolution_due_at=now + dt.timedelta(minutes=policy.resolution_minutes),
    )
    ticket.sla_next_due_at = ticket.first_response_due_at
    ticket.save()
    if now != ticket.created_at:
        Ticket.objects.filter(pk=ticket.pk).update(created_at=now)
        ticket.created_at = now
    audit.record(
        "ticket.open",
        ticket,
        after={
            **_view(ticket),
            "sla_policy": policy.pk,
            "resolution_due_at": ticket.resolution_due_at,
        },
        actor=created_by,
    )
    events.announce("ticket.opened", ticket)
    return ticket
