"""M9: a price dispute shows the recorded price confirmation, consent and call notes, the
re-explanation script, and lets CX offer cancellation without argument (no penalty)."""

import pytest

from orderdesk.core.errors import DomainError
from orderdesk.cx.actions import open_ticket, price_dispute_facts
from orderdesk.cx.models import Ticket
from orderdesk.flows.tickets import record_ticket_action
from orderdesk.messaging.models import Message
from orderdesk.orders.models import Order, OrderEvent

from .conftest import snapshot, steps


def test_m9_a_price_dispute_needs_its_order(cast, customer):
    with pytest.raises(DomainError) as info:
        open_ticket(type="price_dispute", customer=customer, created_by=cast["cx"])
    assert (info.value.code, info.value.field) == ("order_required", "order_number")
    assert Ticket.objects.count() == 0


def test_m9_the_dispute_shows_what_was_agreed(cast, order):
    facts = price_dispute_facts(order)
    assert (facts["estimated_price"], facts["consent_statement"]) == (
        45000,
        "Yes, please place the order",
    )
    assert facts["price_confirmed_at"] == order.price_confirmed_at is not None
    assert "final price depends on inspection" in facts["script"]
    assert "no charge and no penalty" in facts["script"]
    assert "Screen condition? Minor scratches" in facts["script"]  # words, not keys (issue 18)


def test_m9_cancel_order_goes_through_the_lifecycle_with_no_penalty(cast, inspected_order):
    ticket = open_ticket(
        type="price_dispute",
        customer=inspected_order.customer,
        order_number=inspected_order.number,
        created_by=cast["cx"],
    )
    assert ticket.priority == "high"
    steps(ticket, cast["cx"], "listen", "apologise")
    record_ticket_action(
        ticket,
        kind="act",
        actor=cast["cx"],
        outcome="cancel_order",
        text="Offered cancellation without argument; customer chose to cancel",
    )
    order = Order.objects.get(pk=inspected_order.pk)
    assert (order.status, order.cancellation_reason) == ("cancelled", "price_not_accepted")
    event = OrderEvent.objects.filter(order=order, kind="transition").last()
    assert (event.from_status, event.to_status, event.actor, event.data["penalty"]) == (
        "inspected",
        "cancelled",
        cast["cx"],
        0,
    )
    assert Message.objects.filter(order=order, kind_id="order_cancelled").count() == 1
    act = Ticket.objects.get(pk=ticket.pk).actions.get(kind="act")
    assert (act.outcome, act.data["penalty"]) == ("cancel_order", 0)


def test_m9_a_cancellation_the_lifecycle_refuses_changes_nothing(cast, inspected_order):
    from orderdesk.orders.lifecycle import accept_final_price, transition

    ticket = open_ticket(
        type="price_dispute",
        customer=inspected_order.customer,
        order_number=inspected_order.number,
        created_by=cast["cx"],
    )
    steps(ticket, cast["cx"], "listen", "apologise")
    accept_final_price(inspected_order, actor=cast["ops"])
    transition(inspected_order, "paid", actor=cast["ops"], reference="UTR123456")
    before = snapshot(ticket)
    with pytest.raises(DomainError) as info:
        record_ticket_action(
            ticket,
            kind="act",
            actor=cast["cx"],
            outcome="cancel_order",
            text="Customer wants to cancel after payment",
        )
    assert info.value.code == "illegal_transition"
    assert snapshot(ticket) == before


def test_m9_customer_accepts_records_the_acceptance_on_the_order(cast, inspected_order):
    from orderdesk.orders.lifecycle import price_accepted

    ticket = open_ticket(
        type="price_dispute",
        customer=inspected_order.customer,
        order_number=inspected_order.number,
        created_by=cast["cx"],
    )
    steps(ticket, cast["cx"], "listen", "apologise")
    record_ticket_action(
        ticket,
        kind="act",
        actor=cast["cx"],
        outcome="customer_accepts",
        text="Re-explained inspection; customer accepts the inspected price",
    )
    order = Order.objects.get(pk=inspected_order.pk)
    assert (order.status, price_accepted(order)) == ("inspected", True)


def test_m9_the_outcomes_do_not_apply_to_other_tickets(cast, order):
    ticket = open_ticket(
        type="complaint", customer=order.customer, order_number=order.number, created_by=cast["cx"]
    )
    steps(ticket, cast["cx"], "listen", "apologise")
    before = snapshot(ticket)
    with pytest.raises(DomainError) as info:
        record_ticket_action(
            ticket,
            kind="act",
            actor=cast["cx"],
            outcome="cancel_order",
            text="Cancelling the order now",
        )
    assert info.value.code == "outcome_not_allowed"
    assert snapshot(ticket) == before
