"""Catalog writes: quotes and slot bookings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from orderdesk.catalog import rules
from orderdesk.catalog.models import PickupSlot, Quote, Variant
from orderdesk.catalog.selectors import adjustment_table, serviceability
from orderdesk.core import audit, metrics
from orderdesk.core.errors import Conflict, DomainError, ValidationFailed
from orderdesk.customers.validators import clean_pincode


def price_for(variant: Variant, answers: Mapping[str, str]) -> int:
    """M3: the server's estimate for a variant and a complete set of answers (or a refusal)."""
    device_type = variant.model.device_type
    table = adjustment_table(device_type)
    errors = rules.check_answers(table, answers)
    if errors:
        raise ValidationFailed.collect(
            errors, f"The condition questionnaire is incomplete or wrong: {errors[0].message}"
        )
    chosen = [table[q][o] for q, o in answers.items()]
    return rules.estimate_price(variant.base_price, chosen, device_type.floor_price)


def price_range(variant: Variant) -> tuple[int, int]:
    """M5 (issue 15, item 11): the lowest and highest price the variant can fetch at
    inspection: its worst and its best answer to every condition question. The review step
    reads it back beside the estimate, so the customer hears how far inspection can move it."""
    device_type = variant.model.device_type
    table = adjustment_table(device_type)
    worst, best = [], []

    def effect(adj: rules.Adjustment) -> float:
        return variant.base_price * adj.percent / 100 + adj.flat

    for options in table.values():
        if not options:
            continue
        ranked = sorted(options.values(), key=effect)
        worst.append(ranked[0])
        best.append(ranked[-1])
    floor = device_type.floor_price
    return (
        rules.estimate_price(variant.base_price, worst, floor),
        rules.estimate_price(variant.base_price, best, floor),
    )


def active_variant(variant_id: int) -> Variant:
    variant = (
        Variant.objects.select_related("model__device_type", "model__brand")
        .filter(pk=variant_id, active=True, model__active=True)
        .first()
    )
    if variant is None:
        raise ValidationFailed(
            f"Variant {variant_id} is not in the catalog.",
            code="model_not_in_catalog",
            field="variant_id",
        )
    return variant


@transaction.atomic
def create_quote(
    *, variant_id: int, answers: Mapping[str, str], pincode: str = "", user=None
) -> Quote:
    """Compute and keep an estimate. With a pincode, it must be served for the device type."""
    variant = active_variant(variant_id)
    if pincode:
        pincode = clean_pincode(pincode)
        check = serviceability(pincode, variant.model.device_type.key, with_slots=False)
        if not check.serviceable:
            raise DomainError(
                f"We do not pick up {variant.model.device_type.name.lower()}s at {pincode} yet.",
                code=check.reason,
                field="pincode",
                status=422,
            )
    price = price_for(variant, answers)
    quote = Quote.objects.create(
        variant=variant,
        answers=dict(answers),
        pincode=pincode,
        base_price=variant.base_price,
        estimated_price=price,
        valid_until=timezone.now() + dt.timedelta(hours=settings.ORDERDESK["QUOTE_VALID_HOURS"]),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    if quote.created_by is None:
        # An anonymous estimate is not a business write (issue 21, 8): nobody to name, and
        # an append-only trail must not grow at a stranger's pace. Counted instead.
        metrics.ANONYMOUS_QUOTES.inc()
    else:
        audit.record(
            "quote.create",
            quote,
            actor=user,
            after={"variant": variant.pk, "estimated_price": price, "pincode": pincode},
        )
    return quote


def book_slot(slot_id: int) -> PickupSlot:
    """O2: take one place in a slot, or refuse with ``slot_unavailable``.

    One conditional UPDATE: it succeeds only while a place is free, so two
    bookings racing for the last place cannot both win (the row count says
    who did). Call inside the transaction that creates the booking.
    """
    updated = PickupSlot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    )
    if updated != 1:
        raise Conflict(
            "That pickup slot is full or does not exist; pick another.",
            code="slot_unavailable",
            field="pickup.slot_id",
        )
    slot = PickupSlot.objects.select_related("city").get(pk=slot_id)  # str(slot) names the city
    audit.record("slot.book", slot, after={"booked": slot.booked, "capacity": slot.capacity})
    return slot


def release_slot(slot_id: int) -> None:
    """Give a place back (a cancelled or rescheduled pickup)."""
    if PickupSlot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1):
        slot = PickupSlot.objects.get(pk=slot_id)
        audit.record("slot.release", slot, after={"booked": slot.booked, "capacity": slot.capacity})
