"""The ops console for the order's life (SPEC §6 O1-O5, X4): the pickup board and the order page.

Every view needs ``Perm.ORDERS_OPERATE``. The order page offers a form for each
move and action the table in ``orders.transitions`` allows ops from the order's
current state, and nothing else; a POST parses its form, calls one
``orders.lifecycle`` action and redirects back (post/redirect/get). A refusal
re-renders the page with the rule's message beside its field (``DomainError``
carries the field of every problem) and the HTTP status of the refusal.
No JavaScript is needed; no inline script or style (CSP).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from orderdesk.accounts.permissions import Perm, requires
from orderdesk.catalog.models import (
    ConditionQuestion,
    PickupSlot,
    ServedPincode,
    Variant,
)
from orderdesk.core.bounds import parse_date
from orderdesk.core.errors import DomainError
from orderdesk.core.masking import mask_tail, mask_upi
from orderdesk.core.money import format_inr
from orderdesk.core.timeutil import today_ist
from orderdesk.messaging.selectors import messages_for_order
from orderdesk.orders import effects, lifecycle
from orderdesk.orders import transitions as table
from orderdesk.orders.choices import OrderStatus, PaymentMethod
from orderdesk.orders.models import Order, OrderEvent
from orderdesk.orders.rules import canonical_order_number, order_number_problem

S = OrderStatus

# --- reads for the board (display only) ------------------------------------------


@dataclass
class SlotGroup:
    slot: PickupSlot
    by_vendor: list[tuple[str, list[Order]]] = field(default_factory=list)


@dataclass
class CityGroup:
    city: str
    slots: list[SlotGroup] = field(default_factory=list)


def _orders():
    return Order.objects.select_related(
        "customer", "address", "slot__city", "vendor", "variant__model__brand"
    )


def pickups_on(day: dt.date) -> list[CityGroup]:
    """The day's pickups (orders holding a place in that day's slots), by city, slot and vendor."""
    rows = (
        _orders()
        .filter(slot__date=day)
        .exclude(status__in=[S.CANCELLED])
        .order_by("slot__city__name", "slot__window_start", "vendor__name", "number")
    )
    cities: dict[str, CityGroup] = {}
    for order in rows:
        city = cities.setdefault(order.slot.city.name, CityGroup(order.slot.city.name))
        if not city.slots or city.slots[-1].slot.pk != order.slot_id:
            city.slots.append(SlotGroup(order.slot))
        group = city.slots[-1]
        vendor = order.vendor.name if order.vendor_id else "Unassigned"
        if not group.by_vendor or group.by_vendor[-1][0] != vendor:
            group.by_vendor.append((vendor, []))
        group.by_vendor[-1][1].append(order)
    return list(cities.values())


def unassigned_orders(limit: int = 100) -> list[Order]:
    """Orders waiting for a vendor, earliest pickup first."""
    return list(
        _orders()
        .filter(status=S.CREATED)
        .order_by("slot__date", "slot__window_start", "created_at")[:limit]
    )


def failed_pickups(limit: int = 100) -> list[Order]:
    """Failed pickups waiting for a reschedule or a cancellation, with the failure event."""
    failures = (
        OrderEvent.objects.filter(kind="transition", to_status=S.PICKUP_FAILED)
        .select_related("actor")
        .order_by("-id")
    )
    return list(
        _orders()
        .filter(status=S.PICKUP_FAILED)
        .prefetch_related(Prefetch("events", queryset=failures, to_attr="failures"))
        .order_by("updated_at")[:limit]
    )


def status_counts() -> list[tuple[str, int]]:
    """How many orders are in each status (label, count), in the table's order."""
    counts = dict(Order.objects.values_list("status").annotate(n=Count("id")).order_by())
    return [(s.label, counts.get(s.value, 0)) for s in OrderStatus]


# --- forms, built from the table ---------------------------------------------------

REASON_LABELS = dict(table.CancellationReason.choices) | dict(table.PickupFailureReason.choices)


def _slot_choices(order: Order) -> list[tuple[str, str]]:
    served = ServedPincode.objects.filter(pincode=order.address.pincode).first()
    if served is None:
        return []
    slots = PickupSlot.objects.filter(city_id=served.city_id, date__gte=today_ist()).order_by(
        "date", "window_start"
    )
    return [
        (str(s.pk), f"{s.date:%a %d %b} {s.window} — {s.available} of {s.capacity} free")
        for s in slots
        if s.pk != order.slot_id and s.available > 0
    ]


def _vendor_choices(order: Order, *, exclude_id=None) -> list[tuple[str, str]]:
    day = order.slot.date if order.slot_id else today_ist()
    return [("", "Least loaded (automatic)")] + [
        (str(v.pk), f"{v.name} — {load} pickup{'s' if load != 1 else ''} that day")
        for v, load in effects.vendor_loads(order.address.pincode, day)
        if v.pk != exclude_id
    ]


