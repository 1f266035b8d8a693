"""Demo tickets, worked through the real actions (every rule applies; each write is audited).

``seed_tickets(customers, agents, orders, *, rng)`` gives the CX desk something in every queue:
unassigned and breaching-soon tickets, one in progress, one waiting on the customer, one
escalated by hand (and one the SLA sweep escalated), resolved ones with and without a CSAT
answer, a follow-up due, and a price dispute on a real order. Idempotent: a second run writes nothing once any ticket other than a D6 "order not found" case exists.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.utils import timezone

from orderdesk.accounts.choices import Role
from orderdesk.cx.actions.csat import answer_csat
from orderdesk.cx.actions.opening import open_ticket
from orderdesk.cx.actions.steps import record_action
from orderdesk.cx.choices import TicketType
from orderdesk.cx.models import Ticket
from orderdesk.cx.sla import sweep_sla

LISTEN = [
    "Customer says the pickup partner did not turn up in the morning slot",
    "Customer says the amount was not received after the pickup yesterday",
    "Customer asks when the partner will come and what to keep ready",
    "Customer says the partner was rude and left without inspecting",
]
APOLOGY = "I'm sorry for the inconvenience this has caused you. Thank you for telling us."
ACT = [
    "Booked the next slot with the vendor and confirmed it to the customer by SMS",
    "Checked with ops: payment re-initiated, reference shared with the customer",
    "Explained the inspection steps and the documents to keep ready",
]

# (ticket type, priority, what happens to it, opened this many minutes ago)
PLAN = [
    (TicketType.PICKUP_ISSUE, "urgent", "unassigned", 5),
    (TicketType.COMPLAINT, "high", "breaching", 20),
    (TicketType.INQUIRY, "normal", "in_progress", 30),
    (TicketType.PAYMENT_ISSUE, "high", "waiting", 90),
    (TicketType.COMPLAINT, "normal", "escalated", 120),
    (TicketType.PICKUP_ISSUE, "high", "sla_breached", 600),
    (TicketType.INQUIRY, "low", "resolved_rated", 300),
    (TicketType.COMPLAINT, "normal", "follow_up_due", 2 * 24 * 60),
    (TicketType.INQUIRY, "normal", "unassigned", 15),
]


def seed_tickets(
    customers, agents, orders, *, rng: random.Random, now: dt.datetime | None = None
) -> dict:
    """Create the demo tickets; returns a count per scenario (``{"price_dispute": 1, …}``)."""
    now = now or timezone.now()
    cx_agents = [a for a in agents if getattr(a, "role", None) == Role.CX and a.is_active]
    if not cx_agents:
        return {}
    if Ticket.objects.exclude(type=TicketType.ORDER_NOT_FOUND).exists():
        return {}  # already seeded (D6 cases come from the leads demo and do not count)
    pool = list(customers)
    made: Counter = Counter()
    for (ticket_type, priority, scenario, age), customer in zip(PLAN, pool, strict=False):
        agent = rng.choice(cx_agents)
        opened = now - dt.timedelta(minutes=age)
        ticket = open_ticket(
            type=ticket_type,
            customer=customer,
            channel=rng.choice(["call", "call", "whatsapp", "app"]),
            priority=priority,
            notes=rng.choice(LISTEN),
            created_by=agent,
            now=opened,
        )
        _work(ticket, scenario, agent, opened, now, rng)
        made[scenario] += 1
    disputed = _price_dispute(orders, cx_agents, now, rng)
    if disputed:
        made["price_dispute"] += 1
    sweep_sla(now=now)  # the overdue ones escalate, as the worker would have done
    return dict(made)


def _step(ticket, kind, agent, at, text="", **extra):
    return record_action(ticket, kind=kind, actor=agent, text=text, now=at, **extra)


def _work(ticket, scenario, agent, opened, now, rng) -> None:
    minute = dt.timedelta(minutes=1)
    if scenario in ("unassigned", "breaching", "sla_breached"):
        return
    _step(ticket, "listen", agent, opened + 2 * minute, ticket.notes)
    if scenario == "in_progress":
        return
    if ticket.type != TicketType.INQUIRY:
        _step(ticket, "apologise", agent, opened + 3 * minute, APOLOGY)
    if scenario == "waiting":
        _step(
            ticket,
            "wait",
            agent,
            opened + 4 * minute,
            "Asked the customer for the UPI transaction screenshot",
        )
        return
    if scenario == "escalated":
        _step(
            ticket,
            "escalate",
            agent,
            opened + 5 * minute,
            "Customer asks for compensation beyond what CX may offer",
        )
        return
    _step(ticket, "act", agent, opened + 6 * minute, rng.choice(ACT))
    _step(
        ticket,
        "resolve",
        agent,
        opened + 8 * minute,
        "Fixed and confirmed with the customer on the call",
    )
    if scenario == "resolved_rated":
        survey = Ticket.objects.get(pk=ticket.pk).csat
        answer_csat(survey, score=rng.choice([4, 5, 5, 3]), via="link", now=opened + 60 * minute)


def _price_dispute(orders, cx_agents, now, rng) -> Ticket | None:
    """M9: a price dispute on an agent order with consent on record, preferably inspected."""
    candidates = [
        o
        for o in orders
        if o.consent_at
        and o.status not in ("cancelled", "completed", "paid")
        and not Ticket.objects.filter(order=o, type=TicketType.PRICE_DISPUTE).exists()
    ]
    if not candidates:
        return None
    candidates.sort(key=lambda o: (o.status != "inspected", o.pk))
    order = candidates[0]
    agent = rng.choice(cx_agents)
    return open_ticket(
        type=TicketType.PRICE_DISPUTE,
        customer=order.customer,
        order=order,
        channel="call",
        notes="I didn't agree to this price",
        created_by=agent,
        now=now - dt.timedelta(minutes=10),
    )
