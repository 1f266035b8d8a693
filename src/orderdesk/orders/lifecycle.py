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

A move (``transition``) does steps 2-4 through ``core.statemachine.perform`` over
``ORDER_MACHINE``: the table's guards and named effects (``orders.effects``) in the
table's order, then a conditional UPDATE of the status (the row count decides), the
history row, the audit event and the outbox message.

A refusal raises a ``DomainError`` before anything is written, or rolls back
whatever was (a slot booked before a later refusal is given back by the rollback).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from orderdesk.accounts.choices import Role
from orderdesk.accounts.permissions import Perm, has_perm
from orderdesk.catalog.actions import active_variant, price_for
from orderdesk.catalog.selectors import serviceability
from orderdesk.core import audit
from orderdesk.core.context import CustomerActor
from orderdesk.core.errors import Conflict, FieldError, Forbidden, ValidationFailed
from orderdesk.core.language import english
from orderdesk.core.masking import mask_tail, mask_upi
from orderdesk.core.statemachine import Change, Machine, perform
from orderdesk.customers.actions import add_address
from orderdesk.customers.validators import PINCODE_RE
from orderdesk.orders import rules
from orderdesk.orders import transitions as table
from orderdesk.orders.choices import OPEN_STATUSES, CancellationReason, OrderStatus, PaymentMethod
from orderdesk.orders.effects import (
    awaits_price_acceptance,
    chosen_vendor,
    inspected_estimate,
    move_slot,
    price_accepted,
    tell_customer,
    vendors_covering,
)
from orderdesk.orders.models import Order, OrderEvent, OrderItem
from orderdesk.orders.transitions import ActorRole

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


# --- history --------------------------------------------------------------------


def _event(
    order: Order,
    *,
    actor,
    kind: str,
    frm: str = "",
    to: str = "",
    note: str = "",
    data: dict | None = None,
) -> OrderEvent:
    """The history row (who/when/why), in the caller's transaction.

    A customer has no user row: the event names them in ``data["by"]`` (``customer:<id>``).
    """
    if isinstance(actor, CustomerActor):
        data = {**(data or {}), "by": actor.audit_label}
    return OrderEvent.objects.create(
        order=order,
        actor=_person(actor),
        kind=kind,
        from_status=frm,
        to_status=to,
        note=(note or "")[:500],
        data=data or {},
    )


