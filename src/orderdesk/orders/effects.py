"""O1: what the moves of the order's table do — their guards and named effects (issue 14, item 2).

``orders.transitions.TRANSITIONS`` names, for each move, the guards it checks beyond the
table's own (role, inputs) and the effects it has, in order, e.g.
``effects=(release_slot,)`` and ``after=(notify_customer("pickup_failed"),)``. The one
transition (``orders.lifecycle.transition`` through ``core.statemachine.perform``) runs
them under the order's row lock, inside its transaction:

- a guard reads ``change`` and raises a ``DomainError`` to refuse (nothing is kept);
- an effect changes the locked order (vendor, slot, price, reference, reason) and what
  hangs on it (slot places booked and released by catalog's conditional UPDATEs), and
  adds what it did to ``change.data`` (the history row and the audit event carry it);
- an ``after`` effect runs once the history row exists: the customer's message in the
  outbox (O5, N1), keyed on that row.

``change.context`` carries ``given`` (the move's cleaned inputs), ``role`` and
``price_band_reason``. The helpers below (vendor choice O2, slot places, the price band
O4, X4 duplicates, the customer's messages) are shared with the actions that do not move
the order (``orders.lifecycle``).
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db.models import Count, Q

from orderdesk.catalog import actions as catalog
from orderdesk.catalog.models import PickupSlot, ServedPincode, Vendor
from orderdesk.core.errors import Conflict, FieldError, ValidationFailed
from orderdesk.core.masking import mask_tail, mask_upi
from orderdesk.core.money import format_inr
from orderdesk.core.statemachine import Change, Effect, named
from orderdesk.core.timeutil import today_ist
from orderdesk.messaging.actions import enqueue_message
from orderdesk.orders import rules
from orderdesk.orders.actions import confirmation_context, feedback_url, open_feedback
from orderdesk.orders.choices import (
    OPEN_STATUSES,
    PICKUP_FAILURE_TOLD,
    CancellationReason,
    OrderStatus,
    PaymentMethod,
)
from orderdesk.orders.models import ItemOutcome, Order, OrderEvent, OrderItem

S = OrderStatus


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


def chosen_vendor(order: Order, vendor_id: int | None, *, exclude_id: int | None = None) -> Vendor:
    """O2: the vendor ops named (it must cover the pincode), or the least loaded one."""
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
        return catalog.book_slot(slot.pk)
    except Conflict as exc:
        raise Conflict(exc.message, code=exc.code, field="slot_id") from None


def give_slot_back(order: Order) -> dict:
    """Give the order's slot place back; the order then holds no place (``slot`` is None)."""
    if not order.slot_id:
        return {}
    slot = order.slot
    catalog.release_slot(slot.pk)
    order.slot = None
    return {"released_slot": slot.pk, "slot_date": slot.date, "slot_window": slot.window}


def move_slot(order: Order, slot_id) -> dict:
    """O2: book the new slot, then release the old one, in the caller's transaction."""
    old = order.slot
    new = _book(order, slot_id)
    if old is not None:
        catalog.release_slot(old.pk)
    order.slot = new
    return {
        "from_slot": old.pk if old else None,
        "to_slot": new.pk,
        "slot_date": new.date,
        "slot_window": new.window,
    }


# --- O4: the inspected price ------------------------------------------------------


def band_limits(estimated_price: int) -> tuple[int, int]:
    """O4: the highest and lowest inspected price taken without a reason (whole rupees)."""
    band = settings.ORDERDESK["INSPECTED_PRICE_BAND"]
    return int(estimated_price * band["ABOVE"]), math.ceil(estimated_price * band["BELOW"])


def outside_price_band(estimated_price: int, final_price: int) -> bool:
    """O4: a final price above ``ABOVE``x or below ``BELOW``x the estimate needs a reason."""
    highest, lowest = band_limits(estimated_price)
    return final_price > highest or final_price < lowest


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


