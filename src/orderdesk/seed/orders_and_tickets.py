"""Demo orders in every state and demo CX tickets, through the real actions.

Orders go through ``create_order`` and ``transition`` (``orders.seeding``), so their
history, audit events and customer messages are real; tickets go through the cx
actions (``cx.seeding``). Both are idempotent: a second run adds nothing.
"""

from __future__ import annotations

import random

from orderdesk.accounts.choices import Role
from orderdesk.accounts.models import User
from orderdesk.customers.models import Customer
from orderdesk.cx.models import Ticket
from orderdesk.cx.seeding import seed_tickets
from orderdesk.flows.orders import place_order
from orderdesk.orders.models import Order
from orderdesk.orders.seeding import seed_orders
from orderdesk.seed.people import DEMO_CUSTOMERS

ORDERS_SEED = 20241123


def seed_demo_orders_and_tickets(stats: dict) -> None:
    rng = random.Random(ORDERS_SEED)
    agents = list(
        User.objects.filter(role__in=[Role.SALES, Role.CX], is_active=True).order_by("pk")
    )
    # Customers without an open order yet (the leads step gave some of them leads).
    customers = list(Customer.objects.filter(orders__isnull=True).order_by("pk")[:DEMO_CUSTOMERS])
    seed_orders(customers, agents, rng=rng, place=place_order)
    orders = list(Order.objects.select_related("customer").order_by("pk"))
    seed_tickets(list(Customer.objects.order_by("pk")[:DEMO_CUSTOMERS]), agents, orders, rng=rng)
    stats["orders"] = Order.objects.count()
    stats["tickets"] = Ticket.objects.count()
