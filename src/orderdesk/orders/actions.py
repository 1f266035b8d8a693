"""Every write on orders. One ``create_order`` for every channel (SPEC §4, §5).

The agent path adds the gates M1-M5 and accountability M8; every path gets the
duplicate guard X1/X2 (kept by the database) and M6 (number, confirmation in
the outbox). The leads' reaction to a new order (D7/D8: the lead's disposition,
the customer's other leads closed) is not here: ``flows.orders.place_order`` checks
the lead and runs that reaction inside ``create_order``'s transaction, and every
door (console, API, storefront, seed) calls the flow.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from orderdesk.accounts.permissions import Perm, has_perm, require
from orderdesk.catalog.actions import active_variant, book_slot, price_for
from orderdesk.catalog.models import Quote
from orderdesk.catalog.selectors import open_slots, serviceability
from orderdesk.core import audit, events
from orderdesk.core.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from orderdesk.core.masking import mask_tail, mask_upi
from orderdesk.core.money import format_inr
from orderdesk.core.phones import normalise_phone
from orderdesk.customers.actions import add_address, get_or_create_customer
from orderdesk.customers.validators import PINCODE_RE
from orderdesk.messaging.actions import enqueue_message
from orderdesk.messaging.links import public_url
from orderdesk.orders import rules
from orderdesk.orders.choices import OPEN_STATUSES, Channel, CreationReason, PaymentMethod
from orderdesk.orders.models import (
    AgentError,
    AgentRestoration,
    DuplicateAttempt,
    DuplicateOverride,
    Order,
    OrderEvent,
    OrderItem,
    PickupFeedback,
)
from orderdesk.orders.selectors import agent_error_count, describe_devices


@dataclass
class ItemRequest:
    """One device of an order: a quote, or a variant with answers; how many (issue 15 item 4)."""

    quote_id: uuid.UUID | str | None = None
    variant_id: int | None = None
    answers: dict = field(default_factory=dict)
    quantity: int = 1


@dataclass
class ResolvedItem:
    variant: object
    answers: dict
    unit_price: int
    quantity: int
    quote: object = None

    @property
    def estimated_price(self) -> int:
        return self.unit_price * self.quantity


@dataclass
class OrderRequest:
    """What any channel sends to create an order (the API body, the console wizard, the app)."""

    customer_name: str
    customer_phone: str
    line1: str
    landmark: str
    city: str
    pincode: str
    slot_id: int | None
    payment_method: str
    customer_email: str = ""
    line2: str = ""
    quote_id: uuid.UUID | str | None = None
    variant_id: int | None = None
    answers: dict = field(default_factory=dict)
    accessories: str = ""
    upi_id: str = ""
    account_number: str = ""
    ifsc: str = ""
    special_instructions: str = ""
    # Agent orders only (M1, M3 C, M4):
    lead_id: int | None = None
    reason: str = ""
    consent_confirmed: bool = False
    consent_statement: str = ""
    price_confirmed: bool = False
    # M4: when the agent confirmed the estimate step (the wizard's signed stamp, or the
    # API's field); None = now (the API call itself is the confirmation).
    price_confirmed_at: dt.datetime | None = None
    # X1 override (supervisor only):
    override_reason: str = ""
    # Issue 15 item 4: the devices. Empty: one item from quote_id / variant_id / answers.
    items: list[ItemRequest] = field(default_factory=list)

    def item_requests(self) -> list[ItemRequest]:
        if self.items:
            return list(self.items)
        return [
            ItemRequest(quote_id=self.quote_id, variant_id=self.variant_id, answers=self.answers)
        ]


def check_agent_allowed(agent) -> None:
    """M8: refuse manual creation to an agent past the error threshold."""
    threshold = settings.ORDERDESK["AGENT_ERROR_THRESHOLD"]
    if rules.agent_is_restricted(agent_error_count(agent), threshold):
        raise Forbidden(
            f"Manual order creation is suspended for you: {threshold} or more order errors in "
            f"{settings.ORDERDESK['AGENT_ERROR_WINDOW_DAYS']} days. A supervisor restores it after retraining.",
            code="agent_restricted",
        )


def resolve_items(req: OrderRequest) -> list[ResolvedItem]:
    """M2/M3 B for every item: its variant, answers and the server's price; bounded counts.

    A problem names the item: ``items[1].variant_id`` (0-based, as the request lists them);
    a request without ``items`` keeps the old field names (``variant_id``, ``quote_id``).
    """
    requests = req.item_requests()
    if len(requests) > rules.MAX_ITEMS_PER_ORDER:
        raise ValidationFailed(
            f"One pickup carries at most {rules.MAX_ITEMS_PER_ORDER} device lines.",
            code="too_many_items",
            field="items",
        )
    resolved = []
    for index, item in enumerate(requests):
        prefix = f"items[{index}]." if req.items else ""
        quantity = item.quantity
        if (
            isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not 1 <= quantity <= rules.MAX_ITEM_QUANTITY
        ):
            raise ValidationFailed(
                f"The quantity is a whole number from 1 to {rules.MAX_ITEM_QUANTITY}.",
                code="quantity_invalid",
                field=f"{prefix}quantity",
            )
        try:
            variant, answers, price, quote = _resolve_device(item)
        except DomainError as exc:
            if prefix:
                exc.errors = [
                    FieldError(prefix + (e.field or "variant_id"), e.code, e.message)
                    for e in exc.errors
                ]
                exc.field = exc.errors[0].field
            raise
        resolved.append(ResolvedItem(variant, answers, price, quantity, quote))
    return resolved


def _resolve_device(req) -> tuple:
    """M2/M3 B: the variant and answers, from a quote or given directly; the server's price."""
    if req.quote_id:
        quote = (
            Quote.objects.select_related("variant__model__device_type")
            .filter(pk=req.quote_id)
            .first()
        )
        if quote is None:
            raise ValidationFailed(
                "That quote does not exist.", code="quote_unknown", field="quote_id"
            )
        if quote.valid_until < timezone.now():
            raise ValidationFailed(
                "That quote has expired; get a new one.", code="quote_expired", field="quote_id"
            )
        variant = active_variant(quote.variant_id)
        answers = quote.answers
    else:
        if not req.variant_id:
            raise ValidationFailed(
                "Choose the device: a quote_id, or a variant_id with answers.",
                code="required",
                field="variant_id",
            )
        variant = active_variant(req.variant_id)
        answers = req.answers or {}
    # Always recomputed from today's catalog: a price is never taken from a client.
    price = price_for(variant, answers)
    quote = quote if req.quote_id else None
    return variant, answers, price, quote


