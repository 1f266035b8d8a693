"""M9 across cx and orders: a price dispute settled by cancelling the order, or by the
customer accepting the price (recorded on the order when an inspection changed it).

The ticket's side (the C1 checks, the clocks, the Act and its audit event) is
``cx.actions.steps.record_act``; the order's side is the order lifecycle (its table, its lock,
its history and the customer's cancellation message). Both happen in one atomic block: a
refused cancellation leaves the ticket untouched, and a refused Act leaves the order.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from orderdesk.cx.actions.steps import StepResult, record_act
from orderdesk.cx.choices import ActOutcome
from orderdesk.cx.models import Ticket
from orderdesk.orders import lifecycle
from orderdesk.orders.choices import CancellationReason


@transaction.atomic
def act_on_price_dispute(
    ticket: Ticket | int,
    *,
    actor,
    outcome: str,
    text: str = "",
    now: dt.datetime | None = None,
) -> StepResult:
    """M9: the Act on a price dispute (``ActOutcome.CANCEL_ORDER`` or ``CUSTOMER_ACCEPTS``).

    1. ``record_act`` locks and checks the ticket (the C1 rules, the outcome allowed for its
       type) and, on the locked ticket, calls the effect below before recording the Act.
    2. ``cancel_order``: the order goes to ``cancelled`` through its lifecycle, reason
       ``price_not_accepted`` (no penalty).
    3. ``customer_accepts``: after an inspection at a price that differs from the estimate,
       the acceptance is recorded on the order (``accept_final_price``, O4); otherwise the
       price was explained and nothing changes on the order.
    """

    def cancel(locked: Ticket) -> dict:
        order = lifecycle.transition(
            locked.order,
            "cancelled",
            actor=actor,
            reason=CancellationReason.PRICE_NOT_ACCEPTED,
            notes=f"{locked.number} (price dispute): {text}"[:500],
        )
        locked.order = order
        return {"order": order.number, "order_status": order.status, "penalty": 0}

    def accept(locked: Ticket) -> dict:
        order = locked.order
        if lifecycle.awaits_price_acceptance(order):
            lifecycle.accept_final_price(order, actor=actor, notes=f"{locked.number}: {text}"[:500])
            return {"order": order.number, "final_price_accepted": order.final_price}
        return {"order": order.number, "price_explained": True}

    effect = cancel if outcome == ActOutcome.CANCEL_ORDER else accept
    return record_act(ticket, actor=actor, text=text, outcome=outcome, effect=effect, now=now)
