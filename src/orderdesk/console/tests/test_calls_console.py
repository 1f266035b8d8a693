"""The lead page with telephony on: the Call button, the live call status the page polls,
the call panel logging against the call, and the audited recording player."""

from __future__ import annotations

import copy
import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core.files.base import ContentFile

from orderdesk.core.models import AuditEvent
from orderdesk.core.timeutil import IST
from orderdesk.leads.models import ContactAttempt
from orderdesk.telephony.models import Call
from orderdesk.telephony.providers import SimulatorProvider
from orderdesk.telephony.tests.conftest import SECRET, drain
from orderdesk.telephony.tests.helpers import exotel_params

NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=IST)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def telephony_on(settings, tmp_path):
    orderdesk = copy.deepcopy(settings.ORDERDESK)
    orderdesk["TELEPHONY"].update(ENABLED=True, PROVIDER="simulator", WEBHOOK_SECRET=SECRET)
    settings.ORDERDESK = orderdesk
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


@pytest.fixture
def lead(cast):
    from orderdesk.customers.models import Customer
    from orderdesk.leads.actions import create_lead
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()
    customer = Customer.objects.create(name="Asha Rao", phone="+919876543215")
    lead, _ = create_lead(customer=customer, source="app_quote", owner=cast["sales"])
    return lead


def click_call(client, lead, sid="sim-console"):
    with (
        mock.patch.object(SimulatorProvider, "connect", return_value=sid),
        mock.patch("django.db.transaction.on_commit", side_effect=lambda f, **kw: f()),
    ):
        return client.post(f"/console/leads/{lead.pk}/call/", **HTMX)


