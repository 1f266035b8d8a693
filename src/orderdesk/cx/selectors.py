"""Ticket reads shared by the console, the API and the actions: queues, the ticket page,
look-ups, the facts CX reads out (M9, order status), the supervisor an escalation goes to."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from orderdesk.accounts.choices import Role
from orderdesk.accounts.models import Team, User
from orderdesk.catalog.models import ConditionOption
from orderdesk.core.language import english, in_language
from orderdesk.core.money import format_inr
from orderdesk.cx import rules
from orderdesk.cx.choices import (
    ACTIVE_STATUSES,
    PRIORITY_RANK,
    ActionKind,
    TicketStatus,
)
from orderdesk.cx.models import Ticket, TicketAction
from orderdesk.orders.choices import Channel, OrderStatus
from orderdesk.orders.models import OrderEvent

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


def steps_this_round(ticket: Ticket) -> set[str]:
    """C1: the steps (Listen, Apologise, Act) recorded in the ticket's current round."""
    return set(
        TicketAction.objects.filter(
            ticket=ticket,
            round=ticket.round,
            kind__in=[ActionKind.LISTEN, ActionKind.APOLOGISE, ActionKind.ACT],
        ).values_list("kind", flat=True)
    )


def condition_in_words(order) -> str:
    """The order's condition answers as the questionnaire words them ("Does it power on? No;
    Screen: Heavy scratches"), in the questionnaire's order, never the raw keys read aloud
    (issue 18). An answer the questionnaire no longer holds is left out."""
    answers = order.answers or {}
    options = ConditionOption.objects.filter(
        question__device_type_id=order.device_model.device_type_id,
        question__key__in=answers.keys(),
    ).select_related("question")
    worded = sorted(
        (o.question.position, o.question.key, o.question.text, o.label)
        for o in options
        if answers.get(o.question.key) == o.key
    )
    return "; ".join(
        f"{text} {label}" if text.rstrip().endswith("?") else f"{text}: {label}"
        for _, _, text, label in worded
    )


def price_dispute_facts(order, *, language: str | None = None) -> dict:
    """M9: what the dispute panel shows — the price confirmation, the consent statement, the
    condition recorded, the inspected price, and the notes of the calls behind the order.
    ``language`` is the customer's: the console reads the script in it (issue 18); the API
    passes none and stays English."""
    condition = condition_in_words(order) or "as described"
    calls = []
    if order.source_lead_id:
        calls = list(
            order.source_lead.contacts.filter(recorded_by_system=False)
            .select_related("agent", "disposition")
            .order_by("at")
        )
    created = OrderEvent.objects.filter(order=order, kind="created").first()
    # The script is read to the customer: in their language (issue 18, docs/decisions.md).
    hindi = rules.script_language(language) == rules.HINDI
    price = format_inr(order.estimated_price)
    if order.consent_at:
        confirmation = (
            rules.CONSENT_CONFIRMATION_HI if hindi else rules.CONSENT_CONFIRMATION
        ).format(
            at=timezone.localtime(order.consent_at).strftime(
                "%d %b %Y, %H:%M" if hindi else "%d %b %Y at %H:%M"
            ),
            price=price,
            statement=order.consent_statement,
        )
    else:
        confirmation = (
            rules.SELF_PLACED_CONFIRMATION_HI if hindi else rules.SELF_PLACED_CONFIRMATION
        ).format(
            channel=in_language(Channel(order.channel).label, "hi" if hindi else "en-in").lower(),
            price=price,
        )
    return {
        "estimated_price": order.estimated_price,
        "final_price": order.final_price,
        "price_confirmed_at": order.price_confirmed_at,
        "consent_statement": order.consent_statement,
        "consent_at": order.consent_at,
        "created_by": order.created_by,
        "condition": condition,
        "calls": calls,
        "created_note": created.note if created else "",
        "script": (rules.PRICE_DISPUTE_SCRIPT_HI if hindi else rules.PRICE_DISPUTE_SCRIPT).format(
            condition=condition, confirmation=confirmation
        ),
        "script_language": rules.script_language(language),
    }


def order_status_facts(order) -> dict:
    """What CX tells a customer who asks where their order is: status, slot and vendor."""
    slot = order.slot
    slot_text = f"{slot.date:%d %b %Y}, {slot.window}" if slot else "not booked yet"
    vendor = order.vendor.name if order.vendor_id else "to be assigned"
    if order.status == OrderStatus.CANCELLED:  # issue 18: no "slot not booked yet" here
        slot_line, vendor_line = "There will be no pickup.", ""
    elif order.status in (OrderStatus.INSPECTED, OrderStatus.PAID, OrderStatus.COMPLETED):
        slot_line = "Our pickup partner has collected the device."
        vendor_line = f"Pickup partner: {vendor}." if order.vendor_id else ""
    else:
        slot_line = f"Pickup: {slot_text}." if slot else "The pickup slot is not booked yet."
        vendor_line = (
            f"Pickup partner: {vendor}."
            if order.vendor_id
            else "A pickup partner will be assigned."
        )
    script = rules.STATUS_SCRIPT.format(
        number=order.display_number,
        status=english(OrderStatus(order.status).label).lower(),  # the script is English
        slot=slot_line,
        vendor=vendor_line,
    )
    return {
        "order_status": order.get_status_display(),
        "pickup_slot": slot_text,
        "vendor_name": vendor,
        "script": " ".join(script.split()),  # no double space where a line is left out
    }


def supervisor_for(ticket: Ticket):
    """The supervisor who gets an escalation: the assignee's team supervisor, else the active
    supervisor with the fewest escalated tickets."""
    team = getattr(ticket.assignee, "team", None) if ticket.assignee_id else None
    if team is not None and team.supervisor_id and team.supervisor.is_active:
        return team.supervisor
    return (
        User.objects.filter(role=Role.SUPERVISOR, is_active=True)
        .annotate(
            load=Count(
                "tickets_escalated_to",
                filter=Q(tickets_escalated_to__status=TicketStatus.ESCALATED),
            )
        )
        .order_by("load", "pk")
        .first()
    )


def supervisor_pool() -> dict:
    """The SLA sweep's escalation targets: active supervisors, and each team's supervisor."""
    active = list(
        User.objects.filter(role=Role.SUPERVISOR, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    by_team = dict(
        Team.objects.filter(
            supervisor__is_active=True, supervisor__role=Role.SUPERVISOR
        ).values_list("pk", "supervisor_id")
    )
    return {"active": active, "by_team": by_team}
