"""Shared builders for the lifecycle tests (no tests here; the test_lifecycle_* modules import them).

Orders are put in a state the real way: ``create_order``, then the table's own
shortest path (``transitions.path_to``) driven through ``lifecycle.transition``,
so every order a test sees has a true history and real outbox messages.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from orderdesk.accounts.choices import Role
from orderdesk.catalog.models import PickupSlot
from orderdesk.core.context import CustomerActor
from orderdesk.core.models import AuditEvent
from orderdesk.core.timeutil import today_ist
from orderdesk.messaging.models import Message
from orderdesk.orders import lifecycle
from orderdesk.orders import transitions as table
from orderdesk.orders.actions import create_order
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import Order, OrderEvent
from orderdesk.orders.transitions import ActorRole, CancellationReason, PickupFailureReason
from orderdesk.testing.factories import make_user

S = OrderStatus
_phones = itertools.count(1)


def next_phone() -> str:
    return f"97{next(_phones):08d}"


@pytest.fixture
def spare_slot(catalog):
    """A roomy slot the day after tomorrow, for reschedules."""
    return PickupSlot.objects.create(
        city=catalog["city"],
        date=today_ist() + dt.timedelta(days=2),
        window_start=dt.time(10),
        window_end=dt.time(13),
        capacity=50,
    )


@pytest.fixture
def quickpick_client(catalog):
    """The vendor API client of the catalog's vendor (the one that covers 560034)."""
    return make_user(Role.VENDOR, "quickpick-client", vendor=catalog["vendor"])


@pytest.fixture
def actors(cast, quickpick_client):
    """One user per lifecycle role (None is the platform), plus roles with no part in it."""
    return {
        ActorRole.OPS: cast["ops"],
        ActorRole.VENDOR: quickpick_client,
        ActorRole.CX: cast["cx"],
        ActorRole.SYSTEM: None,
    }


def actor_for(actors: dict, role, order: Order):
    """The actor of ``role`` for ``order``: the customer acts only as the order's own customer."""
    if role == ActorRole.CUSTOMER:
        return CustomerActor(order.customer_id)
    return actors[role]


@pytest.fixture
def new_order(cast, catalog, order_request):
    """new_order(**changes) -> a fresh agent order (its own customer) in ``created``."""

    def build(**changes):
        changes.setdefault("customer_phone", next_phone())
        changes.setdefault("slot_id", catalog["morning"].pk)
        return create_order(order_request(**changes), actor=cast["sales"], channel="agent")

    return build


def inputs_for(frm, to, order: Order, *, role=ActorRole.OPS, slot=None) -> dict:
    """Valid inputs for the move ``frm`` → ``to`` made by ``role``.

    Every input name the table uses must have a case here: a new input makes this
    raise, so a move with new inputs cannot go untested.
    """
    move = table.TRANSITIONS[(frm, to)]
    values: dict = {}
    for name in move.required:
        if name == "reason":
            allowed = move.reasons
            if move.cancels:
                allowed = [
                    r
                    for r in allowed
                    if r in (table.cancel_reasons_for(role, frm) or allowed)
                    and r not in (CancellationReason.DUPLICATE, CancellationReason.OTHER)
                ]
            else:
                allowed = [r for r in allowed if r != PickupFailureReason.OTHER]
            values["reason"] = allowed[0]
        elif name == "final_price":
            values["final_price"] = order.estimated_price - 2000
        elif name == "notes":
            values["notes"] = "Screen has two deep scratches; body fine."
        elif name == "reference":
            values["reference"] = "UTR4455667788"
        elif name == "slot_id":
            values["slot_id"] = slot.pk
        else:  # pragma: no cover - a new input must be taught to the tests
            raise AssertionError(f"the tests do not know how to fill input {name!r}")
    return values


def drive(order: Order, target, *, actor, slot=None) -> Order:
    """Walk ``order`` to ``target`` along the table's shortest path, as ``actor`` (ops by default)."""
    for to in table.path_to(S(target), S(order.status)):
        frm = order.status
        if to == S.PAID and table.price_needs_acceptance(order.estimated_price, order.final_price):
            lifecycle.accept_final_price(order, actor=actor, notes="Customer agreed at the door.")
        order = lifecycle.transition(
            order, to, actor=actor, **inputs_for(frm, to, order, slot=slot)
        )
    return order


def picture(order: Order) -> dict:
    """Everything a refused action must leave as it was."""
    row = Order.objects.filter(pk=order.pk).values().get()
    row.pop("updated_at")
    return {
        "order": row,
        "slots": dict(PickupSlot.objects.values_list("pk", "booked")),
        "events": OrderEvent.objects.filter(order=order).count(),
        "messages": Message.objects.filter(order_number=order.number).count(),
        "audit": AuditEvent.objects.count(),
    }
