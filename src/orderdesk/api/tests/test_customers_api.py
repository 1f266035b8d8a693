"""Customers over the API; a role outside its area is refused (403) and nothing changes."""

import pytest

from orderdesk.core.models import AuditEvent
from orderdesk.customers.models import Customer
from orderdesk.testing.factories import make_customer


def test_sales_creates_a_customer_once_whatever_the_phone_format(api, cast):
    client = api(cast["sales"])
    first = client.post(
        "/api/v1/customers",
        {"name": "Asha Rao", "phone": "98765 43210"},
        content_type="application/json",
    )
    again = client.post(
        "/api/v1/customers",
        {"name": "Asha", "phone": "+91-98765-43210"},
        content_type="application/json",
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["phone_masked"] == "+91•••••43210"
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("role", ["ops", "app", "vendor", "supervisor"])
def test_roles_without_customer_editing_are_refused_and_nothing_changes(api, cast, role):
    client = api(cast[role])
    events_before = AuditEvent.objects.count()
    response = client.post(
        "/api/v1/customers",
        {"name": "Asha Rao", "phone": "9876543210"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "forbidden"
    assert Customer.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_vendor_and_app_cannot_read_customers(api, cast):
    make_customer(name="Asha Rao", phone="+919876543210")
    for role in ("vendor", "app"):
        response = api(cast[role]).get("/api/v1/customers", {"q": "asha"})
        assert response.status_code == 403


def test_preferences_change_is_audited_and_bad_values_change_nothing(api, cast):
    customer = make_customer(name="Asha Rao", phone="+919876543210")
    client = api(cast["cx"])
    bad = client.patch(
        f"/api/v1/customers/{customer.pk}/preferences",
        {"language": "klingon"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "language"
    customer.refresh_from_db()
    assert customer.language == "en"
    ok = client.patch(
        f"/api/v1/customers/{customer.pk}/preferences",
        {"whatsapp_opt_in": True, "language": "hi"},
        content_type="application/json",
    )
    assert (
        ok.status_code == 200
        and ok.json()["language"] == "hi"
        and ok.json()["whatsapp_opt_in"] is True
    )
    assert (
        AuditEvent.objects.filter(action="customer.update_preferences", actor=cast["cx"]).count()
        == 1
    )


def test_bad_phone_is_named(api, cast):
    response = api(cast["sales"]).post(
        "/api/v1/customers", {"name": "X", "phone": "12345"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["code"]) == (
        "phone",
        "phone_invalid",
    )
    assert Customer.objects.count() == 0
