"""The customer page (issue 15 item 7; SOP 001 step 1: "If no lead exists, create from
Customer section"): find a customer by phone (``console:customer_search``, which links here),
see everything about them, and start a lead or an order from there.

Thin views: the role check, one selector or action, render. Sales agents see every customer's
leads with their owners, but another agent's contact notes and the customer's words stay that
agent's (issue 21); CX and supervisors read them (issue 15 item 8).
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orderdesk.accounts.permissions import Perm, has_perm, requires
from orderdesk.customers.models import Customer
from orderdesk.cx.models import Ticket
from orderdesk.leads import actions, rules, selectors
from orderdesk.leads.choices import LeadSource
from orderdesk.leads.models import ContactAttempt, Lead
from orderdesk.messaging.selectors import messages_for_customer
from orderdesk.orders.models import Order

#: Where a lead started from the console comes from (the agent says which).
CONSOLE_SOURCES = (LeadSource.INBOUND_CALL, LeadSource.CALLBACK_REQUEST, LeadSource.REFERRAL)
LIMIT = 50


def _may_open_lead(user, lead: Lead) -> bool:
    if selectors.may_read_all_leads(user) or selectors.may_read_lead_history(user):
        return True
    return has_perm(user, Perm.LEADS_WORK) and rules.may_work_lead(
        owner_id=lead.owner_id, agent_id=user.pk, direction="outbound"
    )


def customer_context(user, customer: Customer) -> dict:
    leads = list(
        Lead.objects.filter(customer=customer)
        .select_related("owner", "disposition", "variant__model__brand")
        .order_by("-created_at")[:LIMIT]
    )
    contacts = list(
        ContactAttempt.objects.filter(lead__customer=customer)
        .select_related("agent", "disposition", "lead")
        .order_by("-at", "-id")[:LIMIT]
    )
    return {
        "customer": customer,
        "leads": [(lead, _may_open_lead(user, lead)) for lead in leads],
        # Another agent's notes are theirs: a sales agent sees the outcome, not the words
        # (decided per contact from its own lead, not from the leads listed above); notes
        # that hold a number are masked behind the audited reveal (issue 21, 7).
        "contacts": [(c, _may_open_lead(user, c.lead)) for c in contacts],
        "orders": list(
            Order.objects.filter(customer=customer)
            .select_related("variant__model__brand", "slot")
            .order_by("-created_at")[:LIMIT]
        ),
        "tickets": list(Ticket.objects.filter(customer=customer).order_by("-created_at")[:LIMIT]),
        "outbox": messages_for_customer(customer.pk, limit=20),
        "may_start_lead": has_perm(user, Perm.LEADS_WORK),
        "sources": [(s.value, s.label) for s in CONSOLE_SOURCES],
        "order_wizard_url": f"{reverse('console:order_wizard')}?customer={customer.pk}"
        if has_perm(user, Perm.ORDERS_CREATE_MANUAL)
        else None,
    }


def _works_customers(user) -> bool:
    """The customer page is for the desks that talk to customers about sales and cases: sales,
    CX and supervisors. Ops works orders (its own pages), admin the back office."""
    return (
        has_perm(user, Perm.LEADS_WORK)
        or has_perm(user, Perm.TICKETS_WORK)
        or selectors.may_read_all_leads(user)
    )


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.CUSTOMERS_VIEW)
def customer_detail(request, customer_id: int):
    """Everything about one customer: leads (with owners), contacts, orders, CX cases and
    messages; "Start a lead" and "Create order" (issue 15 item 7)."""
    if not _works_customers(request.user):
        return TemplateResponse(
            request,
            "console/forbidden.html",
            {"permission": f"{Perm.LEADS_WORK} or {Perm.TICKETS_WORK}"},
            status=403,
        )
    customer = get_object_or_404(Customer, pk=customer_id)
    return TemplateResponse(
        request, "console/customers/detail.html", customer_context(request.user, customer)
    )


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.LEADS_WORK)
def customer_start_lead(request, customer_id: int):
    """Start a lead for this customer, owned by the agent (``leads.actions.create_lead``: the
    customer's open lead with no device is reused, never a closed one). An open lead of
    another agent's is not taken: the agent is told whose it is."""
    customer = get_object_or_404(Customer, pk=customer_id)
    source = request.POST.get("source", LeadSource.INBOUND_CALL)
    page = reverse("console:customer_detail", args=[customer.pk])
    if source not in CONSOLE_SOURCES:
        messages.error(
            request, _("Say where this lead comes from: a call, a callback or a referral.")
        )
        response = TemplateResponse(
            request,
            "console/customers/detail.html",
            {**customer_context(request.user, customer), "source_error": True},
            status=422,
        )
        return response
    with transaction.atomic():
        lead, created = actions.create_lead(
            customer=customer, source=source, owner=request.user, actor=request.user
        )
    if not created and lead.owner_id not in (None, request.user.pk):
        messages.error(
            request,
            _("%(name)s already has an open lead (#%(lead)s) owned by %(owner)s: they work it.")
            % {"name": customer.name, "lead": lead.pk, "owner": lead.owner},
        )
        return redirect(page)
    messages.success(
        request,
        (
            _("New lead #%(lead)s for %(name)s: ask which device.")
            if created
            else _("%(name)s already has an open lead (#%(lead)s): continue on it.")
        )
        % {"lead": lead.pk, "name": customer.name},
    )
    return redirect(reverse("console:lead_detail", args=[lead.pk]))
