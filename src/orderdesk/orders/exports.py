"""CSV export of orders for supervisors (S2: phones and payment details masked; audited by
``core.exports``). IFSC codes name a bank branch, not a person, and stay readable."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from orderdesk.catalog.rules import model_display
from orderdesk.core.exports import CHUNK, ExportFilters, ist_text
from orderdesk.core.masking import mask_tail, mask_upi
from orderdesk.core.phones import mask_phone
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import Order, OrderItem

STATUSES = OrderStatus.values
HEADER = [
    "order",
    "created_at_ist",
    "channel",
    "status",
    "customer",
    "phone_masked",
    "device",
    "estimated_price",
    "final_price",
    "payment_method",
    "upi_id_masked",
    "bank_account_masked",
    "ifsc",
    "payment_reference_masked",
    "created_by",
    "team",
    "city",
    "pincode",
    "vendor",
    "cancellation_reason",
]
_COLUMNS = (
    "number",
    "created_at",
    "channel",
    "status",
    "customer__name",
    "customer__phone",
    "device_model__brand__name",
    "device_model__name",
    "variant__name",
    "estimated_price",
    "final_price",
    "payment_method",
    "upi_id",
    "bank_account_number",
    "ifsc",
    "payment_reference",
    "created_by__username",
    "created_by__team__name",
    "address__city",
    "address__pincode",
    "vendor__name",
    "cancellation_reason",
)


def orders_for_export(filters: ExportFilters) -> QuerySet[Order]:
    """Orders created in the date range (IST), by status, the creator's team, the creator."""
    qs = Order.objects.filter(**filters.created_range())
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.team:
        qs = qs.filter(created_by__team_id=filters.team)
    if filters.agent:
        qs = qs.filter(created_by_id=filters.agent)
    return qs.order_by("created_at", "pk")


def _devices(order_ids: list[int]) -> dict[int, str]:
    """Issue 15 item 4: every device of each order with more than one (``A; 2 x B``)."""
    lines: dict[int, list[str]] = {}
    several: set[int] = set()
    rows = (
        OrderItem.objects.filter(order_id__in=order_ids)
        .order_by("order_id", "position")
        .values_list(
            "order_id",
            "quantity",
            "device_model__brand__name",
            "device_model__name",
            "variant__name",
        )
    )
    for order_id, quantity, brand, model, variant in rows:
        label = f"{model_display(brand, model)} {variant}"
        lines.setdefault(order_id, []).append(f"{quantity} x {label}" if quantity > 1 else label)
        if quantity > 1 or len(lines[order_id]) > 1:
            several.add(order_id)
    return {pk: "; ".join(lines[pk]) for pk in several}


def order_rows(qs: QuerySet[Order]) -> Iterator[list]:
    batch: list[tuple] = []
    for row in qs.values_list(*_COLUMNS, "pk").iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) >= CHUNK:
            yield from _rows(batch)
            batch = []
    yield from _rows(batch)


def _rows(batch: list[tuple]) -> Iterator[list]:
    devices = _devices([row[-1] for row in batch]) if batch else {}
    for row in batch:
        pk, row = row[-1], row[:-1]
        (number, created, channel, status, name, phone, brand, model, variant) = row[:9]
        (estimated, final, method, upi, account, ifsc, reference) = row[9:16]
        (creator, team, city, pincode, vendor, cancellation) = row[16:]
        yield [
            number,
            ist_text(created),
            channel,
            status,
            name,
            mask_phone(phone),
            devices.get(pk) or f"{model_display(brand, model)} {variant}",
            estimated,
            "" if final is None else final,
            method,
            mask_upi(upi),
            mask_tail(account),
            ifsc,
            mask_tail(reference),
            creator or "",
            team or "",
            city,
            pincode,
            vendor or "",
            cancellation,
        ]
