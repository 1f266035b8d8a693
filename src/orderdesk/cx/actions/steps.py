"""C1: Listen, Apologise, Act, and ``record_action``, the one entry point for every step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from orderdesk.core.errors import ValidationFailed
from orderdesk.cx import rules
from orderdesk.cx.actions._blocks import (
    StepResult,
    _check_may_work,
    _check_outcome,
    _end_pause,
    _lock,
    _move,
    _record,
    _require_active,
    _save,
    _take,
    _view,
)
from orderdesk.cx.actions.escalation import escalate_ticket, resume_ticket, wait_on_customer
from orderdesk.cx.actions.resolution import (
    add_note,
    record_follow_up,
    reopen_ticket,
    resolve_ticket,
)
from orderdesk.cx.actions.status import send_order_status_update
from orderdesk.cx.choices import (
    API_ACTION_KINDS,
    ActionKind,
    ActOutcome,
    TicketStatus,
)
from orderdesk.cx.models import Ticket
from orderdesk.cx.selectors import steps_this_round

S = TicketStatus
K = ActionKind


#: Act outcomes another domain carries out (M9: the order is cancelled or its price accepted;
#: D6: the lead is settled). The doors send them through ``flows.tickets.record_ticket_action``;
#: ``record_action`` refuses to carry them out alone.
FLOW_OUTCOMES = (
    ActOutcome.CANCEL_ORDER,
    ActOutcome.CUSTOMER_ACCEPTS,
    ActOutcome.LINK_ORDER,
    ActOutcome.NO_ORDER,
)

#: M9's effect on the order: called with the locked, checked ticket inside the step's
#: transaction; returns the Act's data.
ActEffect = Callable[[Ticket], dict]


def record_action(
    ticket: Ticket | int,
    *,
    kind: str,
    actor,
    text: str = "",
    outcome: str = "",
    order_number: str = "",
    now: dt.datetime | None = None,
) -> StepResult:
    """One step on a ticket, as the API's ``POST /tickets/{id}/actions`` and the console send it.

    ``kind``: listen | apologise | act | escalate | resolve | reopen (SPEC §11) and wait |
    resume | note | follow_up. ``outcome``: for an Act, what the system carries out
    (``ActOutcome``: M9 customer_accepts / cancel_order, D6 link_order / no_order,
    status_update); for a follow-up, ``FollowUpOutcome``. ``order_number``: D6 link_order.
    The M9 and D6 outcomes cross into orders and leads: ``flows.tickets.record_ticket_action``
    carries them out (this function raises ``ValueError`` for them).
    """
    if kind not in API_ACTION_KINDS:
        raise ValidationFailed(
            f"Unknown step {kind!r} ({', '.join(API_ACTION_KINDS)}).",
            code="action_kind_unknown",
            field="kind",
        )
    now = now or timezone.now()
    if kind in (K.LISTEN, K.APOLOGISE, K.ACT):
        _check_step_outcome(kind, outcome)
        if outcome in FLOW_OUTCOMES:
            raise ValueError(
                f"The {outcome!r} Act crosses domains: call flows.tickets.record_ticket_action."
            )
        return _c1_step(ticket, kind=kind, actor=actor, text=text, outcome=outcome, now=now)
    if outcome and kind != K.FOLLOW_UP:
        raise ValidationFailed(
            "Only an Act or a follow-up carries an outcome.",
            code="outcome_not_allowed",
            field="outcome",
        )
    handler = {
        K.ESCALATE: escalate_ticket,
        K.RESOLVE: resolve_ticket,
        K.REOPEN: reopen_ticket,
        K.WAIT: wait_on_customer,
        K.RESUME: resume_ticket,
        K.NOTE: add_note,
    }.get(kind)
    if handler is not None:
        return handler(ticket, actor=actor, text=text, now=now)
    return record_follow_up(ticket, actor=actor, text=text, outcome=outcome, now=now)


def record_act(
    ticket: Ticket | int,
    *,
    actor,
    text: str = "",
    outcome: str,
    effect: ActEffect,
    now: dt.datetime | None = None,
) -> StepResult:
    """C1: an Act whose outcome another domain carries out (M9, called by
    ``flows.disputes.act_on_price_dispute``). The same checks, clocks, ticket action and audit
    event as any Act; ``effect`` runs on the locked, checked ticket inside this transaction
    (before the Act is recorded) and its dict becomes the Act's data."""
    if outcome not in (ActOutcome.CANCEL_ORDER, ActOutcome.CUSTOMER_ACCEPTS):
        raise ValueError(f"record_act carries out M9 outcomes, not {outcome!r}.")
    now = now or timezone.now()
    return _c1_step(
        ticket, kind=K.ACT, actor=actor, text=text, outcome=outcome, now=now, effect=effect
    )


def _check_step_outcome(kind: str, outcome: str) -> None:
    if outcome and kind != K.ACT:
        raise ValidationFailed(
            "Only an Act carries an outcome.", code="outcome_not_allowed", field="outcome"
        )
    if outcome and outcome not in ActOutcome.values:
        raise ValidationFailed(
            f"Unknown outcome {outcome!r} ({', '.join(ActOutcome.values)}).",
            code="outcome_unknown",
            field="outcome",
        )


def _c1_step(
    ticket, *, kind, actor, text, outcome, now, effect: ActEffect | None = None
) -> StepResult:
    with transaction.atomic():
        ticket = _lock(ticket)
        _check_may_work(ticket, actor, kind)
        _require_active(ticket)
        refusal = rules.step_refusal(
            kind, ticket_type=ticket.type, steps_since_reopen=steps_this_round(ticket), text=text
        )
        if refusal:
            raise ValidationFailed(refusal.message, code=refusal.code, field=refusal.field)
        if outcome:
            _check_outcome(ticket, outcome)
        before = _view(ticket)
        _take(ticket, actor, now)
        frm = ticket.status
        if ticket.status == S.WAITING_ON_CUSTOMER:
            _end_pause(ticket, now)  # the customer is back: the clock runs again
        if ticket.status in (S.OPEN, S.REOPENED, S.WAITING_ON_CUSTOMER):
            _move(ticket, S.IN_PROGRESS)
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
        data: dict = {}
        messages: list = []
        if effect is not None:
            data = effect(ticket)
        elif outcome == ActOutcome.STATUS_UPDATE:
            messages = send_order_status_update(ticket.order, actor=actor, ticket=ticket, now=now)
            data = {"messages": [m.pk for m in messages]}
        action = _record(
            ticket, kind, actor, text=text, outcome=outcome, frm=frm, data=data, now=now
        )
        _save(ticket, before, actor, kind, outcome=outcome or None)
    return StepResult(ticket, action, messages)
