"""Reads of the customer's own door: device search, the slot grid, the order's timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch

from orderdesk.orders.selectors import ORDER_ITEMS
from orderdesk.storefront import rules
from orderdesk.storefront.domains import (
    IST,
    DeviceModel,
    Order,
    OrderEvent,
    Variant,
    open_slots,
    served_city_id,
)


def search_devices(query: str, *, limit: int = 12) -> list[DeviceModel]:
    """Active models matching ``query`` with typo tolerance (rules.rank_devices), best first,
    each with its active variants."""
    if not rules.words(query):
        return []
    names = {
        pk: f"{brand} {name}"
        for pk, brand, name in DeviceModel.objects.filter(active=True).values_list(
            "pk", "brand__name", "name"
        )
    }
    ids = rules.rank_devices(query, names, limit=limit)
    models = DeviceModel.objects.filter(pk__in=ids).select_related("brand", "device_type")
    models = models.prefetch_related(
        Prefetch("variants", queryset=Variant.objects.filter(active=True).order_by("base_price"))
    )
    by_id = {m.pk: m for m in models}
    return [by_id[pk] for pk in ids if pk in by_id]


@dataclass
class SlotGrid:
    """Open slots as a day-by-window grid: ``rows`` are windows, ``days`` the columns;
    ``cells[window][day]`` is the slot or None."""

    days: list[dt.date]
    windows: list[str]
    cells: dict[str, dict[dt.date, object]]

    @property
    def empty(self) -> bool:
        return not self.days


def slot_grid(pincode: str, *, exclude_slot_id: int | None = None) -> SlotGrid:
    city_id = served_city_id(pincode)
    if city_id is None:
        return SlotGrid([], [], {})
    slots = list(open_slots(city_id))
    if exclude_slot_id:
        slots = [s for s in slots if s.pk != exclude_slot_id]
    days = sorted({s.date for s in slots})
    windows = sorted({s.window for s in slots})
    cells: dict[str, dict[dt.date, object]] = {w: dict.fromkeys(days) for w in windows}
    for s in slots:
        cells[s.window][s.date] = s
    return SlotGrid(days, windows, cells)


def order_for_tracking(number: str) -> Order | None:
    return (
        Order.objects.select_related(
            "customer", "address", "slot", "vendor", "variant__model__brand"
        )
        .prefetch_related(ORDER_ITEMS)
        .filter(number=number)
        .first()
    )


def timeline(order: Order) -> list[dict]:
    """The order's history as the customer reads it: when (IST), what happened."""
    rows = []
    for event in OrderEvent.objects.filter(order=order).order_by("at", "id"):
        rows.append(
            {
                "at": event.at.astimezone(IST),
                "kind": event.kind,
                "to": event.to_status,
                "what": event.data.get("what", "") if isinstance(event.data, dict) else "",
            }
        )
    return rows
