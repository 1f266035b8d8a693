"""Order reads shared by the console, the API, leads (D6) and CX."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from orderdesk.catalog.models import PickupSlot
from orderdesk.core.errors import NotFound, ValidationFailed
from orderdesk.core.phones import normalise_phone
from orderdesk.orders.choices import OPEN_STATUSES, OrderStatus
from orderdesk.orders.models import (
    AgentError,
    AgentRestoration,
    DuplicateOverride,
    Order,
    OrderEvent,
    OrderItem,
)
from orderdesk.orders.rules import (
    agent_is_restricted,
    canonical_order_number,
    devices_label,
    order_number_problem,
)


def describe_devices(order: Order) -> str:
    """Issue 15, item 10: the device(s) of an order, as the customer is told them.

    The one place an order's devices are put into words (the written confirmation, the
    vendor's view): brand and model once, then the variant ("Apple iPhone 13 128 GB"),
    with the accessories the agent recorded. With several devices per order this lists
    every item.
    """
    if "items" in getattr(order, "_prefetched_objects_cache", {}):
        items = list(order.items.all())  # prefetched (ORDER_ITEMS, or just created)
    else:
        items = list(order.items.select_related("variant__model__brand"))
    text = devices_label(items) if items else str(order.variant)  # an order kept without items
    if order.accessories.strip():
        text += f" (with {order.accessories.strip()})"
    return text


def find_orders(*, number: str | None = None, phone: str | None = None) -> QuerySet[Order]:
    """D6: orders by order number (as typed on a call) or by the customer's phone (any format).

    A malformed or mistyped number finds nothing (use ``order_number_problem`` to tell the agent why).
    """
    qs = Order.objects.select_related("customer", "variant__model__brand")
    if number:
        if order_number_problem(number):
            return qs.none()
        return qs.filter(number=canonical_order_number(number))
    if phone:
        try:
            return qs.filter(customer__phone=normalise_phone(phone)).order_by("-created_at")
        except ValidationFailed:
            return qs.none()
    return qs.none()


def open_order_for_device(*, phone: str, device_model_id: int) -> Order | None:
    """X1, asked early (the wizard's check, advisory): the customer's open order holding this
    device model on any of its items, that a new order would collide with in
    ``one_open_item_per_customer_device`` (an override order's items, with their own
    ``guard_key``, are not; a supervisor's override waiting to be used lets the new order
    through). None when the phone is not a valid number or nothing collides.
    ``create_order`` still enforces X1/X2 in the database at the final click."""
    item = (
        OrderItem.objects.filter(
            order__in=find_orders(phone=phone),
            device_model_id=device_model_id,
            guard_key="",
            is_open=True,
        )
        .select_related("order")
        .first()
    )
    if item is None:
        return None
    waiting = DuplicateOverride.objects.filter(
        customer_id=item.customer_id, device_model_id=device_model_id, used_by__isnull=True
    )
    return None if waiting.exists() else item.order


def agent_error_count(agent, *, now: dt.datetime | None = None) -> int:
    """M8: errors against ``agent`` in the window, since the last restoration."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.ORDERDESK["AGENT_ERROR_WINDOW_DAYS"])
    last_restoration = (
        AgentRestoration.objects.filter(agent=agent)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if last_restoration and last_restoration > since:
        since = last_restoration
    return AgentError.objects.filter(agent=agent, at__gt=since).count()


def agent_standing(agents):
    """M8: for each agent, errors in the window (since the last restoration) and whether restricted."""
    threshold = settings.ORDERDESK["AGENT_ERROR_THRESHOLD"]
    rows = []
    for agent in agents:
        count = agent_error_count(agent)
        rows.append(
            {"agent": agent, "errors": count, "restricted": agent_is_restricted(count, threshold)}
        )
    return rows


# --- D6: the order look-up -------------------------------------------------------------------


def find_customer_order(customer, *, number: str = "", since: dt.datetime | None = None):
    """D6: the customer's order, by the number they read out, else by their phone.

    A number that exists but is another customer's does not count. By phone, only orders
    still open or created since ``since`` (the lead's creation) count, so a device sold last
    year does not pass for today's order.
    """
    if number:
        order = find_orders(number=number).filter(customer_id=customer.pk).first()
        if order is not None:
            return order
    recent = Q(status__in=OPEN_STATUSES)
    if since is not None:
        recent |= Q(created_at__gte=since)
    return find_orders(phone=customer.phone).filter(recent).first()


def order_by_number(number: str, *, field: str) -> Order:
    """The order ``number`` names (as typed: spaces, dashes and case forgiven), or
    ``NotFound`` (``order_not_found``) saying what is wrong with the number."""
    order = find_orders(number=number).first()
    if order is None:
        problem = order_number_problem(number)
        raise NotFound(
            problem or f"No order {number!r} was found.", code="order_not_found", field=field
        )
    return order


# --- the ops board and the order page (console/ops_views.py) ------------------------


@dataclass
class SlotGroup:
    slot: PickupSlot
    by_vendor: list[tuple[str, list[Order]]] = field(default_factory=list)


@dataclass
class CityGroup:
    city: str
    slots: list[SlotGroup] = field(default_factory=list)


# Issue 15 item 4: an order's devices, read with it (one query for a page of orders).
ORDER_ITEMS = Prefetch("items", queryset=OrderItem.objects.select_related("variant__model__brand"))


def orders_with_details() -> QuerySet[Order]:
    """Orders with what the ops pages show of them (customer, address, slot, vendor, device)."""
    return Order.objects.select_related(
        "customer", "address", "slot__city", "vendor", "variant__model__brand"
    ).prefetch_related(ORDER_ITEMS)


def order_with_details(number: str) -> Order | None:
    """The order of ``number`` (as typed: canonicalised), with its details, or None."""
    return (
        orders_with_details()
        .select_related("created_by")
        .filter(number=canonical_order_number(number))
        .first()
    )


def recent_agent_errors(limit: int = 25) -> list[AgentError]:
    """M8: the errors recorded against agents, newest first."""
    return list(
        AgentError.objects.select_related("agent", "order", "recorded_by").order_by("-at")[:limit]
    )


def pickups_on(day: dt.date) -> list[CityGroup]:
    """The day's pickups (orders holding a place in that day's slots), by city, slot and vendor."""
    rows = (
        orders_with_details()
        .filter(slot__date=day)
        .exclude(status__in=[OrderStatus.CANCELLED])
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
        orders_with_details()
        .filter(status=OrderStatus.CREATED)
        .order_by("slot__date", "slot__window_start", "created_at")[:limit]
    )


def failed_pickups(limit: int = 100) -> list[Order]:
    """Failed pickups waiting for a reschedule or a cancellation, with the failure event."""
    failures = (
        OrderEvent.objects.filter(kind="transition", to_status=OrderStatus.PICKUP_FAILED)
        .select_related("actor")
        .order_by("-id")
    )
    return list(
        orders_with_details()
        .filter(status=OrderStatus.PICKUP_FAILED)
        .prefetch_related(Prefetch("events", queryset=failures, to_attr="failures"))
        .order_by("updated_at")[:limit]
    )


def status_counts() -> list[tuple[str, int]]:
    """How many orders are in each status (label, count), in the table's order."""
    counts = dict(Order.objects.values_list("status").annotate(n=Count("id")).order_by())
    return [(s.label, counts.get(s.value, 0)) for s in OrderStatus]
