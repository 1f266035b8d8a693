"""Ticket reads shared by the console and the API: queues, the ticket page, look-ups."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from orderdesk.cx import rules
from orderdesk.cx.choices import (
    ACTIVE_STATUSES,
    PRIORITY_RANK,
    ActionKind,
    TicketStatus,
)
from orderdesk.cx.models import Ticket, TicketAction

QUEUES = ("mine", "unassigned", "breaching", "follow_ups", "escalated")


def _tickets() -> QuerySet[Ticket]:
    return Ticket.objects.select_related(
        "customer", "order", "assignee", "escalated_to", "lead"
    ).annotate(
        priority_rank=Case(
            *[When(priority=p, then=Value(r)) for p, r in PRIORITY_RANK.items()],
            output_field=IntegerField(),
        )
    )


def my_tickets(agent) -> QuerySet[Ticket]:
    """The agent's active tickets, the most urgent deadline first."""
    return (
        _tickets()
        .filter(assignee=agent, status__in=ACTIVE_STATUSES)
        .order_by("sla_next_due_at", "priority_rank", "created_at")
    )


def unassigned_tickets() -> QuerySet[Ticket]:
    """Active tickets nobody has taken, by priority then deadline."""
    return (
        _tickets()
        .filter(assignee__isnull=True, status__in=ACTIVE_STATUSES)
        .order_by("priority_rank", "sla_next_due_at", "created_at")
    )


def breaching_soon(
    now: dt.datetime | None = None, within: dt.timedelta | None = None
) -> QuerySet[Ticket]:
    """C2: active tickets whose next deadline falls within ``within`` (default an hour),
    overdue ones included (the sweep escalates those)."""
    now = now or timezone.now()
    horizon = now + (within or rules.BREACHING_SOON)
    return (
        _tickets()
        .filter(sla_next_due_at__isnull=False, sla_next_due_at__lte=horizon)
        .order_by("sla_next_due_at")
    )


def follow_ups_due(agent=None, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """C3: resolved tickets whose post-resolution follow-up is due (the agent's, or all)."""
    now = now or timezone.now()
    qs = _tickets().filter(
        status=TicketStatus.RESOLVED,
        follow_up_due_at__lte=now,
        follow_up_done_at__isnull=True,
    )
    if agent is not None:
        qs = qs.filter(resolved_by=agent)
    return qs.order_by("follow_up_due_at")


def escalation_queue(supervisor=None) -> QuerySet[Ticket]:
    """C2: escalated tickets (to ``supervisor``, or all), oldest escalation first."""
    qs = _tickets().filter(status=TicketStatus.ESCALATED)
    if supervisor is not None:
        qs = qs.filter(escalated_to=supervisor)
    return qs.order_by("escalated_at", "pk")


def queue(name: str, user) -> QuerySet[Ticket]:
    return {
        "mine": lambda: my_tickets(user),
        "unassigned": unassigned_tickets,
        "breaching": breaching_soon,
        "follow_ups": lambda: follow_ups_due(user),
        "escalated": escalation_queue,
    }[name]()


def ticket_detail(pk: int) -> Ticket | None:
    return (
        _tickets()
        .select_related(
            "order__slot", "order__vendor", "order__variant__model__brand", "csat", "resolved_by"
        )
        .filter(pk=pk)
        .first()
    )


def ticket_actions(ticket: Ticket) -> QuerySet[TicketAction]:
    return ticket.actions.select_related("actor").order_by("at", "id")


def steps_done(ticket: Ticket) -> set[str]:
    """The C1 steps recorded in the ticket's current round."""
    return set(
        ticket.actions.filter(
            round=ticket.round, kind__in=[ActionKind.LISTEN, ActionKind.APOLOGISE, ActionKind.ACT]
        ).values_list("kind", flat=True)
    )


def tickets_for_customer(customer) -> QuerySet[Ticket]:
    return _tickets().filter(customer=customer).order_by("-created_at")


def sla_view(ticket: Ticket, now: dt.datetime | None = None) -> dict:
    """C2 clocks as the console and the API show them."""
    now = now or timezone.now()
    paused = ticket.status == TicketStatus.WAITING_ON_CUSTOMER

    def clock(due, met, breached):
        if breached:
            return {"state": "breached", "due_at": due, "at": breached}
        if met:
            return {"state": "met", "due_at": due, "at": met}
        if due is None:
            return {"state": "none", "due_at": None}
        if paused:
            return {
                "state": "paused",
                "due_at": due,
                "left_minutes": int((due - ticket.paused_at).total_seconds() // 60),
            }
        left = int((due - now).total_seconds() // 60)
        return {"state": "running" if left >= 0 else "overdue", "due_at": due, "left_minutes": left}

    resolved = (
        ticket.resolved_at
        if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        else None
    )
    return {
        "policy_version": ticket.sla_policy.version if ticket.sla_policy_id else 0,
        "first_response_minutes": ticket.first_response_minutes,
        "resolution_minutes": ticket.resolution_minutes,
        "first_response": clock(
            ticket.first_response_due_at,
            ticket.first_responded_at,
            ticket.first_response_breached_at,
        ),
        "resolution": clock(ticket.resolution_due_at, resolved, ticket.resolution_breached_at),
        "paused": paused,
        "paused_seconds": ticket.paused_seconds,
    }
