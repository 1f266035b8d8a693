# ruff: noqa: F811  (the shared fixtures are imported from test_lifecycle_support and used as arguments)
"""Issue 18: an admin finds any order in the back office (by number or full phone, read-only),
and the admin's customer form shows the phone masked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from orderdesk.core.phones import mask_phone
from orderdesk.orders.models import Order
from orderdesk.orders.rules import display_order_number
from orderdesk.orders.tests.test_lifecycle_support import new_order  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(cast):
    client = Client()
    client.force_login(cast["admin"])
    return client


def listed(client, query: str) -> str:
    response = client.get(reverse("admin:orders_order_changelist"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_an_admin_finds_an_order_by_number_as_typed(admin_client, new_order):
    order, other = new_order(), new_order()
    html = listed(admin_client, display_order_number(order.number).lower())
    assert order.number in html and other.number not in html


def test_an_admin_finds_orders_by_the_full_phone_in_any_format_never_by_part(
    admin_client, new_order
):
    order, other = new_order(), new_order()
    national = order.customer.phone[3:]  # "98…" without +91
    html = listed(admin_client, f"0{national[:5]} {national[5:]}")
    assert order.number in html and other.number not in html
    assert order.customer.phone not in html and mask_phone(order.customer.phone) in html
    partial = listed(admin_client, national[-6:])
    assert order.number not in partial and other.number not in partial


def test_the_order_admin_is_read_only(admin_client, new_order):
    order = new_order()
    url = reverse("admin:orders_order_change", args=[order.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and order.customer.phone not in page.content.decode()
    before = Order.objects.filter(pk=order.pk).values().get()
    admin_client.post(url, {"status": "cancelled"})
    assert admin_client.get(reverse("admin:orders_order_add")).status_code == 403
    assert Order.objects.filter(pk=order.pk).values().get() == before


def test_the_admin_customer_form_masks_the_phone(admin_client, new_order):
    customer = new_order().customer
    page = admin_client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert customer.phone not in html and customer.phone[3:] not in html
    assert mask_phone(customer.phone) in html
