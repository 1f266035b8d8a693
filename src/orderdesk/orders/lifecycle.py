"""The order's life after creation (SPEC §6 O1-O5, §5 X4): every status change and amendment.

``transition(order, to, *, actor, ...)`` is the only code that changes
``Order.status`` after ``create_order`` set the first one (O1). It reads the one
table in ``orders.transitions``. The other actions here (reassignment O2,
amendments O3, the customer's acceptance of the inspected price O4, a delay
notice O5, X4 duplicates) change an order without moving it, or, for
``mark_duplicate``, move it through ``transition``.

Every action, in one transaction:

1. locks the order row (``select_for_update``) and re-reads it, so two people
   acting at once are serialised and the second sees the first's result;
2. checks, in this order: the acting role exists (403), a vendor acts only on
   its own orders (403 ``not_your_order``), the table allows the move or action
   from the current state (409 ``illegal_transition`` / ``amendment_closed``),
   the role may make it (403), the inputs (422);
3. applies the side effects: vendor assignment (O2), slot places booked and
   released with catalog's conditional UPDATEs (O2: capacity is counted in the
   database), prices, references;
4. writes the ``OrderEvent`` (who, when, why, from → to), the audit event (S3)
   and the customer's message in the outbox (O5, N1).

A refusal raises a ``DomainError`` before anything is written, or rolls back
whatever was (a slot booked before a later refusal is given back by the rollback).
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from orderdesk.accounts.choices import Role
from orderdesk.accounts.permissions import Perm, has_perm
from orderdesk.catalog.actions import active_variant, book_slot, price_for, release_slot
from orderdesk.catalog.models import PickupSlot, ServedPincode, Vendor
from orderdesk.catalog.selectors import serviceability
from orderdesk.core import audit
from orderdesk.core.context import CustomerActor
from orderdesk.core.errors import Conflict, FieldError, Forbidden, ValidationFailed
from orderdesk.core.masking import mask_tail, mask_upi
from orderdesk.core.money import format_inr
from orderdesk.core.timeutil import today_ist
from orderdesk.customers.actions import add_address
from orderdesk.customers.validators import PINCODE_RE
from orderdesk.messaging.actions import enqueue_message
from orderdesk.orders import rules
from orderdesk.orders import transitions as table
from orderdesk.orders.actions import confirmation_context
from orderdesk.orders.choices import OPEN_STATUSES, OrderStatus, PaymentMethod
from orderdesk.orders.models import Order, OrderEvent
from orderdesk.orders.transitions import ActorRole, CancellationReason

S = OrderStatus


# --- who is acting --------------------------------------------------------------


def actor_role(actor) -> ActorRole | None:
    """The lifecycle role of ``actor`` (None: the platform itself), from the one permission layer.

    Returns None for a person whose role has no part in the order's life (sales,
    supervisors, admins, the customer app): they are refused every move (403).
    """
    if actor is None:
        return ActorRole.SYSTEM
    if isinstance(actor, CustomerActor):
        return ActorRole.CUSTOMER
    if has_perm(actor, Perm.ORDERS_OPERATE):
        return ActorRole.OPS
    if has_perm(actor, Perm.ORDERS_VENDOR) and getattr(actor, "vendor_id", None):
        return ActorRole.VENDOR
    if getattr(actor, "role", None) == Role.CX and has_perm(actor, Perm.TICKETS_WORK):
        return ActorRole.CX
    return None


def _person(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _lock(order: Order | int, actor) -> tuple[Order, ActorRole]:
    """Lock and re-read the order; refuse people with no lifecycle role and other vendors' orders."""
    role = actor_role(actor)
    if role is None:
        raise Forbidden(
            "Your role has no part in an order's pickup, inspection or payment.",
            code="forbidden",
        )
    pk = order.pk if isinstance(order, Order) else order
    locked = (
        Order.objects.select_for_update(of=("self",))
        .select_related("customer", "address", "slot", "vendor", "variant__model__device_type")
        .get(pk=pk)
    )
    if role == ActorRole.VENDOR and locked.vendor_id != actor.vendor_id:
        raise Forbidden("This order is not assigned to your vendor.", code="not_your_order")
    if role == ActorRole.CUSTOMER and locked.customer_id != actor.customer_id:
        raise Forbidden("This is not your order.", code="not_your_order")
    return locked, role


