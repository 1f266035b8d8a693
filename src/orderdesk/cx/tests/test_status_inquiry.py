"""Order status inquiry: CX sees the order's status, slot and vendor and sends the customer an
update (an outbox message, once per set of facts per day)."""

import pytest

from orderdesk.core.errors import DomainError
from orderdesk.cx.actions import order_status_facts, record_action, send_order_status_update
from orderdesk.messaging.models import Message

from .conftest import steps


def test_status_update_from_a_phone_search(cast, order):
    from orderdesk.orders.lifecycle import transition

    order = transition(order, "vendor_assigned", actor=cast["ops"])
    facts = order_status_facts(order)
    assert (facts["order_status"], facts["vendor_name"]) == (
        "Vendor assigned",
        "QuickPick Bengaluru",
    )
    sent = send_order_status_update(order, actor=cast["cx"])
    assert [m.kind_id for m in sent] == ["order_status_update"]
    assert "QuickPick Bengaluru" in sent[0].body and order.display_number in sent[0].body
    again = send_order_status_update(order, actor=cast["cx"])  # double click: nothing new
    assert [m.pk for m in again] == [m.pk for m in sent]
    assert Message.objects.filter(kind_id="order_status_update").count() == 1


def test_status_update_from_a_ticket_is_an_act(cast, order, open_ticket_for):
    ticket = open_ticket_for("inquiry", order=order)
    steps(ticket, cast["cx"], "listen")
    record_action(
        ticket,
        kind="act",
        actor=cast["cx"],
        outcome="status_update",
        text="Told the customer the status and sent it by SMS",
    )
    assert Message.objects.filter(kind_id="order_status_update", order=order).count() == 1


def test_status_update_is_for_cx_only(cast, order):
    with pytest.raises(DomainError) as info:
        send_order_status_update(order, actor=cast["sales"])
    assert info.value.status == 403
    assert Message.objects.filter(kind_id="order_status_update").count() == 0
