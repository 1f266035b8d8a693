"""D6 across cx and leads: CX's finding on an "order not found" case settles the lead.

Order found: the lead moves to Already Placed an Order (closed for sales, D5); no order: the
lead's block is released and it goes back to sales. The ticket's side (lock, checks, the Act,
the resolution and its messages) is ``cx.actions.order_not_found``; the lead's side is
``leads.actions.settle_order_not_found``, passed in, so cx never imports leads. One atomic
block each: a refusal on either side leaves both untouched.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from orderdesk.cx.actions import order_not_found as cx_d6
from orderdesk.cx.actions.steps import StepResult
from orderdesk.cx.models import Ticket
from orderdesk.leads.actions import settle_order_not_found


@transaction.atomic
def resolve_order_not_found(
    ticket: Ticket,
    *,
    order=None,
    resolved_by=None,
    resolution: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """D6: CX has checked the customer's claim to have ordered (``order`` found, or None):
    the lead is settled and the ticket resolved with the finding."""
    return cx_d6.resolve_order_not_found(
        ticket,
        order=order,
        resolved_by=resolved_by,
        resolution=resolution,
        settle_lead=settle_order_not_found,
        now=now,
    )


@transaction.atomic
def act_on_order_not_found(
    ticket: Ticket | int,
    *,
    actor,
    outcome: str,
    text: str = "",
    order_number: str = "",
    now: dt.datetime | None = None,
) -> StepResult:
    """D6 from the ticket page: the Act ``link_order`` (the order ``order_number`` names) or
    ``no_order``, with the C1 checks of any Act, then as ``resolve_order_not_found``."""
    return cx_d6.act_on_order_not_found(
        ticket,
        actor=actor,
        text=text,
        outcome=outcome,
        order_number=order_number,
        settle_lead=settle_order_not_found,
        now=now,
    )
