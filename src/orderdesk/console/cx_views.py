"""The CX console (SPEC §6 C1-C3, M9, D6): queues, the ticket page with Listen → Apologise →
Act and the SOP's scripts, the price-dispute and order-not-found panels, the order status
look-up, the supervisor's escalation queue, and the customer's CSAT page.

Views are thin: parse the form, call one ``cx.actions`` function, post/redirect/get. A
refusal re-renders the page with the rule's message beside the step it concerns and the
refusal's HTTP status; nothing was changed. No JavaScript is needed; no inline script or
style (CSP).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from orderdesk.accounts.permissions import Perm, has_perm, requires
from orderdesk.console import languages
from orderdesk.console.sidebar import customer_sidebar
from orderdesk.console.wording import said
from orderdesk.core.errors import DomainError
from orderdesk.core.throttle import throttle
from orderdesk.cx import rules, selectors
from orderdesk.cx.actions import csat, resolution
from orderdesk.cx.actions.status import send_order_status_update
from orderdesk.cx.choices import (
    ActionKind,
    ActOutcome,
    FollowUpOutcome,
    TicketChannel,
    TicketPriority,
    TicketStatus,
    TicketType,
)
from orderdesk.cx.models import Ticket
from orderdesk.flows import tickets
from orderdesk.orders.models import Order
from orderdesk.orders.rules import order_number_problem
from orderdesk.orders.selectors import find_orders

K = ActionKind

QUEUE_LABELS = {
    "mine": "My tickets",
    "unassigned": "Unassigned",
    "breaching": "Breaching soon",
    "follow_ups": "Follow-ups due",
}


def _may_work(user, ticket: Ticket) -> bool:
    return has_perm(user, Perm.TICKETS_WORK) or (
        has_perm(user, Perm.ESCALATIONS)
        and (ticket.status == TicketStatus.ESCALATED or ticket.escalated_to_id == user.pk)
    )


def _may_read(user) -> bool:
    return has_perm(user, Perm.TICKETS_WORK) or has_perm(user, Perm.ESCALATIONS)


# --- queues ---------------------------------------------------------------------------------


@requires(Perm.TICKETS_WORK)
def ticket_queues(request):
    name = request.GET.get("queue", "mine")
    if name not in QUEUE_LABELS:
        name = "mine"
    counts = {key: selectors.queue(key, request.user).count() for key in QUEUE_LABELS}
    return TemplateResponse(
        request,
        "console/cx/queues.html",
        {
            "queue": name,
            "queues": [(key, label, counts[key]) for key, label in QUEUE_LABELS.items()],
            "tickets": list(selectors.queue(name, request.user)[:100]),
        },
    )


@requires(Perm.ESCALATIONS)
def escalation_queue(request):
    mine = request.GET.get("mine") == "1"
    tickets = selectors.escalation_queue(request.user if mine else None)
    return TemplateResponse(
        request,
        "console/cx/escalations.html",
        {"tickets": list(tickets[:200]), "mine": mine},
    )


# --- opening a ticket -----------------------------------------------------------------------


@requires(Perm.TICKETS_WORK)
def new_ticket(request):
    data = request.POST if request.method == "POST" else request.GET
    form = {
        "type": data.get("type", ""),
        "phone": data.get("phone", "").strip(),
        "name": data.get("name", "").strip(),
        "order_number": data.get("order_number", "").strip(),
        "channel": data.get("channel", TicketChannel.CALL),
        "priority": data.get("priority", ""),
        "notes": data.get("notes", "").strip(),
    }
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            ticket = tickets.open_ticket_for_caller(
                type=form["type"],
                created_by=request.user,
                customer_phone=form["phone"],
                customer_name=form["name"],
                order_number=form["order_number"],
                notes=form["notes"],
                channel=form["channel"],
                priority=form["priority"] or None,
                customer_field="phone",
            )
        except DomainError as exc:
            status = exc.status
            for error in exc.errors:
                errors.setdefault(error.field or "form", []).append(said(error))
        else:
            messages.success(
                request,
                gettext("Ticket %(ticket)s opened; its SLA clocks are running.")
                % {"ticket": ticket.number},
            )
            return redirect("console:cx_ticket", ticket.pk)
    return TemplateResponse(
        request,
        "console/cx/new.html",
        {
            "form": form,
            "errors": errors,
            "types": TicketType.choices,
            "channels": TicketChannel.choices,
            "priorities": TicketPriority.choices,
        },
        status=status,
    )


# --- the ticket page -------------------------------------------------------------------------


def _ticket_context(request, ticket: Ticket, *, errors=None, form=None) -> dict:
    done = selectors.steps_done(ticket)
    name = ticket.customer.name.split()[0] if ticket.customer.name else "there"
    scripts = {
        step: {
            "title": script.title,
            "sop": script.sop,
            # Read aloud: in the customer's language, the rest in the agent's (issue 18).
            "say": rules.say_for(step, ticket.customer.language).format(
                name=name, summary="…", when="…"
            ),
            "say_language": rules.script_language(ticket.customer.language),
            "source": script.source,
        }
        for step, script in rules.SCRIPTS.items()
    }
    order = ticket.order
    outcome_labels = dict(ActOutcome.choices)
    context = {
        "ticket": ticket,
        "sla": selectors.sla_view(ticket),
        "done": done,
        "scripts": scripts,
        "apology_needed": ticket.type in rules.APOLOGY_REQUIRED,
        "act_outcomes": [
            (o, outcome_labels[o])
            for o in rules.act_outcomes_for(ticket.type, has_order=order is not None)
            if o not in (ActOutcome.LINK_ORDER, ActOutcome.NO_ORDER)
        ],
        "follow_up_outcomes": FollowUpOutcome.choices,
        "timeline": list(selectors.ticket_actions(ticket)),
        "can_work": _may_work(request.user, ticket),
        "is_active": ticket.is_active,
        "errors": errors or {},
        "form": form or {},
        "order_facts": selectors.order_status_facts(order) if order is not None else None,
        "dispute": (
            selectors.price_dispute_facts(order, language=ticket.customer.language)
            if order is not None and ticket.type == TicketType.PRICE_DISPUTE
            else None
        ),
        "csat": getattr(ticket, "csat", None),
        "other_tickets": list(
            selectors.tickets_for_customer(ticket.customer).exclude(pk=ticket.pk)[:10]
        ),
        "sidebar": customer_sidebar(
            request.user, ticket.customer, ticket_id=ticket.pk, offer_reveal=True
        ),
    }
    if ticket.type == TicketType.ORDER_NOT_FOUND:
        context["d6"] = _d6_search(request, ticket)
    return context


def _d6_search(request, ticket: Ticket) -> dict:
    """D6: CX looks the order up by number or phone (default: the customer's own phone)."""
    query = request.GET.get("d6q", "").strip()
    problem = ""
    if not query:
        found = find_orders(phone=ticket.customer.phone)
        searched = "the customer's phone"
    elif any(ch.isalpha() for ch in query):
        found = find_orders(number=query)
        problem = order_number_problem(query) or ""
        searched = f"order number {query}"
    else:
        found = find_orders(phone=query)
        searched = f"phone {query}"
    return {
        "query": query,
        "searched": searched,
        "problem": problem,
        "orders": list(found.select_related("slot", "vendor")[:20]),
        "script_found": rules.ORDER_NOT_FOUND_SCRIPT.format(
            finding=rules.ORDER_FOUND_FINDING.format(number="…", status="…")
        ),
        "script_none": rules.ORDER_NOT_FOUND_SCRIPT.format(finding=rules.NO_ORDER_FINDING),
    }


def _get_ticket(request, ticket_id: int) -> Ticket:
    ticket = selectors.ticket_detail(ticket_id)
    if ticket is None:
        raise Http404("No such ticket")
    return ticket


def ticket_page(request, ticket_id: int):
    if not request.user.is_authenticated or not _may_read(request.user):
        return requires(Perm.TICKETS_WORK)(lambda r: None)(request)
    ticket = _get_ticket(request, ticket_id)
    return TemplateResponse(request, "console/cx/ticket.html", _ticket_context(request, ticket))


@require_POST
def ticket_action(request, ticket_id: int):
    if not request.user.is_authenticated or not _may_read(request.user):
        return requires(Perm.TICKETS_WORK)(lambda r: None)(request)
    ticket = _get_ticket(request, ticket_id)
    kind = request.POST.get("kind", "")
    form = {
        "kind": kind,
        "text": request.POST.get("text", ""),
        "outcome": request.POST.get("outcome", ""),
        "order_number": request.POST.get("order_number", ""),
    }
    try:
        if kind == K.ASSIGN:
            resolution.assign_ticket(ticket, actor=request.user)
        else:
            tickets.record_ticket_action(
                ticket,
                kind=kind,
                actor=request.user,
                text=form["text"],
                outcome=form["outcome"],
                order_number=form["order_number"],
            )
    except DomainError as exc:
        ticket = _get_ticket(request, ticket_id)
        errors = {kind or "form": [said(e) for e in exc.errors]}
        return TemplateResponse(
            request,
            "console/cx/ticket.html",
            _ticket_context(request, ticket, errors=errors, form=form),
            status=exc.status,
        )
    messages.success(request, _done_message(kind, form["outcome"]))
    return redirect(reverse("console:cx_ticket", args=[ticket.pk]) + f"#{_anchor(kind)}")


def _done_message(kind: str, outcome: str) -> str:
    if outcome == ActOutcome.CANCEL_ORDER:
        return "Act recorded: the order is cancelled (no penalty); the customer is told."
    if outcome == ActOutcome.STATUS_UPDATE:
        return "Act recorded: the order update is in the customer's outbox."
    if outcome in (ActOutcome.LINK_ORDER, ActOutcome.NO_ORDER):
        return "Order-not-found case resolved; the lead is updated and its owner told."
    return {
        K.LISTEN: "Listen recorded.",
        K.APOLOGISE: "Apology recorded.",
        K.ACT: "Act recorded.",
        K.RESOLVE: "Ticket resolved: the customer is told and the CSAT survey is in the outbox.",
        K.REOPEN: "Ticket reopened.",
        K.ESCALATE: "Escalated to a supervisor.",
        K.WAIT: "Waiting on the customer: the SLA clock is paused.",
        K.RESUME: "The customer replied: the SLA clock runs again.",
        K.FOLLOW_UP: "Follow-up recorded.",
        K.ASSIGN: "The ticket is yours.",
    }.get(kind, "Saved.")


def _anchor(kind: str) -> str:
    return {K.LISTEN: "step-listen", K.APOLOGISE: "step-apologise", K.ACT: "step-act"}.get(
        kind, "main"
    )


# --- order status look-up ---------------------------------------------------------------------


@requires(Perm.TICKETS_WORK)
def order_lookup(request):
    """Order status inquiry: by phone or order number, the order's status, slot and vendor."""
    query = request.GET.get("q", "").strip()
    orders, problem = [], ""
    if query:
        if any(ch.isalpha() for ch in query):
            orders = list(find_orders(number=query).select_related("slot", "vendor"))
            problem = "" if orders else (order_number_problem(query) or f"No order {query}.")
        else:
            orders = list(find_orders(phone=query).select_related("slot", "vendor")[:20])
            problem = "" if orders else "No orders for that phone number."
    rows = [{"order": o, "facts": selectors.order_status_facts(o)} for o in orders]
    return TemplateResponse(
        request, "console/cx/lookup.html", {"query": query, "rows": rows, "problem": problem}
    )


@require_POST
@requires(Perm.TICKETS_WORK)
def order_send_update(request, number: str):
    order = Order.objects.select_related("customer", "slot", "vendor").filter(number=number).first()
    if order is None:
        raise Http404("No such order")
    try:
        sent = send_order_status_update(order, actor=request.user)
    except DomainError as exc:
        messages.error(request, said(exc))
    else:
        messages.success(
            request,
            (
                gettext("Update for %(order)s queued (1 message).")
                if len(sent) == 1
                else gettext("Update for %(order)s queued (%(count)s messages).")
            )
            % {"order": order.display_number, "count": len(sent)}
            if sent
            else gettext("Nothing sent: the customer's preferences allow no channel."),
        )
    return redirect(reverse("console:cx_lookup") + f"?q={order.number}")


# --- the customer's CSAT page (no login: the signed one-time link is the credential) --------


def csat_answer(request, token: str):
    """C3: GET shows the question (a link preview or a scanner changes nothing); POST answers.
    The page speaks the customer's language (``console.languages``), whoever opens it."""
    try:
        survey = csat.survey_for_token(token)
    except DomainError:
        return TemplateResponse(request, "console/cx/csat.html", {"invalid": True}, status=404)
    customer = survey.ticket.customer
    with translation.override(languages.customer_page_language(customer)):
        scores = [(s, gettext(rules.CSAT_LABELS[s])) for s in rules.CSAT_SCORES]
    context = {"survey": survey, "ticket_number": survey.ticket.number, "scores": scores}
    if request.method == "POST":
        try:
            score = int(request.POST.get("score", "0"))
        except ValueError:
            score = 0
        try:
            throttle(request, "csat_answer")  # the public page: counted per address
            csat.answer_csat(
                survey, score=score, via="link", comment=request.POST.get("comment", "")
            )
        except DomainError as exc:
            context["error"] = said(exc)
            return languages.render_for_customer(
                request, customer, "console/cx/csat.html", context, status=exc.status
            )
        context["thanks"] = True
        survey.refresh_from_db()
    return languages.render_for_customer(request, customer, "console/cx/csat.html", context)
