"""Issue 15 item 6: the one gentle follow-up cannot be escaped through Waiting for Quote, and
Waiting for Quote sends the quote the script promises."""

from __future__ import annotations

import pytest

from orderdesk.flows.contacts import log_contact
from orderdesk.leads import calls
from orderdesk.leads.actions import create_lead
from orderdesk.leads.choices import LeadStatus
from orderdesk.leads.models import ContactAttempt, ContactRefusal, Lead
from orderdesk.messaging.models import Message
from orderdesk.testing.factories import make_customer

from .conftest import ist
from .helpers import state
from .test_log_contact import refused, wpo

WFQ_NOTES = "Customer wants to see the price first; sending the quote by WhatsApp now."


def contact(lead, agent, *, at, direction="outbound", disposition="waiting_for_quote", **kw):
    connected = kw.pop("connected", True)
    return log_contact(
        lead,
        agent=agent,
        channel=kw.pop("channel", "call"),
        direction=direction,
        connected=connected,
        disposition=disposition,
        notes=WFQ_NOTES if connected else "",
        now=at,
        **kw,
    )


def spent_lead(lead, agent):
    """Will Place Order with a follow-up, then the follow-up made: Waiting for Quote."""
    wpo(lead, agent, at=ist(1, 11), follow_up_at=ist(2, 11))
    contact(lead, agent, at=ist(2, 11, 5))
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.WAITING_FOR_QUOTE


def test_d4_no_outbound_sales_contact_after_the_follow_up_even_through_waiting_for_quote(
    cast, lead
):
    spent_lead(lead, cast["sales"])
    before = state(lead)
    for channel, disposition, connected in (
        ("call", "will_place_order", True),
        ("call", "waiting_for_quote", True),
        ("call", "no_answer", False),
        ("whatsapp", "waiting_for_quote", True),
    ):
        error = refused(
            "followup_spent",
            contact,
            lead,
            cast["sales"],
            at=ist(3, 11),
            disposition=disposition,
            connected=connected,
            channel=channel,
        )
        assert error.status == 409 and "customer can still call in" in error.message
    assert state(lead) == before
    # Each refusal is an over-contact attempt the supervisor sees.
    assert ContactRefusal.objects.filter(lead=lead, code="followup_spent").count() == 4
    # The dialer asks the same rule before ringing.
    assert calls.dial_refusal(Lead.objects.get(pk=lead.pk), now=ist(3, 11)).code == (
        "followup_spent"
    )


def test_d4_the_customer_can_still_call_in_after_the_follow_up_and_start_again(cast, lead):
    spent_lead(lead, cast["sales"])
    result = contact(
        lead, cast["sales"], at=ist(3, 12), direction="inbound", disposition="will_place_order"
    )
    assert result.lead.status == LeadStatus.WILL_PLACE_ORDER
    assert ContactAttempt.objects.filter(lead=lead, direction="inbound").count() == 1
    assert not ContactRefusal.objects.filter(lead=lead).exists()


def test_d4_waiting_for_quote_without_a_follow_up_is_still_called(cast, lead):
    contact(lead, cast["sales"], at=ist(1, 11))
    again = contact(lead, cast["sales"], at=ist(2, 11))
    assert again.lead.status == LeadStatus.WAITING_FOR_QUOTE


@pytest.fixture
def device_lead(cast, catalog):
    customer = make_customer(name="Meena Iyer", phone="+919812345678", language="hi")
    lead, _ = create_lead(
        customer=customer, source="app_quote", variant=catalog["v128"], owner=cast["sales"]
    )
    return lead


def test_waiting_for_quote_sends_the_quote_with_estimate_and_link_in_the_customers_language(
    cast, device_lead
):
    result = contact(device_lead, cast["sales"], at=ist(1, 11))
    sent = Message.objects.filter(customer=device_lead.customer, kind_id="lead_quote")
    assert list(sent) == result.quote_messages and sent.exists()
    for message in sent:
        assert message.language == "hi"
        assert "₹50,000 तक" in message.body
        assert f"/sell/device/{device_lead.variant_id}/" in message.body
    # Logged again: one more quote, not a duplicate of the first contact's.
    again = contact(device_lead, cast["sales"], at=ist(2, 11))
    assert again.quote_messages and {m.dedupe_key for m in sent.all()} == {
        f"lead-quote:{result.contact.pk}",
        f"lead-quote:{again.contact.pk}",
    }


def test_waiting_for_quote_with_no_device_sends_nothing(cast, lead):
    result = contact(lead, cast["sales"], at=ist(1, 11))
    assert result.quote_messages == []
    assert not Message.objects.filter(kind_id="lead_quote").exists()
