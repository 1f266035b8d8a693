"""CX test fixtures: a customer, a real agent order (with consent and a call behind it), an
inspected order, tickets, and a snapshot that proves a refused step changed nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from orderdesk.core.models import AuditEvent
from orderdesk.cx.models import CsatSurvey, Ticket, TicketAction
from orderdesk.messaging.models import Message
from orderdesk.orders.actions import OrderRequest, create_order
from orderdesk.orders.models import Order, OrderEvent
from orderdesk.testing.factories import agent_order_request, make_customer

T0 = dt.datetime(2026, 11, 20, 5, 30, tzinfo=dt.UTC)  # 11:00 IST


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture(autouse=True)
def _default_settings(db):
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()


@pytest.fixture
def customer(db):

    return make_customer(name="Asha Rao", phone="+919876543210")


def order_request(catalog, **changes) -> OrderRequest:
    return agent_order_request(catalog, **changes)


@pytest.fixture
def order(cast, catalog, customer) -> Order:
    """Sita's manual order for Asha: iPhone 15 128 GB, estimate ₹45,000, consent recorded."""
    return create_order(order_request(catalog), actor=cast["sales"], channel="agent")


@pytest.fixture
def inspected_order(cast, order) -> Order:
    """The same order walked by ops to inspection at ₹38,000 (below the estimate)."""
    from orderdesk.orders.lifecycle import transition

    transition(order, "vendor_assigned", actor=cast["ops"])
    transition(order, "pickup_scheduled", actor=cast["ops"])
    transition(order, "out_for_pickup", actor=cast["ops"])
    return transition(
        order, "inspected", actor=cast["ops"], final_price=38000, notes="Back glass cracked"
    )


@pytest.fixture
def open_ticket_for(cast, customer):
    from orderdesk.cx.actions import open_ticket

    def make(type="complaint", now=None, **extra):
        extra.setdefault("created_by", cast["cx"])
        extra.setdefault("customer", customer)
        return open_ticket(type=type, now=now or T0, **extra)

    return make


def steps(ticket, actor, *kinds, now=None):
    """Record C1 steps with meaningful text."""
    from orderdesk.cx.actions import record_action

    words = {
        "listen": "Customer says the pickup partner never came yesterday",
        "apologise": "Sorry for the inconvenience this caused you",
        "act": "Booked a new slot for tomorrow morning and told the customer",
    }
    for kind in kinds:
        record_action(ticket, kind=kind, actor=actor, text=words[kind], now=now or T0)


def snapshot(ticket=None) -> dict:
    """Everything a ticket step could change, re-read from the database."""
    data = {
        "actions": TicketAction.objects.count(),
        "messages": Message.objects.count(),
        "audit": AuditEvent.objects.count(),
        "surveys": list(CsatSurvey.objects.values_list("pk", "score", "answered_at")),
        "orders": list(Order.objects.values_list("pk", "status")),
        "order_events": OrderEvent.objects.count(),
    }
    if ticket is not None:
        fresh = Ticket.objects.get(pk=ticket.pk)
        data["ticket"] = {
            f.attname: getattr(fresh, f.attname) for f in Ticket._meta.concrete_fields
        }
    return data
