"""Console pages for calls (issue 16): the Call button on a lead, the live call status the
agent's page polls, and the recording player (audited).

Live updates are HTMX polling of a small fragment every second (``hx-trigger="every 1s"``),
not server-sent events: it needs no new dependency and works with gunicorn's sync workers,
where an SSE stream would hold a whole worker per open page (docs/telephony.md).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orderdesk.accounts.models import User
from orderdesk.accounts.permissions import Perm, has_perm, requires
from orderdesk.console.kpi_views import display_value
from orderdesk.console.wording import said
from orderdesk.core.errors import DomainError
from orderdesk.core.timeutil import IST
from orderdesk.cx.choices import TicketStatus
from orderdesk.cx.models import Ticket
from orderdesk.flows import calls as call_flows
from orderdesk.kpis.definitions import KPIS_BY_KEY, TELEPHONY_KEYS, Scope
from orderdesk.leads import selectors as lead_selectors
from orderdesk.leads.choices import OPEN_LEAD_STATUSES, FollowUpStatus
from orderdesk.leads.models import ContactAttempt, FollowUp, Lead
from orderdesk.leads.rules import ist_day_bounds_of
from orderdesk.orders.models import Order
from orderdesk.orders.selectors import find_orders
from orderdesk.telephony import actions as telephony
from orderdesk.telephony import rules as call_rules
from orderdesk.telephony import selectors
from orderdesk.telephony.choices import ContextKind
from orderdesk.telephony.conf import conf
from orderdesk.telephony.models import Call


def call_context(user, lead) -> dict:
    """What the lead page needs about calls: the button, the call to log, the call list."""
    on = conf().enabled
    return {
        "telephony_on": on,
        "may_call": on and has_perm(user, Perm.CALLS_MAKE) and has_perm(user, Perm.LEADS_WORK),
        "call_to_log": selectors.call_to_log(user, ContextKind.LEAD, lead.pk) if on else None,
        "lead_calls": selectors.calls_about(ContextKind.LEAD, lead.pk) if on else [],
        "may_hear_all_calls": has_perm(user, Perm.CALLS_ALL),
        "announce_recording": conf().agent_announces_recording,
    }


def _status_response(request, call: Call | None, *, error: DomainError | None = None, status=200):
    return TemplateResponse(
        request,
        "console/calls/_call_status.html",
        {
            "call": call,
            "error": error,
            "active": call is not None and call.status in call_rules.ACTIVE,
            "announce_recording": conf().agent_announces_recording,
        },
        status=status,
    )


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.LEADS_WORK)
@requires(Perm.CALLS_MAKE)
def lead_call(request, lead_id: int):
    """Click-to-call: ``flows.calls.call_lead`` checks D5/D9/D4, then telephony dials."""
    try:
        lead = lead_selectors.lead_for(request.user, lead_id, write=True)
        call = call_flows.call_lead(lead, agent=request.user)
    except DomainError as exc:
        if request.headers.get("HX-Request") == "true":
            return _status_response(request, None, error=exc, status=exc.status)
            messages.error(request, said(exc))
        return redirect(reverse("console:lead_detail", args=[lead_id]))
    if request.headers.get("HX-Request") == "true":
        return _status_response(request, call)
    return redirect(reverse("console:lead_detail", args=[lead_id]))


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_VIEW)
@requires(Perm.CALLS_MAKE)
def order_call(request, number: str):
    """Click-to-call from the order page: ``flows.calls.call_order`` checks D5/D9/D4 on the
    order's lead (D9 on the customer when it has none), then telephony dials."""
    order = find_orders(number=number).first()
    if order is None:
        return HttpResponse("No such order.", status=404, content_type="text/plain")
    back = reverse("console:order_view", args=[order.number])
    try:
        call = call_flows.call_order(order, agent=request.user)
    except DomainError as exc:
        if request.headers.get("HX-Request") == "true":
            return _status_response(request, None, error=exc, status=exc.status)
        messages.error(request, said(exc))
        return redirect(back)
    if request.headers.get("HX-Request") == "true":
        return _status_response(request, call)
    return redirect(back)


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.TICKETS_WORK)
@requires(Perm.CALLS_MAKE)
def ticket_call(request, ticket_id: int):
    """Click-to-call from a CX ticket: a service call, not a sales contact (D9 is for sales),
    so telephony alone decides (one call at a time, the provider's limit)."""
    ticket = Ticket.objects.select_related("customer").filter(pk=ticket_id).first()
    if ticket is None:
        return HttpResponse("No such ticket.", status=404, content_type="text/plain")
    try:
        call = telephony.start_call(
            agent=request.user,
            customer_number=ticket.customer.phone,
            customer=ticket.customer,
            context_kind=ContextKind.TICKET,
            context_id=ticket.pk,
        )
    except DomainError as exc:
        if request.headers.get("HX-Request") == "true":
            return _status_response(request, None, error=exc, status=exc.status)
        messages.error(request, said(exc))
        return redirect(reverse("console:cx_ticket", args=[ticket_id]))
    if request.headers.get("HX-Request") == "true":
        return _status_response(request, call)
    return redirect(reverse("console:cx_ticket", args=[ticket_id]))


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.CALLS_MAKE)
def call_status(request, call_id: int):
    """The live call status (polled every second while the call runs). When the call ends the
    page reloads once, so the call panel and the history show what the call became."""
    call = Call.objects.filter(pk=call_id, agent=request.user).first()
    if call is None:
        return HttpResponse("No such call.", status=404, content_type="text/plain")
    response = _status_response(request, call)
    if request.GET.get("was") in call_rules.ACTIVE and call.status not in call_rules.ACTIVE:
        response["HX-Refresh"] = "true"
    return response


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.CALLS_LISTEN)
def call_recording(request, call_id: int):
    """Stream a call's recording; the listening is audited (``telephony.open_recording``)."""
    try:
        audio = telephony.open_recording(call_id, user=request.user)
    except DomainError as exc:
        return HttpResponse(said(exc), status=exc.status, content_type="text/plain")
    response = FileResponse(audio, content_type="audio/wav")
    response["Cache-Control"] = "private, no-store"
    return response


