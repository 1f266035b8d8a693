"""The ticket's state machine on ``core.statemachine`` (issue 14, item 3).

``TICKET_MACHINE`` is ``rules.TICKET_TRANSITIONS`` as a machine: every status change of a
ticket is ``core.statemachine.perform`` over it — the move must be in the table (else 409
``illegal_ticket_transition``), the move's guards run, then the conditional ``UPDATE … WHERE
status = <from>`` whose row count decides (0 rows: 409 ``state_changed``).

A ticket's history is its ``TicketAction`` rows, and each action writes one composite audit
event after all its changes (``ticket.resolve``, ``ticket.escalate``…), as before: so the
machine keeps no history row and writes no audit event of its own (``audit_action=""``);
the caller records the action and the event once the move has happened.

The SLA sweep's two bulk paths (``cx.sla``) use their own machines over the same table,
restricted to their one move each, whose UPDATE also writes the fields the move sets: one
conditional UPDATE per ticket, and only the tickets it moved get their action and audit
event.
"""

from __future__ import annotations

from django.db.models import Q

from orderdesk.core.errors import Conflict
from orderdesk.core.statemachine import Change, Machine, Move, perform
from orderdesk.cx import rules
from orderdesk.cx.choices import ACTIVE_STATUSES, EscalationKind, TicketStatus
from orderdesk.cx.models import Ticket

S = TicketStatus


def _illegal_move(frm: str, to: str) -> Conflict:
    return Conflict(
        f"A ticket cannot go from {frm} to {to}.",
        code="illegal_ticket_transition",
        field="kind",
        extra={"from": frm, "to": to},
    )


TICKET_MACHINE = Machine(
    name="ticket",
    model=Ticket,
    table={(frm, to): Move() for frm, to in rules.TICKET_TRANSITIONS},
    illegal=_illegal_move,
    same_state_noop=True,
    # The UPDATE writes the whole row, as save() would: the check constraints tie the status
    # to paused_at and resolved_at, which the action sets before the move. The caller saves
    # what it changes after the move.
    write_fields=None,
    audit_action="",
)


def move_ticket(ticket: Ticket, to: str) -> str:
    """The one place a ticket's status changes (``TICKET_MACHINE``). Call while holding the
    ticket's row lock, inside the action's transaction; the caller records the action, saves
    and audits. Returns the status it came from (a move to the same status does nothing)."""
    frm = ticket.status
    perform(TICKET_MACHINE, ticket, to)
    return frm


# --- the SLA sweep's bulk moves ---------------------------------------------------------------

#: Refusals that mean "someone else got there first": the bulk path skips the ticket.
SKIPPED = frozenset({"state_changed", "already_escalated"})


def _not_yet_escalated(change: Change) -> None:
    """C2: an SLA breach escalates a ticket exactly once (a manual escalation counts)."""
    if change.obj.escalated_at is not None:
        raise Conflict("This ticket was already escalated.", code="already_escalated")


def _escalate_for_breach(change: Change) -> None:
    ticket, ctx = change.obj, change.context
    ticket.paused_at = None
    ticket.escalated_at = ctx["now"]
    ticket.escalation_kind = EscalationKind.SLA_BREACH
    ticket.escalation_reason = "SLA breached."
    ticket.escalated_to_id = ctx["supervisor"]


_BREACH = Move(guards=(_not_yet_escalated,), effects=(_escalate_for_breach,))

SLA_ESCALATION_MACHINE = Machine(
    name="ticket",
    model=Ticket,
    table={
        (frm, to): _BREACH
        for frm, to in rules.TICKET_TRANSITIONS
        if to == S.ESCALATED and frm in ACTIVE_STATUSES
    },
    illegal=_illegal_move,
    write_fields=(
        "paused_at",
        "escalated_at",
        "escalation_kind",
        "escalation_reason",
        "escalated_to",
    ),
    audit_action="",  # the sweep writes its sla_breach actions and audit events (system)
)


def closable(cutoff) -> Q:
    """Resolved before ``cutoff`` (the reopen window has passed), no follow-up still owed."""
    return Q(status=S.RESOLVED, resolved_at__lte=cutoff) & (
        Q(follow_up_due_at__isnull=True) | Q(follow_up_done_at__isnull=False)
    )


def _still_closable(change: Change) -> None:
    ticket, cutoff = change.obj, change.context["cutoff"]
    owed = ticket.follow_up_due_at is not None and ticket.follow_up_done_at is None
    if ticket.resolved_at is None or ticket.resolved_at > cutoff or owed:
        raise Conflict(
            "This ticket changed since it was selected for closing.", code="state_changed"
        )


def _stamp_closed(change: Change) -> None:
    change.obj.closed_at = change.context["now"]


CLOSING_MACHINE = Machine(
    name="ticket",
    model=Ticket,
    table={(S.RESOLVED, S.CLOSED): Move(guards=(_still_closable,), effects=(_stamp_closed,))},
    illegal=_illegal_move,
    write_fields=("closed_at",),
    audit_action="",  # the closing job writes its close actions and audit events (system)
)


def bulk_move(machine: Machine, ticket: Ticket, to: str, **context) -> bool:
    """One ticket of a bulk path: True if this call moved it, False if another writer got
    there first (the row count decided, or a guard saw it changed)."""
    try:
        perform(machine, ticket, to, context=context)
    except Conflict as refusal:
        if refusal.code in SKIPPED:
            return False
        raise
    return True
