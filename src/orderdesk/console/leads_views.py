"""Console pages for leads (SPEC §3, §10): the agent's queue and search, the lead page with
the customer's history and the call panel, the supervisor's oversight of missed follow-ups
and over-contact attempts, and the training card.

Views are thin: parse the form, check the role, call one action from ``leads.actions``
(the same the API calls), render. Refusals (``DomainError``) are shown beside the field
they name and change nothing. HTMX requests get fragments; plain requests full pages, so
every form also works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orderdesk.accounts.permissions import Perm, has_perm, requires
from orderdesk.console import call_views
from orderdesk.console.sidebar import customer_sidebar
from orderdesk.console.tools import FORM_ERRORS, errors_by_field
from orderdesk.console.wording import said
from orderdesk.core.errors import DomainError, FieldError, ValidationFailed
from orderdesk.core.timeutil import IST
from orderdesk.cx.choices import TicketType
from orderdesk.flows import contacts
from orderdesk.flows.tickets import HANDOVER_TYPES, hand_over_to_cx
from orderdesk.leads import actions, rules, scripts, selectors, suggester
from orderdesk.leads.choices import (
    Channel,
    Direction,
    DispositionGroup,
    DispositionKey,
    LeadSource,
    LeadStatus,
)
from orderdesk.leads.models import ContactAttempt, ContactPolicy, Disposition, FollowUp, Lead
from orderdesk.messaging.selectors import messages_for_customer
from orderdesk.orders.models import Order

# The call panel's fields, as the actions name them in their refusals.
CALL_FIELDS = {
    "channel",
    "direction",
    "connected",
    "disposition",
    "notes",
    "customer_words",
    "order_number",
    "pickup_confirmed",
    "follow_up",
    "follow_up.at",
    "follow_up.permission",
}
FOLLOW_UP_FIELDS = {"follow_up", "follow_up.at", "follow_up.permission"}
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _form_status(exc: DomainError) -> int:
    """A refused form is shown again with the refusal's own status (422 for anything else)."""
    return exc.status if exc.status in (400, 403, 404, 409, 422) else 422


def _field_errors(exc: DomainError, shown: set[str]) -> dict[str, list[str]]:
    """{field: [messages]} with template-friendly keys (``follow_up.at`` → ``follow_up_at``)."""
    return {key.replace(".", "_"): value for key, value in errors_by_field(exc, shown).items()}


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _refused(request, exc: DomainError):
    """A refusal of the whole page: another agent's lead or an unknown lead (the lead's own
    words), or a role without the permission (the shared 403 page)."""
    if exc.code == "forbidden":
        return TemplateResponse(
            request,
            "console/forbidden.html",
            {"permission": exc.extra.get("permission", "")},
            status=403,
        )
    status = exc.status if exc.status in (401, 403, 404) else 403
    return TemplateResponse(
        request,
        "console/leads/refused.html",
        {"message": said(exc), "status": status},
        status=status,
    )


