"""The CX WhatsApp inbox and the customer's timeline in the console."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orderdesk.accounts.choices import Role
from orderdesk.accounts.models import User
from orderdesk.core.models import AuditEvent
from orderdesk.messaging import selectors
from orderdesk.messaging.models import InboundMessage, Message
from orderdesk.testing.factories import make_user

T0 = dt.datetime(2026, 3, 2, 6, 30, tzinfo=dt.UTC)  # 12:00 IST


@pytest.fixture
def cx_client(db):
    client = Client()
    client.force_login(make_user(Role.CX, "chitra"))
    return client


@pytest.fixture
def asha(customer, messaging_conf):
    messaging_conf(WHATSAPP_PROVIDER="file", SMS_PROVIDER="file")
    return customer()


def wrote(phone, at, text, customer=None, wamid=None):
    return InboundMessage.objects.create(
        provider_message_id=wamid or f"wamid.{phone}.{at.timestamp()}",
        from_phone=phone,
        customer=customer,
        body=text,
        received_at=at,
        profile_name="Neha" if customer is None else "",
    )


def test_the_inbox_lists_conversations_latest_first_with_masked_numbers(asha, cx_client):
    wrote(asha.phone, T0 - dt.timedelta(hours=30), "Old question", customer=asha)
    wrote("+919812300000", T0 - dt.timedelta(hours=1), "I want to sell my phone")
    with time_machine.travel(T0, tick=False):
        response = cx_client.get(reverse("messaging:inbox"))
    assert response.status_code == 200
    rows = response.context["conversations"]
    assert [(r.masked_phone, r.window_open) for r in rows] == [
        ("+91•••••00000", True),
        ("+91•••••43210", False),
    ]
    page = response.content.decode()
    assert "9812300000" not in page and "9876543210" not in page
    assert "Unknown number (Neha)" in page and "template only" in page


def test_an_unknown_number_offers_the_ticket_and_order_forms_prefilled(
    db, messaging_conf, cx_client
):
    thread = wrote("+919812300000", timezone.now(), "Price for iPhone 13?")
    response = cx_client.get(reverse("messaging:conversation", args=[thread.pk]))
    assert response.status_code == 200
    assert response.context["customer"] is None
    ticket = urlsplit(response.context["new_ticket_url"])
    assert ticket.path == reverse("console:cx_ticket_new")
    assert parse_qs(ticket.query) == {
        "phone": ["+919812300000"],
        "channel": ["whatsapp"],
        "type": ["inquiry"],
    }
    order = urlsplit(response.context["new_order_url"])
    assert order.path == reverse("console:order_wizard")
    assert parse_qs(order.query) == {"customer_phone": ["+919812300000"]}
    # The ticket form opens with the number and the channel filled in.
    form = cx_client.get(response.context["new_ticket_url"])
    assert form.status_code == 200
    assert 'value="+919812300000"' in form.content.decode()


def test_a_console_reply_outside_the_window_shows_the_code_and_sends_nothing(asha, cx_client):
    thread = wrote(asha.phone, T0 - dt.timedelta(hours=25), "Hello?", customer=asha)
    before = (Message.objects.count(), AuditEvent.objects.count())
    with time_machine.travel(T0, tick=False):
        response = cx_client.post(
            reverse("messaging:conversation_reply", args=[thread.pk]),
            {"text": "Sorry for the wait"},
        )
    assert response.status_code == 409
    assert 'data-code="whatsapp_window_closed"' in response.content.decode()
    assert (Message.objects.count(), AuditEvent.objects.count()) == before


def test_a_console_reply_within_the_window_is_queued(asha, cx_client):
    thread = wrote(asha.phone, T0 - dt.timedelta(hours=2), "Hello?", customer=asha)
    with time_machine.travel(T0, tick=False):
        response = cx_client.post(
            reverse("messaging:conversation_reply", args=[thread.pk]), {"text": "Hi Asha"}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:conversation", args=[thread.pk])
    [reply] = Message.objects.filter(kind="whatsapp_reply")
    assert (reply.recipient, reply.body) == (asha.phone, "Hi Asha")


def test_inbound_messages_land_in_the_customers_timeline(asha, cx_client):
    wrote(asha.phone, T0, "Can you come at 5?", customer=asha)
    timeline = selectors.customer_timeline(asha)
    assert [(e.direction, e.text) for e in timeline] == [("in", "Can you come at 5?")]
    response = cx_client.get(reverse("messaging:customer_messages", args=[asha.pk]))
    assert "Can you come at 5?" in response.content.decode()
    assert "From the customer" in response.content.decode()


def test_a_sales_agent_has_no_inbox(db, messaging_conf):
    client = Client()
    client.force_login(make_user(Role.SALES, "sita"))
    assert client.get(reverse("messaging:inbox")).status_code == 403


def test_messages_from_a_number_before_it_became_a_customer_join_their_timeline(
    db, messaging_conf, customer
):
    wrote("+919812300000", T0, "I want to sell my phone")  # unknown then
    neha = customer(phone="9812300000", name="Neha")  # a ticket or an order made her a customer
    assert [e.text for e in selectors.customer_timeline(neha)] == ["I want to sell my phone"]


# --- a reply from an unknown number can start a lead (console:whatsapp_new_lead) -------------


def test_an_unknown_number_can_start_a_lead_prefilled_that_waits_in_the_sales_queue(
    db, messaging_conf, cx_client
):
    from orderdesk.customers.models import Customer
    from orderdesk.leads.models import Lead

    thread = wrote("+919812300000", timezone.now(), "Price for iPhone 13?")  # profile "Neha"
    page = cx_client.get(reverse("messaging:conversation", args=[thread.pk]))
    assert page.context["can_start_lead"] is True
    link = urlsplit(page.context["new_lead_url"])
    assert link.path == reverse("console:whatsapp_new_lead")
    assert parse_qs(link.query) == {"phone": ["+919812300000"]}
    assert 'data-testid="start-lead"' in page.content.decode()

    form = cx_client.get(page.context["new_lead_url"])
    assert form.status_code == 200
    html = form.content.decode()
    assert 'value="+919812300000"' in html and 'value="Neha"' in html

    done = cx_client.post(
        reverse("console:whatsapp_new_lead"), {"phone": "+919812300000", "name": "Neha Verma"}
    )
    assert done.status_code == 302 and done.url == reverse("messaging:inbox")
    lead = Lead.objects.get()
    assert (lead.customer.phone, lead.customer.name) == ("+919812300000", "Neha Verma")
    assert (lead.source, lead.owner, lead.status) == ("callback_request", None, "new")
    event = AuditEvent.objects.get(action="lead.create")
    assert event.actor.username == "chitra"
    # The conversation now names the customer; a second start reuses the open lead.
    again = cx_client.post(reverse("console:whatsapp_new_lead"), {"phone": "9812300000"})
    assert again.status_code == 302 and Lead.objects.count() == 1
    # The notice is one sentence per case (a translation reads whole, not two joined pieces).
    # (The first notice is still stored: neither redirect was followed.)
    notices = [str(m) for m in get_messages(again.wsgi_request)]
    assert notices == [
        f"Lead #{lead.pk} started. It waits in the sales agents' lead queue.",
        f"Lead #{lead.pk} already open. It waits in the sales agents' lead queue.",
    ]
    assert Customer.objects.count() == 1
    assert cx_client.get(reverse("messaging:conversation", args=[thread.pk])).context["customer"]


def test_a_hindi_speaking_cx_agent_reads_the_new_lead_notice_as_one_hindi_sentence(
    db, messaging_conf, cx_client
):
    from orderdesk.leads.models import Lead

    chitra = User.objects.get(username="chitra")
    chitra.language = "hi"
    chitra.save(update_fields=["language"])
    done = cx_client.post(
        reverse("console:whatsapp_new_lead"), {"phone": "9812300003", "name": "Neha"}
    )
    lead = Lead.objects.get()
    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        f"लीड #{lead.pk} शुरू हो गई। यह सेल्स एजेंटों की लीड कतार में इंतज़ार कर रही है।"
    ]


def test_a_sales_agent_starting_a_lead_for_a_number_owns_it(db, messaging_conf):
    from orderdesk.leads.models import Lead

    sita = make_user(Role.SALES, "sita")
    client = Client()
    client.force_login(sita)
    done = client.post(
        reverse("console:whatsapp_new_lead"), {"phone": "9812300001", "name": "Ravi"}
    )
    lead = Lead.objects.get()
    assert done.url == reverse("console:lead_detail", args=[lead.pk])
    assert lead.owner == sita


def test_a_lead_for_a_bad_number_or_without_a_name_is_refused_and_nothing_is_saved(
    db, messaging_conf, cx_client
):
    from orderdesk.customers.models import Customer
    from orderdesk.leads.models import Lead

    bad = cx_client.post(reverse("console:whatsapp_new_lead"), {"phone": "12", "name": "X"})
    nameless = cx_client.post(reverse("console:whatsapp_new_lead"), {"phone": "9812300002"})
    assert (bad.status_code, nameless.status_code) == (422, 422)
    assert "phone" in bad.context["errors"] and "name" in nameless.context["errors"]
    assert not Customer.objects.exists() and not Lead.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["customer.create", "lead.create"]).exists()


def test_ops_and_admin_cannot_start_a_lead(db, messaging_conf):
    from orderdesk.customers.models import Customer
    from orderdesk.leads.models import Lead

    for role, name in ((Role.OPS, "omar"), (Role.ADMIN, "adil")):
        client = Client()
        client.force_login(make_user(role, name))
        url = reverse("console:whatsapp_new_lead")
        assert client.get(url, {"phone": "9812300003"}).status_code == 403
        assert client.post(url, {"phone": "9812300003", "name": "Z"}).status_code == 403
    assert not Customer.objects.exists() and not Lead.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["customer.create", "lead.create"]).exists()
