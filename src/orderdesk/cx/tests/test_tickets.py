"""The minimal CX ticket D6 needs: open, resolve, one open 'order not found' per lead."""

import pytest
from django.db import IntegrityError, transaction

from orderdesk.core.errors import DomainError
from orderdesk.core.models import AuditEvent
from orderdesk.cx.actions import open_ticket
from orderdesk.cx.models import Ticket
from orderdesk.flows.order_not_found import resolve_order_not_found
from orderdesk.testing.factories import make_customer


@pytest.fixture
def customer(db):
    return make_customer(name="Asha Rao", phone="+919876543210")


def test_open_ticket_is_audited(cast, customer):
    ticket = open_ticket(
        type="inquiry", customer=customer, notes="Asked about pickup times.", created_by=cast["cx"]
    )
    assert (ticket.status, ticket.created_by) == ("open", cast["cx"])
    assert AuditEvent.objects.filter(action="ticket.open", object_id=str(ticket.pk)).count() == 1


def test_unknown_type_is_refused_and_nothing_is_stored(cast, customer):
    with pytest.raises(DomainError) as info:
        open_ticket(type="gossip", customer=customer)
    assert info.value.code == "ticket_type_unknown"
    assert Ticket.objects.count() == 0


def test_only_order_not_found_tickets_resolve_through_d6(cast, customer):
    ticket = open_ticket(type="complaint", customer=customer)
    with pytest.raises(DomainError) as info:
        resolve_order_not_found(ticket, resolved_by=cast["cx"])
    assert info.value.code == "ticket_not_open"
    assert Ticket.objects.get().status == "open"


def test_one_open_order_not_found_ticket_per_lead(cast, customer):
    from orderdesk.leads.actions import create_lead

    lead, _ = create_lead(customer=customer, source="app_quote")
    open_ticket(type="order_not_found", customer=customer, lead=lead)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(type="order_not_found", customer=customer, lead=lead)
    assert Ticket.objects.count() == 1
