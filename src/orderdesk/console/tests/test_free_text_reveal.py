"""Issue 21 finding 7, the staff's part: free text holding phone numbers, UPI IDs or account
numbers (transition notes, ticket notes and steps, lead notes, the customer's words) is
masked in the staff's lists; the full text is the audited reveal, for a customer the user
works (``flows.contact_reveal``, the phone's rule), supervisors with a reason."""

from __future__ import annotations

import pytest
from django.test import Client

from orderdesk.core.models import AuditEvent
from orderdesk.customers.models import Customer
from orderdesk.cx.actions import open_ticket
from orderdesk.leads.choices import LeadSource
from orderdesk.leads.models import ContactAttempt, Disposition, Lead
from orderdesk.leads.seeding import ensure_default_settings
from orderdesk.orders.actions import create_order
from orderdesk.orders.models import OrderEvent
from orderdesk.testing.factories import agent_order_request

NOTE = "Call her on 98111 22233, pay asha.rao@okaxis or a/c 123456789012"
SECRETS = ("98111 22233", "asha.rao@okaxis", "123456789012")


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def notes(cast, catalog):
    ensure_default_settings()
    asha = Customer.objects.create(name="Asha Rao", phone="+919876543210")
    meena = Customer.objects.create(name="Meena Iyer", phone="+919811122200")
    lead = Lead.objects.create(customer=asha, source=LeadSource.CAMPAIGN, owner=cast["sales"])
    contact = ContactAttempt.objects.create(
        lead=lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition=Disposition.objects.get(key="waiting_for_quote"),
        notes=NOTE,
        customer_words="my other number is 98111 22233, upi asha.rao@okaxis",
    )
    ticket = open_ticket(
        type="complaint", customer=asha, created_by=cast["cx"], assignee=cast["cx"], notes=NOTE
    )
    other_ticket = open_ticket(
        type="complaint", customer=meena, created_by=cast["cx"], assignee=cast["cx"], notes=NOTE
    )
    order = create_order(
        agent_order_request(catalog, customer_phone="+919876543210"),
        actor=cast["sales"],
        channel="agent",
    )
    event = OrderEvent.objects.create(order=order, kind="transition", note=NOTE)
    return {
        "lead": lead,
        "contact": contact,
        "ticket": ticket,
        "other_ticket": other_ticket,
        "order": order,
        "event": event,
    }


def _reveal(client, kind, pk, purpose="on the call"):
    return client.post(f"/console/text/{kind}/{pk}/", {"purpose": purpose})


def _assert_masked(page):
    assert page.status_code == 200, page.content[:300]
    html = page.content.decode()
    for secret in SECRETS:
        assert secret not in html, secret
    assert 'data-testid="reveal-text"' in html
    return html


def test_s2_21_7_the_lead_page_lists_notes_and_words_masked_and_the_owner_reveals_them(notes, cast):
    sita = _signed_in(cast["sales"])
    _assert_masked(sita.get(f"/console/leads/{notes['lead'].pk}/"))

    before = AuditEvent.objects.count()
    shown = _reveal(sita, "contact_notes", notes["contact"].pk)
    assert shown.status_code == 200 and "98111 22233" in shown.content.decode()
    words = _reveal(sita, "contact_words", notes["contact"].pk)
    assert "asha.rao@okaxis" in words.content.decode()
    events = AuditEvent.objects.order_by("pk")[before:]
    assert [e.action for e in events] == ["contactattempt.reveal_text"] * 2
    assert events[0].after["work"].startswith("lead ")
    assert events[0].after["field"] == "notes"
    assert "98111" not in str(events[0].after)  # the text never enters the trail


def test_s2_21_7_the_ticket_page_masks_its_notes_and_cx_reveals_for_their_ticket(notes, cast):
    chitra = _signed_in(cast["cx"])
    _assert_masked(chitra.get(f"/console/cx/tickets/{notes['ticket'].pk}/"))
    shown = _reveal(chitra, "ticket_notes", notes["ticket"].pk)
    assert shown.status_code == 200 and "123456789012" in shown.content.decode()
    assert AuditEvent.objects.filter(action="ticket.reveal_text").count() == 1


def test_s2_21_7_the_ops_order_history_masks_transition_notes_ops_reveal_for_open_orders(
    notes, cast
):
    om = _signed_in(cast["ops"])
    _assert_masked(om.get(f"/console/ops/orders/{notes['order'].number}/"))
    shown = _reveal(om, "order_event", notes["event"].pk)
    assert shown.status_code == 200 and "98111 22233" in shown.content.decode()
    assert (
        AuditEvent.objects.get(action="orderevent.reveal_text").after["work"].startswith("order ")
    )


def test_s2_21_7_a_user_not_working_the_customer_is_refused_and_nothing_is_written(notes, cast):
    before = AuditEvent.objects.count()
    sameer = _signed_in(cast["sales2"])  # not the lead's owner
    refused = _reveal(sameer, "contact_notes", notes["contact"].pk)
    assert refused.status_code == 403
    assert "98111" not in refused.content.decode()
    sita = _signed_in(cast["sales"])  # Meena is nobody's work of hers
    assert _reveal(sita, "ticket_notes", notes["other_ticket"].pk).status_code == 403
    assert _reveal(sita, "no_such_kind", 1).status_code == 404
    assert _reveal(sita, "contact_notes", 10**12).status_code == 404
    assert AuditEvent.objects.count() == before


def test_s2_21_7_a_supervisor_reveals_with_a_reason_only(notes, cast):
    suman = _signed_in(cast["supervisor"])
    before = AuditEvent.objects.count()
    assert _reveal(suman, "ticket_notes", notes["other_ticket"].pk, purpose="").status_code == 422
    assert AuditEvent.objects.count() == before
    shown = _reveal(
        suman, "ticket_notes", notes["other_ticket"].pk, purpose="customer complaint review"
    )
    assert shown.status_code == 200 and "98111 22233" in shown.content.decode()


def test_s2_21_7_text_without_numbers_is_shown_as_written_with_no_button(notes, cast):
    ContactAttempt.objects.filter(pk=notes["contact"].pk).update(
        notes="Customer wants a quote first", customer_words="maybe next week"
    )
    html = _signed_in(cast["sales"]).get(f"/console/leads/{notes['lead'].pk}/").content.decode()
    assert "Customer wants a quote first" in html and "maybe next week" in html
    assert f"/console/text/contact_notes/{notes['contact'].pk}/" not in html