def _parse_local(raw: str, field: str) -> dt.datetime | None:
    """A ``datetime-local`` value read as IST, or ``None`` when empty."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.strptime(raw[:16], DATETIME_LOCAL)
    except ValueError:
        raise ValidationFailed(
            "Give the follow-up time as a date and time (IST).", code="invalid", field=field
        ) from None
    return value.replace(tzinfo=IST)


def _local_input(value: dt.datetime | None) -> str:
    return value.astimezone(IST).strftime(DATETIME_LOCAL) if value else ""


# --- The queue ---------------------------------------------------------------------------


def queue_context(user, *, limit: int = 50) -> dict:
    """The agent's queue (due follow-ups first, then priority), unowned leads to pick up, and
    unread notifications (D8: "the customer ordered", D10: "follow-up missed")."""
    now = timezone.now()
    queue = selectors.agent_queue(user, now=now, limit=limit)
    return {
        "queue": queue,
        "due_count": sum(1 for lead in queue if lead.follow_up_due == 0),
        "unowned": list(selectors.unowned_leads(limit=20)),
        "notifications": list(selectors.unread_notifications(user)),
        "now": now,
    }


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.LEADS_WORK)
def lead_queue(request):
    query = request.GET.get("q", "").strip()
    context = {
        **queue_context(request.user),
        "query": query,
        "results": list(selectors.find_leads(query)) if query else [],
    }
    return TemplateResponse(request, "console/leads/queue.html", context)


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.LEADS_WORK)
def lead_search(request):
    """By phone (any format) or name: every agent's leads of those customers, so an agent sees
    who owns a customer; only own and unowned leads link to their page."""
    query = request.GET.get("q", "").strip()
    context = {"query": query, "results": list(selectors.find_leads(query)) if query else []}
    if _is_htmx(request):
        return TemplateResponse(request, "console/leads/partials/search_results.html", context)
    return lead_queue(request)


# --- The lead page -----------------------------------------------------------------------


def _order_wizard_url(lead: Lead) -> str | None:
    """The order wizard for this lead, if the wizard exists and no rule blocks creation (D5/D6)."""
    if rules.order_creation_blocked(lead) is not None:
        return None
    try:
        url = reverse("console:order_wizard")
    except NoReverseMatch:
        try:
            url = reverse("console:order_wizard", args=[lead.pk])
        except NoReverseMatch:
            return None
        return url
    return f"{url}?lead={lead.pk}"


def _follow_up_window(lead: Lead, now: dt.datetime) -> dict:
    """D3 as the form shows it: may a follow-up come with a Will Place Order logged now, and
    until when. A lead already in an episode with its follow-up gets none."""
    in_episode = lead.status == LeadStatus.WILL_PLACE_ORDER
    started = lead.episode_started_at if in_episode and lead.episode_started_at else now
    deadline = rules.follow_up_deadline(started)
    return {
        "min": _local_input(now),
        "max": _local_input(deadline - dt.timedelta(minutes=1)),
        "deadline": deadline - dt.timedelta(minutes=1),
    }


def _panel_context(request, lead: Lead, *, form=None, errors=None) -> dict:
    user = request.user
    now = timezone.now()
    policy = actions.current_policy(now)
    tree = selectors.disposition_tree(agent_selectable_only=True)
    # What the agent reads aloud follows the customer's language; the rest of the panel the
    # agent's (docs/decisions.md, "Hindi in the console").
    script_language = scripts.script_language(lead.customer.language)
    for options in tree.values():
        for d in options:
            d.say = scripts.script_for(d.key, d.script, lead.customer.language)
    episode_follow_up = (
        FollowUp.objects.filter(lead=lead, episode=lead.episode).first()
        if lead.status == LeadStatus.WILL_PLACE_ORDER and lead.episode
        else None
    )
    can_work = (
        has_perm(user, Perm.LEADS_WORK)
        and not lead.closed_for_sales
        and rules.may_work_lead(owner_id=lead.owner_id, agent_id=user.pk, direction="outbound")
    )
    # Issue 15: a customer who calls in is answered on a closed lead and on another agent's
    # lead (issue 15 item 2): the panel logs an inbound contact only.
    inbound_only = (
        has_perm(user, Perm.LEADS_WORK)
        and not can_work
        and rules.may_work_lead(owner_id=lead.owner_id, agent_id=user.pk, direction="inbound")
    )
    form = form or {}
    if inbound_only:
        form = {**form, "direction": Direction.INBOUND}
    return {
        "lead": lead,
        "can_work": can_work,
        "inbound_only": inbound_only,
        "groups": [
            {
                "key": DispositionGroup.CONNECTED.value,
                "label": _("Connected"),
                "connected": "yes",
                "options": tree[DispositionGroup.CONNECTED],
            },
            {
                "key": DispositionGroup.NOT_CONNECTED.value,
                "label": _("Not connected"),
                "connected": "no",
                "options": tree[DispositionGroup.NOT_CONNECTED],
            },
        ],
        "channels": Channel.choices,
        "directions": Direction.choices,
        "form": {
            "channel": form.get("channel", Channel.CALL),
            "direction": form.get("direction", Direction.OUTBOUND),
            "connected": form.get("connected", ""),
            "disposition": form.get("disposition", ""),
            "notes": form.get("notes", ""),
            "customer_words": form.get("customer_words", ""),
            "order_number": form.get("order_number", ""),
            "pickup_confirmed": form.get("pickup_confirmed", ""),
            "follow_up_at": form.get("follow_up_at", ""),
            "follow_up_permission": form.get("follow_up_permission", ""),
        },
        "errors": errors or {},
        "policy": policy,
        "within_hours": rules.within_calling_hours(now, policy),
        "window": _follow_up_window(lead, now),
        "episode_follow_up": episode_follow_up,
        "may_add_follow_up": can_work
        and lead.status == LeadStatus.WILL_PLACE_ORDER
        and episode_follow_up is None,
        "will_place_order": DispositionKey.WILL_PLACE_ORDER.value,
        "already_ordered": DispositionKey.ALREADY_ORDERED.value,
        "suggestion": _suggestion(form.get("customer_words", "")),
        "golden_rule": _(rules.GOLDEN_RULE),
        "script_language": script_language,
        "follow_up_spent": not lead.closed_for_sales and selectors.follow_up_spent(lead),
        # D6 without the ID (issue 15 item 9): the pickups the customer may confirm instead.
        "pickup_orders": contacts.pickup_orders(lead.customer)
        if (can_work or inbound_only)
        else [],
        **call_views.call_context(user, lead),
    }


def _lead_page_context(request, lead: Lead, **panel) -> dict:
    history = selectors.lead_history(lead)
    block = history.order_block
    context = _panel_context(request, lead, **panel)
    context.update(
        history=history,
        customer=lead.customer,
        orders=list(
            Order.objects.filter(customer_id=lead.customer_id)
            .select_related("variant__model__brand", "created_by")
            .order_by("-created_at")[:20]
        ),
        outbox=messages_for_customer(lead.customer_id, limit=20),
        notifications=list(
            lead.notifications.filter(recipient=request.user, read_at__isnull=True)[:10]
        ),
        order_block=block,
        order_block_message=rules.ORDER_BLOCK_MESSAGES.get(block, "") if block else "",
        order_wizard_url=_order_wizard_url(lead)
        if has_perm(request.user, Perm.ORDERS_CREATE_MANUAL)
        and has_perm(request.user, Perm.LEADS_WORK)
        else None,
        # Issue 15 item 6: "Close politely" is a button (an open lead the agent works).
        may_close=context["can_work"],
        # Issue 15 item 8: hand over to CX (the agent's lead, or one answered inbound).
        handover_url=reverse("console:lead_handover", args=[lead.pk])
        + ("?inbound=1" if context["inbound_only"] else "")
        if context["can_work"] or context["inbound_only"]
        else None,
        cx_reader=selectors.may_read_lead_history(request.user),
        show_full_phone=context["can_work"],
        sidebar=customer_sidebar(request.user, lead.customer, lead_id=lead.pk),
    )
    return context


def _next_steps(request, lead: Lead) -> list[dict]:
    """Issue 15 item 1: after an inbound contact on a closed lead (``?answered=<contact>``, the
    agent's own), the next step in one click."""
    try:
        contact_id = int(request.GET.get("answered", ""))
    except ValueError:
        return []
    contact = ContactAttempt.objects.filter(
        pk=contact_id, lead=lead, agent=request.user, direction=Direction.INBOUND
    ).first()
    if contact is None:
        return []
    user = request.user
    steps = []
    for key in rules.inbound_next_steps(
        closed_for_sales=lead.closed_for_sales, order_number=lead.order_number
    ):
        step = {"key": key, "label": rules.NEXT_STEP_LABELS[key], "url": None, "post": None}
        if key == rules.NEXT_NEW_LEAD:
            step["post"] = reverse("console:lead_another_device", args=[lead.pk])
        elif key == rules.NEXT_CX_TICKET and has_perm(user, Perm.TICKETS_WORK):
            step["url"] = (
                reverse("console:cx_ticket_new")
                + "?"
                + urlencode(
                    {
                        "phone": lead.customer.phone,
                        "name": lead.customer.name,
                        "order_number": lead.order_number,
                    }
                )
            )
        elif key == rules.NEXT_ORDER_STATUS and has_perm(user, Perm.ORDERS_VIEW):
            step["url"] = reverse("console:order_view", args=[lead.order_number])
        elif key == rules.NEXT_NOTHING:
            step["url"] = reverse("console:lead_queue")
        steps.append(step)
    return steps


@require_GET
@requires(Perm.CONSOLE)
def lead_detail(request, lead_id: int):
    """The lead page. ``?inbound=1``: a sales agent answering the customer's call on another
    agent's lead (issue 15 item 2) sees it with the inbound-only call panel."""
    try:
        lead = actions.open_lead(request.user, lead_id, inbound=bool(request.GET.get("inbound")))
    except DomainError as exc:
        return _refused(request, exc)
    context = _lead_page_context(request, lead)
    context["next_steps"] = _next_steps(request, lead)
    order = None
    if lead.order_number:
        order = Order.objects.filter(number=lead.order_number).only("number", "status").first()
    context["lead_order"] = order
    return TemplateResponse(request, "console/leads/detail.html", context)


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.LEADS_WORK)
def lead_another_device(request, lead_id: int):
    """Issue 15 item 1, "a new lead for another device" in one click after an inbound call on a
    closed lead: a new inbound-call lead for the same customer, owned by the agent who answered
    (``create_lead`` reuses the customer's open lead with no device, if there is one)."""
    try:
        lead = selectors.lead_for(request.user, lead_id, write=True, direction=Direction.INBOUND)
    except DomainError as exc:
        return _refused(request, exc)
    new, created = actions.create_lead(
        customer=lead.customer,
        source=LeadSource.INBOUND_CALL,
        owner=request.user,
        actor=request.user,
    )
    try:
        selectors.lead_for(request.user, new.pk, write=True)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(
        request,
        (
            _("New lead #%(lead)s for %(name)s: ask which device.")
            if created
            else _("%(name)s already has an open lead (#%(lead)s): continue on it.")
        )
        % {"lead": new.pk, "name": lead.customer.name},
    )
    return redirect(reverse("console:lead_detail", args=[new.pk]))


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.LEADS_WORK)
def lead_close(request, lead_id: int):
    """D4's "close politely", a button on the lead page (issue 15 item 6):
    ``actions.close_politely`` with the agent's notes; a refusal is shown beside the notes."""
    try:
        lead = selectors.lead_for(request.user, lead_id, write=True)
    except DomainError as exc:
        return _refused(request, exc)
    notes = request.POST.get("close_notes", "").strip()
    try:
        actions.close_politely(lead, agent=request.user, notes=notes)
    except DomainError as exc:
        lead.refresh_from_db()
        context = _lead_page_context(request, lead)
        context["close_errors"] = errors_by_field(exc, {"notes"})
        context["close_notes"] = notes
        status = _form_status(exc)
        return TemplateResponse(request, "console/leads/detail.html", context, status=status)
    return _done(request, lead, "Lead closed politely: no more sales contact on it.")