def gate_problems(req: OrderRequest, *, agent: bool, variant, more_variants=()) -> list[FieldError]:
    """M1-M5: every check that needs no write, collected so the agent sees all at once.

    ``variant`` is the first item's; ``more_variants`` the other items' (each device
    type must be picked up at the pincode).

    The console wizard asks the same function at each step (filtering the fields of
    that step), so a step cannot pass what ``create_order`` would refuse.
    """
    problems: list[FieldError] = []
    if agent:
        if req.reason not in CreationReason.values:
            problems.append(
                FieldError(
                    "reason",
                    "reason_required",
                    "Choose why you are creating this order for the customer.",
                )
            )
        if not req.price_confirmed:
            problems.append(
                FieldError(
                    "price_confirmed",
                    "price_not_confirmed",
                    "Read out the estimate and tick when the customer agrees (final price depends on inspection).",
                )
            )
        elif message := rules.price_confirmation_problem(req.price_confirmed_at, timezone.now()):
            problems.append(FieldError("price_confirmed_at", "price_confirmation_invalid", message))
        # M1: a pickup is high-end when any of its devices is (not only the first listed)
        high_end = (
            any(v.model.high_end for v in (variant, *more_variants))
            if variant is not None
            else None
        )
        if message := rules.reason_problem(req.reason, high_end=high_end):
            problems.append(FieldError("reason", "reason_not_high_end", message))
        message = rules.consent_problem(req.consent_confirmed, req.consent_statement)
        if message:
            problems.append(FieldError("consent", "consent_missing", message))
    for name, label in (("line1", "the address"), ("landmark", "a landmark"), ("city", "the city")):
        if not (getattr(req, name) or "").strip():
            problems.append(
                FieldError(
                    f"pickup.{name}", "address_incomplete", f"The pickup address needs {label}."
                )
            )
    pincode = (req.pincode or "").strip()
    if not PINCODE_RE.match(pincode):
        problems.append(
            FieldError(
                "pickup.pincode", "pincode_invalid", f"{req.pincode!r} is not a 6-digit pincode."
            )
        )
    else:
        check = serviceability(pincode, variant.model.device_type.key, with_slots=False)
        for other in more_variants:
            if not check.serviceable:
                break
            if other.model.device_type_id != variant.model.device_type_id:
                other_check = serviceability(pincode, other.model.device_type.key, with_slots=False)
                if not other_check.serviceable:
                    check, variant = other_check, other
        if not check.serviceable:
            message = (
                f"We do not pick up at {pincode} yet."
                if check.reason == "pincode_not_serviceable"
                else f"We do not pick up {variant.model.device_type.name.lower()}s at {pincode}."
            )
            problems.append(FieldError("pickup.pincode", check.reason, message))
        elif req.city.strip() and check.city and req.city.strip().lower() != check.city.lower():
            problems.append(
                FieldError(
                    "pickup.pincode",
                    "pincode_city_mismatch",
                    f"Pincode {pincode} is in {check.city}, not {req.city.strip()}.",
                )
            )
        elif req.slot_id is None:
            problems.append(
                FieldError("pickup.slot_id", "slot_unavailable", "Choose a pickup slot.")
            )
        else:
            # O2: only an open slot of the pincode's city: not full, not past.
            if not open_slots(check.city_id).filter(pk=req.slot_id).exists():
                problems.append(
                    FieldError(
                        "pickup.slot_id",
                        "slot_unavailable",
                        "That slot is not available for this pincode; pick another.",
                    )
                )
    for field_name, code, message in rules.payment_problems(
        req.payment_method, req.upi_id, req.account_number, req.ifsc
    ):
        problems.append(FieldError(field_name, code, message))
    return problems


