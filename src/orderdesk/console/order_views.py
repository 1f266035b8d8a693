"""The manual order wizard (SOP manual-order-creation §5 steps 1-7; SPEC M1-M6).

A stateless wizard: each step posts every value gathered so far (earlier steps
ride along as hidden inputs), the server checks the current step with the same
rules ``create_order`` enforces, and the last step calls ``create_order`` —
which checks everything again. Nothing is written before the final click.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace

from django.conf import settings
from django.core import signing
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from orderdesk.accounts.permissions import Perm, has_perm, requires
from orderdesk.catalog.actions import active_variant, price_for, price_range
from orderdesk.catalog.selectors import questionnaire, search_models, serviceability
from orderdesk.console.wording import said
from orderdesk.core.errors import DomainError
from orderdesk.core.money import format_inr
from orderdesk.core.phones import normalise_phone
from orderdesk.customers.models import Customer
from orderdesk.customers.selectors import latest_address
from orderdesk.customers.validators import PINCODE_RE
from orderdesk.flows.orders import place_order
from orderdesk.leads.models import Lead
from orderdesk.leads.rules import ORDER_BLOCK_MESSAGES, order_creation_blocked
from orderdesk.orders import rules
from orderdesk.orders.actions import ItemRequest, OrderRequest, gate_problems
from orderdesk.orders.choices import CreationReason, PaymentMethod
from orderdesk.orders.models import Order
from orderdesk.orders.selectors import ORDER_ITEMS, open_order_for_device

STEPS = ("reason", "device", "condition", "estimate", "pickup", "slot", "payment", "review")
STEP_TITLES = {
    "reason": "Why you are creating it",
    "device": "Device",
    "condition": "Condition",
    "estimate": "Estimated price",
    "pickup": "Pickup address",
    "slot": "Pickup slot",
    "payment": "Payment",
    "review": "Review and consent",
}
# Every value the wizard carries from step to step.
CARRIED = (
    "lead_id", "customer_name", "customer_phone", "reason", "variant_id", "accessories",
    "price_confirmed", "line1", "line2", "landmark", "city", "pincode", "slot_id",
    "payment_method", "upi_id", "account_number", "ifsc", "special_instructions",
    "quantity", "more_devices",
    "price_confirmation",
)  # fmt: skip

# M4 (issue 15, item 11): the estimate step, once passed, stamps the time the customer agreed
# and the price they agreed to, signed so the browser carries it without being able to change
# it. The order's price_confirmed_at is that time, not the final click's.
PRICE_CONFIRMATION_SALT = "orderdesk.console.wizard.price_confirmation"


def stamp_price_confirmation(price: int, *, at: dt.datetime | None = None) -> str:
    at = at or timezone.now()
    return signing.dumps({"at": at.isoformat(), "price": price}, salt=PRICE_CONFIRMATION_SALT)


def read_price_confirmation(token: str, price: int | None) -> dt.datetime | None:
    """The time of a stamp the server made for this price; None when absent, forged, or
    made for another price (the condition changed after the customer agreed)."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=PRICE_CONFIRMATION_SALT)
    except signing.BadSignature:
        return None
    if data.get("price") != price:
        return None
    return dt.datetime.fromisoformat(data["at"])


def _parse_more_devices(raw: str) -> list[dict]:
    """Issue 15 item 4: the devices already added to this pickup, carried as JSON
    (``[{"variant_id", "answers", "quantity"}]``); anything malformed is dropped, and
    ``create_order`` checks every device again."""
    try:
        value = json.loads(raw) if raw else []
    except ValueError:
        return []
    devices = []
    for entry in value if isinstance(value, list) else []:
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("variant_id"), int)
            and isinstance(entry.get("answers"), dict)
            and isinstance(entry.get("quantity"), int)
        ):
            devices.append(
                {
                    "variant_id": entry["variant_id"],
                    "answers": {str(k): str(v) for k, v in entry["answers"].items()},
                    "quantity": entry["quantity"],
                }
            )
    return devices[: rules.MAX_ITEMS_PER_ORDER - 1]


