"""Demo orders in every state of the order's life (O1), made the real way.

``seed_orders(customers, agents, *, rng)`` creates each order with
``orders.actions.create_order`` (an agent's manual order: M1-M5 gates, the
confirmation in the outbox) and walks it through ``orders.lifecycle.transition``
along the table's own path (``transitions.path_to``), so every demo order has a
true history, true slot bookings and the customer's messages in the outbox.

Preconditions: the catalog, service areas (served pincodes, vendors, slots from
today on), the messaging kinds and at least one active ops user exist (the demo
steps ``seed_catalog``, ``seed_areas``, ``seed_teams_and_users``, then customers).
Idempotent in the demo's sense: when orders in every state already exist it
changes nothing and returns the counts.
"""

from __future__ import annotations

import random
from collections import Counter

from django.db import transaction

from orderdesk.accounts.choices import Role
from orderdesk.accounts.models import User
from orderdesk.catalog.models import ConditionQuestion, PickupSlot, ServedPincode, Variant
from orderdesk.catalog.selectors import open_slots
from orderdesk.core.errors import DomainError
from orderdesk.core.timeutil import today_ist
from orderdesk.orders import effects, lifecycle
from orderdesk.orders import transitions as table
from orderdesk.orders.actions import OrderRequest, create_order
from orderdesk.orders.choices import CreationReason, OrderStatus
from orderdesk.orders.models import Order
from orderdesk.orders.transitions import CancellationReason, PickupFailureReason

S = OrderStatus

# How many demo orders end in each state (ops see a busy but readable board).
PLAN: dict[OrderStatus, int] = {
    S.CREATED: 4,
    S.VENDOR_ASSIGNED: 3,
    S.PICKUP_SCHEDULED: 4,
    S.OUT_FOR_PICKUP: 2,
    S.INSPECTED: 2,
    S.PAID: 1,
    S.COMPLETED: 4,
    S.CANCELLED: 3,
    S.PICKUP_FAILED: 2,
}

# Refusals that only mean "this customer or slot will not do": the next customer is tried.
SKIPPABLE = {
    "duplicate_open_order",
    "slot_unavailable",
    "no_vendor_available",
    "sales_contact_closed",
}

FINDINGS = [
    "Minor scratches on the screen, as declared.",
    "Battery health 79%; back glass has a hairline crack.",
    "Matches the description; all accessories in the box.",
    "Dent on the frame near the charging port.",
]


def _answers(variant: Variant, rng: random.Random) -> dict[str, str]:
    questions = ConditionQuestion.objects.filter(
        device_type=variant.model.device_type
    ).prefetch_related("options")
    return {q.key: rng.choice([o.key for o in q.options.all()]) for q in questions}


def _place(customer, rng: random.Random):
    """(served pincode, address fields) for ``customer``: its own served address, else a served locality."""
    served = {
        p.pincode: p for p in ServedPincode.objects.filter(active=True).select_related("city")
    }
    for address in customer.addresses.all():
        if address.pincode in served and served[address.pincode].city.name == address.city:
            return served[address.pincode], {
                "line1": address.line1,
                "line2": address.line2,
                "landmark": address.landmark or "Near the main gate",
                "city": address.city,
                "pincode": address.pincode,
            }
    pincode = rng.choice(sorted(served))
    row = served[pincode]
    return row, {
        "line1": f"{rng.randint(1, 300)}, {rng.choice(['1st', '2nd', '4th', '6th'])} Cross",
        "line2": row.area,
        "landmark": rng.choice(
            ["Opposite the temple", "Next to the bakery", "Behind the bus stop"]
        ),
        "city": row.city.name,
        "pincode": pincode,
    }


def _slot(city_id: int, rng: random.Random, *, today_first: bool) -> PickupSlot | None:
    # The slots an agent could book now (O2): a window of today that has begun is not one, so
    # a seed run in the evening (after 18:00 IST, the day's last window) books tomorrow's.
    slots = list(open_slots(city_id))
    if not slots:
        return None
    if today_first and slots[0].date == today_ist():
        return rng.choice([s for s in slots if s.date == slots[0].date])
    return rng.choice(slots[:12])