def create_order(req: OrderRequest, *, actor, channel: str, lead=None, on_created=None) -> Order:
    """Create an order through any channel. Returns the order, or raises with nothing written.

    1. Agent orders: M8 restriction. ``lead`` is the lead of ``req.lead_id``, already
       checked by the caller (``flows.orders.place_order``: D5/D6 blocks).
    2. Resolve the device and compute the price (M2, M3 B).
    3. Collect every gate problem (M1-M5) and refuse them together.
    4. In one transaction: the customer and address, the order (the partial unique
       index refuses a second open order for the customer and device: X1/X2), the
       slot place (O2), the history event, the audit event, the confirmation in the
       outbox (M6/N1).
    A refused duplicate is recorded (X4) after the rollback, so it counts in the KPIs.
    ``on_created(order)`` runs inside that transaction (the flow's D7/D8 reaction; the
    API stores its idempotency record there, so the order and its replay commit together).
    """
    is_agent = channel == Channel.AGENT
    if is_agent:
        check_agent_allowed(actor)
    if req.lead_id and (lead is None or lead.pk != req.lead_id):
        raise ValueError("create_order: pass the checked lead (flows.orders.place_order does)")
    items = resolve_items(req)
    problems = gate_problems(
        req, agent=is_agent, variant=items[0].variant, more_variants=[i.variant for i in items[1:]]
    )
    if problems:
        raise ValidationFailed.collect(
            problems, f"The order cannot be created yet: {problems[0].message}"
        )
    if req.override_reason and not _may_override(actor):
        raise Forbidden(
            "Only a supervisor may override the duplicate guard.",
            code="forbidden",
            field="override_reason",
        )

    try:
        return _create_order_row(
            req, actor=actor, channel=channel, lead=lead, items=items, on_created=on_created
        )
    except _DuplicateOpenOrder as dup:
        _record_duplicate_attempt(
            dup.customer_id, dup.device_model_id, dup.existing, channel, actor
        )
        device = items[dup.index].variant.model
        raise Conflict(
            f"This customer already has open order {dup.existing.display_number} for "
            f"{device}: "
            "add the device to that order, or book two identical devices with a quantity.",
            code="duplicate_open_order",
            field=f"items[{dup.index}].variant_id" if req.items else "customer.phone",
            extra={
                "number": dup.existing.number,
                "existing_order": dup.existing.number,
                "item": dup.index,
            },
        ) from None


class _DuplicateOpenOrder(Exception):
    def __init__(self, customer_id: int, existing: Order, device_model_id: int, index: int = 0):
        self.customer_id = customer_id
        self.existing = existing
        self.device_model_id = device_model_id
        self.index = index