HANDOVER_FIELDS = {"type", "notes", "order_number"}


def _handover_page(request, lead: Lead, *, form: dict, errors: dict, status: int = 200):
    return TemplateResponse(
        request,
        "console/leads/handover.html",
        {
            "lead": lead,
            "customer": lead.customer,
            "types": [(t.value, t.label) for t in HANDOVER_TYPES],
            "form": form,
            "errors": errors,
        },
        status=status,
    )


@requires(Perm.CONSOLE)
@requires(Perm.LEADS_WORK)
def lead_handover(request, lead_id: int):
    """Issue 15 item 8: a sales agent hands the caller over to CX from the lead page (a
    complaint, an order not found, a price dispute) with the lead linked
    (``flows.tickets.hand_over_to_cx``). The agent's own, unowned, or answered-inbound lead."""
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    try:
        lead = actions.open_lead(
            request.user,
            lead_id,
            inbound=bool(request.GET.get("inbound")),
            write=True,
            # A POST's hand-over is audited itself; a refused one leaves no read row behind.
            audit_read=request.method == "GET",
        )
    except DomainError as exc:
        return _refused(request, exc)
    if request.method == "GET":
        form = {
            "type": request.GET.get("type", TicketType.COMPLAINT),
            "notes": "",
            "order_number": lead.order_number,
        }
        return _handover_page(request, lead, form=form, errors={})
    form = {key: request.POST.get(key, "").strip() for key in ("type", "notes", "order_number")}
    try:
        ticket = hand_over_to_cx(
            lead,
            type=form["type"],
            created_by=request.user,
            notes=form["notes"],
            order_number=form["order_number"],
        )
    except DomainError as exc:
        status = _form_status(exc)
        return _handover_page(
            request, lead, form=form, errors=errors_by_field(exc, HANDOVER_FIELDS), status=status
        )
    return _done(
        request,
        lead,
        f"Handed over to CX: {ticket.get_type_display()} case #{ticket.pk} with this lead linked.",
    )