def inspected_estimate(order: Order) -> int:
    """O4 with several devices: the estimate of what the inspection accepted (a returned
    item's estimate drops out, so returning one device is not a price change)."""
    items = list(order.items.all())
    if not items:  # a row written without items (bulk generators of old): the order's own
        return order.estimated_price
    return sum(item.accepted_estimate for item in items)


def awaits_price_acceptance(order: Order) -> bool:
    """O4: the order is inspected at a price that differs from the estimate of the
    accepted devices, and the customer's acceptance is not on record yet (payment waits)."""
    return (
        order.status == S.INSPECTED
        and rules.price_needs_acceptance(inspected_estimate(order), order.final_price)
        and not price_accepted(order)
    )


# --- X4: duplicates ---------------------------------------------------------------


def duplicate_target(order: Order, number: str) -> Order:
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


# --- O5: what the customer is told ---------------------------------------------


def _rupees(amount: int) -> str:
    return format_inr(amount).lstrip("₹")  # the templates put "Rs"/"₹" in front themselves


def message_context(kind: str, order: Order, extra: dict) -> dict:
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
        told = PICKUP_FAILURE_TOLD[extra["reason"]]
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
    elif kind == "feedback_request":  # issue 15, item 12: answered by reply code or link
        feedback = open_feedback(order)
        context |= {"reply_code": feedback.reply_code, "feedback_url": feedback_url(feedback)}
    return context


def tell_customer(kind: str, order: Order, event: OrderEvent, extra: dict | None = None) -> None:
    """The customer's message ``kind`` in the outbox, once per history row (its dedupe key)."""
    if not kind:
        return
    enqueue_message(
        customer=order.customer,
        kind=kind,
        context=message_context(kind, order, extra or {}),
        order=order,
        dedupe_key=f"order:{order.number}:event:{event.pk}",
    )


# --- the guards and effects the table names --------------------------------------


def price_acceptance_recorded(change: Change) -> None:
    """Guard, O4: an inspected price that differs from the estimate is paid only once the
    customer's acceptance is on record."""
    order = change.obj
    if awaits_price_acceptance(order):
        raise Conflict(
            f"The inspected price {format_inr(order.final_price)} differs from the estimate "
            f"{format_inr(inspected_estimate(order))}: record the customer's acceptance first, "
            "or cancel with reason price_not_accepted (no penalty).",
            code="price_acceptance_required",
            field="to",
        )


def assign_vendor(change: Change) -> None:
    """O2: the vendor ops named, or the least-loaded one covering the pincode."""
    order, given = change.obj, change.context["given"]
    order.vendor = chosen_vendor(order, given.get("vendor_id"))
    change.data["vendor"] = order.vendor.pk
    change.data["vendor_name"] = order.vendor.name
    change.data["chosen"] = "by ops" if given.get("vendor_id") else "least loaded (O2)"


def schedule_slot(change: Change) -> None:
    """O2: confirm the slot the order holds, or book the one given (releasing the old one).
    Leaving pickup_failed the order holds none: the slot given is booked."""
    order, given = change.obj, change.context["given"]
    if given.get("slot_id") not in (None, "") and (
        change.frm == S.PICKUP_FAILED or int(given["slot_id"]) != order.slot_id
    ):
        change.data.update(move_slot(order, given["slot_id"]))
    elif order.slot_id is None:
        raise ValidationFailed(
            "The order holds no slot: choose one.", code="required", field="slot_id"
        )
    else:
        change.data.update({"slot_date": order.slot.date, "slot_window": order.slot.window})


def release_slot(change: Change) -> None:
    """O2: the order gives its slot place back (a failed pickup, a cancellation)."""
    change.data.update(give_slot_back(change.obj))


