# ruff: noqa: F811  (the shared fixtures are imported from test_lifecycle_support and used as arguments)
"""O1 on the one state-machine helper (core/statemachine.py): the table names each move's
guards and effects, and a move made from a stale picture of the order changes nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from orderdesk.core.errors import Conflict
from orderdesk.core.statemachine import effect_name, perform
from orderdesk.orders import lifecycle
from orderdesk.orders import transitions as table
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import Order
from orderdesk.orders.tests.test_lifecycle_support import (  # noqa: F401  (fixtures)
    new_order,
    picture,
)
from orderdesk.orders.transitions import ActorRole

S = OrderStatus


def test_every_move_that_gives_the_slot_back_names_release_slot_and_no_other_does():
    for (frm, to), move in table.TRANSITIONS.items():
        releases = "release_slot" in [effect_name(e) for e in move.effects]
        assert releases == (not move.holds_slot), (frm, to)


def test_every_move_that_tells_the_customer_names_one_notify_effect_after_the_history_row():
    for (frm, to), move in table.TRANSITIONS.items():
        notifies = [effect_name(e) for e in move.after]
        assert notifies == ([f"notify_customer({move.message!r})"] if move.message else []), (
            frm,
            to,
        )
        assert not any(effect_name(e).startswith("notify_customer") for e in move.effects)


def test_the_machine_reads_the_one_table():
    assert lifecycle.ORDER_MACHINE.table is table.TRANSITIONS


def test_a_move_from_a_stale_picture_changes_nothing(new_order, cast):
    order = new_order()
    stale = Order.objects.get(pk=order.pk)  # read before ops assign a vendor
    lifecycle.transition(order, S.VENDOR_ASSIGNED, actor=cast["ops"])
    before = picture(order)
    with pytest.raises(Conflict) as exc, transaction.atomic():
        # the same move again, from the picture that still says "created" (no lock taken)
        perform(
            lifecycle.ORDER_MACHINE,
            stale,
            S.VENDOR_ASSIGNED,
            actor=cast["ops"],
            context={"role": ActorRole.OPS, "given": {}, "price_band_reason": ""},
        )
    assert exc.value.code == "state_changed"
    assert picture(order) == before