def _inputs(order: Order, frm, to, rng: random.Random, *, lower_price: bool) -> dict:
    move = table.TRANSITIONS[(frm, to)]
    values: dict = {}
    for name in move.required:
        if name == "reason":
            values["reason"] = (
                rng.choice([r for r in PickupFailureReason.values if r != "other"])
                if to == S.PICKUP_FAILED
                else rng.choice(
                    [CancellationReason.CUSTOMER_REQUEST, CancellationReason.CUSTOMER_UNREACHABLE]
                )
            )
            values["notes"] = "Demo: " + (
                "could not hand over" if to == S.PICKUP_FAILED else "customer changed plans"
            )
        elif name == "final_price":
            cut = rng.choice([500, 1000, 2500]) if lower_price else 0
            # within the inspected-price band (O4): the demo never needs a band reason
            lowest = effects.band_limits(order.estimated_price)[1]
            values["final_price"] = max(order.estimated_price - cut, lowest)
        elif name == "notes":
            values["notes"] = rng.choice(FINDINGS)
        elif name == "reference":
            values["reference"] = f"UTR{rng.randrange(10**11, 10**12)}"
        elif name == "slot_id":
            city_id = ServedPincode.objects.get(pincode=order.address.pincode).city_id
            slot = _slot(city_id, rng, today_first=False)
            values["slot_id"] = slot.pk if slot else None
    return values


def _walk(order: Order, target: OrderStatus, ops, rng: random.Random) -> Order:
    """Drive ``order`` to ``target`` along the table's path, as ops, like the floor would."""
    lower_price = rng.random() < 0.5
    for to in table.path_to(target):
        frm = order.status
        if to == S.PAID and table.price_needs_acceptance(order.estimated_price, order.final_price):
            lifecycle.accept_final_price(
                order, actor=ops, notes="Customer accepted the inspected price."
            )
        order = lifecycle.transition(
            order, to, actor=ops, **_inputs(order, frm, to, rng, lower_price=lower_price)
        )
    return order


def seed_orders(
    customers,
    agents,
    *,
    rng: random.Random,
    ops=None,
    plan: dict | None = None,
    place=create_order,
) -> dict[str, int]:
    """Create demo orders in every state (``PLAN``), each by ``create_order`` + ``transition``.

    ``customers``: customers to order for (one order each, in turn); ``agents``: the
    sales/CX users who create them (M8: the creator stays on the order); ``ops``: who
    moves them (default: the first active ops user); ``place``: how an order is created
    (the seed passes ``flows.orders.place_order``, so the leads react as in production).
    Returns the count per state.
    """
    plan = plan or PLAN
    have = set(Order.objects.values_list("status", flat=True).distinct())
    if have >= {s.value for s in plan}:
        return dict(Counter(Order.objects.values_list("status", flat=True)))
    ops = ops or User.objects.filter(role=Role.OPS, is_active=True).order_by("pk").first()
    if ops is None:
        raise ValueError("seed_orders needs an active ops user to move the orders")
    agents = list(agents)
    pool = list(customers)
    rng.shuffle(pool)
    made: Counter = Counter()
    targets = [status for status, n in plan.items() for _ in range(n)]
    for index, target in enumerate(targets):
        while pool:
            customer = pool.pop()
            served, address = _place(customer, rng)
            slot = _slot(served.city_id, rng, today_first=index % 2 == 0)
            variants = list(
                Variant.objects.filter(
                    active=True,
                    model__active=True,
                    model__device_type__in=served.device_types.all(),
                ).select_related("model__device_type")
            )
            if slot is None or not variants:
                continue
            variant = rng.choice(variants)
            first = customer.name.split()[0].lower() if customer.name else "customer"
            request = OrderRequest(
                customer_name=customer.name,
                customer_phone=customer.phone,
                slot_id=slot.pk,
                payment_method="upi",
                upi_id=f"{first}{rng.randint(10, 99)}@okaxis",
                variant_id=variant.pk,
                answers=_answers(variant, rng),
                # M1: high_end_assisted only for a model the catalog marks high-end
                reason=rng.choice(
                    [
                        r
                        for r in CreationReason.values
                        if variant.model.high_end or r != CreationReason.HIGH_END_ASSISTED
                    ]
                ),
                consent_confirmed=True,
                consent_statement="Yes, please place the order",
                price_confirmed=True,
                special_instructions=rng.choice(
                    ["", "", "Call before coming", "Ring the bell twice"]
                ),
                **address,
            )
            try:
                with transaction.atomic():
                    order = place(request, actor=agents[index % len(agents)], channel="agent")
                    _walk(order, target, ops, rng)
            except DomainError as exc:
                if exc.code not in SKIPPABLE:
                    raise
                continue  # e.g. an open order for that device already: try the next customer
            made[target.value] += 1
            break
    return dict(made)