def record_inspected_price(change: Change) -> None:
    """O4: record the inspected price, per item (issue 15 item 4); a price far outside the
    band around an item's estimate needs a second confirmation with a reason
    (``price_outside_band``) before any message goes out.

    ``items`` (a list of ``{"position", "outcome": accepted|returned, "final_price",
    "accepted_quantity"}``) says what happened to each device; an order of one line may
    leave it out (the line is accepted whole at ``final_price``). ``final_price`` is the
    order's: the sum of the accepted items' prices.
    """
    order, given = change.obj, change.context["given"]
    band_reason = (change.context.get("price_band_reason") or "").strip()
    lines = list(order.items.select_related("variant__model__brand").order_by("position"))
    if not lines:
        raise ValidationFailed(
            "This order has no devices recorded; it cannot be inspected.",
            code="items_required",
            field="items",
        )
    outcomes = item_outcomes(lines, given.get("items"), given["final_price"])
    total = 0
    for index, (line, outcome) in enumerate(zip(lines, outcomes, strict=True)):
        line.outcome, line.accepted_quantity, line.final_price = outcome
        if line.accepted_quantity == 0:
            continue
        total += line.final_price
        if outside_price_band(line.accepted_estimate, line.final_price) and len(band_reason) < 5:
            raise Conflict(
                f"{format_inr(line.final_price)}{f' for {line}' if len(lines) > 1 else ''} "
                f"is far from the estimate {format_inr(line.accepted_estimate)}: check the "
                "figure, or confirm it "
                "with a reason (what makes the device worth this much more or less).",
                code="price_outside_band",
                field=f"items[{index}].final_price" if given.get("items") else "final_price",
                extra={"estimated_price": line.accepted_estimate},
            )
    if total != given["final_price"]:
        raise ValidationFailed(
            f"The final price {format_inr(given['final_price'])} is not the sum of the accepted "
            f"devices' prices ({format_inr(total)}).",
            code="final_price_mismatch",
            field="final_price",
        )
    if any(
        outside_price_band(line.accepted_estimate, line.final_price)
        for line in lines
        if line.accepted_quantity
    ):
        change.data["price_band_reason"] = band_reason[:500]
    for line in lines:
        line.save(update_fields=["outcome", "accepted_quantity", "final_price"])
    order.final_price = total
    estimate = sum(line.accepted_estimate for line in lines)
    change.data["final_price"] = order.final_price
    change.data["estimated_price"] = estimate
    if len(lines) > 1 or lines[0].quantity > 1:
        change.data["devices"] = [  # not "items": templates read data.items as pairs
            {
                "position": line.position,
                "device": str(line.variant),
                "outcome": line.outcome,
                "accepted_quantity": line.accepted_quantity,
                "final_price": line.final_price,
            }
            for line in lines
        ]
    change.data["needs_acceptance"] = rules.price_needs_acceptance(estimate, order.final_price)