def _may_override(actor) -> bool:
    return has_perm(actor, Perm.ORDERS_OVERRIDE_DUPLICATE)


@transaction.atomic
def _create_order_row(req, *, actor, channel, lead, items, on_created=None) -> Order:
    # Issue 17 P1: the order's audit events (customer, address, slot, order, message...)
    # go in as one multi-row INSERT at the end of the transaction.
    with audit.batched():
        return _write_order(
            req, actor=actor, channel=channel, lead=lead, items=items, on_created=on_created
        )


def _write_order(req, *, actor, channel, lead, items, on_created=None) -> Order:
    customer, _ = get_or_create_customer(
        name=req.customer_name, phone=req.customer_phone, email=req.customer_email
    )
    if lead is not None and lead.customer_id != customer.pk:
        raise ValidationFailed(
            "The lead belongs to another customer.", code="lead_customer_mismatch", field="lead_id"
        )
    address = add_address(
        customer,
        line1=req.line1,
        line2=req.line2,
        landmark=req.landmark,
        city=req.city,
        pincode=req.pincode,
    )
    now = timezone.now()
    is_agent = channel == Channel.AGENT
    first = items[0]
    variant, answers, quote = first.variant, first.answers, first.quote
    price = sum(item.estimated_price for item in items)
    # O2: the slot's place first, so the order is inserted with its slot (no UPDATE after)
    slot = book_slot(req.slot_id)
    order = Order(
        customer=customer,
        channel=channel,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=req.reason if is_agent else "",
        device_model=variant.model,
        variant=variant,
        answers=answers,
        accessories=req.accessories[:200],
        quote=quote,
        estimated_price=price,
        address=address,
        slot=slot,
        special_instructions=req.special_instructions[:300],
        payment_method=req.payment_method,
        upi_id=req.upi_id if req.payment_method == PaymentMethod.UPI else "",
        bank_account_number=req.account_number if req.payment_method == PaymentMethod.BANK else "",
        ifsc=(req.ifsc or "").upper() if req.payment_method == PaymentMethod.BANK else "",
        consent_statement=req.consent_statement[:300] if is_agent else "",
        consent_at=now if is_agent else None,
        price_confirmed_at=(req.price_confirmed_at or now) if is_agent else None,
        guard_key=uuid.uuid4().hex if req.override_reason else "",
        duplicate_override_reason=req.override_reason[:300],
    )
    if lead is not None:
        order.source_lead = lead
    _insert_with_fresh_number(order, customer_id=customer.pk)
    rows = _insert_items(order, items)
    # The lines just written, with their variants (model and brand loaded): what the
    # confirmation, the listeners and the API's answer read, without reading them back.
    # Stored as Django's prefetch stores a relation (``order.items.all()`` answers from it;
    # any other query on ``order.items`` still goes to the database).
    lines = order.items.all()
    lines._result_cache, lines._prefetch_done = rows, True
    order._prefetched_objects_cache = {"items": lines}
    OrderEvent.objects.create(
        order=order,
        actor=order.created_by,
        kind="created",
        to_status=order.status,
        note=f"{channel} order"
        + (f", duplicate guard overridden: {req.override_reason}" if req.override_reason else ""),
        data={
            "estimated_price": price,
            "reason": order.reason,
            # "devices", not "items": templates read event.data.items as the dict's pairs
            "devices": [
                {
                    "variant": i.variant.pk,
                    "quantity": i.quantity,
                    "estimated_price": i.estimated_price,
                }
                for i in items
            ],
        },
    )
    audit.record(
        "order.create",
        order,
        actor=actor,
        after={
            "number": order.number,
            "channel": channel,
            "estimated_price": price,
            "status": order.status,
            "lead": req.lead_id,
        },
    )
    events.announce("order.created", order)
    enqueue_message(
        customer=customer,
        kind="order_confirmation",
        context=confirmation_context(order),
        order=order,
        dedupe_key=f"order:{order.number}:confirmation",
    )
    if on_created is not None:
        on_created(order)
    return order


