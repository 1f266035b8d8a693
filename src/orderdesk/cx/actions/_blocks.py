"""The building blocks every CX write uses (package-private): who may work a ticket, the
row lock, the one status move, the ticket action row, the SLA clock, save-and-audit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from orderdesk.accounts.choices import Role
from orderdesk.accounts.permissions import Perm, has_perm
from orderdesk.core import audit
from orderdesk.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orderdesk.core.language import english
from orderdesk.cx import rules
from orderdesk.cx.choices import (
    ACTIVE_STATUSES,
    ActionKind,
    ActOutcome,
    TicketStatus,
)
from orderdesk.cx.machine import move_ticket
from orderdesk.cx.models import Ticket, TicketAction

S = TicketStatus
K = ActionKind


def _person(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _view(ticket: Ticket) -> dict:
    return {
        "type": ticket.type,
        "status": ticket.status,
        "priority": ticket.priority,
        "customer": ticket.customer_id,
        "lead": ticket.lead_id,
        "order_number": ticket.order_number,
        "assignee": ticket.assignee_id,
        "escalated_to": ticket.escalated_to_id,
    }


def _is_cx(user) -> bool:
    return _person(user) is not None and has_perm(user, Perm.TICKETS_WORK)


def _is_supervisor(user) -> bool:
    return _person(user) is not None and has_perm(user, Perm.ESCALATIONS)


def _check_may_work(ticket: Ticket, actor, kind: str) -> None:
    """S1: CX agents work tickets; supervisors work the escalated ones (and reopen/resolve
    what they escalated-to). ``actor`` None is the system (the sweep)."""
    if actor is None:
        return
    if _is_cx(actor):
        return
    if _is_supervisor(actor) and (
        ticket.status == S.ESCALATED or ticket.escalated_to_id == actor.pk or kind == K.NOTE
    ):
        return
    raise Forbidden(
        "Only CX agents work tickets; supervisors work the ones escalated to them.",
        code="forbidden",
        field="kind",
    )


def _lock(ticket: Ticket | int) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    try:
        return (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("customer", "order", "lead", "assignee")
            .get(pk=pk)
        )
    except Ticket.DoesNotExist:
        raise NotFound(f"Ticket {pk} does not exist.", code="ticket_unknown") from None


def _move(ticket: Ticket, to: str) -> str:
    """The ticket's status moves through ``cx.machine.TICKET_MACHINE`` (the table, the
    conditional UPDATE). Returns the status it came from."""
    return move_ticket(ticket, to)


def _record(
    ticket: Ticket,
    kind: str,
    actor,
    *,
    text: str = "",
    outcome: str = "",
    frm: str = "",
    data: dict | None = None,
    now: dt.datetime,
) -> TicketAction:
    return TicketAction.objects.create(
        ticket=ticket,
        kind=kind,
        outcome=outcome or "",
        text=(text or "").strip(),
        actor=_person(actor),
        at=now,
        round=ticket.round,
        from_status=frm if frm != ticket.status else "",
        to_status=ticket.status if frm != ticket.status else "",
        data=data or {},
    )


def _refresh_next_due(ticket: Ticket) -> None:
    ticket.sla_next_due_at = rules.next_sla_due(
        status=ticket.status,
        first_responded_at=ticket.first_responded_at,
        first_response_due_at=ticket.first_response_due_at,
        first_response_breached_at=ticket.first_response_breached_at,
        resolution_due_at=ticket.resolution_due_at,
        resolution_breached_at=ticket.resolution_breached_at,
    )


def _end_pause(ticket: Ticket, now: dt.datetime) -> int:
    """C2: the clock ran out of the pause: push the pending deadlines on by its length."""
    if ticket.paused_at is None:
        return 0
    paused = max(0, int((now - ticket.paused_at).total_seconds()))
    delta = dt.timedelta(seconds=paused)
    if ticket.first_responded_at is None and ticket.first_response_due_at:
        ticket.first_response_due_at += delta
    if ticket.resolution_breached_at is None and ticket.resolution_due_at:
        ticket.resolution_due_at += delta
    ticket.paused_seconds += paused
    ticket.paused_at = None
    return paused


def _take(ticket: Ticket, actor, now) -> None:
    """The first CX agent to work an unassigned ticket takes it."""
    if ticket.assignee_id is None and _is_cx(actor) and getattr(actor, "role", None) == Role.CX:
        ticket.assignee = actor
        _record(ticket, K.ASSIGN, actor, text=f"Taken by {actor.get_username()}.", now=now)


def _save(ticket: Ticket, before: dict, actor, action: str, **extra) -> None:
    _refresh_next_due(ticket)
    ticket.save()
    audit.record(
        f"ticket.{action}", ticket, before=before, after={**_view(ticket), **extra}, actor=actor
    )


@dataclass
class StepResult:
    """What every step returns: the ticket, the action recorded, the messages queued."""

    ticket: Ticket
    action: TicketAction
    messages: list = field(default_factory=list)


def _require_active(ticket: Ticket) -> None:
    if ticket.status not in ACTIVE_STATUSES:
        raise Conflict(
            f"Ticket {ticket.number} is {english(S(ticket.status).label).lower()}: reopen it first"
            + (
                " (a closed ticket cannot be reopened: open a new one)."
                if ticket.status == S.CLOSED
                else "."
            ),
            code="ticket_not_active",
            field="kind",
            extra={"ticket_status": ticket.status},
        )


def _check_outcome(ticket: Ticket, outcome: str) -> None:
    allowed = rules.act_outcomes_for(ticket.type, has_order=ticket.order_id is not None)
    if outcome not in allowed:
        raise ValidationFailed(
            f"'{english(ActOutcome(outcome).label)}' does not apply to this ticket"
            + (f" (it can: {', '.join(allowed)})." if allowed else "."),
            code="outcome_not_allowed",
            field="outcome",
        )
