"""The ops console for the order's life (SPEC §6 O1-O5, X4): the pickup board and the order page.

Every view needs ``Perm.ORDERS_OPERATE``. The order page offers a form for each
move and action the table in ``orders.transitions`` allows ops from the order's
current state, and nothing else; a POST parses its form (``console/forms_ops.py``),
calls one ``orders.lifecycle`` action (``ACTION_HANDLERS`` for the non-moving ones)
and redirects back (post/redirect/get). The board's reads are ``orders.selectors``.
A refusal re-renders the page with the rule's message beside its field
(``DomainError`` carries the field of every problem) and the HTTP status of the refusal.
No JavaScript is needed; no inline script or style (CSP).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orderdesk.accounts.permissions import Perm, requires
from orderdesk.console.forms_ops import MoveForm, action_form
from orderdesk.console.sidebar import customer_sidebar
from orderdesk.console.wording import said
from orderdesk.core.bounds import parse_date
from orderdesk.core.errors import DomainError
from orderdesk.core.masking import mask_tail, mask_upi
from orderdesk.core.timeutil import today_ist
from orderdesk.messaging.selectors import messages_for_order
from orderdesk.orders import lifecycle
from orderdesk.orders import transitions as table
from orderdesk.orders.choices import OrderStatus, PaymentMethod
from orderdesk.orders.models import Order
from orderdesk.orders.rules import order_number_problem
from orderdesk.orders.selectors import (
    failed_pickups,
    order_with_details,
    pickups_on,
    status_counts,
    unassigned_orders,
)

S = OrderStatus

# --- the non-moving actions: one handler each (transitions.ACTIONS) ------------------


def _notes(cleaned: dict) -> str:
    return cleaned.get("notes", "")


ACTION_HANDLERS: dict[str, Callable[[Order, forms.Form, object], object]] = {
    "reassign_vendor": lambda order, form, actor: lifecycle.reassign_vendor(
        order,
        actor=actor,
        vendor_id=form.cleaned_data["vendor_id"],
        notes=_notes(form.cleaned_data),
    ),
    "amend_slot": lambda order, form, actor: lifecycle.amend_slot(
        order, actor=actor, slot_id=form.cleaned_data["slot_id"], notes=_notes(form.cleaned_data)
    ),
    "amend_address": lambda order, form, actor: lifecycle.amend_address(
        order,
        actor=actor,
        line1=form.cleaned_data["line1"],
        line2=form.cleaned_data["line2"],
        landmark=form.cleaned_data["landmark"],
        city=form.cleaned_data["city"],
        pincode=form.cleaned_data["pincode"],
        notes=_notes(form.cleaned_data),
    ),
    "amend_payment": lambda order, form, actor: lifecycle.amend_payment(
        order,
        actor=actor,
        method=form.cleaned_data["method"],
        upi_id=form.cleaned_data["upi_id"],
        account_number=form.cleaned_data["account_number"],
        ifsc=form.cleaned_data["ifsc"],
        notes=_notes(form.cleaned_data),
    ),
    "amend_device": lambda order, form, actor: lifecycle.amend_device(
        order,
        actor=actor,
        variant_id=form.cleaned_data["variant_id"],
        answers=form.answers(),
        consent_confirmed=form.cleaned_data["consent_confirmed"],
        consent_statement=form.cleaned_data["consent_statement"],
        notes=_notes(form.cleaned_data),
    ),
    "accept_final_price": lambda order, form, actor: lifecycle.accept_final_price(
        order, actor=actor, notes=_notes(form.cleaned_data)
    ),
    "report_delay": lambda order, form, actor: lifecycle.report_delay(
        order,
        actor=actor,
        expected_window=form.cleaned_data["expected_window"],
        notes=_notes(form.cleaned_data),
    ),
    "mark_duplicate": lambda order, form, actor: lifecycle.mark_duplicate(
        order, of=form.cleaned_data["duplicate_of"], actor=actor, notes=_notes(form.cleaned_data)
    ),
}


def _attach(form: forms.Form, error: DomainError) -> None:
    """Put each problem of ``error`` beside its field (``payment.ifsc`` → ``ifsc``), else on top."""
    for problem in error.errors:
        name = (problem.field or "").split(".")[-1]
        if (problem.field or "").startswith("answers."):
            name = f"q_{name}"
        if name == "consent":
            name = "consent_statement"
        form.add_error(name if name in form.fields else None, said(problem))


# --- views ---------------------------------------------------------------------------


EVENT_LABELS = {
    "created": "created",
    "price_accepted": "customer accepted the price",
    "vendor_reassigned": "vendor reassigned",
    "amended": "amended",
    "delay_reported": "delay reported",
}


def _labelled(events):
    """Each event with ``label``: what happened, in words (a move shows as from → to)."""
    events = list(events)
    for event in events:
        what = event.data.get("what") if isinstance(event.data, dict) else None
        label = EVENT_LABELS.get(event.kind, event.kind.replace("_", " "))
        event.label = f"{label}: {what}" if what else label
    return events


def _order_or_404(number: str) -> Order:
    order = order_with_details(number)
    if order is None:
        raise Http404("No such order")
    return order


def _page(request, order: Order, *, bound: tuple[str, forms.Form] | None = None, status: int = 200):
    """The order page: its facts, the forms the table allows now, its history and messages."""
    moves, actions = lifecycle.allowed_for(order, request.user)
    move_forms = []
    for to, move in moves:
        key = f"move:{to}"
        form = bound[1] if bound and bound[0] == key else MoveForm(order, to, move)
        move_forms.append(
            {
                "key": to.value,
                "label": move.label,
                "form": form,
                "move": move,
                "url": reverse("console:ops_order_move", args=[order.number, to.value]),
            }
        )
    action_forms = []
    for name in actions:
        key = f"action:{name}"
        form = bound[1] if bound and bound[0] == key else action_form(order, name)
        action_forms.append(
            {
                "key": name,
                "label": table.ACTIONS[name].label,
                "form": form,
                "amendment": name in table.AMENDMENTS,
                "url": reverse("console:ops_order_do", args=[order.number, name]),
            }
        )
    return TemplateResponse(
        request,
        "console/ops/order.html",
        {
            "order": order,
            "sidebar": customer_sidebar(request.user, order.customer, order_id=order.pk),
            "move_forms": move_forms,
            "action_forms": action_forms,
            "amendments_closed": order.status not in table.AMENDABLE_STATES,
            "events": _labelled(lifecycle.history(order)),
            "order_messages": messages_for_order(order.number),
            "needs_acceptance": lifecycle.awaits_price_acceptance(order),
            "refused_key": bound[0].split(":", 1)[1] if bound else "",
            "payment_to": mask_upi(order.upi_id)
            if order.payment_method == PaymentMethod.UPI
            else f"{mask_tail(order.bank_account_number)} · {order.ifsc}",
            # a refused form whose move is no longer offered (the order moved meanwhile)
            "orphan_errors": [m for errs in bound[1].errors.values() for m in errs]
            if bound and not any(f["form"] is bound[1] for f in move_forms + action_forms)
            else [],
        },
        status=status,
    )


@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_OPERATE)
def board(request):
    """Today's pickups by city, slot and vendor; unassigned orders; failed pickups."""
    try:
        day = parse_date(request.GET["date"]) if request.GET.get("date") else today_ist()
    except ValueError:
        day = today_ist()
    return TemplateResponse(
        request,
        "console/ops/board.html",
        {
            "day": day,
            "is_today": day == today_ist(),
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "pickups": pickups_on(day),
            "unassigned": unassigned_orders(),
            "failed": failed_pickups(),
            "counts": status_counts(),
            "find_error": request.GET.get("not_found", ""),
        },
    )