def _insert_with_fresh_number(order: Order, *, customer_id: int) -> None:
    """Insert, drawing a new number on the (rare) number collision."""
    for _ in range(5):
        order.number = rules.new_order_number()
        try:
            with transaction.atomic():
                order.save(force_insert=True)
            return
        except IntegrityError:
            # X1 is the items' index (``_insert_items``); here only a number can collide
            if not Order.objects.filter(number=order.number).exists():
                raise
    raise DomainError(
        "Could not allot an order number; try again.", code="number_allocation_failed", status=503
    )


def _insert_items(order: Order, items: list[ResolvedItem]) -> list[OrderItem]:
    """Issue 15 item 4: the order's device lines, each under its own X1 guard (the partial
    unique index ``one_open_item_per_customer_device``: a model already on another open
    order of the customer is refused, and the whole order with it)."""
    seen_models: set[int] = set()
    rows: list[OrderItem] = []
    for index, item in enumerate(items):
        model_id = item.variant.model_id
        row = OrderItem(
            order=order,
            position=index + 1,
            customer_id=order.customer_id,
            device_model_id=model_id,
            variant=item.variant,
            quantity=item.quantity,
            answers=item.answers,
            quote=item.quote,
            unit_price=item.unit_price,
            estimated_price=item.estimated_price,
            guard_key=rules.item_guard_key(
                order.guard_key,
                order_number=order.number,
                position=index + 1,
                repeat=model_id in seen_models,
            ),
        )
        seen_models.add(model_id)
        rows.append(row)
        try:
            with transaction.atomic():
                row.save(force_insert=True)
            continue
        except IntegrityError as exc:
            clash = exc
        # X1's clash: a supervisor's override granted ahead for this model is used (and spent)
        override = (
            DuplicateOverride.objects.select_for_update()
            .filter(customer_id=order.customer_id, device_model_id=model_id, used_by__isnull=True)
            .order_by("pk")
            .first()
        )
        if override is not None:
            row.guard_key = override.guard_key
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
                override.used_by = order
                override.save(update_fields=["used_by"])
                continue
            except IntegrityError:
                row.guard_key = ""
        existing = (
            OrderItem.objects.filter(
                customer_id=order.customer_id,
                device_model_id=model_id,
                guard_key=row.guard_key,
                is_open=True,
            )
            .exclude(order=order)
            .select_related("order")
            .first()
        )
        if existing is None:
            raise clash
        raise _DuplicateOpenOrder(order.customer_id, existing.order, model_id, index) from clash
    return rows


@transaction.atomic
def grant_duplicate_override(*, order: Order, position: int, reason: str, granted_by):
    """X1's supervisor override, reachable from the console and the API (issue 15 item 4):
    the customer may open one more order holding the device of ``order``'s item ``position``
    (e.g. a second identical phone found after booking). Refused: 403 to anyone but a
    supervisor; 422 without a reason or for an unknown item; 409 when the order is closed
    or an override for that device is already waiting. Audited; on the order's history."""
    if not _may_override(granted_by):
        raise Forbidden("Only a supervisor may override the duplicate guard.", code="forbidden")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationFailed(
            "Say why the customer may hold two open orders for this device (X1).",
            code="reason_required",
            field="reason",
        )
    item = OrderItem.objects.filter(order=order, position=position).first()
    if item is None:
        raise ValidationFailed(
            f"Order {order.display_number} has no item {position}.",
            code="item_unknown",
            field="position",
        )
    if order.status not in OPEN_STATUSES:
        raise Conflict(
            "That order is closed: X1 does not stand in the way of a new order.",
            code="order_closed",
            field="number",
        )
    try:
        with transaction.atomic():  # one_waiting_override_per_customer_device decides
            override = DuplicateOverride.objects.create(
                customer_id=order.customer_id,
                device_model_id=item.device_model_id,
                for_order=order,
                reason=reason[:300],
                granted_by=granted_by,
                guard_key=uuid.uuid4().hex,
            )
    except IntegrityError:
        raise Conflict(
            "An override for this device is already waiting to be used.",
            code="override_exists",
            field="position",
        ) from None
    OrderEvent.objects.create(
        order=order,
        actor=granted_by,
        kind="duplicate_override",
        note=reason[:500],
        data={"device": str(item.variant), "position": position},
    )
    audit.record(
        "order.duplicate_override",
        override,
        actor=granted_by,
        after={"order": order.number, "device_model": item.device_model_id, "reason": reason},
    )
    return override