# --- O2: vendors and slots ------------------------------------------------------


def vendors_covering(pincode: str):
    """O2: active vendors that cover ``pincode`` (an active served pincode)."""
    return Vendor.objects.filter(
        active=True, pincodes__pincode=pincode, pincodes__active=True
    ).distinct()


def vendor_loads(pincode: str, day: dt.date) -> list[tuple[Vendor, int]]:
    """O2: each covering vendor with its load — its open orders with a pickup on ``day``.

    Least loaded first; ties go to the vendor's name, then id, so the choice is
    stable. Counted by the database in one query.
    """
    vendors = vendors_covering(pincode).annotate(
        load=Count(
            "orders",
            filter=Q(orders__slot__date=day, orders__status__in=OPEN_STATUSES),
            distinct=True,
        )
    )
    return [(v, v.load) for v in vendors.order_by("load", "name", "pk")]


def least_loaded_vendor(pincode: str, day: dt.date, *, exclude_id: int | None = None) -> Vendor:
    """O2: the least-loaded active vendor covering ``pincode`` on ``day`` (or 409 ``no_vendor_available``).

    Two assignments at the same instant may both pick the same vendor: balance
    is a preference, not an invariant, and ops can reassign.
    """
    for vendor, _load in vendor_loads(pincode, day):
        if vendor.pk != exclude_id:
            return vendor
    raise Conflict(
        f"No active vendor covers pincode {pincode}"
        + (" other than the current one." if exclude_id else ".")
        + " Add one in the back office, or cancel with reason not_serviceable.",
        code="no_vendor_available",
        field="vendor_id",
    )


def _chosen_vendor(order: Order, vendor_id: int | None, *, exclude_id: int | None = None) -> Vendor:
    pincode = order.address.pincode
    if vendor_id is None:
        day = order.slot.date if order.slot_id else today_ist()
        return least_loaded_vendor(pincode, day, exclude_id=exclude_id)
    vendor = vendors_covering(pincode).filter(pk=vendor_id).first()
    if vendor is None:
        raise ValidationFailed(
            f"Vendor {vendor_id} is not an active vendor covering pincode {pincode}.",
            code="vendor_not_covering",
            field="vendor_id",
        )
    if vendor.pk == exclude_id:
        raise ValidationFailed(
            f"{vendor.name} is already this order's vendor.",
            code="vendor_unchanged",
            field="vendor_id",
        )
    return vendor


def _book(order: Order, slot_id) -> PickupSlot:
    """O2: take a place in ``slot_id`` for ``order``'s address (conditional UPDATE in catalog)."""
    try:
        slot_id = int(slot_id)
    except (TypeError, ValueError):
        raise ValidationFailed(
            "Choose a pickup slot.", code="slot_unavailable", field="slot_id"
        ) from None
    slot = PickupSlot.objects.select_related("city").filter(pk=slot_id).first()
    served = ServedPincode.objects.filter(pincode=order.address.pincode).first()
    if slot is None or served is None or slot.city_id != served.city_id:
        raise ValidationFailed(
            "That slot is not in the city of the pickup address; pick another.",
            code="slot_unavailable",
            field="slot_id",
        )
    if slot.date < today_ist():
        raise ValidationFailed(
            "That slot is in the past; pick another.", code="slot_unavailable", field="slot_id"
        )
    if slot.pk == order.slot_id:
        raise ValidationFailed(
            "The order is already booked in that slot.", code="slot_unchanged", field="slot_id"
        )
    try:
        return book_slot(slot.pk)
    except Conflict as exc:
        raise Conflict(exc.message, code=exc.code, field="slot_id") from None