@pytest.mark.django_db
def test_lead_page_offers_the_call_button_with_the_number_masked(client_for, lead):
    page = client_for("sales").get(f"/console/leads/{lead.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="call-button"' in body
    assert "+919876543215" not in body


@pytest.mark.django_db
def test_lead_page_has_no_call_button_when_telephony_is_off(client_for, lead, settings):
    settings.ORDERDESK["TELEPHONY"]["ENABLED"] = False
    body = client_for("sales").get(f"/console/leads/{lead.pk}/").content.decode()
    assert 'data-testid="call-button"' not in body


@pytest.mark.django_db
def test_clicking_call_dials_and_the_status_polls_until_the_call_ends(client_for, lead, cast):
    client = client_for("sales")
    response = click_call(client, lead)
    assert response.status_code == 200
    call = Call.objects.get()
    assert (call.provider_call_id, call.status, call.context_id) == (
        "sim-console",
        "initiated",
        lead.pk,
    )
    assert 'hx-trigger="every 1s"' in response.content.decode()

    client.post(
        f"/telephony/webhooks/simulator/{SECRET}/", exotel_params("sim-console", "answered")
    )
    drain()
    status = client.get(f"/console/calls/{call.pk}/status/?was=initiated", **HTMX)
    assert 'data-status="answered"' in status.content.decode()
    assert "HX-Refresh" not in status

    client.post(
        f"/telephony/webhooks/simulator/{SECRET}/", exotel_params("sim-console", "completed")
    )
    drain()
    ended = client.get(f"/console/calls/{call.pk}/status/?was=answered", **HTMX)
    assert ended["HX-Refresh"] == "true"  # the page reloads once: the panel logs the call
    assert 'hx-trigger="every 1s"' not in ended.content.decode()

    page = client.get(f"/console/leads/{lead.pk}/").content.decode()
    assert f'name="call_id" value="{call.pk}"' in page
    logged = client.post(
        f"/console/leads/{lead.pk}/contacts/",
        {
            "call_id": call.pk,
            "channel": "call",
            "direction": "outbound",
            "connected": "yes",
            "disposition": "waiting_for_quote",
            "notes": "Wants the price for the 256 GB model first, sending the quote today",
        },
    )
    assert logged.status_code == 302
    call.refresh_from_db()
    assert ContactAttempt.objects.get(pk=call.contact_attempt_id).connected is True


@pytest.mark.django_db
def test_refused_click_to_call_says_why_and_dials_nobody(client_for, lead):
    lead.customer.do_not_contact = True
    lead.customer.save()
    response = click_call(client_for("sales"), lead)
    assert response.status_code == 409
    assert "do-not-contact" in response.content.decode()
    assert Call.objects.count() == 0


@pytest.mark.django_db
def test_another_agents_call_status_is_not_shown(client_for, lead):
    click_call(client_for("sales"), lead)
    call = Call.objects.get()
    assert client_for("sales2").get(f"/console/calls/{call.pk}/status/").status_code == 404


@pytest.mark.django_db
def test_recording_player_streams_the_file_and_audits_the_listening(client_for, lead, cast):
    click_call(client_for("sales"), lead)
    call = Call.objects.get()
    call.recording.save("x.wav", ContentFile(b"RIFF....WAVEfmt "), save=True)
    events = AuditEvent.objects.filter(action="call.recording.listen").count()
    response = client_for("supervisor").get(f"/console/calls/{call.pk}/recording/")
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert b"".join(response.streaming_content).startswith(b"RIFF")
    assert AuditEvent.objects.filter(action="call.recording.listen").count() == events + 1
    assert client_for("sales2").get(f"/console/calls/{call.pk}/recording/").status_code == 404


@pytest.mark.django_db
def test_wallboard_shows_an_agent_on_a_call_and_the_calls_in_progress(client_for, lead, cast):
    click_call(client_for("sales"), lead)
    response = client_for("supervisor").get("/console/wallboard/", **HTMX)
    assert response.status_code == 200
    context = response.context
    assert context["states"]["on_call"] == 1
    assert context["calls"]["active"] == 1
    assert [row["state"] for row in context["agents"] if row["agent"] == cast["sales"]] == [
        "on_call"
    ]
    assert 'hx-trigger="every 2s"' in response.content.decode()
    assert "+919876543215" not in response.content.decode()


@pytest.mark.django_db
def test_wallboard_shows_todays_telephony_kpis(client_for, lead):
    click_call(client_for("sales"), lead)  # one call placed today, still ringing
    response = client_for("supervisor").get("/console/wallboard/", **HTMX)
    html = response.content.decode()
    assert 'data-testid="telephony-kpis"' in html
    shown = {k["key"]: k["display"] for k in response.context["telephony_kpis"]}
    assert shown["calls_per_agent_hour"] == "1.00"  # one call in one agent-hour
    assert shown["answer_rate_pct"] == "—"  # no call has ended yet
    assert shown["first_call_time_avg"] == "0 s"  # the lead was called the moment it came


@pytest.mark.django_db
def test_wallboard_is_for_supervisors(client_for):
    assert client_for("sales").get("/console/wallboard/").status_code == 403


@pytest.mark.django_db
def test_cx_agent_calls_the_customer_from_a_ticket(client_for, lead, cast):
    from orderdesk.cx.actions import open_ticket

    ticket = open_ticket(
        type="inquiry",
        customer=lead.customer,
        notes="Asks when the pickup is",
        created_by=cast["cx"],
    )
    page = client_for("cx").get(f"/console/cx/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="call-button"' in page and "+919876543215" not in page
    with (
        mock.patch.object(SimulatorProvider, "connect", return_value="sim-ticket"),
        mock.patch("django.db.transaction.on_commit", side_effect=lambda f, **kw: f()),
    ):
        response = client_for("cx").post(f"/console/cx/tickets/{ticket.pk}/call/", **HTMX)
    assert response.status_code == 200
    call = Call.objects.get()
    assert (call.agent, call.context_kind, call.context_id, call.provider_call_id) == (
        cast["cx"],
        "ticket",
        ticket.pk,
        "sim-ticket",
    )


@pytest.mark.django_db
def test_follow_up_queue_rows_have_a_call_button(client_for, lead):
    page = client_for("sales").get("/console/leads/").content.decode()
    assert f'action="/console/leads/{lead.pk}/call/"' in page


@pytest.mark.django_db
def test_agent_sets_themself_away_and_back(client_for, cast):
    from orderdesk.telephony.models import AgentPresence

    agent = client_for("sales")
    response = agent.post("/console/calls/presence/", {"state": "away", "next": "/console/leads/"})
    assert (response.status_code, response["Location"]) == (302, "/console/leads/")
    assert AgentPresence.objects.get(agent=cast["sales"]).state == "away"
    agent.post("/console/calls/presence/", {"state": "available", "next": "https://evil.test/"})
    assert AgentPresence.objects.get(agent=cast["sales"]).state == "available"


@pytest.mark.django_db
def test_presence_cannot_be_set_to_on_a_call_by_hand(client_for, cast):
    from orderdesk.telephony.models import AgentPresence

    client_for("sales").post("/console/calls/presence/", {"state": "on_call"})
    assert not AgentPresence.objects.filter(agent=cast["sales"]).exists()


@pytest.mark.django_db
def test_presence_redirect_never_leaves_the_site(client_for):
    response = client_for("sales").post(
        "/console/calls/presence/", {"state": "away", "next": "https://evil.test/"}
    )
    assert response["Location"] == "/console/"


@pytest.fixture
def order(cast, catalog):
    from orderdesk.orders.actions import create_order
    from orderdesk.testing.factories import agent_order_request

    request = agent_order_request(catalog, customer_phone="98765 43216")
    return create_order(request, actor=cast["sales"], channel="agent")


def post_order_call(client, order, sid="sim-order"):
    with (
        mock.patch.object(SimulatorProvider, "connect", return_value=sid),
        mock.patch("django.db.transaction.on_commit", side_effect=lambda f, **kw: f()),
    ):
        return client.post(f"/console/orders/{order.number}/call/", **HTMX)


@pytest.mark.django_db
def test_order_page_calls_the_customer_about_the_order(client_for, order, cast):
    page = client_for("cx").get(f"/console/orders/{order.number}/").content.decode()
    assert 'data-testid="call-button"' in page and "+919876543216" not in page
    response = post_order_call(client_for("cx"), order)
    assert response.status_code == 200
    call = Call.objects.get()
    assert (call.agent, call.context_kind, call.context_id, call.to_number) == (
        cast["cx"],
        "order",
        order.pk,
        "+919876543216",
    )


@pytest.mark.django_db
def test_order_call_is_refused_for_a_customer_on_do_not_contact(client_for, order):
    order.customer.do_not_contact = True
    order.customer.save(update_fields=["do_not_contact"])
    response = post_order_call(client_for("sales"), order)
    assert response.status_code == 409
    assert "do-not-contact" in response.content.decode()
    assert not Call.objects.exists()


@pytest.mark.django_db
def test_order_call_checks_d5_and_d9_on_the_orders_lead(client_for, order, lead, cast):
    """The same rules and codes as a call on the lead: D5 when the lead is closed for sales
    (kept as a refusal for the supervisor), D9's calling hours."""
    from orderdesk.flows import calls as call_flows
    from orderdesk.leads.models import ContactRefusal, Lead
    from orderdesk.orders.models import Order

    Order.objects.filter(pk=order.pk).update(source_lead=lead)
    order.refresh_from_db()
    Lead.objects.filter(pk=lead.pk).update(
        status="order_created", closed_for_sales=True, closed_reason="order_created"
    )
    response = post_order_call(client_for("sales"), order)
    assert response.status_code == 409
    assert "closed for sales" in response.content.decode()
    assert ContactRefusal.objects.get().code == "sales_contact_closed"
    Lead.objects.filter(pk=lead.pk).update(status="new", closed_for_sales=False, closed_reason="")
    late = dt.datetime(2026, 3, 10, 22, 30, tzinfo=IST)
    with pytest.raises(Exception) as refused:
        call_flows.call_order(order, agent=cast["sales"], now=late)
    assert getattr(refused.value, "code", "") == "outside_calling_hours"
    assert not Call.objects.exists()


@pytest.mark.django_db
def test_order_call_by_cx_is_a_service_call_not_stopped_by_d5(client_for, order, lead, cast):
    """D5 stops *sales* calls once the customer has ordered; CX calling about the order is a
    service call: only do-not-contact and calling hours apply."""
    from orderdesk.flows import calls as call_flows
    from orderdesk.leads.models import ContactRefusal, Lead
    from orderdesk.orders.models import Order

    Order.objects.filter(pk=order.pk).update(source_lead=lead)
    order.refresh_from_db()
    Lead.objects.filter(pk=lead.pk).update(
        status="order_created", closed_for_sales=True, closed_reason="order_created"
    )
    late = dt.datetime(2026, 3, 10, 22, 30, tzinfo=IST)
    with pytest.raises(Exception) as refused:
        call_flows.call_order(order, agent=cast["cx"], now=late)
    assert getattr(refused.value, "code", "") == "outside_calling_hours"
    assert not Call.objects.exists()
    response = post_order_call(client_for("cx"), order)
    assert response.status_code == 200
    call = Call.objects.get()
    assert (call.agent, call.context_kind, call.context_id) == (cast["cx"], "order", order.pk)
    assert not ContactRefusal.objects.exists()


@pytest.mark.django_db
def test_order_call_is_not_for_ops(client_for, order):
    assert client_for("ops").post(f"/console/orders/{order.number}/call/").status_code == 403
    assert not Call.objects.exists()
