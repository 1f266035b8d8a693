"""The context sidebar of the lead, order and ticket pages (issue 18): one customer at a glance
— the masked phone, their open leads, recent orders and tickets, and their last contacts — so
nobody opens three pages to answer one question.

One selector, a bounded number of queries (one per list, whatever the customer's history;
``tests/test_context_sidebar.py`` holds it with ``django_assert_max_num_queries``), rendered
by one include (``console/includes/context_sidebar.html``). Every link is one the reader may
open: the access matrix for the page (``search.may_open``, the header search's own helper)
and, for a lead, the lead page's object rule (``leads.rules.may_work_lead``; supervisors read
every lead). The full number is only the audited reveal (``flows.contact_reveal``), offered
where the page has none of its own and the reader's work names the customer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from orderdesk.accounts.choices import Role
from orderdesk.accounts.permissions import Perm, has_perm
from orderdesk.console.search import Link, may_open, order_links, ticket_links
from orderdesk.core.phones import mask_phone
from orderdesk.customers.models import Customer
from orderdesk.cx.models import Ticket
from orderdesk.flows.contact_reveal import work_naming
from orderdesk.leads import rules as lead_rules
from orderdesk.leads.choices import Direction
from orderdesk.leads.models import ContactAttempt, Lead
from orderdesk.leads.selectors import may_read_all_leads
from orderdesk.orders.models import Order

LIMIT = 5


@dataclass
class Sidebar:
    customer: Customer
    masked_phone: str
    may_reveal: bool = False
    leads: list = field(default_factory=list)  # (lead, [Link], is_current)
    orders: list = field(default_factory=list)  # (order, [Link], is_current)
    tickets: list = field(default_factory=list)  # (ticket, [Link], is_current)
    contacts: list = field(default_factory=list)  # ContactAttempt


def _lead_links(user, lead: Lead) -> list[Link]:
    """The lead page, where its object rule lets this reader open it (``leads.selectors.lead_for``)."""
    if not may_open(user.role, "lead_detail"):
        return []
    if may_read_all_leads(user) or lead_rules.may_work_lead(
        owner_id=lead.owner_id, agent_id=user.pk, direction=Direction.OUTBOUND
    ):
        return [Link("Open the lead", reverse("console:lead_detail", args=[lead.pk]))]
    return []


def customer_sidebar(
    user,
    customer: Customer,
    *,
    lead_id: int | None = None,
    order_id: int | None = None,
    ticket_id: int | None = None,
    offer_reveal: bool = False,
) -> Sidebar:
    """What the sidebar shows of ``customer`` to ``user``; the page's own lead, order or
    ticket is marked (not linked to itself)."""
    role = user.role
    side = Sidebar(customer, mask_phone(customer.phone))
    leads = (
        Lead.objects.filter(customer_id=customer.pk, closed_for_sales=False)
        .select_related("variant__model__brand", "disposition")
        .order_by("-created_at")[:LIMIT]
    )
    for lead in leads:
        current = lead.pk == lead_id
        side.leads.append((lead, [] if current else _lead_links(user, lead), current))
    orders = (
        Order.objects.filter(customer_id=customer.pk)
        .select_related("variant__model__brand")
        .order_by("-created_at")[:LIMIT]
    )
    for order in orders:
        current = order.pk == order_id
        side.orders.append((order, [] if current else order_links(role, order)[:1], current))
    for ticket in Ticket.objects.filter(customer_id=customer.pk).order_by("-created_at")[:LIMIT]:
        current = ticket.pk == ticket_id
        side.tickets.append((ticket, [] if current else ticket_links(role, ticket), current))
    side.contacts = list(
        ContactAttempt.objects.filter(lead__customer_id=customer.pk)
        .select_related("agent", "disposition")
        .order_by("-at", "-id")[:LIMIT]
    )
    if offer_reveal and role != Role.SUPERVISOR and has_perm(user, Perm.CONTACT_REVEAL):
        side.may_reveal = work_naming(customer, user) is not None
    return side
