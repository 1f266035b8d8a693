"""Catalog reads shared by the console, the API and the order flow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet

from orderdesk.catalog.models import (
    ConditionOption,
    ConditionQuestion,
    DeviceModel,
    DeviceType,
    PickupSlot,
    ServedPincode,
    Variant,
)
from orderdesk.catalog.rules import Adjustment
from orderdesk.core.errors import NotFound
from orderdesk.core.timeutil import now_ist


def matching_models(query: str = "", *, device_type: str | None = None) -> QuerySet[DeviceModel]:
    """Active models whose brand or name matches every word of ``query``."""
    qs = DeviceModel.objects.filter(active=True)
    for word in (query or "").split():
        qs = qs.filter(Q(name__icontains=word) | Q(brand__name__icontains=word))
    if device_type:
        qs = qs.filter(device_type__key=device_type)
    return qs


def _with_variants(qs: QuerySet[DeviceModel]) -> QuerySet[DeviceModel]:
    return qs.select_related("brand", "device_type").prefetch_related(
        Prefetch("variants", queryset=Variant.objects.filter(active=True))
    )


def search_models(
    query: str = "", *, device_type: str | None = None, limit: int = 50
) -> QuerySet[DeviceModel]:
    """Active models with their active variants; every word of ``query`` must match brand or name."""
    return _with_variants(matching_models(query, device_type=device_type))[:limit]


ModelKey = tuple[str, str, int]  # (brand name, model name, id): the catalog's total order


def models_page(
    query: str = "",
    *,
    device_type: str | None = None,
    after: ModelKey | None = None,
    limit: int = 50,
) -> tuple[list[DeviceModel], ModelKey | None]:
    """One page of ``matching_models`` by brand, name, id, starting after ``after``, and the
    key to start the next page from (None on the last page). Keyset, not offset: a model
    added during a walk never shifts the pages."""
    qs = matching_models(query, device_type=device_type)
    if after is not None:
        brand, name, pk = after
        qs = qs.filter(
            Q(brand__name__gt=brand)
            | Q(brand__name=brand, name__gt=name)
            | Q(brand__name=brand, name=name, pk__gt=pk)
        )
    rows = list(_with_variants(qs.order_by("brand__name", "name", "pk"))[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], (last.brand.name, last.name, last.pk)


def device_type_by_key(key: str) -> DeviceType:
    try:
        return DeviceType.objects.get(key=key)
    except DeviceType.DoesNotExist:
        raise NotFound(
            f"There is no device type {key!r}.", code="device_type_unknown", field="device_type"
        ) from None


def questionnaire(device_type: DeviceType) -> list[ConditionQuestion]:
    return list(
        ConditionQuestion.objects.filter(device_type=device_type).prefetch_related(
            Prefetch("options", queryset=ConditionOption.objects.order_by("position", "id"))
        )
    )


def adjustment_table(device_type: DeviceType) -> dict[str, dict[str, Adjustment]]:
    """{question_key: {option_key: Adjustment}} for the pricing rules."""
    table: dict[str, dict[str, Adjustment]] = {}
    for question in questionnaire(device_type):
        table[question.key] = {
            o.key: Adjustment(question.key, o.key, o.adjustment_percent, o.adjustment_flat)
            for o in question.options.all()
        }
    return table


@dataclass
class Serviceability:
    pincode: str
    device_type: str | None
    serviceable: bool
    city: str | None = None
    reason: str | None = None  # pincode_not_serviceable / device_not_serviceable
    slots: list[PickupSlot] = field(default_factory=list)
    city_id: int | None = None  # the served pincode's city (so a caller need not read it again)


def serviceability(
    pincode: str, device_type: str | None = None, *, with_slots: bool = True
) -> Serviceability:
    """M2/M3 A: is the pincode served, for this device type, and which slots are open?"""
    served = (
        ServedPincode.objects.select_related("city").filter(pincode=pincode, active=True).first()
    )
    if served is None:
        return Serviceability(pincode, device_type, False, reason="pincode_not_serviceable")
    if device_type and not served.device_types.filter(key=device_type).exists():
        return Serviceability(
            pincode,
            device_type,
            False,
            city=served.city.name,
            reason="device_not_serviceable",
            city_id=served.city_id,
        )
    slots = list(open_slots(served.city_id)) if with_slots else []
    return Serviceability(
        pincode, device_type, True, city=served.city.name, slots=slots, city_id=served.city_id
    )


def served_city_id(pincode: str) -> int | None:
    return (
        ServedPincode.objects.filter(pincode=pincode, active=True)
        .values_list("city_id", flat=True)
        .first()
    )


def open_slots(city_id: int, *, days: int | None = None) -> QuerySet[PickupSlot]:
    """O2: slots from now on with a free place; a full slot is not offered."""
    now = now_ist()
    days = days or settings.ORDERDESK["SLOT_DAYS_AHEAD"]
    last = now.date() + dt.timedelta(days=days)
    return (
        PickupSlot.objects.filter(
            city_id=city_id, date__gte=now.date(), date__lte=last, booked__lt=F("capacity")
        )
        .exclude(date=now.date(), window_start__lte=now.time())
        .order_by("date", "window_start")
    )


def slots_from_today(pincode: str, *, today: dt.date) -> list[PickupSlot]:
    """The slots of ``pincode``'s city from ``today`` on (full ones included; the caller
    filters on ``available``), earliest first; none when the pincode is not served."""
    served = ServedPincode.objects.filter(pincode=pincode).first()
    if served is None:
        return []
    return list(
        PickupSlot.objects.filter(city_id=served.city_id, date__gte=today).order_by(
            "date", "window_start"
        )
    )


def active_variants_of_type(device_type: DeviceType) -> QuerySet[Variant]:
    """The variants on sale for ``device_type``, by brand, model and price."""
    return (
        Variant.objects.filter(active=True, model__active=True, model__device_type=device_type)
        .select_related("model__brand")
        .order_by("model__brand__name", "model__name", "base_price")
    )
