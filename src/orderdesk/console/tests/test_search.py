# ruff: noqa: F811  (the shared fixtures are imported and used as arguments)
"""Issue 18: one search in the header of every page; results lead somewhere the role may go."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from orderdesk.customers.models import Customer
from orderdesk.leads.actions import create_lead
from orderdesk.leads.seeding import ensure_default_settings
from orderdesk.orders.rules import display_order_number
from orderdesk.orders.tests.conftest import order_request  # noqa: F401  (fixture)
from orderdesk.orders.tests.test_lifecycle_support import new_order  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def search(client, q: str) -> str:
    response = client.get("/console/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", ["sales", "cx", "ops", "supervisor", "admin"])
def test_every_page_has_the_search_box_in_its_header(cast, role):
    html = signed_in(cast[role]).get("/console/training-card/").content.decode()
    assert 'role="search"' in html and 'action="/console/search/"' in html
    assert 'data-testid="header-search"' in html and ">New caller</a>" in html


def test_a_phone_in_any_format_finds_the_customer_with_next_actions_for_sales(cast, new_order):
    ensure_default_settings()
    order = new_order(customer_phone="98765 43210")
    lead, _ = create_lead(customer=order.customer, source="app_quote", owner=cast["sales"])
    html = search(signed_in(cast["sales"]), "+91-98765-43210")
    assert "98765 43210" not in html.replace('value="+91-98765-43210"', "")  # masked
    assert f'href="/console/leads/{lead.pk}/"' in html  # open lead
    assert f"/console/orders/new/?lead={lead.pk}" in html  # start an order from it
    assert f'href="/console/orders/{order.number}/"' in html  # open the order (read-only)
    assert f"/console/ops/orders/{order.number}/" not in html  # sales may not go there


def test_ops_and_cx_find_orders_by_phone(cast, new_order):
    order = new_order(customer_phone="98765 43210")
    ops = search(signed_in(cast["ops"]), "09876543210")
    assert f'href="/console/ops/orders/{order.number}/"' in ops
    cx = search(signed_in(cast["cx"]), "9876543210")
    assert f'href="/console/orders/{order.number}/"' in cx
    assert f"/console/cx/tickets/new/?order_number={order.number}" in cx


def test_an_order_number_as_read_on_the_phone_finds_the_order(cast, new_order):
    order = new_order()
    html = search(signed_in(cast["supervisor"]), display_order_number(order.number).lower())
    assert 'data-testid="order-hit"' in html
    assert f'href="/console/orders/{order.number}/"' in html


def test_partial_phone_digits_find_nothing_privacy(cast, new_order):
    order = new_order(customer_phone="98765 43210")
    html = search(signed_in(cast["cx"]), "543210")
    assert order.customer.name not in html and order.number not in html
    assert 'data-testid="search-problem"' in html and "privacy" in html


def test_a_new_caller_gets_start_order_and_new_ticket_for_their_number(cast):
    cx = search(signed_in(cast["cx"]), "98123 45670")
    assert 'data-testid="new-caller"' in cx
    assert "/console/orders/new/?customer_phone=98123+45670" in cx
    assert "/console/cx/tickets/new/?phone=98123+45670" in cx
    ops = search(signed_in(cast["ops"]), "98123 45670")
    assert "/console/orders/new/" not in ops and "/console/cx/tickets/new/" not in ops


def test_a_name_needs_three_letters_and_shows_masked_phones(cast):
    Customer.objects.create(name="Kavya Menon", phone="+919812345678")
    short = search(signed_in(cast["sales"]), "Ka")
    assert "Kavya" not in short and "at least 3 letters" in short
    html = search(signed_in(cast["sales"]), "kavya")
    assert "Kavya Menon" in html and "+919812345678" not in html and "5678" in html


@pytest.mark.parametrize("role", ["sales", "cx", "ops", "supervisor", "admin"])
def test_every_result_link_is_one_the_role_may_open(cast, new_order, role):
    """No result leads to a 403: each console link is allowed for the role in the matrix."""
    ensure_default_settings()
    order = new_order(customer_phone="98765 43210")
    create_lead(customer=order.customer, source="app_quote", owner=cast["sales"])
    client = signed_in(cast[role])
    html = search(client, "9876543210")
    main = html.split('<main id="main"', 1)[1]
    links = [h for h in hrefs(main) if h.startswith("/console/")]
    assert links  # something to do next
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code in (200, 302), (role, link, response.status_code)
