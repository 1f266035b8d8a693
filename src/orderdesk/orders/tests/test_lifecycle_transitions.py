# ruff: noqa: F811  (the shared fixtures are imported from test_lifecycle_support and used as arguments)
"""O1: every move the table allows works for every role it names; every other move and role is
refused with nothing changed. GENERATED from ``transitions.TRANSITIONS``: a new state or move
is tested without anyone writing a test for it."""

from __future__ import annotations

import pytest

from orderdesk.catalog.models import PickupSlot
from orderdesk.core.errors import Conflict, Forbidden
from orderdesk.core.models import AuditEvent
from orderdesk.messaging.models import Message
from orderdesk.orders import lifecycle
from orderdesk.orders import transitions as table
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import Order, OrderEvent
from orderdesk.orders.tests.test_lifecycle_support import (  # noqa: F401  (fixtures)
    actor_for,
    actors,
    drive,
    inputs_for,
    new_order,
    picture,
    quickpick_client,
    spare_slot,
)
from orderdesk.orders.transitions import ActorRole

S = OrderStatus

ALLOWED = [
    pytest.param(frm, to, role, id=f"{frm}->{to}-by-{role}")
    for (frm, to), move in table.TRANSITIONS.items()
    for role in ActorRole
    if role in move.roles
]
ROLE_REFUSED = [
    pytest.param(frm, to, role, id=f"{frm}->{to}-by-{role}")
    for (frm, to), move in table.TRANSITIONS.items()
    for role in ActorRole
    if role not in move.roles
]
ILLEGAL = [
    pytest.param(frm, to, id=f"{frm}->{to}")
    for frm in OrderStatus
    for to in OrderStatus
    if (frm, to) not in table.TRANSITIONS
]


def test_the_generated_cases_cover_every_pair_of_states():
    pairs = {(p.values[0], p.values[1]) for p in ALLOWED} | {
        (p.values[0], p.values[1]) for p in ILLEGAL
    }
    assert len(pairs) == len(OrderStatus) ** 2
    assert len(ILLEGAL) == len(OrderStatus) ** 2 - len(table.TRANSITIONS)


@pytest.mark.parametrize(("frm", "to", "role"), ALLOWED)
def test_o1_allowed_move_is_made_and_recorded(frm, to, role, actors, new_order, spare_slot):
    # given an order in `frm`, reached the real way
    order = drive(new_order(), frm, actor=actors[ActorRole.OPS], slot=spare_slot)
    actor = actor_for(actors, role, order)
    held_slot = order.slot_id
    booked_before = dict(PickupSlot.objects.values_list("pk", "booked"))
    messages_before = Message.objects.filter(order_number=order.number).count()
    move = table.TRANSITIONS[(frm, to)]
    if to == S.PAID:  # O4: the inspected price differs from the estimate; the customer accepted it
        lifecycle.accept_final_price(order, actor=actors[ActorRole.OPS], notes="ok at the door")

    # when the role makes the move
    moved = lifecycle.transition(
        order, to, actor=actor, **inputs_for(frm, to, order, role=role, slot=spare_slot)
    )

    # then the order is in `to`, the history names who/from/to, and the audit trail has it
    stored = Order.objects.get(pk=order.pk)
    assert moved.status == stored.status == to
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert (event.kind, event.from_status, event.to_status) == ("transition", frm, to)
    if role == ActorRole.CUSTOMER:  # no user row: the event names the customer in its data
        assert (event.actor, event.data["by"]) == (None, f"customer:{order.customer_id}")
    else:
        assert event.actor == actor
    assert AuditEvent.objects.filter(
        action="order.transition", object_id=str(order.pk), after__status=to
    ).exists()
    # the customer is told (O5) — one message kind per move, in the outbox with the order
    sent = Message.objects.filter(order_number=order.number).order_by("id")
    if move.message:
        assert sent.count() > messages_before
        assert {m.kind.key for m in sent[messages_before:]} == {move.message}
    else:
        assert sent.count() == messages_before
    # the slot place: given back on cancel/failure, taken on (re)scheduling, kept otherwise
    booked_after = dict(PickupSlot.objects.values_list("pk", "booked"))
    if not move.holds_slot:
        assert stored.slot_id is None
        if held_slot:
            assert booked_after[held_slot] == booked_before[held_slot] - 1
    else:
        assert stored.slot_id is not None
    for slot in PickupSlot.objects.all():
        assert slot.booked == Order.objects.filter(slot=slot).count()


@pytest.mark.parametrize(("frm", "to", "role"), ROLE_REFUSED)
def test_o1_role_the_move_does_not_name_is_refused_403_and_nothing_changes(
    frm, to, role, actors, new_order, spare_slot
):
    order = drive(new_order(), frm, actor=actors[ActorRole.OPS], slot=spare_slot)
    before = picture(order)
    with pytest.raises(Forbidden):
        lifecycle.transition(
            order,
            to,
            actor=actor_for(actors, role, order),
            **inputs_for(frm, to, order, slot=spare_slot),
        )
    assert picture(order) == before


@pytest.mark.parametrize("who", ["sales", "supervisor", "admin", "app"])
def test_o1_roles_with_no_part_in_the_life_are_refused_everything(who, cast, actors, new_order):
    order = new_order()
    before = picture(order)
    with pytest.raises(Forbidden):
        lifecycle.transition(order, S.VENDOR_ASSIGNED, actor=cast[who])
    assert picture(order) == before


@pytest.mark.parametrize(("frm", "to"), ILLEGAL)
def test_o1_illegal_move_is_refused_409_naming_from_and_to_and_nothing_changes(
    frm, to, actors, new_order, spare_slot
):
    order = drive(new_order(), frm, actor=actors[ActorRole.OPS], slot=spare_slot)
    before = picture(order)
    with pytest.raises(Conflict) as refused:
        lifecycle.transition(order, to, actor=actors[ActorRole.OPS], notes="trying")
    assert refused.value.code == "illegal_transition"
    assert (refused.value.extra["from"], refused.value.extra["to"]) == (frm, to)
    assert picture(order) == before