def _panel_response(request, lead: Lead, *, form: dict, errors: dict, status: int):
    if _is_htmx(request):
        return TemplateResponse(
            request,
            "console/leads/partials/call_panel.html",
            _panel_context(request, lead, form=form, errors=errors),
            status=status,
        )
    return TemplateResponse(
        request,
        "console/leads/detail.html",
        _lead_page_context(request, lead, form=form, errors=errors),
        status=status,
    )


def _done(request, lead: Lead, message: str, *, query: dict | None = None):
    messages.success(request, message)
    url = reverse("console:lead_detail", args=[lead.pk])
    if query:
        url += "?" + urlencode(query)
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.LEADS_WORK)
def log_contact(request, lead_id: int):
    """The call panel: one contact attempt through ``leads.actions.log_contact`` (D1-D9)."""
    direction = request.POST.get("direction", Direction.OUTBOUND)
    try:
        lead = selectors.lead_for(request.user, lead_id, write=True, direction=direction)
    except DomainError as exc:
        return _refused(request, exc)
    post = request.POST
    form = {
        key: post.get(key, "").strip()
        for key in (
            "channel",
            "direction",
            "connected",
            "disposition",
            "notes",
            "customer_words",
            "order_number",
            "pickup_confirmed",
            "follow_up_at",
        )
    }
    form["follow_up_permission"] = "on" if post.get("follow_up_permission") else ""
    problems: list[FieldError] = []
    if form["connected"] not in ("yes", "no"):
        problems.append(
            FieldError("connected", "connected_required", "Say whether you reached the customer.")
        )
    if not form["disposition"]:
        problems.append(
            FieldError("disposition", "disposition_unknown", "Pick one disposition (D1).")
        )
    follow_up_at = None
    try:
        follow_up_at = _parse_local(form["follow_up_at"], "follow_up.at")
    except DomainError as exc:
        problems.extend(exc.errors)
    if follow_up_at is None and form["follow_up_permission"]:
        problems.append(
            FieldError("follow_up.at", "invalid", "Give the follow-up time the customer agreed to.")
        )
    if problems:
        error = ValidationFailed.collect(problems)
        return _panel_response(
            request, lead, form=form, errors=_field_errors(error, CALL_FIELDS), status=422
        )
    try:
        result = contacts.log_contact(
            lead,
            agent=request.user,
            channel=form["channel"],
            direction=form["direction"] or Direction.OUTBOUND,
            connected=form["connected"] == "yes",
            disposition=form["disposition"],
            notes=form["notes"],
            customer_words=form["customer_words"],
            order_number=form["order_number"],
            pickup_confirmed=form["pickup_confirmed"],
            follow_up_at=follow_up_at,
            follow_up_permission=bool(form["follow_up_permission"]),
            call=post.get("call_id") or None,
        )
    except DomainError as exc:
        lead.refresh_from_db()
        return _panel_response(
            request,
            lead,
            form=form,
            errors=_field_errors(exc, CALL_FIELDS),
            status=_form_status(exc),
        )
    # An answered inbound call that left the lead as it was: back to the page's next steps.
    query = None if result.lead_changed else {"inbound": "1", "answered": result.contact.pk}
    return _done(request, result.lead, _logged_message(result), query=query)


