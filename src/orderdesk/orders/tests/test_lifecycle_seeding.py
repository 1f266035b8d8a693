"""The demo orders: every state of the table, each reached by create_order + transition."""

import datetime as dt
import random

import time_machine

from orderdesk.catalog.models import PickupSlot
from orderdesk.core.timeutil import IST, today_ist
from orderdesk.customers.actions import get_or_create_customer
from orderdesk.messaging.models import Message
from orderdesk.orders import transitions as table
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import Order, OrderEvent
from orderdesk.orders.seeding import PLAN, seed_orders


def test_seed_orders_makes_every_state_with_a_true_history(cast, catalog):
    PickupSlot.objects.update(capacity=100)
    customers = [
        get_or_create_customer(name=f"Demo Customer {i}", phone=f"95{i:08d}")[0] for i in range(40)
    ]
    made = seed_orders(
        customers, [cast["sales"], cast["cx"]], rng=random.Random(7), ops=cast["ops"]
    )

    assert made == {status.value: n for status, n in PLAN.items()}
    assert set(Order.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    for order in Order.objects.all():
        moves = list(
            OrderEvent.objects.filter(order=order, kind="transition")
            .order_by("id")
            .values_list("from_status", "to_status")
        )
        assert all(move in table.TRANSITIONS for move in moves)
        assert (moves[-1][1] if moves else "created") == order.status
        assert Message.objects.filter(
            order_number=order.number, kind__key="order_confirmation"
        ).exists()
    for slot in PickupSlot.objects.all():
        assert slot.booked == Order.objects.filter(slot=slot).count()

    # a second run changes nothing
    again = seed_orders(customers, [cast["sales"]], rng=random.Random(8), ops=cast["ops"])
    assert sum(again.values()) == Order.objects.count() == sum(PLAN.values())


def test_seed_orders_in_the_evening_books_slots_an_agent_could_book(cast, catalog):
    """After the day's last window has begun, the seed still makes every order, in later
    slots. It used to offer today's begun windows first, which create_order refuses
    (slot_unavailable), and so `make demo` run after 18:00 IST made no order at all."""
    today = today_ist()
    begun = [
        PickupSlot.objects.create(
            city=catalog["city"],
            date=today,
            window_start=dt.time(h),
            window_end=dt.time(h + 3),
            capacity=100,
        )
        for h in (9, 12, 15, 18)
    ]
    PickupSlot.objects.update(capacity=100)
    customers = [
        get_or_create_customer(name=f"Evening Customer {i}", phone=f"96{i:08d}")[0]
        for i in range(40)
    ]
    with time_machine.travel(dt.datetime.combine(today, dt.time(21), tzinfo=IST), tick=False):
        made = seed_orders(
            customers, [cast["sales"], cast["cx"]], rng=random.Random(7), ops=cast["ops"]
        )

    assert made == {status.value: n for status, n in PLAN.items()}
    assert not Order.objects.filter(slot__in=begun).exists()
