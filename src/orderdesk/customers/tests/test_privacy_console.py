"""S4 in the console: only the admin role exports or erases a customer's data."""

from __future__ import annotations

import pytest
from django.test import Client

from orderdesk.core.models import AuditEvent
from orderdesk.customers.actions import ANONYMISED_NAME, add_address, get_or_create_customer
from orderdesk.customers.models import Customer
from orderdesk.testing.factories import PASSWORD


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def asha(db):
    customer, _ = get_or_create_customer(name="Asha Rao", phone="9876543210")
    add_address(customer, line1="12 MG Road", landmark="Near Metro", city="Pune", pincode="411001")
    return customer


def test_admin_finds_the_customer_and_downloads_the_export(cast, asha):
    admin = _client(cast["admin"])
    found = admin.get("/console/customers/privacy/", {"q": "98765 43210"})
    assert found.status_code == 200
    assert f"/console/customers/{asha.pk}/privacy/".encode() in found.content

    response = admin.get(f"/console/customers/{asha.pk}/export.json")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="customer-{asha.pk}.json"'
    assert response.json()["customer"][0]["phone"] == "+919876543210"
    assert AuditEvent.objects.filter(action="customer.export", actor=cast["admin"]).count() == 1


def test_admin_erases_a_customer_with_nothing_open(cast, asha):
    admin = _client(cast["admin"])
    refused = admin.post(f"/console/customers/{asha.pk}/erase/", {"confirm": "yes"}, follow=True)
    assert b"Type ERASE to confirm; nothing was changed." in refused.content
    assert Customer.objects.get(pk=asha.pk).name == "Asha Rao"

    done = admin.post(f"/console/customers/{asha.pk}/erase/", {"confirm": "ERASE"}, follow=True)

    assert b"personal data has been erased" in done.content
    assert Customer.objects.get(pk=asha.pk).name == ANONYMISED_NAME
    assert (
        AuditEvent.objects.filter(
            action="customer.erase", actor=cast["admin"], via="console"
        ).count()
        == 1
    )


def test_erasure_refused_in_the_console_names_the_rule_and_changes_nothing(cast, asha, catalog):
    from orderdesk.orders.models import Order

    Order.objects.create(
        number="ODCONSOLE1",
        customer=asha,
        channel="app",
        status="created",
        device_model=catalog["iphone"],
        variant=catalog["v128"],
        answers={},
        estimated_price=45000,
        address=asha.addresses.get(),
        payment_method="upi",
        upi_id="asha@okaxis",
    )
    admin = _client(cast["admin"])
    page = admin.get(f"/console/customers/{asha.pk}/privacy/")
    assert b"erasure_order_open" in page.content
    events = AuditEvent.objects.count()

    response = admin.post(f"/console/customers/{asha.pk}/erase/", {"confirm": "ERASE"}, follow=True)

    assert b"(erasure_order_open) Nothing was changed." in response.content
    assert Customer.objects.get(pk=asha.pk).name == "Asha Rao"
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", ["sales", "cx", "ops", "supervisor"])
def test_other_roles_are_refused_and_nothing_changes(cast, asha, role):
    client = _client(cast[role])
    for response in (
        client.get("/console/customers/privacy/", {"q": "9876543210"}),
        client.get(f"/console/customers/{asha.pk}/export.json"),
        client.post(f"/console/customers/{asha.pk}/erase/", {"confirm": "ERASE"}),
    ):
        assert response.status_code == 403
    assert Customer.objects.get(pk=asha.pk).name == "Asha Rao"
    assert not AuditEvent.objects.filter(action__in=["customer.export", "customer.erase"]).exists()


def test_anonymous_is_sent_to_sign_in(db, asha):
    response = Client().get(f"/console/customers/{asha.pk}/export.json")
    assert response.status_code == 302 and "/console/login/" in response["Location"]
