"""C2: the SLA sweep (breaches, escalation) and closing resolved tickets (the worker's job)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from orderdesk.core import audit
from orderdesk.cx import rules
from orderdesk.cx.choices import (
    ACTIVE_STATUSES,
    ActionKind,
    EscalationKind,
    TicketStatus,
)
from orderdesk.cx.machine import CLOSING_MACHINE, SLA_ESCALATION_MACHINE, bulk_move, closable
from orderdesk.cx.models import Ticket, TicketAction
from orderdesk.cx.selectors import supervisor_pool

S = TicketStatus
K = ActionKind


@dataclass
class SweepReport:
    examined: int = 0
    first_response_breaches: int = 0
    resolution_breaches: int = 0
    escalated: int = 0
    closed: int = 0
    batches: int = 0
    more_due: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def sweep_sla(
    *, now: dt.datetime | None = None, batch_size: int = 1000, time_budget: float | None = None
) -> SweepReport:
    """C2: stamp breaches, escalate breached tickets to a supervisor (exactly once), and close
    resolved tickets whose reopen window has passed.

    1. Take a batch of active tickets whose next deadline has passed (``sla_next_due_at <=
       now``; index), locked with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so parallel
       sweeps share the work (on SQLite the IMMEDIATE transaction serialises them).
    2. In that transaction, set-based: stamp first-response and resolution breaches (each
       once: ``… IS NULL`` in the WHERE), escalate the ones not yet escalated (``escalated_at
       IS NULL``: exactly once, even against a manual escalation in flight), recompute the next
       deadline, and write one ``sla_breach`` action and one audit event per ticket escalated.
    3. Repeat until nothing is due or the time budget is spent (``more_due`` says so).
    4. Close resolved tickets past ``rules.REOPEN_WINDOW`` with no follow-up owed.
    """
    now = now or timezone.now()
    started = time.monotonic()
    report = SweepReport()
    supervisors = supervisor_pool()
    while True:
        with transaction.atomic():
            due = Ticket.objects.filter(
                sla_next_due_at__lte=now,
                status__in=[s for s in ACTIVE_STATUSES if s != S.WAITING_ON_CUSTOMER],
            ).order_by("sla_next_due_at")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            ids = list(due.values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            report.batches += 1
            report.examined += len(ids)
            _sweep_batch(ids, now, supervisors, report)
        if time_budget is not None and time.monotonic() - started > time_budget:
            report.more_due = Ticket.objects.filter(sla_next_due_at__lte=now).exists()
            break
    report.closed = close_resolved_tickets(now=now)
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _sweep_batch(ids: list[int], now, supervisors: dict, report: SweepReport) -> None:
    """Step 2 of ``sweep_sla``. Call inside the transaction that locked ``ids``."""
    rows = Ticket.objects.filter(pk__in=ids)
    report.first_response_breaches += rows.filter(
        first_responded_at__isnull=True,
        first_response_breached_at__isnull=True,
        first_response_due_at__lte=now,
    ).update(first_response_breached_at=now)
    report.resolution_breaches += rows.filter(
        resolution_breached_at__isnull=True, resolution_due_at__lte=now
    ).update(resolution_breached_at=now)

    to_escalate = list(
        rows.filter(escalated_at__isnull=True, status__in=ACTIVE_STATUSES).values_list(
            "pk",
            "status",
            "assignee__team_id",
            "first_response_breached_at",
            "resolution_breached_at",
        )
    )
    # One move per ticket through SLA_ESCALATION_MACHINE (cx.machine): a conditional
    # UPDATE whose row count decides whether this sweep escalated it (a manual escalation
    # that got there first leaves 0, or its guard sees ``escalated_at`` set), and only the
    # tickets it changed get their sla_breach action and audit event.
    pool = supervisors["active"]
    tickets = Ticket.objects.in_bulk([pk for pk, *_ in to_escalate])
    escalated: list[tuple[int, str, int | None, str]] = []
    for i, (pk, status, team_id, _fr_breach, res_breach) in enumerate(to_escalate):
        supervisor = supervisors["by_team"].get(team_id) or (
            pool[(pk + i) % len(pool)] if pool else None
        )
        if bulk_move(
            SLA_ESCALATION_MACHINE, tickets[pk], S.ESCALATED, now=now, supervisor=supervisor
        ):
            escalated.append(
                (pk, status, supervisor, "resolution" if res_breach else "first response")
            )
    report.escalated += len(escalated)
    if escalated:
        actions = []
        for pk, status, supervisor, which in escalated:
            reason = f"SLA breached ({which} due time passed)."
            actions.append(
                TicketAction(
                    ticket_id=pk,
                    kind=K.SLA_BREACH,
                    text=reason,
                    at=now,
                    round=tickets[pk].round,
                    from_status=status,
                    to_status=S.ESCALATED,
                    data={"escalated_to": supervisor, "breach": which},
                )
            )
            audit.record(
                "ticket.escalate",
                tickets[pk],
                before={"status": status, "escalated_to": None},
                after={
                    "status": S.ESCALATED,
                    "escalated_to": supervisor,
                    "kind": EscalationKind.SLA_BREACH,
                    "reason": reason,
                },
                system=True,
                via="worker",
            )
        TicketAction.objects.bulk_create(actions, batch_size=1000)
    # The next deadline (rules.next_sla_due, in SQL): first response if still pending, else
    # the resolution if not yet breached, else none.
    rows.update(
        sla_next_due_at=Case(
            When(
                first_responded_at__isnull=True,
                first_response_breached_at__isnull=True,
                then=F("first_response_due_at"),
            ),
            When(resolution_breached_at__isnull=True, then=F("resolution_due_at")),
            default=Value(None),
        )
    )


def close_resolved_tickets(*, now=None, limit: int = 10_000) -> int:
    """Resolved tickets past the reopen window, with no follow-up still owed, are closed.

    1. Select the candidates (locked, SKIP LOCKED, on PostgreSQL).
    2. For each, the move ``resolved -> closed`` through ``cx.machine.CLOSING_MACHINE``: its
       guard checks the window and follow-up conditions again, and its conditional UPDATE
       ``WHERE status = resolved`` has the row count decide. A ticket reopened (or otherwise
       changed) since the selection is left alone and gets no close record.
    3. Only the tickets closed here get their close action and audit event.
    """
    now = now or timezone.now()
    cutoff = now - rules.REOPEN_WINDOW
    with transaction.atomic():
        candidates = Ticket.objects.filter(closable(cutoff)).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        tickets = {
            t.pk: t
            for t in candidates[:limit]
            if bulk_move(CLOSING_MACHINE, t, S.CLOSED, now=now, cutoff=cutoff)
        }
        closed_ids = list(tickets)
        if not closed_ids:
            return 0
        TicketAction.objects.bulk_create(
            [
                TicketAction(
                    ticket_id=pk,
                    kind=K.CLOSE,
                    text="Reopen window passed.",
                    at=now,
                    round=tickets[pk].round,
                    from_status=S.RESOLVED,
                    to_status=S.CLOSED,
                )
                for pk in closed_ids
            ]
        )
        for pk in closed_ids:
            audit.record(
                "ticket.close",
                tickets[pk],
                before={"status": S.RESOLVED},
                after={"status": S.CLOSED},
                system=True,
                via="worker",
            )
    return len(closed_ids)
