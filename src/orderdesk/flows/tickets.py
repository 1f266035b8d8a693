"""Opening a CX case for a caller who may be new (customers, leads, orders, cx).

The console form and ``POST /api/v1/tickets`` both call ``open_ticket_for_caller``: the
customer (found or created), the lead, the order and the ticket are settled in one
atomic block, so a refused case (M9: a price dispute needs its order; an unknown lead)
leaves no customer row and no audit event behind.
"""

from __future__ import annotations

from django.db import transaction

from orderdesk.accounts.permissions import Perm, require
from orderdesk.core.errors import NotFound, ValidationFailed
from orderdesk.customers.actions import get_or_create_customer
from orderdesk.cx.actions import open_ticket
from orderdesk.cx.choices import TicketType
from orderdesk.cx.models import Ticket
from orderdesk.leads.models import Lead
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