def item_outcomes(lines: list[OrderItem], given, final_price: int) -> list[tuple]:
    """Issue 15 item 4: ``(outcome, accepted_quantity, final_price)`` for every line, from the
    inspection's ``items``; 422 naming ``items[i].<field>`` for anything missing or wrong."""
    if given in (None, "", []):
        if len(lines) == 1:
            return [(ItemOutcome.ACCEPTED, lines[0].quantity, final_price)]
        raise ValidationFailed(
            f"This pickup carries {len(lines)} devices: record each one's outcome "
            "(items: accepted with its price, or returned).",
            code="items_required",
            field="items",
        )
    if not isinstance(given, list) or not all(isinstance(g, dict) for g in given):
        raise ValidationFailed(
            "items is a list of {position, outcome, final_price}.",
            code="items_invalid",
            field="items",
        )
    by_position: dict[int, tuple[int, dict]] = {}
    problems: list[FieldError] = []
    for index, entry in enumerate(given):
        position = entry.get("position")
        if (
            isinstance(position, bool)
            or not isinstance(position, int)
            or not (1 <= position <= len(lines))
        ):
            problems.append(
                FieldError(
                    f"items[{index}].position",
                    "item_unknown",
                    f"position is the item's number in the order, 1 to {len(lines)}.",
                )
            )
        elif position in by_position:
            problems.append(
                FieldError(f"items[{index}].position", "item_repeated", "Each item once.")
            )
        else:
            by_position[position] = (index, entry)
    missing = [line.position for line in lines if line.position not in by_position]
    if missing and not problems:
        problems.append(
            FieldError(
                "items",
                "items_required",
                f"Record the outcome of every device: item(s) {', '.join(map(str, missing))} missing.",
            )
        )
    result = []
    for line in lines:
        if line.position not in by_position:
            continue
        index, entry = by_position[line.position]
        outcome, price = entry.get("outcome"), entry.get("final_price")
        quantity = entry.get("accepted_quantity")
        where = f"items[{index}]."
        if outcome not in (ItemOutcome.ACCEPTED, ItemOutcome.RETURNED):
            problems.append(
                FieldError(f"{where}outcome", "outcome_invalid", "outcome is accepted or returned.")
            )
            continue
        if outcome == ItemOutcome.RETURNED:
            if price not in (None, 0):
                problems.append(
                    FieldError(
                        f"{where}final_price",
                        "input_not_allowed",
                        "A returned device has no price.",
                    )
                )
            result.append((ItemOutcome.RETURNED, 0, 0))
            continue
        if quantity is None:
            quantity = line.quantity
        if (
            isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not (1 <= quantity <= line.quantity)
        ):
            problems.append(
                FieldError(
                    f"{where}accepted_quantity",
                    "quantity_invalid",
                    f"accepted_quantity is 1 to {line.quantity} (return the line instead of 0).",
                )
            )
            continue
        if isinstance(price, bool) or not isinstance(price, int) or price < 0:
            problems.append(
                FieldError(
                    f"{where}final_price",
                    "price_invalid",
                    "An accepted device's price is whole rupees, 0 or more.",
                )
            )
            continue
        kind = ItemOutcome.ACCEPTED if quantity == line.quantity else ItemOutcome.PARTLY_ACCEPTED
        result.append((kind, quantity, price))
    if problems:
        raise ValidationFailed.collect(problems)
    if all(q == 0 for _, q, _ in result):
        raise ValidationFailed(
            "Every device is returned: cancel the order instead (device_mismatch or "
            "price_not_accepted).",
            code="all_items_returned",
            field="items",
        )
    return result


def record_payment(change: Change) -> None:
    """O4: the payment reference, and where the money went (masked, S2)."""
    order, given = change.obj, change.context["given"]
    order.payment_reference = given["reference"][:100]
    change.data.update(
        {
            "method": order.payment_method,
            "paid_to": mask_upi(order.upi_id)
            if order.payment_method == PaymentMethod.UPI
            else mask_tail(order.bank_account_number),
            "reference": order.payment_reference,
            "amount": order.final_price,
        }
    )


def record_cancellation(change: Change) -> None:
    """O1/X4: the reason and notes; a duplicate names the order it duplicates."""
    order, given = change.obj, change.context["given"]
    if given["reason"] == CancellationReason.DUPLICATE:
        original = duplicate_target(order, given["duplicate_of"])
        order.duplicate_of = original
        change.data["duplicate_of"] = original.number
    order.cancellation_reason = given["reason"]
    order.cancellation_notes = (given.get("notes") or "")[:500]


def no_penalty_if_price_refused(change: Change) -> None:
    """O4: declining the inspected price costs the customer nothing."""
    if change.context["given"]["reason"] == CancellationReason.PRICE_NOT_ACCEPTED:
        change.data["penalty"] = 0


def notify_customer(kind: str) -> Effect:
    """O5: the after-effect that puts message ``kind`` for the customer in the outbox."""

    def notify(change: Change) -> None:
        tell_customer(
            kind, change.obj, change.history, {"reason": change.context["given"].get("reason")}
        )

    effect = named(f"notify_customer({kind!r})", notify)
    effect.kind = kind  # type: ignore[attr-defined]
    return effect
