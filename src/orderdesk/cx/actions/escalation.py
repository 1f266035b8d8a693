"""C2: waiting on the customer (the clock pauses), resuming, escalating by hand."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from orderdesk.core.errors import Conflict, ValidationFailed
from orderdesk.core.language import english
from orderdesk.cx import rules
from orderdesk.cx.actions._blocks import (
    StepResult,
    _check_may_work,
    _end_pause,
    _lock,
    _move,
    _record,
    _require_active,
    _save,
    _take,
    _view,
)
from orderdesk.cx.choices import (
    ActionKind,
    EscalationKind,
    TicketStatus,
)
from orderdesk.cx.selectors import supervisor_for

S = TicketStatus
K = ActionKind


@transaction.atomic
def wait_on_customer(ticket, *, actor, text: str, now=None) -> StepResult:
    """C2: we asked the customer for something; the SLA clock pauses until they reply."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    _check_may_work(ticket, actor, K.WAIT)
    _require_active(ticket)
    if rules.trivial_text(text):
        raise ValidationFailed(
            "Say what you asked the customer for (a few words at least).",
            code="text_required",
            field="text",
        )
    before = _view(ticket)
    _take(ticket, actor, now)
    frm = _move(ticket, S.WAITING_ON_CUSTOMER)
    ticket.paused_at = now
    ticket.waited_on_customer = True
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
    action = _record(ticket, K.WAIT, actor, text=text, frm=frm, now=now)
    _save(ticket, before, actor, "wait")
    return StepResult(ticket, action)


@transaction.atomic
def resume_ticket(ticket, *, actor, text: str = "", now=None) -> StepResult:
    """C2: the customer replied; the clock runs again and the deadlines move on by the pause."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    _check_may_work(ticket, actor, K.RESUME)
    if ticket.status != S.WAITING_ON_CUSTOMER:
        raise Conflict(
            "This ticket is not waiting on the customer.", code="ticket_not_waiting", field="kind"
        )
    before = _view(ticket)
    paused = _end_pause(ticket, now)
    frm = _move(ticket, S.IN_PROGRESS)
    action = _record(
        ticket, K.RESUME, actor, text=text, frm=frm, data={"paused_seconds": paused}, now=now
    )
    _save(ticket, before, actor, "resume", paused_seconds=paused)
    return StepResult(ticket, action)


@transaction.atomic
def escalate_ticket(ticket, *, actor, text: str, now=None) -> StepResult:
    """C2: an agent escalates to a supervisor by hand, with a reason. Once per ticket: an
    escalated ticket (by hand or by the SLA sweep) is with a supervisor already."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    _check_may_work(ticket, actor, K.ESCALATE)
    _require_active(ticket)
    if rules.trivial_text(text):
        raise ValidationFailed(
            "Escalation needs a reason: say why you cannot resolve it (C2).",
            code="escalation_reason_required",
            field="text",
        )
    if ticket.escalated_at is not None:
        raise Conflict(
            f"This ticket was already escalated ({english(EscalationKind(ticket.escalation_kind).label).lower()}) "
            f"to {ticket.escalated_to or 'the supervisors'}.",
            code="already_escalated",
            field="kind",
        )
    before = _view(ticket)
    _take(ticket, actor, now)
    if ticket.status == S.WAITING_ON_CUSTOMER:
        _end_pause(ticket, now)
    frm = _move(ticket, S.ESCALATED)
    ticket.escalated_at = now
    ticket.escalation_kind = EscalationKind.MANUAL
    ticket.escalation_reason = text.strip()[:500]
    ticket.escalated_to = supervisor_for(ticket)
    action = _record(
        ticket,
        K.ESCALATE,
        actor,
        text=text,
        frm=frm,
        data={"escalated_to": ticket.escalated_to_id, "kind": EscalationKind.MANUAL},
        now=now,
    )
    _save(ticket, before, actor, "escalate", reason=ticket.escalation_reason)
    return StepResult(ticket, action)
