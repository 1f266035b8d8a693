"""Issue 15 item 4: KPIs stay exact (roll-up = raw) when orders carry several devices, both
in the generated world (a fifth of its pickups carry two devices) and for orders made the
real way (create_order with items, one device returned at inspection)."""

from __future__ import annotations

import datetime as dt

import pytest

from orderdesk.kpis import rollup
from orderdesk.kpis.definitions import Scope, compute_all, compute_all_rollup
from orderdesk.kpis.generate import Sizes, generate
from orderdesk.orders import lifecycle
from orderdesk.orders.actions import ItemRequest, create_order
from orderdesk.orders.models import Order, OrderItem
from orderdesk.testing.factories import agent_order_request

pytestmark = pytest.mark.django_db

END = dt.date(2026, 11, 30)


def figures(results):
    return {r.kpi.key: (r.numerator, r.denominator) for r in results}


def test_rollup_equals_raw_with_multi_device_orders_generated(catalog):
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()
    generate(Sizes(contacts=1500, days=30, end=END, seed=7))
    multi = Order.objects.filter(items__position=2).distinct().count()
    assert multi > 0 and OrderItem.objects.count() > Order.objects.count()
    rollup.rebuild()
    for scope in (Scope(END - dt.timedelta(days=29), END), Scope(END, END)):
        assert figures(compute_all_rollup(scope, refresh=False)) == figures(compute_all(scope))


def test_rollup_equals_raw_after_a_partial_acceptance(catalog, cast):
    from orderdesk.core.timeutil import today_ist
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()
    req = agent_order_request(
        catalog,
        items=[
            ItemRequest(
                variant_id=catalog["v128"].pk, answers={"screen": "flawless", "body": "good"}
            ),
            ItemRequest(
                variant_id=catalog["v256"].pk, answers={"screen": "flawless", "body": "good"}
            ),
        ],
    )
    order = create_order(req, actor=cast["sales"], channel="agent")
    rollup.rebuild()
    scope = Scope(today_ist() - dt.timedelta(days=1), today_ist() + dt.timedelta(days=1))
    before = figures(compute_all(scope))
    for to in ("vendor_assigned", "pickup_scheduled", "out_for_pickup"):
        order = lifecycle.transition(order, to, actor=cast["ops"])
    order = lifecycle.transition(
        order,
        "inspected",
        actor=cast["ops"],
        notes="256 GB returned",
        final_price=50000,
        items=[
            {"position": 1, "outcome": "accepted", "final_price": 50000},
            {"position": 2, "outcome": "returned"},
        ],
    )
    lifecycle.transition(order, "paid", actor=cast["ops"], reference="UTR12345678")
    rollup.refresh()
    after = figures(compute_all(scope))
    assert after == figures(compute_all_rollup(scope, refresh=False))
    # one pickup of two devices is one order in the order KPIs (the duplicate rate counts it once)
    assert after["duplicate_order_rate"][1] == before["duplicate_order_rate"][1]