# --- the supervisor's wallboard ---------------------------------------------------------------


def _telephony_kpis_today(user, now) -> list[dict]:
    """Today's telephony KPIs for the floor (docs/kpis.md), for those who see KPIs. From the
    raw definitions: one IST day of calls is a few indexed queries, and the board polls."""
    if not has_perm(user, Perm.KPIS_VIEW):
        return []
    today = now.astimezone(IST).date()
    results = [KPIS_BY_KEY[key].compute(Scope(today, today)) for key in TELEPHONY_KEYS]
    return [{"key": r.kpi.key, "label": r.kpi.label, "display": display_value(r)} for r in results]


def _wallboard_context(now, user) -> dict:
    agents = list(
        User.objects.filter(role__in=("sales", "cx"), is_active=True).order_by("first_name", "id")
    )
    day_start, _ = ist_day_bounds_of(now)
    board = selectors.presence_board(agents)
    return {
        "now": now,
        "agents": board,
        "states": {
            state: sum(1 for row in board if row["state"] == state)
            for state in ("available", "on_call", "after_call_work", "away")
        },
        "calls": selectors.call_counts(since=day_start),
        "follow_ups_due": FollowUp.objects.filter(
            status=FollowUpStatus.PENDING, due_at__lte=now
        ).count(),
        "sla_breaches": Ticket.objects.exclude(
            status__in=(TicketStatus.RESOLVED, TicketStatus.CLOSED)
        )
        .filter(
            Q(first_response_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False)
        )
        .count(),
        "telephony_kpis": _telephony_kpis_today(user, now),
    }


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.CALLS_ALL)
def wallboard(request):
    """The supervisor's live wallboard: agents' states, calls, callbacks, follow-ups due, SLA
    breaches. The board fragment polls itself every two seconds."""
    template = (
        "console/calls/_wallboard_live.html"
        if request.headers.get("HX-Request") == "true"
        else "console/calls/wallboard.html"
    )
    return TemplateResponse(request, template, _wallboard_context(timezone.now(), request.user))


# --- inbound: the screen-pop and the callback list ---------------------------------------------


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.CALLS_MAKE)
def call_pop(request):
    """The screen-pop every agent page polls each second: the inbound call this agent took,
    with the caller's customer, open leads, orders, open tickets and last contacts; an unknown
    caller gets "new lead" / "new ticket". Empty when there is no such call."""
    call = selectors.inbound_call_for(request.user, now=timezone.now())
    if call is None:
        return HttpResponse("")
    context = {"call": call, "customer": call.customer}
    if call.customer_id:
        cid = call.customer_id
        context.update(
            leads=list(Lead.objects.filter(customer_id=cid, status__in=OPEN_LEAD_STATUSES)[:5]),
            orders=list(Order.objects.filter(customer_id=cid).order_by("-created_at")[:5]),
            tickets=list(
                Ticket.objects.filter(customer_id=cid)
                .exclude(status__in=(TicketStatus.RESOLVED, TicketStatus.CLOSED))
                .order_by("-created_at")[:5]
            ),
            contacts=list(
                ContactAttempt.objects.filter(lead__customer_id=cid)
                .select_related("disposition", "agent")
                .order_by("-at")[:5]
            ),
        )
    return TemplateResponse(request, "console/calls/_screen_pop.html", context)


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.LEADS_WORK)
def call_new_lead(request, call_id: int):
    """The unknown caller's "new lead" (``flows.calls.lead_from_call``)."""
    try:
        lead = call_flows.lead_from_call(
            call_id, agent=request.user, name=request.POST.get("name", "")
        )
    except DomainError as exc:
        messages.error(request, said(exc))
        return redirect(reverse("console:home"))
    return redirect(reverse("console:lead_detail", args=[lead.pk]))


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.CALLS_LISTEN)
def callbacks(request):
    """Missed inbound calls waiting for a callback (an agent's own and unowned ones; every one
    for a supervisor). Calling the customer back settles the entry."""
    owner = None if has_perm(request.user, Perm.CALLS_ALL) else request.user
    return TemplateResponse(
        request,
        "console/calls/callbacks.html",
        {"callbacks": selectors.open_callbacks(owner=owner)},
    )


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.CALLS_MAKE)
def presence(request):
    """The agent sets themself available or away (the wallboard shows it)."""
    try:
        telephony.set_presence(request.user, request.POST.get("state", ""))
    except DomainError as exc:
        messages.error(request, said(exc))
    else:
        messages.success(request, _("Your state is updated."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("console:home")  # never an open redirect
    return redirect(back)