@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_OPERATE)
def find_order(request):
    """Jump to an order by the number as read out on the phone (M7 check character)."""
    typed = request.GET.get("number", "").strip()
    if typed and not order_number_problem(typed):
        order = order_with_details(typed)
        if order is not None:
            return redirect("console:ops_order", number=order.number)
    return redirect(f"{reverse('console:ops_board')}?{urlencode({'not_found': typed[:20]})}")


@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_OPERATE)
def order_page(request, number: str):
    return _page(request, _order_or_404(number))


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_OPERATE)
def order_move(request, number: str, to: str):
    """One move of the table; the form's fields are the move's inputs."""
    order = _order_or_404(number)
    move = table.move_for(order.status, to)
    if move is None:
        messages.error(
            request,
            _("%(refusal)s (The page was out of date: it is reloaded.)")
            % {"refusal": table.illegal_message(order.status, to)},
        )
        return redirect("console:ops_order", number=order.number)
    form = MoveForm(order, to, move, request.POST)
    if form.is_valid():
        inputs = {k: v for k, v in form.cleaned_data.items() if k not in ("reason", "notes")}
        try:
            lifecycle.transition(
                order,
                to,
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
                notes=form.cleaned_data.get("notes", ""),
                **inputs,
            )
        except DomainError as error:
            _attach(form, error)
            return _page(
                request, _order_or_404(number), bound=(f"move:{to}", form), status=error.status
            )
        messages.success(
            request,
            _("%(order)s: %(move)s — done. Now %(status)s.")
            % {
                "order": order.display_number,
                "move": move.label.lower(),
                "status": str(S(to).label).lower(),
            },
        )
        return redirect("console:ops_order", number=order.number)
    return _page(request, order, bound=(f"move:{to}", form), status=422)


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_OPERATE)
def order_action(request, number: str, name: str):
    """One non-moving action (amendment, reassignment, acceptance, delay, duplicate)."""
    if name not in table.ACTIONS or name not in ACTION_HANDLERS:
        raise Http404(name)
    order = _order_or_404(number)
    form = action_form(order, name, request.POST)
    if form.is_valid():
        try:
            ACTION_HANDLERS[name](order, form, request.user)
        except DomainError as error:
            _attach(form, error)
            return _page(
                request, _order_or_404(number), bound=(f"action:{name}", form), status=error.status
            )
        messages.success(
            request,
            _("%(order)s: %(action)s — done.")
            % {"order": order.display_number, "action": table.ACTIONS[name].label.lower()},
        )
        return redirect("console:ops_order", number=order.number)
    return _page(request, order, bound=(f"action:{name}", form), status=422)