class Wizard:
    """The values gathered so far, read from the request, and what they resolve to."""

    def __init__(self, data, lead=None):
        self.values = {name: (data.get(name) or "").strip() for name in CARRIED}
        self.answers = {
            k[len("answer_") :]: v for k, v in data.items() if k.startswith("answer_") and v
        }
        self.more_devices = _parse_more_devices(self.values["more_devices"])
        self.lead = lead
        if lead is not None:
            self.values["lead_id"] = str(lead.pk)
            self.values["customer_name"] = lead.customer.name
            self.values["customer_phone"] = lead.customer.phone
        self.errors: dict[str, list[str]] = {}
        self.prefilled_address = None
        self.duplicate: Order | None = None
        # what the variant and the added devices resolve to, kept per value: a step reads
        # them many times (price, stamp, gates, page), the catalog once
        self._variant_memo: tuple[str, object] | None = None
        self._devices_memo: tuple[str, list[dict]] | None = None
        self._early_memo: tuple[tuple, object] | None = None

    def error(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def add_domain_error(self, exc: DomainError) -> None:
        for e in exc.errors:
            self.error((e.field or "form").replace("pickup.", "").replace("payment.", ""), said(e))

    @property
    def variant(self):
        key = self.values["variant_id"]
        if self._variant_memo is None or self._variant_memo[0] != key:
            found = None
            if key.isdigit():
                try:
                    found = active_variant(int(key))
                except DomainError:
                    found = None
            self._variant_memo = (key, found)
        return self._variant_memo[1]

    def early(self) -> EarlyCheck:
        """The early check for the values as they stand (asked once per request)."""
        v = self.values
        key = (v["variant_id"], v["customer_phone"], v["pincode"])
        if self._early_memo is None or self._early_memo[0] != key:
            self._early_memo = (key, early_check(self))
        return self._early_memo[1]

    @property
    def quantity(self) -> int:
        q = self.values["quantity"]
        return int(q) if q.isdigit() else 1

    def add_device(self) -> None:
        """ "Add another device": the device just described joins the pickup's list, and
        the device step starts afresh for the next one."""
        self.more_devices.append(
            {
                "variant_id": int(self.values["variant_id"]),
                "answers": dict(self.answers),
                "quantity": self.quantity,
            }
        )
        self.values["more_devices"] = json.dumps(self.more_devices)
        self.values["variant_id"] = ""
        self.values["quantity"] = ""
        self.answers = {}

    def remove_device(self, index: int) -> None:
        if 0 <= index < len(self.more_devices):
            del self.more_devices[index]
            self.values["more_devices"] = json.dumps(self.more_devices) if self.more_devices else ""

    def devices(self) -> list[dict]:
        """The devices added before the current one, each with its variant and estimate."""
        key = self.values["more_devices"]
        if self._devices_memo is None or self._devices_memo[0] != key:
            self._devices_memo = (key, self._resolve_devices())
        return self._devices_memo[1]

    def _resolve_devices(self) -> list[dict]:
        rows = []
        for entry in self.more_devices:
            try:
                variant = active_variant(entry["variant_id"])
                unit = price_for(variant, entry["answers"])
            except DomainError:
                variant, unit = None, None
            rows.append(
                entry
                | {
                    "variant": variant,
                    "estimate": unit * entry["quantity"] if unit is not None else None,
                }
            )
        return rows

    def price(self) -> int | None:
        """The estimate of the whole pickup: every device added, and the current one."""
        variant = self.variant
        if variant is None:
            return None
        try:
            total = price_for(variant, self.answers) * self.quantity
        except DomainError:
            return None
        for row in self.devices():
            if row["estimate"] is None:
                return None
            total += row["estimate"]
        return total

    def request(self, *, consent_confirmed: bool, consent_statement: str) -> OrderRequest:
        v = self.values
        return OrderRequest(
            customer_name=v["customer_name"],
            customer_phone=v["customer_phone"],
            line1=v["line1"],
            line2=v["line2"],
            landmark=v["landmark"],
            city=v["city"],
            pincode=v["pincode"],
            slot_id=int(v["slot_id"]) if v["slot_id"].isdigit() else None,
            payment_method=v["payment_method"],
            upi_id=v["upi_id"],
            account_number=v["account_number"],
            ifsc=v["ifsc"].upper(),
            variant_id=int(v["variant_id"]) if v["variant_id"].isdigit() else None,
            answers=self.answers,
            items=self.item_requests(),
            accessories=v["accessories"],
            special_instructions=v["special_instructions"],
            lead_id=int(v["lead_id"]) if v["lead_id"].isdigit() else None,
            reason=v["reason"],
            consent_confirmed=consent_confirmed,
            consent_statement=consent_statement,
            price_confirmed=v["price_confirmed"] == "yes",
            price_confirmed_at=self.confirmed_at(),
        )

    def confirmed_at(self) -> dt.datetime | None:
        """When the customer agreed to this estimate (the estimate step's stamp)."""
        return read_price_confirmation(self.values["price_confirmation"], self.price())

    def item_requests(self) -> list[ItemRequest]:
        """No list for one device (the single-device request, as before); else every device."""
        if not self.more_devices and self.quantity == 1:
            return []
        v = self.values
        current = ItemRequest(
            variant_id=int(v["variant_id"]) if v["variant_id"].isdigit() else None,
            answers=self.answers,
            quantity=self.quantity,
        )
        return [
            ItemRequest(variant_id=d["variant_id"], answers=d["answers"], quantity=d["quantity"])
            for d in self.more_devices
        ] + [current]

    def other_variants(self) -> list:
        return [row["variant"] for row in self.devices() if row["variant"] is not None]


ADDRESS_FIELDS = ("line1", "line2", "landmark", "city", "pincode")


def prefill(wizard: Wizard, *, customer=None, lead=None) -> None:
    """What the wizard knows before the agent asks (issue 18): the lead's device and the
    customer's latest saved pickup address. Only into fields still empty; the agent confirms
    or changes each at its step, and ``create_order`` checks everything again."""
    v = wizard.values
    if lead is not None:
        customer = customer or lead.customer
        if lead.variant_id and not v["variant_id"]:
            v["variant_id"] = str(lead.variant_id)
    address = latest_address(customer) if customer is not None else None
    if address is not None and not any(v[name] for name in ADDRESS_FIELDS):
        for name in ADDRESS_FIELDS:
            v[name] = getattr(address, name)
        wizard.prefilled_address = address


@dataclass
class EarlyCheck:
    """X1 and M2/M3 A asked as soon as their inputs are known (advisory: the final create
    enforces both again, X1 in the database). ``None`` means "not known yet"."""

    serviceable: bool | None = None
    service_message: str = ""
    duplicate: Order | None = None
    duplicate_checked: bool = False

    @property
    def ready(self) -> bool:
        return self.serviceable is not None or self.duplicate_checked


def early_check(wizard: Wizard) -> EarlyCheck:
    v = wizard.values
    check = EarlyCheck()
    variant = wizard.variant
    try:
        phone = normalise_phone(v["customer_phone"]) if v["customer_phone"] else ""
    except DomainError:
        phone = ""
    if variant is not None and phone:
        check.duplicate = open_order_for_device(phone=phone, device_model_id=variant.model_id)
        check.duplicate_checked = True
    pincode = v["pincode"]
    if variant is not None and pincode:
        if not PINCODE_RE.match(pincode):
            check.serviceable = False
            check.service_message = f"{pincode!r} is not a 6-digit pincode."
        else:
            found = serviceability(pincode, variant.model.device_type.key, with_slots=False)
            check.serviceable = found.serviceable
            device_name = variant.model.device_type.name.lower()
            if found.serviceable:
                check.service_message = f"We pick up {device_name}s at {pincode} ({found.city})."
            elif found.reason == "pincode_not_serviceable":
                check.service_message = f"We do not pick up at {pincode} yet."
            else:
                check.service_message = f"We do not pick up {device_name}s at {pincode}."
    return check


def duplicate_message(order: Order) -> str:
    return (
        f"This customer already has open order {order.display_number} for this device "
        f"({order.get_status_display().lower()}): a second one would be refused. "
        "Help the customer with the existing order instead."
    )


# The fields of create_order's gates (orders.actions.gate_problems) each step answers for.
STEP_GATE_FIELDS = {
    "reason": {"reason"},
    "estimate": {"price_confirmed"},
    "pickup": {"pickup.line1", "pickup.landmark", "pickup.city", "pickup.pincode"},
    "slot": {"pickup.slot_id"},
    "payment": {"payment.method", "payment.upi_id", "payment.account_number", "payment.ifsc"},
}


# The steps that ask the early checks (X1, serviceability) as part of their gate: every step
# before the review, so a duplicate is refused at step 1-2 once the device is known.
EARLY_STEPS = STEPS[:-1]


def check_step(step: str, wizard: Wizard) -> None:
    """The checks of one step: the gates ``create_order`` applies, asked of this step's fields."""
    v = wizard.values
    if step == "reason":
        if not v["customer_name"]:
            wizard.error("customer_name", "The customer's name is required.")
        try:
            normalise_phone(v["customer_phone"])
        except DomainError as exc:
            wizard.error("customer_phone", said(exc))
    if step in EARLY_STEPS:
        check = wizard.early()
        if check.duplicate is not None:
            wizard.duplicate = check.duplicate
            wizard.error("form", duplicate_message(check.duplicate))
        if check.serviceable is False and step in ("reason", "device"):
            wizard.error("pincode" if step == "reason" else "form", check.service_message)
    needs_device = step in ("device", "condition") or (
        step in STEP_GATE_FIELDS and step != "reason"
    )
    if needs_device and wizard.variant is None:
        wizard.error("variant_id", "Choose the model and variant the customer has.")
        return
    if step == "device" and not 1 <= wizard.quantity <= rules.MAX_ITEM_QUANTITY:
        wizard.error(
            "quantity",
            f"How many identical devices: a whole number from 1 to {rules.MAX_ITEM_QUANTITY}.",
        )
    if step == "device":  # M1: high_end_assisted only for a high-end model
        pickup = (wizard.variant, *wizard.other_variants())
        message = rules.reason_problem(v["reason"], high_end=any(d.model.high_end for d in pickup))
        if message:
            wizard.error("variant_id", message)
    if step == "condition":
        try:
            price_for(wizard.variant, wizard.answers)
        except DomainError as exc:
            for e in exc.errors:
                wizard.error(e.field or "form", said(e))
    elif step in STEP_GATE_FIELDS:
        request = wizard.request(consent_confirmed=True, consent_statement=rules.CONSENT_WORDING)
        if wizard.variant is None:
            # step 1 before the device is known: the pincode (asked early) is the early
            # check's; the gates' serviceability needs the device, so they are not asked it
            request = replace(request, pincode="")
        for problem in gate_problems(
            request, agent=True, variant=wizard.variant, more_variants=wizard.other_variants()
        ):
            if problem.field in STEP_GATE_FIELDS[step]:
                wizard.error(problem.field.split(".", 1)[-1], said(problem))


def open_slot_choices(wizard: Wizard):
    variant = wizard.variant
    if variant is None or not PINCODE_RE.match(wizard.values["pincode"]):
        return []
    return serviceability(wizard.values["pincode"], variant.model.device_type.key).slots


def _device_action(action: str, step: str, wizard: Wizard) -> str:
    """Issue 15 item 4: "Add another device" (this device is described; the next one starts at
    the device step) and "Remove". Returns the step to show."""
    if action == "add_device" and step == "condition":
        check_step(step, wizard)
        if wizard.errors:
            return step
        if len(wizard.more_devices) + 1 >= rules.MAX_ITEMS_PER_ORDER:
            wizard.error("form", f"One pickup carries at most {rules.MAX_ITEMS_PER_ORDER} devices.")
            return step
        wizard.add_device()
        return "device"
    if action.startswith("remove_device_") and action[14:].isdigit():
        wizard.remove_device(int(action[14:]))
    return step


def _start_from_customer(wizard: Wizard, customer_id: str) -> None:
    """Issue 15 item 7: the wizard started from the customer page (``?customer=<id>``, no lead)
    carries the customer's name and phone, as a lead would."""
    customer = (
        Customer.objects.filter(pk=int(customer_id)).first() if customer_id.isdigit() else None
    )
    if customer is not None:
        wizard.values["customer_name"] = customer.name
        wizard.values["customer_phone"] = customer.phone
        prefill(wizard, customer=customer)  # issue 18: the saved address


@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_CREATE_MANUAL)
def order_wizard(request):
    """GET starts the wizard (from a lead with ?lead=ID); each POST moves one step."""
    data = request.POST if request.method == "POST" else request.GET
    lead_id = (data.get("lead_id") or data.get("lead") or "").strip()
    lead = (
        get_object_or_404(Lead.objects.select_related("customer"), pk=int(lead_id))
        if lead_id.isdigit()
        else None
    )
    wizard = Wizard(data, lead=lead)
    if request.method == "GET" and lead is not None:
        prefill(wizard, lead=lead)
    elif request.method == "GET":
        _start_from_customer(wizard, data.get("customer", ""))  # issue 15 item 7
    blocked = order_creation_blocked(lead) if lead is not None else None

    step = data.get("step") if data.get("step") in STEPS else "reason"
    action = data.get("action", "next")
    created = None
    if request.method == "POST" and not blocked:
        if action == "back":
            step = STEPS[max(STEPS.index(step) - 1, 0)]
        elif action == "add_device" or action.startswith("remove_device_"):
            step = _device_action(action, step, wizard)
        elif step == "review" and wizard.confirmed_at() is None:
            wizard.error(
                "price_confirmed",
                "The customer has not agreed to this estimate: go back to the estimated price, "
                "read it out again and confirm it.",
            )
        elif step == "review":
            consent = data.get("consent_confirmed") == "yes"
            statement = (data.get("consent_statement") or "").strip()
            try:
                created = place_order(
                    wizard.request(consent_confirmed=consent, consent_statement=statement),
                    actor=request.user,
                    channel="agent",
                )
            except DomainError as exc:
                if exc.code == "duplicate_open_order":  # X1 at the final click: link the order
                    wizard.duplicate = Order.objects.filter(number=exc.extra["number"]).first()
                    wizard.error("form", said(exc))
                else:
                    wizard.add_domain_error(exc)
        elif action != "search":
            check_step(step, wizard)
            if not wizard.errors:
                if step == "estimate":
                    wizard.values["price_confirmation"] = stamp_price_confirmation(wizard.price())
                step = STEPS[STEPS.index(step) + 1]
    if created is not None:
        return redirect(reverse("console:order_created", args=[created.number]))

    variant = wizard.variant
    context = {
        "lead": lead,
        "blocked_message": ORDER_BLOCK_MESSAGES.get(blocked) if blocked else None,
        "wizard": wizard,
        "values": wizard.values,
        "answers": wizard.answers,
        "errors": wizard.errors,
        "step": step,
        "steps": [
            (s, STEP_TITLES[s], STEPS.index(s) < STEPS.index(step), s == step) for s in STEPS
        ],
        "reasons": CreationReason.choices,
        "payment_methods": PaymentMethod.choices,
        "variant": variant,
        "devices": wizard.devices(),
        "quantity": wizard.quantity,
        "models": search_models(data.get("q", ""), limit=12)
        if step == "device" and data.get("q")
        else [],
        "q": data.get("q", ""),
        "questions": questionnaire(variant.model.device_type) if variant is not None else [],
        "price": wizard.price()
        if step in ("estimate", "pickup", "slot", "payment", "review")
        else None,
        "slots": open_slot_choices(wizard) if step in ("slot", "review") else [],
        "price_script": rules.PRICE_SCRIPT,
        "consent_typed": (data.get("consent_statement") or "").strip()
        if request.method == "POST" and step == "review"
        else "",
        "price_range": price_range(variant) if step == "review" and variant else None,
        "consent_wording": rules.CONSENT_WORDING,
    }
    if step in EARLY_STEPS[:5]:
        context["early"] = wizard.early()
    if step == "slot":
        context["slot_grid"] = slot_grid(context["slots"])
    if step == "review" and variant is not None:
        context["condition_readback"] = condition_readback(context["questions"], wizard.answers)
        context["reason_label"] = (
            CreationReason(wizard.values["reason"]).label
            if (wizard.values["reason"] in CreationReason.values)
            else ""
        )
    if context["price"] is not None:
        context["price_script_text"] = rules.PRICE_SCRIPT.format(price=format_inr(context["price"]))
    if step == "review" and wizard.values["slot_id"]:
        context["chosen_slot"] = next(
            (s for s in context["slots"] if str(s.pk) == wizard.values["slot_id"]), None
        )
    status = 422 if wizard.errors else 200
    return TemplateResponse(request, "console/orders/wizard.html", context, status=status)


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_CREATE_MANUAL)
def order_wizard_check(request):
    """HTMX: the wizard's early check (X1 duplicate, serviceability) for the values on screen.

    Read-only and advisory: it answers the fragment the wizard shows beside steps 1-5, so
    the agent learns of an open order or an unserved pincode before the questions; the
    step's own gate and ``create_order`` enforce both again."""
    data = request.POST
    lead_id = (data.get("lead_id") or "").strip()
    lead = (
        get_object_or_404(Lead.objects.select_related("customer"), pk=int(lead_id))
        if lead_id.isdigit()
        else None
    )
    wizard = Wizard(data, lead=lead)
    return TemplateResponse(request, "console/orders/_early_check.html", {"early": wizard.early()})


