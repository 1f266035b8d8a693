"""Issue 21 finding 3: full phone numbers only through the audited reveal, for a customer the
user is working; no partial-digit search oracle; a reveal burst is refused and alerted; the
admin's customer pages show the number masked."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from orderdesk.core import metrics
from orderdesk.core.models import AuditEvent
from orderdesk.customers.models import Customer
from orderdesk.customers.selectors import search_customers
from orderdesk.cx.actions import open_ticket
from orderdesk.leads.choices import LeadSource
from orderdesk.leads.models import Lead

FROZEN = "2026-03-02 06:00:10+00:00"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(cast):
    asha = Customer.objects.create(name="Asha Rao", phone="+919876543210")
    meena = Customer.objects.create(name="Meena Iyer", phone="+919811122233")
    Lead.objects.create(customer=asha, source=LeadSource.CAMPAIGN, owner=cast["sales"])
    Lead.objects.create(customer=meena, source=LeadSource.CAMPAIGN, owner=cast["sales2"])
    open_ticket(type="complaint", customer=asha, created_by=cast["cx"], assignee=cast["cx"])
    return {"asha": asha, "meena": meena}


def _reveal(client, customer, purpose="on the call"):
    return client.post(f"/console/customers/{customer.pk}/phone/", {"purpose": purpose})


def test_s2_partial_digits_find_no_customer_only_the_full_number_does(people):
    assert list(search_customers("43210")) == []
    assert list(search_customers("+91 98765")) == []
    assert list(search_customers("98765 43210")) == [people["asha"]]
    assert list(search_customers("asha")) == [people["asha"]]


def test_s2_api_customer_search_is_no_oracle(people, cast, api):
    client = api(cast["cx"])
    assert client.get("/api/v1/customers", {"q": "543210"}).json() == []
    assert len(client.get("/api/v1/customers", {"q": "+919876543210"}).json()) == 1


def test_s2_an_agent_reveals_the_number_of_their_own_lead_and_the_work_is_audited(people, cast):
    shown = _reveal(_signed_in(cast["sales"]), people["asha"])
    assert shown.status_code == 200 and "+91 98765 43210" in shown.content.decode()
    event = AuditEvent.objects.get(action="customer.reveal_phone")
    assert event.after["work"].startswith("lead ")


def test_s2_another_agents_customer_is_refused_and_nothing_is_written(people, cast):
    before = AuditEvent.objects.count()
    refused = _reveal(_signed_in(cast["sales"]), people["meena"])
    assert refused.status_code == 403
    assert "98111" not in refused.content.decode()
    assert AuditEvent.objects.count() == before


def test_s2_cx_reveals_only_for_a_ticket_assigned_to_them(people, cast):
    cx = _signed_in(cast["cx"])
    assert _reveal(cx, people["asha"]).status_code == 200
    assert _reveal(cx, people["meena"]).status_code == 403


def test_s2_a_supervisor_reveals_with_a_reason_only(people, cast):
    suman = _signed_in(cast["supervisor"])
    before = AuditEvent.objects.count()
    assert _reveal(suman, people["meena"], purpose="").status_code == 422
    assert AuditEvent.objects.count() == before
    assert (
        _reveal(suman, people["meena"], purpose="complaint about agent conduct").status_code == 200
    )
    event = AuditEvent.objects.get(action="customer.reveal_phone")
    assert (event.after["work"], event.after["purpose"]) == (
        "supervisor",
        "complaint about agent conduct",
    )


@time_machine.travel(FROZEN, tick=False)
def test_s2_a_reveal_burst_is_refused_and_alerted(people, cast, settings, caplog):
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "THROTTLES": {**settings.ORDERDESK["THROTTLES"], "phone_reveal": "3/h"},
    }
    sita = _signed_in(cast["sales"])
    bursts = metrics.PHONE_REVEAL_BURSTS._value.get()
    statuses = [_reveal(sita, people["asha"]).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert AuditEvent.objects.filter(action="customer.reveal_phone").count() == 3
    alerts = AuditEvent.objects.filter(action="customer.reveal_phone_burst")
    assert [(e.actor_id, e.after) for e in alerts] == [
        (cast["sales"].pk, {"customer": people["asha"].pk})
    ] * 2
    assert metrics.PHONE_REVEAL_BURSTS._value.get() == bursts + 2
    assert "phone reveal burst by sita" in caplog.text


def test_s2_the_admin_customer_page_masks_the_phone_and_the_reveal_is_audited(people, cast):
    admin = _signed_in(cast["admin"])
    asha = people["asha"]
    page = admin.get(f"/admin/customers/customer/{asha.pk}/change/").content.decode()
    assert "9876543210" not in page and "98765 43210" not in page
    assert "+91•••••43210" in page
    listing = admin.get("/admin/customers/customer/", {"q": "43210"}).content.decode()
    assert "Asha Rao" not in listing  # no partial-number search in the admin either

    shown = admin.post(
        "/admin/customers/customer/",
        {"action": "show_full_number", "_selected_action": [asha.pk]},
        follow=True,
    )
    assert "+91 98765 43210" in shown.content.decode()
    event = AuditEvent.objects.get(action="customer.reveal_phone")
    assert (event.actor_id, event.via) == (cast["admin"].pk, "admin")
