# ruff: noqa: F811  (the shared fixtures are imported and used as arguments)
"""Issue 18: the context sidebar on the lead, order and ticket pages — the customer (masked),
their open leads, orders, tickets and last contacts, each linked only where the reader may
go, in a bounded number of queries."""

from __future__ import annotations

import pytest
from django.test import Client

from orderdesk.console.sidebar import customer_sidebar
from orderdesk.core.models import AuditEvent
from orderdesk.cx.actions import open_ticket
from orderdesk.leads.actions import create_lead
from orderdesk.leads.choices import LeadSource
from orderdesk.leads.models import ContactAttempt, Disposition, Lead
from orderdesk.leads.seeding import ensure_default_settings
from orderdesk.orders.tests.conftest import order_request  # noqa: F401  (fixture)
from orderdesk.orders.tests.test_lifecycle_support import new_order  # noqa: F401  (fixture)
from orderdesk.testing.factories import make_user

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(cast, new_order):
    ensure_default_settings()
    order = new_order(customer_phone="98765 43210")
    customer = order.customer
    own, _ = create_lead(customer=customer, source="app_quote", owner=cast["sales"])
    other = Lead.objects.create(customer=customer, source=LeadSource.CAMPAIGN, owner=cast["sales2"])
    ContactAttempt.objects.create(
        lead=own,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition=Disposition.objects.get(key="will_place_order"),
    )
    ticket = open_ticket(
        type="complaint", customer=customer, created_by=cast["cx"], assignee=cast["cx"]
    )
    return {"order": order, "customer": customer, "own": own, "other": other, "ticket": ticket}


def sidebar_html(html: str) -> str:
    start = html.index('data-testid="context-sidebar"')
    return html[start : html.index("</section>", start)]


def test_the_lead_page_shows_the_customer_in_the_sidebar_linked_only_where_sales_may_go(
    cast, world
):
    html = signed_in(cast["sales"]).get(f"/console/leads/{world['own'].pk}/").content.decode()
    side = sidebar_html(html)
    assert "98765 43210" not in side  # masked
    assert world["order"].display_number in side
    assert f'href="/console/orders/{world["order"].number}/"' in side  # read-only order page
    assert "/console/ops/orders/" not in side  # ops only
    assert f"Lead #{world['other'].pk}" in side  # another agent's lead: named...
    assert f'href="/console/leads/{world["other"].pk}/"' not in side  # ...not linked (403)
    assert f"Ticket #{world['ticket'].pk}" in side
    assert "/console/cx/tickets/" not in side  # CX and supervisors only
    assert "sidebar-reveal-phone" not in side  # the lead page has its own reveal
    assert 'data-testid="sidebar-contacts"' in side and "Will Place Order" in side


def test_a_supervisor_on_the_lead_page_gets_every_lead_and_the_ticket_linked(cast, world):
    html = signed_in(cast["supervisor"]).get(f"/console/leads/{world['own'].pk}/")
    side = sidebar_html(html.content.decode())
    assert f'href="/console/leads/{world["other"].pk}/"' in side
    assert f'href="/console/cx/tickets/{world["ticket"].pk}/"' in side
    assert "(this page)" in side


def test_the_ops_order_page_and_the_ticket_page_carry_the_sidebar(cast, world):
    ops = signed_in(cast["ops"]).get(f"/console/ops/orders/{world['order'].number}/")
    assert ops.status_code == 200
    side = sidebar_html(ops.content.decode())
    assert f"Ticket #{world['ticket'].pk}" in side and "/console/leads/" not in side
    cx = signed_in(cast["cx"]).get(f"/console/cx/tickets/{world['ticket'].pk}/")
    side = sidebar_html(cx.content.decode())
    assert f'href="/console/orders/{world["order"].number}/"' in side
    assert "98765 43210" not in side


def test_the_sidebar_reveal_is_the_audited_one_and_offered_only_to_the_working_agent(cast, world):
    cx = signed_in(cast["cx"])  # the ticket's assignee: their work names the customer
    page = cx.get(f"/console/orders/{world['order'].number}/").content.decode()
    assert 'data-testid="sidebar-reveal-phone"' in sidebar_html(page)
    shown = cx.post(f"/console/customers/{world['customer'].pk}/phone/", {"purpose": "call"})
    assert shown.status_code == 200
    assert AuditEvent.objects.filter(action="customer.reveal_phone").count() == 1
    stranger = make_user("cx", "chandra")  # assigned nothing of this customer: no reveal
    page = signed_in(stranger).get(f"/console/orders/{world['order'].number}/").content.decode()
    assert "sidebar-reveal-phone" not in sidebar_html(page)
    sup = signed_in(cast["supervisor"]).get(f"/console/cx/tickets/{world['ticket'].pk}/")
    assert "sidebar-reveal-phone" not in sidebar_html(sup.content.decode())  # needs a reason


def test_the_sidebar_selector_runs_a_bounded_number_of_queries(
    cast, world, new_order, django_assert_max_num_queries
):
    for _ in range(4):  # more history must not mean more queries
        Lead.objects.create(customer=world["customer"], source="campaign", owner=cast["sales2"])
        open_ticket(type="complaint", customer=world["customer"], created_by=cast["cx"])
    with django_assert_max_num_queries(8):
        side = customer_sidebar(
            cast["cx"], world["customer"], ticket_id=world["ticket"].pk, offer_reveal=True
        )
    assert len(side.leads) == 5 and len(side.tickets) == 5 and side.may_reveal
