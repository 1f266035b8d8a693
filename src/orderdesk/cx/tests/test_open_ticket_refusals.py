"""Opening a ticket for a caller who may be new (flows.tickets): a refusal changes nothing.

The customer is created in the same atomic block as the ticket, so an M9 price dispute
without an order, refused with 422, leaves no Customer row and no audit event behind.
"""

from django.test import Client

from orderdesk.core.models import AuditEvent
from orderdesk.customers.models import Customer
from orderdesk.cx.models import Ticket
from orderdesk.testing.factories import PASSWORD

NEW_PHONE = "91234 56780"


def _counts():
    return Customer.objects.count(), AuditEvent.objects.count(), Ticket.objects.count()


def test_m9_api_price_dispute_with_a_new_phone_is_refused_and_leaves_no_customer(cast, api):
    cx = api(cast["cx"])  # issues the API token (its own audit event) first
    before = _counts()
    refused = cx.post(
        "/api/v1/tickets",
        data={"type": "price_dispute", "customer": {"name": "New Caller", "phone": NEW_PHONE}},
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "order_required")
    assert _counts() == before
    assert not Customer.objects.filter(phone="+919123456780").exists()


def test_m9_console_price_dispute_with_a_new_phone_is_refused_and_leaves_no_customer(cast):
    client = Client()
    assert client.login(username=cast["cx"].username, password=PASSWORD)
    before = _counts()
    response = client.post(
        "/console/cx/tickets/new/",
        {"type": "price_dispute", "phone": NEW_PHONE, "name": "New Caller", "channel": "call"},
    )
    assert response.status_code == 422
    assert _counts() == before
    assert not Customer.objects.filter(phone="+919123456780").exists()


def test_opening_a_ticket_for_a_new_caller_creates_the_customer_with_the_ticket(cast, api):
    created = api(cast["cx"]).post(
        "/api/v1/tickets",
        data={"type": "inquiry", "customer": {"name": "New Caller", "phone": NEW_PHONE}},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    ticket = Ticket.objects.get(pk=created.json()["id"])
    assert ticket.customer.phone == "+919123456780"
    assert ticket.customer.name == "New Caller"