def _release(order: Order) -> dict:
    """Give the order's slot place back; the order then holds no place (``slot`` is None)."""
    if not order.slot_id:
        return {}
    slot = order.slot
    release_slot(slot.pk)
    order.slot = None
    return {"released_slot": slot.pk, "slot_date": slot.date, "slot_window": slot.window}


def _move_slot(order: Order, slot_id) -> dict:
    """O2: book the new slot, then release the old one, in the caller's transaction."""
    old = order.slot
    new = _book(order, slot_id)
    if old is not None:
        release_slot(old.pk)
    order.slot = new
    return {
        "from_slot": old.pk if old else None,
        "to_slot": new.pk,
        "slot_date": new.date,
        "slot_window": new.window,
    }


# --- O5: what the customer is told ---------------------------------------------


def _rupees(amount: int) -> str:
    return format_inr(amount).lstrip("₹")  # the templates put "Rs"/"₹" in front themselves


def _context(kind: str, order: Order, extra: dict) -> dict:
    """The variables each message kind declares (messaging migration 0002).

    The order number is given as it is read out on the phone (``OD-7K4M-9QXR``),
    as in the confirmation the customer got first.
    """
    slot = order.slot
    context = {"order_number": order.display_number}
    if kind == "vendor_assigned":
        context["vendor_name"] = order.vendor.name
    elif kind in ("pickup_scheduled", "pickup_rescheduled"):
        context |= {"pickup_date": slot.date.strftime("%d %b %Y"), "pickup_window": slot.window}
    elif kind == "pickup_delayed":
        context["pickup_window"] = extra["expected"]
    elif kind == "pickup_failed":
        told = table.PICKUP_FAILURE_TOLD[extra["reason"]]
        context |= {"reason": told[0], "reason_hi": told[1]}
    elif kind == "inspection_price":
        context["final_price"] = _rupees(order.final_price)
    elif kind == "payment_done":
        context |= {
            "amount": _rupees(order.final_price),
            "payment_reference": order.payment_reference,
        }
    elif kind == "order_confirmation":
        context = confirmation_context(order)
    return context


def _tell_customer(kind: str, order: Order, event: OrderEvent, extra: dict | None = None) -> None:
    if not kind:
        return

    enqueue_message(
        customer=order.customer,
        kind=kind,
        context=_context(kind, order, extra or {}),
        order=order,
        dedupe_key=f"order:{order.number}:event:{event.pk}",
    )


