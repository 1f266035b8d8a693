"""D6: CX's finding on an "order not found" case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from orderdesk.core.errors import Conflict, ValidationFailed
from orderdesk.cx import rules
from orderdesk.cx.actions._blocks import (
    StepResult,
    _check_may_work,
    _check_outcome,
    _lock,
    _move,
    _record,
    _require_active,
    _take,
)
from orderdesk.cx.actions.resolution import _resolve
from orderdesk.cx.choices import (
    ACTIVE_STATUSES,
    ActionKind,
    ActOutcome,
    TicketStatus,
    TicketType,
)
from orderdesk.cx.models import Ticket
from orderdesk.cx.selectors import steps_this_round
from orderdesk.orders.models import Order
from orderdesk.orders.selectors import order_by_number

S = TicketStatus
K = ActionKind


#: D6's effect on the lead (``leads.actions.settle_order_not_found``, passed in by
#: ``flows.order_not_found``: cx never imports leads): ``(lead, *, order, actor)``.
SettleLead = Callable[..., object]


def act_on_order_not_found(
    ticket: Ticket | int,
    *,
    actor,
    text: str = "",
    outcome: str,
    order_number: str = "",
    settle_lead: SettleLead,
    now: dt.datetime | None = None,
) -> StepResult:
    """D6 from the ticket page (an Act ``link_order`` / ``no_order``): the order CX found (by
    number or phone), or none. Called by ``flows.order_not_found.act_on_order_not_found``."""
    if outcome not in (ActOutcome.LINK_ORDER, ActOutcome.NO_ORDER):
        raise ValueError(f"act_on_order_not_found carries out D6 outcomes, not {outcome!r}.")
    now = now or timezone.now()
    ticket_pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    order = None
    if outcome == ActOutcome.LINK_ORDER:
        if not (order_number or "").strip():
            raise ValidationFailed(
                "Give the number of the order you found.", code="required", field="order_number"
            )
        order = order_by_number(order_number.strip(), field="order_number")
    with transaction.atomic():
        locked = _lock(ticket_pk)
        _check_may_work(locked, actor, K.ACT)
        _require_active(locked)
        _check_outcome(locked, outcome)
        refusal = rules.step_refusal(
            K.ACT, ticket_type=locked.type, steps_since_reopen=steps_this_round(locked), text=text
        )
        if refusal and locked.type == TicketType.ORDER_NOT_FOUND:
            raise ValidationFailed(refusal.message, code=refusal.code, field=refusal.field)
        resolve_order_not_found(
            locked,
            order=order,
            resolved_by=actor,
            resolution=text,
            settle_lead=settle_lead,
            now=now,
        )
        locked = Ticket.objects.get(pk=ticket_pk)
        action = locked.actions.filter(kind=K.ACT).order_by("-id").first()
    return StepResult(locked, action)


@transaction.atomic
def resolve_order_not_found(
    ticket: Ticket,
    *,
    order=None,
    resolved_by=None,
    resolution: str = "",
    settle_lead: SettleLead,
    now=None,
) -> Ticket:
    """D6: CX has checked the customer's claim to have ordered.

    1. Lock the ticket; it must be an active ``order_not_found`` case; the order, if given,
       must be the customer's.
    2. Order found (``order`` given): the lead moves to Already Placed an Order (closed for
       sales, D5). No order: the lead's block is released and it goes back to sales. Both
       through ``settle_lead`` (the flow passes ``leads.actions.settle_order_not_found``).
    3. Record the Act (the finding) and resolve the ticket (C1/C3), audit both.
    """
    now = now or timezone.now()
    ticket = _lock(ticket)
    if ticket.type != TicketType.ORDER_NOT_FOUND or ticket.status not in ACTIVE_STATUSES:
        raise Conflict(
            f"Ticket #{ticket.pk} is not an open 'order not found' case.",
            code="ticket_not_open",
            field="ticket",
        )
    _check_may_work(ticket, resolved_by, K.ACT)
    if (
        order is not None
        and getattr(order, "customer_id", ticket.customer_id) != ticket.customer_id
    ):
        raise ValidationFailed(
            "That order belongs to another customer.",
            code="order_customer_mismatch",
            field="order_number",
        )
    if ticket.lead_id:
        settle_lead(ticket.lead, order=order, actor=resolved_by)
    if order is not None:
        ticket.order_number = order.number
        if isinstance(order, Order):
            ticket.order = order
    finding = (
        rules.ORDER_FOUND_FINDING.format(
            number=order.number, status=getattr(order, "status", "open")
        )
        if order is not None
        else rules.NO_ORDER_FINDING
    )
    text = resolution or (
        f"Order {order.number} found; linked."
        if order is not None
        else "No order found; back to sales."
    )
    _take(ticket, resolved_by, now)
    frm = ticket.status
    if ticket.status in (S.OPEN, S.REOPENED):
        _move(ticket, S.IN_PROGRESS)
    _record(
        ticket,
        K.ACT,
        resolved_by,
        text=text,
        outcome=ActOutcome.LINK_ORDER if order is not None else ActOutcome.NO_ORDER,
        frm=frm,
        data={"order": order.number if order is not None else None, "said": finding},
        now=now,
    )
    _resolve(ticket, actor=resolved_by, text=text, now=now)
    return ticket