def _record_duplicate_attempt(customer_id, device_model_id, existing, channel, actor) -> None:
    with transaction.atomic():
        attempt = DuplicateAttempt.objects.create(
            customer_id=customer_id,
            device_model_id=device_model_id,
            existing_order=existing,
            channel=channel,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            "order.duplicate_refused",
            attempt,
            actor=actor,
            after={"existing_order": existing.number, "channel": channel},
        )


def payment_mode_text(order: Order) -> tuple[str, str]:
    """How the customer will be paid, in English and Hindi, with the account masked
    (``UPI as•••••@okaxis`` / ``bank transfer to account ••••••1234``)."""
    if order.payment_method == PaymentMethod.UPI:
        to = mask_upi(order.upi_id)
        return f"UPI to {to}", f"UPI ({to}) पर"
    to = mask_tail(order.bank_account_number)
    return f"bank transfer to account {to}", f"बैंक ट्रांसफ़र, खाता {to} में"


def confirmation_context(order: Order) -> dict:
    """M6 and issue 15 item 10 (SOP 002 §4.6): the written confirmation carries the details
    the agent confirmed on the call: device(s), estimate, pickup address and slot window,
    payment mode and the order number (the templates of messaging migration 0006)."""
    slot = order.slot
    payment_en, payment_hi = payment_mode_text(order)
    return {
        "customer_name": order.customer.name,
        "order_number": order.display_number,
        "device": describe_devices(order),
        "estimated_price": format_inr(order.estimated_price).lstrip("₹"),
        "pickup_date": slot.date.strftime("%d %b %Y") if slot else "",
        "pickup_window": slot.window if slot else "",
        "pickup_city": order.address.city,
        "pickup_address": str(order.address),
        "payment_mode": payment_en,
        "payment_mode_hi": payment_hi,
    }


# --- M8 accountability --------------------------------------------------------


def check_may_record_agent_error(user) -> None:
    """M8: ops find errors at pickup, supervisors in audits; nobody else records them
    (401 ``not_authenticated``, 403 ``forbidden``, as the console's door answers)."""
    if has_perm(user, Perm.ORDERS_OPERATE):
        return
    require(user, Perm.AUDITS_RUN)


@transaction.atomic
def record_agent_error(*, order: Order, kind: str, notes: str, recorded_by) -> AgentError:
    """M8: an error found in an agent's order counts against the agent who created it.
    Refused unless ``recorded_by`` may record errors (``check_may_record_agent_error``)."""
    check_may_record_agent_error(recorded_by)
    if kind not in AgentError.Kind.values:
        raise ValidationFailed(
            f"Unknown error kind {kind!r}.", code="error_kind_unknown", field="kind"
        )
    if order.channel != Channel.AGENT or order.created_by is None:
        raise ValidationFailed(
            "Only agents' manual orders carry agent errors.",
            code="not_an_agent_order",
            field="order",
        )
    error = AgentError.objects.create(
        agent=order.created_by, order=order, kind=kind, notes=notes[:500], recorded_by=recorded_by
    )
    audit.record(
        "agent_error.record",
        error,
        actor=recorded_by,
        after={"agent": order.created_by_id, "order": order.number, "kind": kind},
    )
    return error


@transaction.atomic
def restore_agent(*, agent, restored_by, reason: str) -> AgentRestoration:
    """M8: a supervisor restores manual creation after retraining, with a reason.
    Refused (403) unless ``restored_by`` holds ``AGENTS_MANAGE``."""
    require(restored_by, Perm.AGENTS_MANAGE)
    if len((reason or "").strip()) < 10:
        raise ValidationFailed(
            "Say why manual creation is restored (e.g. the retraining done).",
            code="reason_required",
            field="reason",
        )
    restoration = AgentRestoration.objects.create(
        agent=agent, restored_by=restored_by, reason=reason.strip()[:500]
    )
    audit.record(
        "agent.restore",
        restoration,
        actor=restored_by,
        after={"agent": agent.pk, "reason": restoration.reason},
    )
    return restoration


# --- Issue 15, item 12: post-fulfilment feedback ----------------------------------------------

FEEDBACK_SALT = "orderdesk.orders.feedback"


def feedback_token(feedback: PickupFeedback) -> str:
    """The one-time link's token: the feedback id and its random nonce, signed."""
    return signing.Signer(salt=FEEDBACK_SALT).sign(f"{feedback.pk}.{feedback.nonce}")


