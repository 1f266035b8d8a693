"""D6 (order not found → CX ticket, order creation blocked) and D7/D8 (record_order_created)."""

from __future__ import annotations

import pytest

from orderdesk.core.errors import DomainError
from orderdesk.cx.models import Ticket
from orderdesk.flows.contacts import log_contact
from orderdesk.flows.order_not_found import resolve_order_not_found
from orderdesk.leads import rules
from orderdesk.leads.actions import create_lead, record_order_created
from orderdesk.leads.choices import FollowUpStatus, LeadStatus
from orderdesk.leads.models import ContactAttempt, FollowUp, Lead, Notification
from orderdesk.testing.factories import make_customer

from .conftest import fake_order, ist
from .helpers import state
from .test_log_contact import wpo

ORDERED_NOTES = "Customer confirmed order placed. Pickup scheduled."


def already_ordered(lead, agent, *, number="", at=None):
    return log_contact(
        lead,
        agent=agent,
        channel="call",
        direction="outbound",
        connected=True,
        disposition="already_ordered",
        notes=ORDERED_NOTES,
        order_number=number,
        now=at or ist(1, 11),
        customer_words="maine already order kar diya",
    )


def test_d6_order_not_found_opens_a_cx_ticket_and_blocks_order_creation(cast, lead):
    result = already_ordered(lead, cast["sales"], number="OD-7K3P-9QXM")
    assert result.order_found is False
    ticket = Ticket.objects.get()
    assert (ticket.type, ticket.status, ticket.lead_id, ticket.order_number) == (
        "order_not_found",
        "open",
        lead.pk,
        "OD-7K3P-9QXM",
    )
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.status, fresh.closed_for_sales) == (LeadStatus.ORDER_NOT_FOUND, True)
    assert rules.order_creation_blocked(fresh) == "order_not_found_pending"
    assert result.contact.order_number == "OD-7K3P-9QXM" and result.contact.order_found is False
    # No order can be created from the lead: the hook refuses and changes nothing.
    before = state(lead)
    with pytest.raises(DomainError) as info:
        record_order_created(
            fake_order(lead.customer, channel="agent", created_by=cast["sales"], source_lead=fresh)
        )
    assert info.value.code == "order_not_found_pending"
    assert state(lead) == before


def test_d6_cx_finds_no_order_and_the_lead_goes_back_to_sales(cast, lead):
    already_ordered(lead, cast["sales"])
    ticket = Ticket.objects.get()
    resolve_order_not_found(ticket, resolved_by=cast["cx"])
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.status, fresh.closed_for_sales, fresh.order_block) == (
        LeadStatus.CONTACTING,
        False,
        "",
    )
    assert rules.order_creation_blocked(fresh) is None
    assert Ticket.objects.get().status == "resolved"
    assert Notification.objects.get(recipient=cast["sales"]).kind == "order_not_found_resolved"


def test_d6_cx_finds_the_order_and_the_lead_is_already_ordered(cast, lead):
    already_ordered(lead, cast["sales"])
    resolve_order_not_found(
        Ticket.objects.get(),
        order=fake_order(lead.customer, number="ODABC1234"),
        resolved_by=cast["cx"],
    )
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.status, fresh.closed_for_sales, fresh.order_number) == (
        LeadStatus.ALREADY_ORDERED,
        True,
        "ODABC1234",
    )
    with pytest.raises(DomainError) as info:
        resolve_order_not_found(Ticket.objects.get(), resolved_by=cast["cx"])
    assert info.value.code == "ticket_not_open"


def test_d7_create_order_is_set_by_the_system_when_an_order_is_created(cast, lead):
    wpo(lead, cast["sales"], at=ist(1, 11), follow_up_at=ist(2, 11))
    changed = record_order_created(
        fake_order(lead.customer, channel="agent", created_by=cast["sales"], source_lead=lead)
    )
    assert [x.pk for x in changed] == [lead.pk]
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.status, fresh.disposition.key, fresh.closed_reason) == (
        LeadStatus.ORDER_CREATED,
        "create_order",
        "order_created",
    )
    system = ContactAttempt.objects.get(lead=lead, recorded_by_system=True)
    assert (system.disposition.key, system.agent, system.order_number) == (
        "create_order",
        cast["sales"],
        "OD7K3P9QX",
    )
    assert FollowUp.objects.get(lead=lead).status == FollowUpStatus.CANCELLED


