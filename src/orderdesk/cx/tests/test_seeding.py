"""The demo tickets: something in every queue, through the real actions; idempotent."""

import random

from orderdesk.accounts.choices import Role
from orderdesk.cx.models import Ticket
from orderdesk.cx.seeding import PLAN, seed_tickets
from orderdesk.testing.factories import make_customer, make_user


def test_seed_tickets_fills_every_queue_and_is_idempotent(cast, order):
    customers = [order.customer] + [
        make_customer(name=f"Customer {i}", phone=f"+9198000000{i:02d}") for i in range(12)
    ]
    agents = [cast["cx"], make_user(Role.CX, "chetan")]
    made = seed_tickets(customers, agents, [order], rng=random.Random(7))
    assert sum(made.values()) == len(PLAN) + 1
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {"open", "in_progress", "waiting_on_customer", "escalated", "resolved"} <= statuses
    assert Ticket.objects.filter(type="price_dispute", order=order).count() == 1
    assert Ticket.objects.filter(escalation_kind="sla_breach").exists()
    assert Ticket.objects.filter(csat__score__isnull=False).count() == 1
    again = seed_tickets(customers, agents, [order], rng=random.Random(7))
    assert sum(again.values()) == 0
    assert Ticket.objects.count() == len(PLAN) + 1
