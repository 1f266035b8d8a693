# ruff: noqa: F811  (the shared fixtures are imported from test_lifecycle_support and used as arguments)
"""Issue 15, item 10: the vendor's API view of an assigned order has what the pickup needs —
the address, the landmark, the special instructions — and a way to reach the customer: the
phone stays masked in every read, and the assigned vendor reveals it, audited."""

from __future__ import annotations

from orderdesk.core.models import AuditEvent
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.tests.test_lifecycle_support import (  # noqa: F401  (fixtures)
    drive,
    new_order,
    quickpick_client,
)

JSON = "application/json"


def reveal(client, number, purpose="at the gate"):
    return client.post(
        f"/api/v1/orders/{number}/customer-phone", {"purpose": purpose}, content_type=JSON
    )


def test_o2_vendor_reads_address_landmark_and_instructions_of_its_assigned_order(
    api, cast, new_order, quickpick_client
):
    order = new_order(special_instructions="Ring twice, third floor")
    drive(order, OrderStatus.VENDOR_ASSIGNED, actor=cast["ops"])
    body = api(quickpick_client).get(f"/api/v1/orders/{order.number}").json()
    assert body["pickup_address"] == "14, 3rd Cross, 5th Block"
    assert body["pickup_landmark"] == "Opposite Forum Mall"
    assert body["special_instructions"] == "Ring twice, third floor"
    assert order.customer.phone not in str(body)  # masked in the read


def test_s2_assigned_vendor_reveals_the_customers_phone_and_it_is_audited(
    api, cast, new_order, quickpick_client
):
    order = new_order()
    drive(order, OrderStatus.VENDOR_ASSIGNED, actor=cast["ops"])
    before = AuditEvent.objects.filter(action="customer.reveal_phone").count()
    response = reveal(api(quickpick_client), order.number)
    assert response.status_code == 200, response.json()
    assert response.json()["customer_phone"] == order.customer.phone
    events = AuditEvent.objects.filter(action="customer.reveal_phone")
    assert events.count() == before + 1
    assert events.latest("pk").after["work"] == f"order {order.number}"


def test_s2_vendor_cannot_reveal_before_assignment_or_after_the_order_closes(
    api, cast, new_order, quickpick_client
):
    vendor = api(quickpick_client)
    unassigned = new_order()
    before = AuditEvent.objects.count()
    assert reveal(vendor, unassigned.number).status_code == 404
    assert AuditEvent.objects.count() == before  # refused: nothing written
    done = new_order()
    drive(done, OrderStatus.VENDOR_ASSIGNED, actor=cast["ops"])
    drive(done, OrderStatus.CANCELLED, actor=cast["ops"])
    before = AuditEvent.objects.count()
    response = reveal(vendor, done.number)
    assert response.status_code == 403
    assert response.json()["code"] == "not_working_customer"
    assert AuditEvent.objects.count() == before


def test_s2_staff_do_not_reveal_through_the_vendor_endpoint(api, cast, new_order):
    order = new_order()
    drive(order, OrderStatus.VENDOR_ASSIGNED, actor=cast["ops"])
    ops = api(cast["ops"])  # (signing in writes its own audit row)
    before = AuditEvent.objects.count()
    assert reveal(ops, order.number).status_code == 403
    assert AuditEvent.objects.count() == before  # refused: nothing written