def _record(
    order: Order,
    *,
    actor,
    kind: str,
    frm: str = "",
    to: str = "",
    note: str = "",
    data: dict | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> OrderEvent:
    """The history row (who/when/why) and the audit event (S3), in the caller's transaction.

    A customer has no user row: the event names them in ``data["by"]`` (``customer:<id>``).
    """
    if isinstance(actor, CustomerActor):
        data = {**(data or {}), "by": actor.audit_label}
    event = OrderEvent.objects.create(
        order=order,
        actor=_person(actor),
        kind=kind,
        from_status=frm,
        to_status=to,
        note=(note or "")[:500],
        data=data or {},
    )
    audit.record(f"order.{kind}", order, actor=actor, before=before, after=after or data)
    return event


# --- O1: the one transition -----------------------------------------------------


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def _inspected_effects(locked: Order, given: dict, price_band_reason: str | None) -> dict:
    """O4: record the inspected price; one far outside the band around the estimate needs a
    second confirmation with a reason (``price_outside_band``) before any message goes out."""
    effects: dict = {}
    band_reason = (price_band_reason or "").strip()
    if _outside_price_band(locked.estimated_price, given["final_price"]):
        if len(band_reason) < 5:
            raise Conflict(
                f"{format_inr(given['final_price'])} is far from the estimate "
                f"{format_inr(locked.estimated_price)}: check the figure, or confirm it "
                "with a reason (what makes the device worth this much more or less).",
                code="price_outside_band",
                field="final_price",
                extra={"estimated_price": locked.estimated_price},
            )
        effects["price_band_reason"] = band_reason[:500]
    locked.final_price = given["final_price"]
    effects["final_price"] = locked.final_price
    effects["estimated_price"] = locked.estimated_price
    effects["needs_acceptance"] = table.price_needs_acceptance(
        locked.estimated_price, locked.final_price
    )
    return effects


@transaction.atomic
def transition(
    order: Order | int,
    to: str,
    *,
    actor,
    reason: str = "",
    notes: str = "",
    price_band_reason: str = "",
    **inputs,
) -> Order:
    """O1: move ``order`` to ``to`` if the table allows it for ``actor``; return the locked, updated order.

    ``inputs``: ``vendor_id``, ``slot_id``, ``final_price``, ``reference``,
    ``duplicate_of`` (an order number), as the move takes them (``transitions.INPUTS``).
    ``price_band_reason``: the inspector's second confirmation of a price outside the
    band (O4, ``INSPECTED_PRICE_BAND``); without it such a price is 409 ``price_outside_band``.
    Refusals: 403 no lifecycle role / ``not_your_order`` / role not in the move;
    409 ``illegal_transition`` (with ``from`` and ``to``), ``price_acceptance_required``,
    ``slot_unavailable``, ``no_vendor_available``, ``duplicate_open_order``;
    422 for inputs. Nothing is changed by a refusal.
    """
    locked, role = _lock(order, actor)
    frm = locked.status
    try:
        target = OrderStatus(to)
    except ValueError:
        raise ValidationFailed(
            f"{to!r} is not an order status ({', '.join(OrderStatus.values)}).",
            code="status_unknown",
            field="to",
        ) from None
    move = table.move_for(frm, target)
    if move is None:
        raise Conflict(
            table.illegal_message(frm, target),
            code="illegal_transition",
            field="to",
            extra={"from": frm, "to": target.value},
        )
    if role not in move.roles:
        raise Forbidden(
            f"Your role ({role}) may not move an order from {frm} to {target.value}.",
            code="forbidden",
            field="to",
            extra={"from": frm, "to": target.value},
        )
    given = {"reason": _clean(reason), "notes": _clean(notes)} | {
        k: _clean(v) for k, v in inputs.items()
    }
    problems = table.input_problems(move, given, role=role, frm=frm)
    if price_band_reason and target != S.INSPECTED:
        problems.append(
            FieldError(
                "price_band_reason", "input_not_allowed", "Only an inspection confirms a price."
            )
        )
    if problems:
        raise ValidationFailed.collect(problems)

    before = {
        "status": frm,
        "vendor": locked.vendor_id,
        "slot": locked.slot_id,
        "final_price": locked.final_price,
    }
    effects: dict = {}
    if target == S.VENDOR_ASSIGNED:
        locked.vendor = _chosen_vendor(locked, given.get("vendor_id"))
        effects["vendor"] = locked.vendor.pk
        effects["vendor_name"] = locked.vendor.name
        effects["chosen"] = "by ops" if given.get("vendor_id") else "least loaded (O2)"
    elif target == S.PICKUP_SCHEDULED:
        if given.get("slot_id") not in (None, "") and (
            frm == S.PICKUP_FAILED or int(given["slot_id"]) != locked.slot_id
        ):
            effects.update(_move_slot(locked, given["slot_id"]))
        elif locked.slot_id is None:
            raise ValidationFailed(
                "The order holds no slot: choose one.", code="required", field="slot_id"
            )
        else:
            effects.update({"slot_date": locked.slot.date, "slot_window": locked.slot.window})
    elif target == S.PICKUP_FAILED:
        effects.update(_release(locked))
    elif target == S.INSPECTED:
        effects.update(_inspected_effects(locked, given, price_band_reason))
    elif target == S.PAID:
        if table.price_needs_acceptance(
            locked.estimated_price, locked.final_price
        ) and not price_accepted(locked):
            raise Conflict(
                f"The inspected price {format_inr(locked.final_price)} differs from the estimate "
                f"{format_inr(locked.estimated_price)}: record the customer's acceptance first, "
                "or cancel with reason price_not_accepted (no penalty).",
                code="price_acceptance_required",
                field="to",
            )
        locked.payment_reference = given["reference"][:100]
        effects.update(
            {
                "method": locked.payment_method,
                "paid_to": mask_upi(locked.upi_id)
                if locked.payment_method == PaymentMethod.UPI
                else mask_tail(locked.bank_account_number),
                "reference": locked.payment_reference,
                "amount": locked.final_price,
            }
        )
    elif target == S.CANCELLED:
        if given["reason"] == CancellationReason.DUPLICATE:
            original = _duplicate_target(locked, given["duplicate_of"])
            locked.duplicate_of = original
            effects["duplicate_of"] = original.number
        locked.cancellation_reason = given["reason"]
        locked.cancellation_notes = (given.get("notes") or "")[:500]
        effects.update(_release(locked))
        if frm == S.INSPECTED and given["reason"] == CancellationReason.PRICE_NOT_ACCEPTED:
            effects["penalty"] = 0  # O4: declining the inspected price costs the customer nothing

    locked.status = target  # O1: the one assignment of a status after creation
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        # Leaving pickup_failed re-opens the order: the partial unique index (X1)
        # refuses it while the customer has another open order for the device.
        other = (
            Order.objects.filter(
                customer_id=locked.customer_id,
                device_model_id=locked.device_model_id,
                guard_key=locked.guard_key,
                status__in=OPEN_STATUSES,
            )
            .exclude(pk=locked.pk)
            .first()
        )
        if other is None:
            raise
        raise Conflict(
            f"The customer has another open order {other.display_number} for this device: "
            "cancel one of them (or mark it a duplicate) first.",
            code="duplicate_open_order",
            field="to",
            extra={"number": other.number},
        ) from None

    data = {k: v for k, v in given.items() if v not in (None, "") and k != "notes"} | effects
    event = _record(
        locked,
        actor=actor,
        kind="transition",
        frm=frm,
        to=target.value,
        note=given.get("notes") or "",
        data=data,
        before=before,
        after={"status": target.value, **data},
    )
    _tell_customer(move.message, locked, event, {"reason": given.get("reason")})
    return locked


def band_limits(estimated_price: int) -> tuple[int, int]:
    """O4: the highest and lowest inspected price taken without a reason (whole rupees)."""
    band = settings.ORDERDESK["INSPECTED_PRICE_BAND"]
    return int(estimated_price * band["ABOVE"]), math.ceil(estimated_price * band["BELOW"])


def _outside_price_band(estimated_price: int, final_price: int) -> bool:
    """O4: a final price above ``ABOVE``x or below ``BELOW``x the estimate needs a reason."""
    highest, lowest = band_limits(estimated_price)
    return final_price > highest or final_price < lowest


def _duplicate_target(order: Order, number: str) -> Order:
    """X4: the order this one duplicates: another order of the same customer, not itself a duplicate."""
    canonical = rules.canonical_order_number(number)
    original = Order.objects.filter(number=canonical).first()
    if original is None or original.customer_id != order.customer_id:
        raise ValidationFailed(
            f"{number!r} is not another order of this customer.",
            code="duplicate_of_invalid",
            field="duplicate_of",
        )
    if original.pk == order.pk or original.duplicate_of_id is not None:
        raise ValidationFailed(
            "An order cannot duplicate itself or an order already marked as a duplicate.",
            code="duplicate_of_invalid",
            field="duplicate_of",
        )
    return original


def price_accepted(order: Order) -> bool:
    """O4: the customer's acceptance of the inspected price is on record (after the inspection)."""
    inspected_at = (
        OrderEvent.objects.filter(order=order, kind="transition", to_status=S.INSPECTED)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return OrderEvent.objects.filter(
        order=order, kind="price_accepted", id__gt=inspected_at or 0
    ).exists()


def mark_duplicate(order: Order | int, *, of: str, actor, notes: str = "") -> Order:
    """X4: ops mark ``order`` a duplicate of order number ``of``: it is cancelled by the table."""
    return transition(
        order,
        S.CANCELLED,
        actor=actor,
        reason=CancellationReason.DUPLICATE,
        notes=notes,
        duplicate_of=of,
    )


# --- actions that do not move the order -----------------------------------------


def _begin(order: Order | int, name: str, actor) -> tuple[Order, ActorRole]:
    """Lock the order and check the ``ACTIONS`` table: the state (409), then the role (403)."""
    locked, role = _lock(order, actor)
    action = table.ACTIONS[name]
    if locked.status not in action.states:
        if action.closed_code == "amendment_closed":
            message = (
                f"The order is {locked.get_status_display().lower()}: nothing can be amended "
                "once the vendor is out for pickup (O3)."
            )
        else:
            message = f"{action.label} is not possible while the order is {locked.status}."
        raise Conflict(message, code=action.closed_code, extra={"order_status": locked.status})
    if role not in action.roles:
        raise Forbidden(f"Your role ({role}) may not: {action.label.lower()}.", code="forbidden")
    return locked, role


@transaction.atomic
def reassign_vendor(
    order: Order | int, *, actor, vendor_id: int | None = None, notes: str = ""
) -> Order:
    """O2: ops move the order to another vendor covering its pincode (default: the least loaded)."""
    locked, _ = _begin(order, "reassign_vendor", actor)
    old = locked.vendor
    locked.vendor = _chosen_vendor(locked, vendor_id, exclude_id=locked.vendor_id)
    locked.save(update_fields=["vendor", "updated_at"])
    event = _record(
        locked,
        actor=actor,
        kind="vendor_reassigned",
        note=notes,
        data={"from_vendor": old.name if old else None, "to_vendor": locked.vendor.name},
        before={"vendor": old.pk if old else None},
        after={"vendor": locked.vendor.pk},
    )
    _tell_customer(table.ACTIONS["reassign_vendor"].message, locked, event)
    return locked


@transaction.atomic
def amend_slot(order: Order | int, *, actor, slot_id: int, notes: str = "") -> Order:
    """O3/O2: move the pickup to another slot: the new place is booked, the old one released."""
    locked, _ = _begin(order, "amend_slot", actor)
    before = {"slot": locked.slot_id}
    moved = _move_slot(locked, slot_id)
    locked.save(update_fields=["slot", "updated_at"])
    event = _record(
        locked,
        actor=actor,
        kind="amended",
        note=notes,
        data={"what": "slot", **moved},
        before=before,
        after={"slot": locked.slot_id},
    )
    _tell_customer(table.ACTIONS["amend_slot"].message, locked, event)
    return locked


@transaction.atomic
def amend_address(
    order: Order | int,
    *,
    actor,
    line1: str,
    landmark: str,
    city: str,
    pincode: str,
    line2: str = "",
    notes: str = "",
) -> Order:
    """O3: a new pickup address in the same city (the slot is the city's); a vendor not covering
    the new pincode is replaced by the least-loaded one that does (O2)."""
    locked, _ = _begin(order, "amend_address", actor)
    pincode = (pincode or "").strip()
    problems: list[FieldError] = []
    if not PINCODE_RE.match(pincode):
        problems.append(
            FieldError("pincode", "pincode_invalid", f"{pincode!r} is not a 6-digit pincode.")
        )
    for name, value in (("line1", line1), ("landmark", landmark), ("city", city)):
        if not (value or "").strip():
            problems.append(
                FieldError(name, "address_incomplete", f"The pickup address needs {name}.")
            )
    if not problems:
        check = serviceability(pincode, locked.variant.model.device_type.key, with_slots=False)
        if not check.serviceable:
            problems.append(
                FieldError("pincode", check.reason, f"We do not pick up this device at {pincode}.")
            )
        elif check.city.lower() != city.strip().lower():
            problems.append(
                FieldError(
                    "pincode",
                    "pincode_city_mismatch",
                    f"Pincode {pincode} is in {check.city}, not {city.strip()}.",
                )
            )
        elif locked.slot_id and locked.slot.city.name != check.city:
            problems.append(
                FieldError(
                    "city",
                    "slot_city_mismatch",
                    f"The pickup slot is in {locked.slot.city.name}: cancel and re-order to move the pickup to {check.city}.",
                )
            )
    if problems:
        raise ValidationFailed.collect(problems)
    old, old_vendor_id = locked.address, locked.vendor_id
    locked.address = add_address(
        locked.customer, line1=line1, line2=line2, landmark=landmark, city=city, pincode=pincode
    )
    data = {"what": "address", "from_pincode": old.pincode, "to_pincode": pincode}
    if locked.vendor_id and not vendors_covering(pincode).filter(pk=locked.vendor_id).exists():
        locked.vendor = _chosen_vendor(locked, None)
        data["vendor_replaced_by"] = locked.vendor.name
    locked.save(update_fields=["address", "vendor", "updated_at"])
    event = _record(
        locked,
        actor=actor,
        kind="amended",
        note=notes,
        data=data,
        before={"address": old.pk, "vendor": old_vendor_id},
        after={"address": locked.address_id, "vendor": locked.vendor_id},
    )
    _tell_customer(table.ACTIONS["amend_address"].message, locked, event)
    return locked


@transaction.atomic
def amend_payment(
    order: Order | int,
    *,
    actor,
    method: str,
    upi_id: str = "",
    account_number: str = "",
    ifsc: str = "",
    notes: str = "",
) -> Order:
    """O3/M3 E: a new payment method, checked like at creation; shown masked in the history (S2)."""
    locked, _ = _begin(order, "amend_payment", actor)
    found = rules.payment_problems(method, upi_id, account_number, ifsc)
    if found:
        raise ValidationFailed.collect([FieldError(f, c, m) for f, c, m in found])
    before = {"method": locked.payment_method, "to": _masked_payment(locked)}
    locked.payment_method = method
    locked.upi_id = upi_id.strip() if method == PaymentMethod.UPI else ""
    locked.bank_account_number = account_number.strip() if method == PaymentMethod.BANK else ""
    locked.ifsc = ifsc.strip().upper() if method == PaymentMethod.BANK else ""
    locked.save(
        update_fields=["payment_method", "upi_id", "bank_account_number", "ifsc", "updated_at"]
    )
    after = {"method": method, "to": _masked_payment(locked)}
    event = _record(
        locked,
        actor=actor,
        kind="amended",
        note=notes,
        data={"what": "payment", "from": before, "to": after},
        before=before,
        after=after,
    )
    _tell_customer(table.ACTIONS["amend_payment"].message, locked, event)
    return locked


def _masked_payment(order: Order) -> str:
    if order.payment_method == PaymentMethod.UPI:
        return mask_upi(order.upi_id)
    return f"{mask_tail(order.bank_account_number)} {order.ifsc}"


@transaction.atomic
def amend_device(
    order: Order | int,
    *,
    actor,
    variant_id: int,
    answers: dict,
    consent_confirmed: bool,
    consent_statement: str,
    notes: str = "",
) -> Order:
    """O3: a change of device or condition re-quotes from the catalog and needs fresh consent (M4)."""
    locked, _ = _begin(order, "amend_device", actor)
    message = rules.consent_problem(consent_confirmed, consent_statement)
    if message:
        raise ValidationFailed(message, code="consent_missing", field="consent")
    variant = active_variant(variant_id)
    if variant.model.device_type_id != locked.variant.model.device_type_id:
        raise ValidationFailed(
            "A different kind of device is a new order: cancel this one and create another.",
            code="device_type_changed",
            field="variant_id",
        )
    price = price_for(variant, answers)
    before = {
        "variant": locked.variant_id,
        "answers": locked.answers,
        "estimated_price": locked.estimated_price,
    }
    locked.variant = variant
    locked.device_model = variant.model
    locked.answers = dict(answers)
    locked.quote = None
    locked.estimated_price = price
    from django.utils import timezone

    now = timezone.now()
    locked.consent_statement = consent_statement.strip()[:300]
    locked.consent_at = now
    locked.price_confirmed_at = now
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise Conflict(
            "The customer already has an open order for that device model.",
            code="duplicate_open_order",
            field="variant_id",
        ) from None
    after = {"variant": variant.pk, "answers": locked.answers, "estimated_price": price}
    event = _record(
        locked,
        actor=actor,
        kind="amended",
        note=notes,
        data={"what": "device", "from": before, "to": after, "consent": locked.consent_statement},
        before=before,
        after=after,
    )
    _tell_customer(table.ACTIONS["amend_device"].message, locked, event)
    return locked


@transaction.atomic
def accept_final_price(order: Order | int, *, actor, notes: str = "") -> Order:
    """O4: record the customer's acceptance of an inspected price that differs from the estimate."""
    locked, _ = _begin(order, "accept_final_price", actor)
    if not table.price_needs_acceptance(locked.estimated_price, locked.final_price):
        raise Conflict(
            "The inspected price equals the estimate: there is nothing to accept.",
            code="acceptance_not_needed",
        )
    if price_accepted(locked):
        raise Conflict("The customer's acceptance is already recorded.", code="already_accepted")
    _record(
        locked,
        actor=actor,
        kind="price_accepted",
        note=notes,
        data={"final_price": locked.final_price, "estimated_price": locked.estimated_price},
    )
    return locked


@transaction.atomic
def report_delay(order: Order | int, *, actor, expected_window: str, notes: str = "") -> Order:
    """O5: tell the customer the pickup runs late and when to expect it now."""
    locked, _ = _begin(order, "report_delay", actor)
    expected = (expected_window or "").strip()
    if len(expected) < 3:
        raise ValidationFailed(
            "Say when the vendor is now expected (e.g. 14:00-15:00).",
            code="required",
            field="expected_window",
        )
    event = _record(
        locked, actor=actor, kind="delay_reported", note=notes, data={"expected": expected[:60]}
    )
    _tell_customer(
        table.ACTIONS["report_delay"].message, locked, event, {"expected": expected[:60]}
    )
    return locked


def history(order: Order):
    """The order's events, oldest first, with their actors."""
    return OrderEvent.objects.filter(order=order).select_related("actor").order_by("at", "id")


def allowed_for(order: Order, actor) -> tuple[list[tuple[OrderStatus, table.Move]], list[str]]:
    """What ``actor`` may do to ``order`` now: the table's moves and actions (the console's buttons)."""
    role = actor_role(actor)
    if role is None or (role == ActorRole.VENDOR and order.vendor_id != actor.vendor_id):
        return [], []
    if role == ActorRole.CUSTOMER and order.customer_id != actor.customer_id:
        return [], []
    actions = table.actions_for_role(order.status, role)
    if "accept_final_price" in actions and (
        not table.price_needs_acceptance(order.estimated_price, order.final_price)
        or price_accepted(order)
    ):
        actions.remove("accept_final_price")
    return table.moves_for_role(order.status, role), actions
