"""CX ticket writes (minimal: what D6 needs). Atomic and audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from orderdesk.core import audit
from orderdesk.core.errors import Conflict, ValidationFailed
from orderdesk.cx.choices import TicketStatus, TicketType
from orderdesk.cx.models import Ticket


def _view(ticket: Ticket) -> dict:
    return {
        "type": ticket.type,
        "status": ticket.status,
        "customer": ticket.customer_id,
        "lead": ticket.lead_id,
        "order_number": ticket.order_number,
    }


@transaction.atomic
def open_ticket(
    *,
    type: str,
    customer,
    lead=None,
    order_number: str = "",
    notes: str = "",
    created_by=None,
) -> Ticket:
    """Open a CX case. ``type`` is one of ``TicketType`` (SPEC §11 ticket types)."""
    if type not in TicketType.values:
        raise ValidationFailed(
            f"Unknown ticket type {type!r}.", code="ticket_type_unknown", field="type"
        )
    ticket = Ticket.objects.create(
        type=type,
        customer=customer,
        lead=lead,
        order_number=(order_number or "")[:20],
        notes=notes or "",
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
    )
    audit.record("ticket.open", ticket, after=_view(ticket), actor=created_by)
    return ticket


@transaction.atomic
def resolve_order_not_found(
    ticket: Ticket, *, order=None, resolved_by=None, resolution: str = ""
) -> Ticket:
    """D6: CX has checked the customer's claim to have ordered.

    1. Lock the ticket; it must be an open ``order_not_found`` case.
    2. Order found (``order`` given): the lead moves to Already Placed an Order (closed for
       sales, D5). No order: the lead's block is released and it goes back to sales.
    3. Resolve the ticket, audit both.
    """
    from orderdesk.leads.actions import settle_order_not_found

    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.type != TicketType.ORDER_NOT_FOUND or ticket.status != TicketStatus.OPEN:
        raise Conflict(
            f"Ticket #{ticket.pk} is not an open 'order not found' case.",
            code="ticket_not_open",
            field="ticket",
        )
    before = _view(ticket)
    if ticket.lead_id:
        settle_order_not_found(ticket.lead, order=order, actor=resolved_by)
    ticket.status = TicketStatus.RESOLVED
    ticket.resolved_at = timezone.now()
    ticket.resolved_by = resolved_by if getattr(resolved_by, "is_authenticated", False) else None
    ticket.order_number = order.number if order is not None else ticket.order_number
    ticket.resolution = resolution or (
        f"Order {order.number} found." if order is not None else "No order found; back to sales."
    )
    ticket.save(
        update_fields=[
            "status",
            "resolved_at",
            "resolved_by",
            "order_number",
            "resolution",
            "updated_at",
        ]
    )
    audit.record("ticket.resolve", ticket, before=before, after=_view(ticket), actor=resolved_by)
    return ticket
