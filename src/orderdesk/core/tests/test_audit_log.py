"""S3: the audit log is read-only everywhere and searchable by supervisors and admins;
every admin that can change a record audits the change."""

import datetime as dt

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from orderdesk.core import audit
from orderdesk.core.admin import AuditedAdminMixin
from orderdesk.core.context import acting_as
from orderdesk.core.models import AuditEvent
from orderdesk.testing.factories import make_customer

URL = "/console/audit/"


@pytest.fixture
def events(cast):
    asha = make_customer(name="Asha Rao", phone="+919876543210")
    ravi = make_customer(name="Ravi Kumar", phone="+919876500001")
    with acting_as(cast["sales"], via="console"):
        audit.record(
            "customer.update_preferences",
            asha,
            before={"phone": "+919876543210", "upi_id": "asha.rao@okaxis"},
            after={"note": "call 9876543210 after six", "account_number": "123456789012"},
        )
    with acting_as(cast["ops"], via="api"):
        audit.record("customer.touch", ravi, after={"whatsapp_opt_in": True})
    return {"asha": asha, "ravi": ravi}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_supervisor_searches_by_actor_action_object_and_sees_values_masked(cast, events):
    client = signed_in(cast["supervisor"])
    page = client.get(URL, {"actor": "sita", "action": "customer."})
    html = page.content.decode()
    assert page.status_code == 200
    assert "customer.update_preferences" in html and "customer.touch" not in html
    for full in ("9876543210", "asha.rao@okaxis", "123456789012"):
        assert full not in html, full
    assert "+91•••••43210" in html and "upi_id: as••••••@okaxis" in html and "••••••••9012" in html

    by_object = client.get(
        URL, {"object_type": "customers.customer", "object_id": str(events["ravi"].pk)}
    ).content.decode()
    assert "customer.touch" in by_object and "customer.update_preferences" not in by_object


def test_the_date_range_is_in_ist_days_and_a_bad_date_is_refused(cast, events):
    client = signed_in(cast["admin"])
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    day = today.date().isoformat()
    assert "customer.touch" in client.get(URL, {"from": day, "to": day}).content.decode()
    tomorrow = (today.date() + dt.timedelta(days=1)).isoformat()
    assert "No event matches" in client.get(URL, {"from": tomorrow}).content.decode()
    bad = client.get(URL, {"from": "yesterday"})
    assert bad.status_code == 422 and "is not a date" in bad.content.decode()


def test_the_log_is_paginated_fifty_a_page(cast, events):
    customer = events["ravi"]
    for i in range(60):
        audit.record("customer.touch", customer, after={"n": i})
    client = signed_in(cast["supervisor"])
    first = client.get(URL, {"action": "customer.touch"}).content.decode()
    assert "61 events" in first and "page 1 of 2" in first
    second = client.get(URL, {"action": "customer.touch", "page": 2}).content.decode()
    assert "page 2 of 2" in second and second.count("<tr>") == 1 + 11  # header + 11 rows


@pytest.mark.parametrize("role", ["sales", "cx", "ops", "app", "vendor"])
def test_other_roles_cannot_read_the_log(cast, events, role):
    before = AuditEvent.objects.count()
    response = signed_in(cast[role]).get(URL)
    assert response.status_code == 403
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_console_log_only_reads(cast, events, method):
    before = list(AuditEvent.objects.values_list("id", "action"))
    response = getattr(signed_in(cast["admin"]), method)(URL)
    assert response.status_code == 405
    assert list(AuditEvent.objects.values_list("id", "action")) == before


def test_the_admin_offers_no_add_change_or_delete_of_audit_events(cast, events):
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/admin/")
    request.user = cast["admin"]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    event = AuditEvent.objects.first()
    client = signed_in(cast["admin"])
    before = list(AuditEvent.objects.values_list("id", "action", "after"))
    assert client.get("/admin/core/auditevent/add/").status_code == 403
    delete = client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    change = client.post(f"/admin/core/auditevent/{event.pk}/change/", {"action": "forged"})
    assert change.status_code == 403
    assert list(AuditEvent.objects.values_list("id", "action", "after")) == before


# Admins that change records without AuditedAdminMixin audit in their own save_model.
OWN_AUDITED_SAVE = {"SlaPolicyAdmin", "ContactPolicyAdmin"}


def test_every_admin_that_can_change_a_record_audits_it(cast):
    request = RequestFactory().get("/admin/")
    request.user = cast["admin"]
    unaudited = []
    for model, model_admin in admin.site._registry.items():
        can_write = (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        )
        readonly = set(model_admin.get_readonly_fields(request))
        editable = [name for name in model_admin.get_fields(request) if name not in readonly]
        if not can_write or not (editable or model_admin.has_delete_permission(request)):
            continue
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        if type(model_admin).__name__ in OWN_AUDITED_SAVE:
            continue
        unaudited.append(f"{model._meta.label}: {type(model_admin).__name__}")
    assert not unaudited, f"admins that change records without an audit event: {unaudited}"