def test_d8_customer_orders_by_app_while_a_follow_up_is_pending(cast, lead, customer):
    wpo(lead, cast["sales"], at=ist(1, 11), follow_up_at=ist(2, 11))
    other, _ = create_lead(
        customer=customer, source="web_quote", variant=None, owner=cast["sales2"]
    )
    assert other.pk == lead.pk  # same device (none): the open lead is reused
    record_order_created(fake_order(customer, channel="app"))
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.status, fresh.disposition.key, fresh.closed_for_sales) == (
        LeadStatus.ALREADY_ORDERED,
        "already_ordered",
        True,
    )
    assert FollowUp.objects.get(lead=lead).status == FollowUpStatus.CANCELLED
    note = Notification.objects.get(recipient=cast["sales"])
    assert note.kind == "customer_ordered" and "OD7K3P9QX" in note.message
    assert not ContactAttempt.objects.filter(lead=lead, recorded_by_system=True).exists()
    # Nobody calls a customer who already ordered.
    before = state(lead)
    with pytest.raises(DomainError) as info:
        log_contact(
            lead,
            agent=cast["sales"],
            channel="call",
            direction="outbound",
            connected=False,
            disposition="no_answer",
            now=ist(2, 11),
        )
    assert info.value.code == "sales_contact_closed"
    assert state(lead) == before
    # A new request from the customer is a new lead.
    again, created = create_lead(customer=customer, source="inbound_call", owner=cast["sales"])
    assert created and again.pk != lead.pk


def test_d8_an_order_naming_no_device_closes_every_open_lead_of_the_customer_only(
    cast, customer, catalog
):

    phone_lead, _ = create_lead(
        customer=customer, source="app_quote", variant=catalog["v128"], owner=cast["sales"]
    )
    laptop_lead, _ = create_lead(
        customer=customer, source="app_quote", variant=catalog["mac_variant"], owner=cast["sales2"]
    )
    stranger = make_customer(name="Ravi", phone="+919812345678")
    stranger_lead, _ = create_lead(customer=stranger, source="app_quote", owner=cast["sales"])
    assert phone_lead.priority == 20  # high-end first
    record_order_created(fake_order(customer, channel="web"))
    statuses = dict(Lead.objects.values_list("pk", "status"))
    assert statuses == {
        phone_lead.pk: "already_ordered",
        laptop_lead.pk: "already_ordered",
        stranger_lead.pk: "new",
    }
    assert Notification.objects.filter(kind="customer_ordered").count() == 2


def test_d8_closes_the_lead_for_the_device_ordered_not_every_open_lead(cast, customer, catalog):
    phone_lead, _ = create_lead(
        customer=customer, source="app_quote", variant=catalog["v128"], owner=cast["sales"]
    )
    laptop_lead, _ = create_lead(
        customer=customer, source="app_quote", variant=catalog["mac_variant"], owner=cast["sales2"]
    )
    laptop_before = state(laptop_lead)["lead"]
    # The order is for the same model in another storage size: still the device ordered.
    record_order_created(fake_order(customer, channel="web", variant=catalog["v256"]))
    statuses = dict(Lead.objects.values_list("pk", "status"))
    assert statuses == {phone_lead.pk: "already_ordered", laptop_lead.pk: "new"}
    assert state(laptop_lead)["lead"] == laptop_before  # a phone order does not kill a laptop lead
    assert Lead.objects.get(pk=laptop_lead.pk).closed_for_sales is False
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (cast["sales"].pk, "customer_ordered")
    ]


def test_d8_a_lead_with_no_device_recorded_stays_open_and_the_owner_is_asked(
    cast, customer, catalog
):
    lead, _ = create_lead(customer=customer, source="inbound_call", owner=cast["sales"])
    assert lead.variant_id is None
    wpo(lead, cast["sales"], at=ist(1, 11), follow_up_at=ist(2, 11))
    record_order_created(fake_order(customer, channel="app", variant=catalog["v128"]))
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.status, fresh.closed_for_sales, fresh.order_number) == (
        "will_place_order",
        False,
        "",  # not this lead's order until the agent knows it is the same device (KPIs)
    )
    assert FollowUp.objects.get(lead=lead).status == FollowUpStatus.PENDING
    note = Notification.objects.get(recipient=cast["sales"])
    assert note.kind == "customer_ordered" and "OD7K3P9QX" in note.message
    assert "no device recorded: ask at the next contact" in note.message
