"""S4: the orders' part in a customer's export, erasure and retention (customers.privacy).

Registered in OrdersConfig.ready().
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Exists, OuterRef, Q, Value, When

from orderdesk.core import audit
from orderdesk.core.errors import Conflict
from orderdesk.customers.privacy import ANONYMISED, PrivacyContributor, conf
from orderdesk.orders.choices import OPEN_STATUSES, OrderStatus
from orderdesk.orders.models import (
    AgentError,
    DuplicateOverride,
    IdempotencyRecord,
    Order,
    OrderEvent,
    OrderItem,
)


def paid_since(since: dt.datetime) -> Q:
    """Orders whose payment (the transition to paid) happened at or after ``since``."""
    return Q(
        Exists(
            OrderEvent.objects.filter(
                order=OuterRef("pk"), to_status=OrderStatus.PAID, at__gte=since
            )
        )
    )


def records(customer) -> dict:
    orders = Order.objects.filter(customer=customer)
    return {
        "orders": orders,
        "order_events": OrderEvent.objects.filter(order__in=orders),
        "order_errors": AgentError.objects.filter(order__in=orders),
        "order_requests": IdempotencyRecord.objects.filter(order__in=orders),
        # issue 15 item 4: the devices of each order, and X1 overrides granted for the customer
        "order_items": OrderItem.objects.filter(order__in=orders),
        "duplicate_overrides": DuplicateOverride.objects.filter(customer=customer),
    }


def personal_words(records) -> list[str]:
    words: list[str] = []
    for order in records["orders"]:
        words += [order.upi_id, order.bank_account_number]
    return words


def anonymise(records) -> dict[str, int]:
    counts = {}
    counts["orders"] = records["orders"].update(
        upi_id=Case(When(upi_id="", then=Value("")), default=Value(ANONYMISED)),
        bank_account_number=Case(
            When(bank_account_number="", then=Value("")), default=Value(ANONYMISED)
        ),
        ifsc=Case(When(ifsc="", then=Value("")), default=Value(ANONYMISED)),
        payment_reference="",
        special_instructions="",
        consent_statement="",
        duplicate_override_reason="",
        cancellation_notes="",
    )
    events = 0
    for event in records["order_events"]:
        event.note = ""
        event.data = audit.scrub(event.data)
        event.save(update_fields=["note", "data"])
        events += 1
    counts["order_events"] = events
    counts["order_errors"] = records["order_errors"].update(notes="")
    counts["order_requests"] = records["order_requests"].delete()[0]  # replayable responses
    counts["duplicate_overrides"] = records["duplicate_overrides"].update(reason="")
    return counts


def keeps_customer(now, cutoff, keep_since) -> list:
    return [
        Order.objects.filter(
            Q(updated_at__gte=cutoff) | Q(status__in=OPEN_STATUSES) | paid_since(keep_since),
            customer=OuterRef("pk"),
        )
    ]


def erasure_refusal(customer, now):
    open_order = Order.objects.filter(customer=customer, status__in=OPEN_STATUSES).first()
    if open_order is not None:
        return Conflict(
            f"Order {open_order.display_number} is still open; erase after it is completed or "
            "cancelled.",
            code="erasure_order_open",
            field="customer",
            extra={"number": open_order.number},
        )
    keep_since = now - dt.timedelta(days=conf().payment_record_days)
    paid = Order.objects.filter(customer=customer).filter(paid_since(keep_since)).first()
    if paid is not None:
        return Conflict(
            f"Order {paid.display_number} was paid less than {conf().payment_record_days} days "
            "ago; its payment records must be kept until then.",
            code="erasure_payment_records_kept",
            field="customer",
            extra={"number": paid.number},
        )
    return None


ORDERS_PRIVACY = PrivacyContributor(
    name="orders",
    position=10,
    records=records,
    anonymise=anonymise,
    personal_words=personal_words,
    audit_labels={"orders": "orders.order"},
    keeps_customer=keeps_customer,
    erasure_refusal=erasure_refusal,
)