def feedback_url(feedback: PickupFeedback) -> str:
    """The link in the feedback request (the storefront's ``/f/<token>/`` page)."""
    return f"{public_url()}/f/{feedback_token(feedback)}/"


def open_feedback(order: Order, *, now=None) -> PickupFeedback:
    """The order's one feedback request (a reply code and a link), made once when it completes."""
    now = now or timezone.now()
    existing = PickupFeedback.objects.filter(order=order).first()
    if existing is not None:
        return existing
    for _ in range(10):
        code = "".join(secrets.choice(rules.ALPHABET) for _ in range(rules.FEEDBACK_CODE_LENGTH))
        if not PickupFeedback.objects.filter(reply_code=code).exists():
            break
    else:  # pragma: no cover - 29^6 codes
        raise Conflict("Could not allot a feedback reply code; try again.", code="conflict")
    return PickupFeedback.objects.create(
        order=order,
        nonce=secrets.token_hex(16),
        reply_code=code,
        sent_at=now,
        expires_at=now + dt.timedelta(days=rules.FEEDBACK_VALID_DAYS),
    )


def feedback_for_token(token: str) -> PickupFeedback:
    """The feedback a link names, or 404 ``feedback_link_invalid`` for a forged token."""
    try:
        pk, nonce = signing.Signer(salt=FEEDBACK_SALT).unsign(token).split(".", 1)
        return PickupFeedback.objects.select_related("order__customer").get(pk=int(pk), nonce=nonce)
    except (signing.BadSignature, ValueError, PickupFeedback.DoesNotExist):
        raise NotFound(
            "This feedback link is not valid.", code="feedback_link_invalid", field="token"
        ) from None


@transaction.atomic
def answer_feedback(
    feedback: PickupFeedback, *, score, via: str, comment: str = "", now=None
) -> PickupFeedback:
    """Store the customer's answer, once. Refusals (422 ``feedback_score_invalid``, 409
    ``feedback_expired`` / ``feedback_already_answered``) write nothing. The answer adds a
    ``feedback`` event to the order's history (which the KPI roll-up reads)."""
    now = now or timezone.now()
    if not rules.valid_feedback_score(score):
        raise ValidationFailed(
            "The rating is a whole number from 1 to 5.",
            code="feedback_score_invalid",
            field="score",
        )
    if feedback.expires_at <= now and feedback.score is None:
        raise Conflict("This feedback request has expired.", code="feedback_expired", field="token")
    updated = PickupFeedback.objects.filter(pk=feedback.pk, score__isnull=True).update(
        score=score, comment=(comment or "").strip()[:500], answered_at=now, answered_via=via
    )
    if updated != 1:
        raise Conflict(
            "This order's feedback was already given: thank you, one answer per order is kept.",
            code="feedback_already_answered",
            field="score",
        )
    feedback.refresh_from_db()
    OrderEvent.objects.create(
        order=feedback.order,
        actor=None,
        kind="feedback",
        note=f"customer feedback {score}/5 by {via}",
        data={"score": score, "via": via},
    )
    audit.record(
        "order.feedback",
        feedback.order,
        after={"score": score, "via": via, "comment": bool(feedback.comment)},
        actor=None,
    )
    return feedback


def answer_feedback_by_token(token: str, *, score, comment: str = "") -> PickupFeedback:
    return answer_feedback(feedback_for_token(token), score=score, via="link", comment=comment)


def answer_feedback_by_reply(*, phone: str, text: str) -> PickupFeedback:
    """The customer's SMS/WhatsApp reply ("4 K7M2QX"), relayed by the gateway or an agent;
    the code must belong to feedback requested from that phone."""
    parsed = rules.parse_feedback_reply(text)
    if parsed is None:
        raise ValidationFailed(
            "A reply is the rating (1-5) and the code, e.g. '4 K7M2QX'.",
            code="feedback_reply_unreadable",
            field="text",
        )
    score, code = parsed
    feedback = (
        PickupFeedback.objects.select_related("order__customer")
        .filter(reply_code=code, order__customer__phone=normalise_phone(phone))
        .first()
    )
    if feedback is None:
        raise NotFound(
            "No feedback request with that code was sent to this phone.",
            code="feedback_code_unknown",
            field="text",
        )
    return answer_feedback(feedback, score=score, via="reply")