def _logged_message(result) -> str:
    contact = result.contact
    text = _("Logged: %(outcome)s.") % {"outcome": contact.disposition.shown_label}
    if result.follow_up:
        due = result.follow_up.due_at.astimezone(IST)
        text += " " + _("Follow-up %(due)s IST, with the customer's permission.") % {
            "due": f"{due:%a %d %b %H:%M}"
        }
    if result.order_found:
        text += " " + _("Order %(number)s found: sales stops here; Ops/CX own it (D5).") % {
            "number": result.lead.order_number
        }
    if result.ticket is not None:
        # The words to say follow the customer's language (docs/decisions.md).
        text += " " + _("No order found: CX case #%(case)s opened. Say: “%(say)s”") % {
            "case": result.ticket.pk,
            "say": scripts.order_not_found_script(result.lead.customer.language),
        }
    if result.cancelled_follow_ups:
        text += " " + _("%(count)s pending follow-up cancelled.") % {
            "count": result.cancelled_follow_ups
        }
    if not result.lead_changed:
        text += " " + (
            _("The customer's call is recorded; the lead is closed for sales and stays so.")
            if result.lead.closed_for_sales
            else _(
                "The customer's call is recorded and the lead's owner told; the lead stays theirs."
            )
        )
    return text


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.LEADS_WORK)
def schedule_follow_up(request, lead_id: int):
    """D3: the one follow-up of a Will Place Order logged without one."""
    try:
        lead = selectors.lead_for(request.user, lead_id, write=True)
    except DomainError as exc:
        return _refused(request, exc)
    form = {
        "follow_up_at": request.POST.get("follow_up_at", "").strip(),
        "follow_up_permission": "on" if request.POST.get("follow_up_permission") else "",
    }
    try:
        at = _parse_local(form["follow_up_at"], "follow_up.at")
        if at is None:
            raise ValidationFailed(
                "Give the follow-up time the customer agreed to.", field="follow_up.at"
            )
        follow_up = actions.schedule_follow_up(
            lead, agent=request.user, at=at, permission=bool(form["follow_up_permission"])
        )
    except DomainError as exc:
        errors = _field_errors(exc, FOLLOW_UP_FIELDS)
        context = _lead_page_context(request, lead, form=form)
        context["follow_up_errors"] = errors
        return TemplateResponse(
            request,
            "console/leads/detail.html",
            context,
            status=_form_status(exc),
        )
    due = follow_up.due_at.astimezone(IST)
    return _done(request, lead, f"Follow-up set for {due:%a %d %b %H:%M} IST (D3).")


