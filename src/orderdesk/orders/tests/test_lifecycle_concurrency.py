# ruff: noqa: F811  (the shared fixtures are imported from test_lifecycle_support and used as arguments)
"""O2 on PostgreSQL with real threads: two orders rescheduled into the last place of a slot at
the same instant — exactly one wins, the other is refused ``slot_unavailable`` with nothing
changed, and the slot is never overbooked. The same for two people moving one order at once:
the row lock serialises them and the table refuses the second."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from orderdesk.catalog.models import PickupSlot
from orderdesk.core.errors import DomainError
from orderdesk.core.timeutil import today_ist
from orderdesk.orders import lifecycle
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import Order, OrderEvent
from orderdesk.orders.tests.test_lifecycle_support import (  # noqa: F401  (fixtures)
    drive,
    new_order,
    quickpick_client,
    spare_slot,
)

S = OrderStatus
ROUNDS = 10


def race(*calls):
    """Run each call in its own thread (own connection), released together; return results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = ("ok", call())
        except DomainError as exc:
            results[i] = ("refused", exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


# Skipped before any fixture runs (no transactional database set up and flushed for nothing).
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrency needs PostgreSQL (DATABASE_URL=postgres://…)",
)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_o2_two_bookings_of_the_last_place_exactly_one_wins(cast, catalog, new_order, spare_slot):
    ops = cast["ops"]
    PickupSlot.objects.filter(pk=catalog["morning"].pk).update(capacity=1000)
    for round_no in range(ROUNDS):
        last = PickupSlot.objects.create(
            city=catalog["city"],
            date=today_ist() + dt.timedelta(days=3),
            window_start=dt.time(6 + round_no),
            window_end=dt.time(7 + round_no),
            capacity=1,
        )
        a, b = (
            drive(new_order(slot_id=catalog["morning"].pk), S.PICKUP_FAILED, actor=ops)
            for _ in range(2)
        )
        results = race(
            lambda a=a, last=last: lifecycle.transition(
                a, S.PICKUP_SCHEDULED, actor=ops, slot_id=last.pk
            ),
            lambda b=b, last=last: lifecycle.transition(
                b, S.PICKUP_SCHEDULED, actor=ops, slot_id=last.pk
            ),
        )
        outcomes = sorted(r[0] if r[0] == "ok" else r[1] for r in results)
        assert outcomes == ["ok", "slot_unavailable"], f"round {round_no}: {results}"
        last.refresh_from_db()
        assert last.booked == last.capacity == 1
        holders = Order.objects.filter(slot=last)
        assert holders.count() == 1 and holders.get().status == S.PICKUP_SCHEDULED
        loser = Order.objects.get(pk=(b if holders.get().pk == a.pk else a).pk)
        assert (loser.status, loser.slot_id) == (S.PICKUP_FAILED, None)  # unchanged


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_o1_two_people_moving_one_order_at_once_are_serialised(
    cast, catalog, new_order, quickpick_client
):
    ops = cast["ops"]
    PickupSlot.objects.filter(pk=catalog["morning"].pk).update(capacity=1000)
    for round_no in range(ROUNDS):
        order = drive(new_order(), S.OUT_FOR_PICKUP, actor=ops)
        results = race(
            lambda order=order: lifecycle.transition(
                order, S.INSPECTED, actor=quickpick_client, final_price=40000, notes="scratches"
            ),
            lambda order=order: lifecycle.transition(
                order, S.CANCELLED, actor=cast["cx"], reason="customer_request"
            ),
        )
        outcomes = sorted(r[0] if r[0] == "ok" else r[1] for r in results)
        # the second to take the lock sees the first's status: from inspected a customer may
        # still cancel; from cancelled nothing moves
        stored = Order.objects.get(pk=order.pk)
        moves = list(
            OrderEvent.objects.filter(order=order, kind="transition", from_status=S.OUT_FOR_PICKUP)
        )
        assert len(moves) == 1, f"round {round_no}: two moves left out_for_pickup: {results}"
        if outcomes == ["illegal_transition", "ok"]:
            assert stored.status == S.CANCELLED
        else:
            assert outcomes == ["ok", "ok"] and stored.status == S.CANCELLED
            assert moves[0].to_status == S.INSPECTED
        assert stored.slot_id is None
