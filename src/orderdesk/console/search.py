"""One search box in the header of every page (issue 18): a phone number in any format, an
order number, or a name; results are links with the next actions the reader's role may take.

Phones match only in full (normalised to E.164): partial digits find nothing, because a
"which numbers end in 4321" search is a privacy oracle. Names need 3 letters or more and show
masked phones. Every link offered is one the access matrix lets this role open, so a result
never leads to a 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from orderdesk.accounts import access_matrix
from orderdesk.accounts.permissions import Perm, requires
from orderdesk.core.errors import DomainError
from orderdesk.core.phones import mask_phone, normalise_phone
from orderdesk.customers.models import Customer
from orderdesk.cx.models import Ticket
from orderdesk.leads.models import Lead
from orderdesk.orders.models import Order
from orderdesk.orders.rules import canonical_order_number, order_number_problem
from orderdesk.orders.selectors import ORDER_ITEMS

NAME_MIN_LETTERS = 3
LIMIT = 20


@dataclass
class Link:
    label: str
    url: str


@dataclass
class CustomerHit:
    customer: Customer
    masked_phone: str
    leads: list = field(default_factory=list)  # (lead, [Link])
    orders: list = field(default_factory=list)  # (order, [Link])
    tickets: list = field(default_factory=list)  # (ticket, [Link])
    actions: list = field(default_factory=list)  # [Link]


def may_open(role: str, url_name: str) -> bool:
    """The access matrix's own answer: may ``role`` GET this console page?"""
    entry = access_matrix.CONSOLE.get(f"GET console:{url_name}")
    return entry is not None and role in entry.allowed


def order_links(role: str, order: Order) -> list[Link]:
    links = []
    if may_open(role, "ops_order"):
        links.append(Link("Work on the order", reverse("console:ops_order", args=[order.number])))
    elif may_open(role, "order_view"):
        links.append(Link("Open the order", reverse("console:order_view", args=[order.number])))
    elif role == "admin":
        url = reverse("admin:orders_order_changelist") + "?" + urlencode({"q": order.number})
        links.append(Link("Open the order in the back office", url))
    if may_open(role, "cx_ticket_new"):
        url = reverse("console:cx_ticket_new") + "?" + urlencode({"order_number": order.number})
        links.append(Link("New ticket about this order", url))
    return links


def _lead_links(role: str, lead: Lead) -> list[Link]:
    links = []
    if may_open(role, "lead_detail"):
        links.append(Link("Open the lead", reverse("console:lead_detail", args=[lead.pk])))
    if may_open(role, "order_wizard") and not lead.closed_for_sales:
        url = reverse("console:order_wizard") + "?" + urlencode({"lead": lead.pk})
        links.append(Link("Start an order from this lead", url))
    return links


def ticket_links(role: str, ticket: Ticket) -> list[Link]:
    if may_open(role, "cx_ticket"):
        return [Link("Open the ticket", reverse("console:cx_ticket", args=[ticket.pk]))]
    return []


def _caller_actions(role: str, phone: str = "", name: str = "") -> list[Link]:
    """What to do for a caller by their typed phone: start an order, open a ticket."""
    actions = []
    if may_open(role, "order_wizard"):
        query = {"customer_phone": phone, "customer_name": name}
        url = (
            reverse("console:order_wizard") + "?" + urlencode({k: v for k, v in query.items() if v})
        )
        actions.append(Link("Start an order", url))
    if may_open(role, "cx_ticket_new"):
        query = {"phone": phone, "name": name}
        url = (
            reverse("console:cx_ticket_new")
            + "?"
            + urlencode({k: v for k, v in query.items() if v})
        )
        actions.append(Link("New ticket", url))
    return actions


def _customer_hit(role: str, customer: Customer, *, typed_phone: str = "") -> CustomerHit:
    hit = CustomerHit(customer, mask_phone(customer.phone))
    for lead in Lead.objects.filter(customer=customer).order_by("-created_at")[:5]:
        hit.leads.append((lead, _lead_links(role, lead)))
    orders = (
        Order.objects.filter(customer=customer)
        .select_related("variant__model__brand")
        .prefetch_related(ORDER_ITEMS)
    )
    for order in orders.order_by("-created_at")[:5]:
        hit.orders.append((order, order_links(role, order)))
    for ticket in Ticket.objects.filter(customer=customer).order_by("-created_at")[:5]:
        hit.tickets.append((ticket, ticket_links(role, ticket)))
    if typed_phone:  # the agent typed the number: it may travel in the links
        hit.actions = _caller_actions(role, phone=typed_phone, name=customer.name)
    if role == "admin" and may_open(role, "customer_privacy_detail"):
        url = reverse("console:customer_privacy_detail", args=[customer.pk])
        hit.actions.append(Link("Customer data: export or erase", url))
    return hit


def run_search(role: str, query: str) -> dict:
    """What the search answers for ``query``: its kind, the hits, and what to do next."""
    query = (query or "").strip()[:100]
    result: dict = {"query": query, "kind": "", "orders": [], "customers": [], "new_caller": []}
    if not query:
        return result
    if order_number_problem(query) is None:
        result["kind"] = "order number"
        number = canonical_order_number(query)
        for order in Order.objects.filter(number=number).select_related("customer"):
            result["orders"].append((order, order_links(role, order)))
        return result
    digits = sum(ch.isdigit() for ch in query)
    if digits >= 6:
        result["kind"] = "phone number"
        try:
            phone = normalise_phone(query)
        except DomainError:
            result["problem"] = (
                "That is not a whole phone number. Type all ten digits (any format): a part of "
                "a number finds nothing, to protect customers' privacy."
            )
            return result
        customers = Customer.objects.filter(phone=phone)
        result["customers"] = [_customer_hit(role, c, typed_phone=query) for c in customers]
        if not result["customers"]:
            result["new_caller"] = _caller_actions(role, phone=query)
        return result
    result["kind"] = "name"
    if sum(ch.isalpha() for ch in query) < NAME_MIN_LETTERS:
        result["problem"] = f"Type at least {NAME_MIN_LETTERS} letters of the name."
        return result
    customers = Customer.objects.filter(name__icontains=query).order_by("name")[:LIMIT]
    result["customers"] = [_customer_hit(role, c) for c in customers]
    return result


@require_GET
@requires(Perm.CONSOLE)
def search(request):
    context = run_search(request.user.role, request.GET.get("q", ""))
    context["new_caller_page"] = _caller_actions(request.user.role)
    context["found"] = len(context["orders"]) + len(context["customers"])
    return TemplateResponse(request, "console/search/results.html", context)