@dataclass
class SlotRow:
    day: object
    cells: list  # one per window: the slot, or None when that window is not open that day


def slot_grid(slots) -> dict:
    """The open slots as a day-by-time grid: one row per day, one column per window."""
    windows = sorted({(s.window_start, s.window) for s in slots})
    by_day: dict = {}
    for s in slots:
        by_day.setdefault(s.date, {})[s.window] = s
    return {
        "windows": [label for _, label in windows],
        "rows": [
            SlotRow(day, [cells.get(label) for _, label in windows])
            for day, cells in sorted(by_day.items())
        ],
    }


def condition_readback(questions, answers: dict) -> list[tuple[str, str]]:
    """The condition as the customer said it: each question's text and the chosen option's label."""
    rows = []
    for question in questions:
        chosen = answers.get(question.key)
        label = next((o.label for o in question.options.all() if o.key == chosen), chosen or "")
        rows.append((question.text, label))
    return rows


@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_VIEW)
def order_created(request, number: str):
    """M6: the number shown large, in groups, for reading aloud, with the next steps."""
    order = get_object_or_404(
        Order.objects.select_related(
            "customer", "slot", "variant__model__brand", "address"
        ).prefetch_related(ORDER_ITEMS),
        number=number,
    )
    context = {"order": order, "may_work_leads": has_perm(request.user, Perm.LEADS_WORK)}
    return TemplateResponse(request, "console/orders/created.html", context)


@require_GET
@requires(Perm.CONSOLE)
def order_training_card(request):
    """SOP 001 §10 (issue 15, item 13): the manual-order card, built from
    ``orders.rules.manual_order_training_card`` with the settings in force, and the wizard's
    own steps: what the code enforces is what the card says."""
    card = rules.manual_order_training_card(
        reasons=CreationReason.choices,
        error_threshold=settings.ORDERDESK["AGENT_ERROR_THRESHOLD"],
        error_window_days=settings.ORDERDESK["AGENT_ERROR_WINDOW_DAYS"],
        price_confirmation_minutes=rules.PRICE_CONFIRMATION_MAX_AGE_MINUTES,
    )
    context = {"card": card, "steps": [STEP_TITLES[s] for s in STEPS]}
    return TemplateResponse(request, "console/orders/training_card.html", context)
