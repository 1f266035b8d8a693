"""D6: CX searches by phone and order number, links the order found (the lead moves to Already
Placed an Order) or confirms none exists (the lead goes back to sales)."""

import pytest

from orderdesk.core.errors import DomainError
from orderdesk.cx.models import Ticket
from orderdesk.flows.contacts import log_contact
from orderdesk.flows.tickets import record_ticket_action
from orderdesk.leads.actions import create_lead
from orderdesk.leads.choices import LeadStatus
from orderdesk.leads.models import Lead
from orderdesk.leads.rules import order_creation_blocked

from .conftest import order_request, snapshot, steps


@pytest.fixture
def d6_ticket(cast, customer):
    """Sita's lead: the customer calls in, says they ordered; no order is found -> a ticket."""
    lead, _ = create_lead(customer=customer, source="inbound_call", owner=cast["sales"])
    result = log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="inbound",
        connected=True,
        disposition="already_ordered",
        notes="Customer says she booked pickup in the app yesterday",
        customer_words="maine order kar diya",
    )
    assert result.ticket is not None
    return Ticket.objects.get(pk=result.ticket.pk)


def test_d6_cx_links_the_order_found_and_the_lead_is_already_ordered(cast, catalog, d6_ticket):
    from orderdesk.orders.actions import create_order

    # the order exists under the customer's *other* spelling of the phone, placed in the app
    order = create_order(
        order_request(
            catalog, reason="", consent_confirmed=False, consent_statement="", price_confirmed=False
        ),
        actor=cast["app"],
        channel="app",
    )
    steps(d6_ticket, cast["cx"], "listen", "apologise")
    record_ticket_action(
        d6_ticket,
        kind="act",
        actor=cast["cx"],
        outcome="link_order",
        order_number=order.number,
        text="Found the app order by phone and linked it",
    )
    lead = Lead.objects.get(pk=d6_ticket.lead_id)
    ticket = Ticket.objects.get(pk=d6_ticket.pk)
    assert (lead.status, lead.order_number, order_creation_blocked(lead)) == (
        LeadStatus.ALREADY_ORDERED,
        order.number,
        "lead_closed_for_sales",
    )
    assert (ticket.status, ticket.order, ticket.resolved_by) == ("resolved", order, cast["cx"])
    assert ticket.actions.get(kind="act").outcome == "link_order"


def test_d6_cx_confirms_no_order_and_the_lead_is_released_for_sales(cast, d6_ticket):
    steps(d6_ticket, cast["cx"], "listen", "apologise")
    record_ticket_action(
        d6_ticket,
        kind="act",
        actor=cast["cx"],
        outcome="no_order",
        text="Searched by phone and number, no order exists",
    )
    lead = Lead.objects.get(pk=d6_ticket.lead_id)
    assert (lead.status, lead.closed_for_sales, order_creation_blocked(lead)) == (
        LeadStatus.CONTACTING,
        False,
        None,
    )
    assert Ticket.objects.get(pk=d6_ticket.pk).status == "resolved"


def test_d6_linking_another_customers_order_is_refused_and_nothing_changes(
    cast, catalog, d6_ticket
):
    from orderdesk.orders.actions import create_order

    other = create_order(
        order_request(catalog, customer_name="Ravi Kumar", customer_phone="91234 56789"),
        actor=cast["sales"],
        channel="agent",
    )
    steps(d6_ticket, cast["cx"], "listen", "apologise")
    before = snapshot(d6_ticket)
    lead_before = Lead.objects.filter(pk=d6_ticket.lead_id).values().get()
    with pytest.raises(DomainError) as info:
        record_ticket_action(
            d6_ticket,
            kind="act",
            actor=cast["cx"],
            outcome="link_order",
            order_number=other.number,
            text="Linking the order I found by number",
        )
    assert info.value.code == "order_customer_mismatch"
    assert snapshot(d6_ticket) == before
    assert Lead.objects.filter(pk=d6_ticket.lead_id).values().get() == lead_before


def test_d6_the_finding_needs_listen_and_apology_first(cast, d6_ticket):
    before = snapshot(d6_ticket)
    with pytest.raises(DomainError) as info:
        record_ticket_action(
            d6_ticket,
            kind="act",
            actor=cast["cx"],
            outcome="no_order",
            text="Searched by phone and number, no order exists",
        )
    assert info.value.code == "listen_first"
    assert snapshot(d6_ticket) == before
