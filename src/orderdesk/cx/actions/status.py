"""Order status inquiry (service guidelines §4.6): the update sent to the customer."""

from __future__ import annotations

from django.db import transaction

from orderdesk.core import audit
from orderdesk.core.errors import Forbidden, ValidationFailed
from orderdesk.core.timeutil import today_ist
from orderdesk.cx.actions._blocks import _is_cx
from orderdesk.cx.choices import (
    ActionKind,
    TicketStatus,
)
from orderdesk.cx.models import Ticket
from orderdesk.cx.selectors import order_status_facts
from orderdesk.messaging.actions import enqueue_message

S = TicketStatus
K = ActionKind


@transaction.atomic
def send_order_status_update(order, *, actor, ticket: Ticket | None = None, now=None) -> list:
    """Service guidelines §4.6: send the customer the order's status, slot and vendor.

    Once per order, per set of facts, per IST day (the dedupe key): a double click or a second
    agent sends nothing twice; a change of status, slot or vendor is a new update.
    """
    if order is None:
        raise ValidationFailed(
            "This ticket has no order to give an update on.",
            code="order_required",
            field="order_number",
        )
    if ticket is None and not (_is_cx(actor) or actor is None):
        raise Forbidden("Only CX agents send order updates.", code="forbidden")
    facts = order_status_facts(order)
    key = (
        f"order:{order.number}:status-update:{order.status}:{order.slot_id or 0}:"
        f"{order.vendor_id or 0}:{today_ist():%Y%m%d}"
    )
    messages = enqueue_message(
        customer=order.customer,
        kind="order_status_update",
        context={
            "order_number": order.display_number,  # as read out on the phone (M7)
            **{k: facts[k] for k in ("order_status", "pickup_slot", "vendor_name")},
        },
        order=order,
        dedupe_key=key,
    )
    audit.record(
        "order.status_update_sent",
        order,
        after={
            "ticket": ticket.pk if ticket else None,
            "messages": [m.pk for m in messages],
            **{k: facts[k] for k in ("order_status", "pickup_slot", "vendor_name")},
        },
        actor=actor,
    )
    return messages