def _record(
    order: Order,
    *,
    actor,
    kind: str,
    note: str = "",
    data: dict | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> OrderEvent:
    """The history row and the audit event (S3) of an action that does not move the order."""
    event = _event(order, actor=actor, kind=kind, note=note, data=data)
    audit.record(f"order.{kind}", order, actor=actor, before=before, after=after or data)
    return event


# --- O1: the one transition -----------------------------------------------------


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def _illegal(frm: str, to: str) -> Conflict:
    return Conflict(
        table.illegal_message(frm, to),
        code="illegal_transition",
        field="to",
        extra={"from": frm, "to": to},
    )


def _role_may_move(change: Change) -> None:
    """The table's ``roles``: 403 for a role the move does not name."""
    role = change.context["role"]
    if role not in change.machine.move_for(change.frm, change.to).roles:
        raise Forbidden(
            f"Your role ({role}) may not move an order from {change.frm} to {change.to}.",
            code="forbidden",
            field="to",
            extra={"from": change.frm, "to": change.to},
        )


def _inputs_valid(change: Change) -> None:
    """The table's inputs (required, optional, reasons by role): 422 with every problem."""
    move = change.machine.move_for(change.frm, change.to)
    given = change.context["given"]
    problems = table.input_problems(move, given, role=change.context["role"], frm=change.frm)
    if change.context["price_band_reason"] and change.to != S.INSPECTED:
        problems.append(
            FieldError(
                "price_band_reason", "input_not_allowed", "Only an inspection confirms a price."
            )
        )
    if problems:
        raise ValidationFailed.collect(problems)


def _snapshot(order: Order) -> dict:
    return {
        "status": order.status,
        "vendor": order.vendor_id,
        "slot": order.slot_id,
        "final_price": order.final_price,
    }


def _transition_event(change: Change) -> OrderEvent:
    return _event(
        change.obj,
        actor=change.actor,
        kind="transition",
        frm=change.frm,
        to=change.to,
        note=change.context["given"].get("notes") or "",
        data=change.data,
    )


# O1 as a state machine (core.statemachine): the table of ``orders.transitions`` with its
# named guards and effects; every move is checked for the role, then the inputs; the
# history row is an ``OrderEvent`` of kind "transition", the audit event ``order.transition``.
ORDER_MACHINE = Machine(
    name="order",
    model=Order,
    table=table.TRANSITIONS,
    illegal=_illegal,
    guards=(_role_may_move, _inputs_valid),
    snapshot=_snapshot,
    history=_transition_event,
)


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

    The move itself is ``core.statemachine.perform`` over ``ORDER_MACHINE``: the move's
    guards and effects as the table names them, the conditional UPDATE of the locked row,
    the ``OrderEvent``, the audit event and the customer's message.
    """
    locked, role = _lock(order, actor)
    try:
        target = OrderStatus(to)
    except ValueError:
        raise ValidationFailed(
            f"{to!r} is not an order status ({', '.join(OrderStatus.values)}).",
            code="status_unknown",
            field="to",
        ) from None
    given = {"reason": _clean(reason), "notes": _clean(notes)} | {
        k: _clean(v) for k, v in inputs.items()
    }
    source = locked.status
    try:
        with transaction.atomic():
            perform(
                ORDER_MACHINE,
                locked,
                target.value,
                actor=actor,
                context={"role": role, "given": given, "price_band_reason": price_band_reason},
                # what the history row and the audit event carry; the effects add theirs
                # (an inspection's ``items`` is recorded by its effect, as ``devices``)
                data={
                    k: v
                    for k, v in given.items()
                    if v not in (None, "") and k not in ("notes", "items")
                },
            )
            # X1 per item: the items' guard follows the order's status (leaving
            # pickup_failed re-opens them, and the item index may refuse that); only a move
            # that opens or closes the order touches them.
            if (source in OPEN_STATUSES) != (locked.status in OPEN_STATUSES):
                OrderItem.objects.filter(order=locked).update(
                    is_open=locked.status in OPEN_STATUSES
                )
    except IntegrityError:
        # Leaving pickup_failed re-opens the order's items: the items' partial unique
        # index (X1) refuses it while the customer has another open order for a device.
        mine = OrderItem.objects.filter(order=locked)
        clash = (
            OrderItem.objects.filter(is_open=True, customer_id=locked.customer_id)
            .filter(
                Exists(
                    mine.filter(
                        device_model_id=OuterRef("device_model_id"),
                        guard_key=OuterRef("guard_key"),
                    )
                )
            )
            .exclude(order=locked)
            .select_related("order")
            .first()
        )
        other = clash.order if clash is not None else None
        if other is None:
            raise
        raise Conflict(
            f"The customer has another open order {other.display_number} for this device: "
            "cancel one of them (or mark it a duplicate) first.",
            code="duplicate_open_order",
            field="to",
            extra={"number": other.number},
        ) from None
    return locked


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
                f"The order is {english(OrderStatus(locked.status).label).lower()}: nothing can be amended "
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
    locked.vendor = chosen_vendor(locked, vendor_id, exclude_id=locked.vendor_id)
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
    tell_customer(table.ACTIONS["reassign_vendor"].message, locked, event)
    return locked


@transaction.atomic
def amend_slot(order: Order | int, *, actor, slot_id: int, notes: str = "") -> Order:
    """O3/O2: move the pickup to another slot: the new place is booked, the old one released."""
    locked, _ = _begin(order, "amend_slot", actor)
    before = {"slot": locked.slot_id}
    moved = move_slot(locked, slot_id)
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
    tell_customer(table.ACTIONS["amend_slot"].message, locked, event)
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
        locked.vendor = chosen_vendor(locked, None)
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
    tell_customer(table.ACTIONS["amend_address"].message, locked, event)
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
    tell_customer(table.ACTIONS["amend_payment"].message, locked, event)
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
    position: int = 1,
) -> Order:
    """O3: a change of device or condition re-quotes from the catalog and needs fresh consent (M4).

    ``position`` names the item amended (issue 15 item 4: 1 is the first device); the
    order's estimate stays the sum of its items'.
    """
    locked, _ = _begin(order, "amend_device", actor)
    item = OrderItem.objects.filter(order=locked, position=position).first()
    if item is None:
        raise ValidationFailed(
            f"This order has no item {position}.", code="item_unknown", field="position"
        )
    message = rules.consent_problem(consent_confirmed, consent_statement)
    if message:
        raise ValidationFailed(message, code="consent_missing", field="consent")
    variant = active_variant(variant_id)
    if variant.model.device_type_id != item.variant.model.device_type_id:
        raise ValidationFailed(
            "A different kind of device is a new order: cancel this one and create another.",
            code="device_type_changed",
            field="variant_id",
        )
    unit_price = price_for(variant, answers)
    before = {
        "variant": item.variant_id,
        "answers": item.answers,
        "estimated_price": locked.estimated_price,
    }
    item.variant = variant
    item.device_model = variant.model
    item.answers = dict(answers)
    item.quote = None
    item.unit_price = unit_price
    item.estimated_price = unit_price * item.quantity
    # another line of the order already holds this model: this one stands beside it
    repeat = (
        OrderItem.objects.filter(order=locked, device_model=variant.model)
        .exclude(pk=item.pk)
        .exists()
    )
    item.guard_key = rules.item_guard_key(
        locked.guard_key, order_number=locked.number, position=position, repeat=repeat
    )
    if position == 1:
        locked.variant = variant
        locked.device_model = variant.model
        locked.answers = dict(answers)
        locked.quote = None
    price = (
        OrderItem.objects.filter(order=locked)
        .exclude(pk=item.pk)
        .aggregate(t=Sum("estimated_price"))["t"]
        or 0
    ) + item.estimated_price
    locked.estimated_price = price
    now = timezone.now()
    locked.consent_statement = consent_statement.strip()[:300]
    locked.consent_at = now
    locked.price_confirmed_at = now
    try:
        with transaction.atomic():
            item.save()
            locked.save()
    except IntegrityError:
        raise Conflict(
            "The customer already has an open order for that device model.",
            code="duplicate_open_order",
            field="variant_id",
        ) from None
    after = {"variant": variant.pk, "answers": item.answers, "estimated_price": price}
    if position != 1:
        before["position"] = after["position"] = position
    event = _record(
        locked,
        actor=actor,
        kind="amended",
        note=notes,
        data={"what": "device", "from": before, "to": after, "consent": locked.consent_statement},
        before=before,
        after=after,
    )
    tell_customer(table.ACTIONS["amend_device"].message, locked, event)
    return locked


@transaction.atomic
def accept_final_price(order: Order | int, *, actor, notes: str = "") -> Order:
    """O4: record the customer's acceptance of an inspected price that differs from the estimate."""
    locked, _ = _begin(order, "accept_final_price", actor)
    if not rules.price_needs_acceptance(inspected_estimate(locked), locked.final_price):
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
    tell_customer(table.ACTIONS["report_delay"].message, locked, event, {"expected": expected[:60]})
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
    if "accept_final_price" in actions and not awaits_price_acceptance(order):
        actions.remove("accept_final_price")
    return table.moves_for_role(order.status, role), actions