def _textarea(label, required=False, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=500,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def move_form(order: Order, to: str, move: table.Move, data=None) -> forms.Form:
    """A form for ``move``: its inputs, no more (the table decides what a move takes)."""
    form = forms.Form(data, prefix=to)
    for name in move.inputs:
        required = name in move.required
        if name == "reason":
            reasons = [r for r in move.reasons if r != table.CancellationReason.DUPLICATE]
            form.fields["reason"] = forms.ChoiceField(
                label="Reason", choices=[("", "Choose…")] + [(r, REASON_LABELS[r]) for r in reasons]
            )
        elif name == "notes":
            label = "What was found" if to == S.INSPECTED else "Notes"
            form.fields["notes"] = _textarea(label, required=required)
        elif name == "final_price":
            form.fields["final_price"] = forms.IntegerField(
                label="Final price (₹)",
                min_value=0,
                help_text=f"Estimate: {format_inr(order.estimated_price)}",
            )
        elif name == "reference":
            form.fields["reference"] = forms.CharField(
                label="Payment reference",
                max_length=100,
                help_text="UPI transaction id or bank UTR",
            )
        elif name == "slot_id":
            form.fields["slot_id"] = forms.TypedChoiceField(
                label="Pickup slot",
                coerce=int,
                required=required,
                empty_value=None,
                choices=[
                    ("", "Keep the current slot" if not required else "Choose…"),
                    *_slot_choices(order),
                ],
            )
        elif name == "vendor_id":
            form.fields["vendor_id"] = forms.TypedChoiceField(
                label="Vendor",
                coerce=int,
                required=False,
                empty_value=None,
                choices=_vendor_choices(order),
            )
        elif name == "duplicate_of":
            continue  # X4 has its own form (mark_duplicate)
    if to == S.INSPECTED:  # O4: the second confirmation of a price far from the estimate
        form.fields["price_band_reason"] = _textarea(
            "Reason, if the price is far from the estimate",
            help_text="Needed only above {} or below {} (the band around the estimate).".format(
                *map(format_inr, effects.band_limits(order.estimated_price))
            ),
        )
    return form


def _payment_form(order, data):
    form = forms.Form(data, prefix="amend_payment")
    form.fields["method"] = forms.ChoiceField(label="Payment method", choices=PaymentMethod.choices)
    form.fields["upi_id"] = forms.CharField(label="UPI ID", required=False, max_length=100)
    form.fields["account_number"] = forms.CharField(
        label="Account number", required=False, max_length=20
    )
    form.fields["ifsc"] = forms.CharField(label="IFSC", required=False, max_length=11)
    return form


def _address_form(order, data):
    form = forms.Form(data, prefix="amend_address")
    form.fields["line1"] = forms.CharField(label="Address line 1", max_length=200)
    form.fields["line2"] = forms.CharField(label="Address line 2", required=False, max_length=200)
    form.fields["landmark"] = forms.CharField(label="Landmark", max_length=120)
    form.fields["city"] = forms.CharField(label="City", max_length=80, initial=order.address.city)
    form.fields["pincode"] = forms.CharField(label="Pincode", max_length=6)
    return form


def _device_form(order, data):
    device_type = order.variant.model.device_type
    form = forms.Form(data, prefix="amend_device")
    variants = Variant.objects.filter(
        active=True, model__active=True, model__device_type=device_type
    ).select_related("model__brand")
    form.fields["variant_id"] = forms.TypedChoiceField(
        label="Model and variant",
        coerce=int,
        initial=order.variant_id,
        choices=[
            (v.pk, str(v))
            for v in variants.order_by("model__brand__name", "model__name", "base_price")
        ],
    )
    for question in ConditionQuestion.objects.filter(device_type=device_type).prefetch_related(
        "options"
    ):
        form.fields[f"q_{question.key}"] = forms.ChoiceField(
            label=question.text,
            initial=order.answers.get(question.key),
            choices=[(o.key, o.label) for o in question.options.all()],
        )
    form.fields["consent_confirmed"] = forms.BooleanField(
        label="The customer heard the new estimate and agreed", required=False
    )
    form.fields["consent_statement"] = forms.CharField(
        label="The customer's words",
        required=False,
        max_length=300,
        help_text='e.g. "Yes, please place the order"',
    )
    return form


def action_form(order: Order, name: str, data=None) -> forms.Form:
    """A form for a non-moving action of ``transitions.ACTIONS``."""
    if name == "amend_payment":
        form = _payment_form(order, data)
    elif name == "amend_address":
        form = _address_form(order, data)
    elif name == "amend_device":
        form = _device_form(order, data)
    else:
        form = forms.Form(data, prefix=name)
        if name == "reassign_vendor":
            form.fields["vendor_id"] = forms.TypedChoiceField(
                label="New vendor",
                coerce=int,
                required=False,
                empty_value=None,
                choices=_vendor_choices(order, exclude_id=order.vendor_id),
            )
        elif name == "amend_slot":
            form.fields["slot_id"] = forms.TypedChoiceField(
                label="New pickup slot",
                coerce=int,
                choices=[("", "Choose…"), *_slot_choices(order)],
            )
        elif name == "report_delay":
            form.fields["expected_window"] = forms.CharField(
                label="Now expected", max_length=60, help_text="e.g. 14:00-15:00"
            )
        elif name == "mark_duplicate":
            form.fields["duplicate_of"] = forms.CharField(
                label="Duplicate of order number", max_length=20, help_text="the order that stays"
            )
    form.fields["notes"] = _textarea("Notes", required=False)
    return form


def _run_action(order: Order, name: str, cleaned: dict, actor) -> None:
    """Call the one lifecycle action that ``name`` names, with the form's values."""
    notes = cleaned.get("notes", "")
    if name == "reassign_vendor":
        lifecycle.reassign_vendor(order, actor=actor, vendor_id=cleaned["vendor_id"], notes=notes)
    elif name == "amend_slot":
        lifecycle.amend_slot(order, actor=actor, slot_id=cleaned["slot_id"], notes=notes)
    elif name == "amend_address":
        lifecycle.amend_address(
            order,
            actor=actor,
            line1=cleaned["line1"],
            line2=cleaned["line2"],
            landmark=cleaned["landmark"],
            city=cleaned["city"],
            pincode=cleaned["pincode"],
            notes=notes,
        )
    elif name == "amend_payment":
        lifecycle.amend_payment(
            order,
            actor=actor,
            method=cleaned["method"],
            upi_id=cleaned["upi_id"],
            account_number=cleaned["account_number"],
            ifsc=cleaned["ifsc"],
            notes=notes,
        )
    elif name == "amend_device":
        lifecycle.amend_device(
            order,
            actor=actor,
            variant_id=cleaned["variant_id"],
            answers={k[2:]: v for k, v in cleaned.items() if k.startswith("q_")},
            consent_confirmed=cleaned["consent_confirmed"],
            consent_statement=cleaned["consent_statement"],
            notes=notes,
        )
    elif name == "accept_final_price":
        lifecycle.accept_final_price(order, actor=actor, notes=notes)
    elif name == "report_delay":
        lifecycle.report_delay(
            order, actor=actor, expected_window=cleaned["expected_window"], notes=notes
        )
    elif name == "mark_duplicate":
        lifecycle.mark_duplicate(order, of=cleaned["duplicate_of"], actor=actor, notes=notes)
    else:  # pragma: no cover - the ACTIONS table and this dispatch must agree
        raise Http404(name)


def _attach(form: forms.Form, error: DomainError) -> None:
    """Put each problem of ``error`` beside its field (``payment.ifsc`` → ``ifsc``), else on top."""
    for problem in error.errors:
        name = (problem.field or "").split(".")[-1]
        if (problem.field or "").startswith("answers."):
            name = f"q_{name}"
        if name == "consent":
            name = "consent_statement"
        form.add_error(name if name in form.fields else None, problem.message)


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
    order = _orders().filter(number=canonical_order_number(number)).first()
    if order is None:
        raise Http404("No such order")
    return order


def _messages_for(order: Order):
    return messages_for_order(order.number)


def _page(request, order: Order, *, bound: tuple[str, forms.Form] | None = None, status: int = 200):
    """The order page: its facts, the forms the table allows now, its history and messages."""
    moves, actions = lifecycle.allowed_for(order, request.user)
    move_forms = []
    for to, move in moves:
        key = f"move:{to}"
        form = bound[1] if bound and bound[0] == key else move_form(order, to, move)
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
            "move_forms": move_forms,
            "action_forms": action_forms,
            "amendments_closed": order.status not in table.AMENDABLE_STATES,
            "events": _labelled(lifecycle.history(order)),
            "order_messages": _messages_for(order),
            "needs_acceptance": order.status == S.INSPECTED
            and table.price_needs_acceptance(order.estimated_price, order.final_price)
            and not lifecycle.price_accepted(order),
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
        order = Order.objects.filter(number=canonical_order_number(typed)).first()
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
            f"{table.illegal_message(order.status, to)} (The page was out of date: it is reloaded.)",
        )
        return redirect("console:ops_order", number=order.number)
    form = move_form(order, to, move, request.POST)
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
            f"{order.display_number}: {move.label.lower()} — done. Now {S(to).label.lower()}.",
        )
        return redirect("console:ops_order", number=order.number)
    return _page(request, order, bound=(f"move:{to}", form), status=422)


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_OPERATE)
def order_action(request, number: str, name: str):
    """One non-moving action (amendment, reassignment, acceptance, delay, duplicate)."""
    if name not in table.ACTIONS:
        raise Http404(name)
    order = _order_or_404(number)
    form = action_form(order, name, request.POST)
    if form.is_valid():
        try:
            _run_action(order, name, form.cleaned_data, request.user)
        except DomainError as error:
            _attach(form, error)
            return _page(
                request, _order_or_404(number), bound=(f"action:{name}", form), status=error.status
            )
        messages.success(
            request, f"{order.display_number}: {table.ACTIONS[name].label.lower()} — done."
        )
        return redirect("console:ops_order", number=order.number)
    return _page(request, order, bound=(f"action:{name}", form), status=422)