# --- D2: the live suggestion -------------------------------------------------------------


def _suggestion(text: str) -> dict | None:
    text = (text or "").strip()
    if not text:
        return None
    result = suggester.suggest(text)
    if not result.disposition:
        return {"disposition": None, "text": text}
    row = Disposition.objects.filter(key=result.disposition).first()
    return {
        "disposition": result.disposition,
        "label": row.shown_label if row else result.disposition,
        "selectable": bool(row and row.agent_selectable and row.active),
        "group": row.group if row else "",
        "confidence": round(result.confidence * 100),
        "matched": result.matched,
        "text": text,
    }


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.LEADS_WORK)
def suggest_disposition(request):
    """D2 as the agent types the customer's words: the suggester's proposal. The agent decides;
    the action stores the suggestion beside the choice when the call is logged."""
    return TemplateResponse(
        request,
        "console/leads/partials/suggestion.html",
        {"suggestion": _suggestion(request.GET.get("customer_words", ""))},
    )


# --- The supervisor's view (D10, over-contact) ------------------------------------------------


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.KPIS_VIEW)
def lead_oversight(request):
    try:
        days = max(1, min(int(request.GET.get("days", "30")), 365))
    except ValueError:
        days = 30
    since = timezone.now() - dt.timedelta(days=days)
    context = {
        "days": days,
        "since": since,
        "missed": list(selectors.missed_follow_ups(since=since)[:200]),
        "missed_count": selectors.missed_follow_ups(since=since).count(),
        "summary": list(selectors.over_contact_summary(since=since)[:50]),
        "refusals": list(selectors.over_contact_refusals(since=since).order_by("-at", "-id")[:100]),
        "after_ordered": list(
            selectors.contacts_after_already_ordered(since=since).select_related(
                "lead__customer", "agent", "disposition"
            )[:50]
        ),
        "inbound_outside_hours": selectors.inbound_claimed_outside_hours(since=since, limit=50),
    }
    return TemplateResponse(request, "console/leads/oversight.html", context)


# --- The training card (SPEC §10, SOP §9) ------------------------------------------------------


@require_GET
@requires(Perm.CONSOLE)
def training_card(request):
    """Built from ``leads.rules.training_card`` with the contact policy in force and the active
    disposition tree: what the code enforces is what the card says."""
    now = timezone.now()
    stored = ContactPolicy.in_force(now)
    policy = rules.Policy.of(stored)
    card = rules.training_card(policy, Disposition.objects.filter(active=True))
    labels = dict(Disposition.objects.values_list("key", "label"))
    context = {
        "card": card,
        "policy_row": stored,
        "policy_stored": stored.pk is not None,
        "decision_guide": [(text, labels.get(key, key)) for text, key in card["decision_guide"]],
        "groups": [
            (group.label, [d for d in card["dispositions"] if d.group == group.value])
            for group in DispositionGroup
        ],
        "example_deadline": rules.follow_up_deadline(now) - dt.timedelta(minutes=1),
        "now": now,
        "form_errors_key": FORM_ERRORS,
    }
    return TemplateResponse(request, "console/leads/training_card.html", context)
