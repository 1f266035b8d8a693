"""The orders' business metrics for /metrics (registered in OrdersConfig.ready())."""

from __future__ import annotations

from django.db.models import Count
from prometheus_client.core import CounterMetricFamily

from orderdesk.orders.models import DuplicateAttempt, Order


def order_metrics(now) -> list:
    orders = CounterMetricFamily(
        "orderdesk_orders_created", "Orders created, by channel.", labels=["channel"]
    )
    for row in Order.objects.values("channel").annotate(n=Count("id")).order_by():
        orders.add_metric([row["channel"]], row["n"])
    duplicates = CounterMetricFamily(
        "orderdesk_duplicate_orders_refused",
        "Attempts refused because the customer already had an open order for the device.",
        labels=["channel"],
    )
    for row in DuplicateAttempt.objects.values("channel").annotate(n=Count("id")).order_by():
        duplicates.add_metric([row["channel"]], row["n"])
    return [orders, duplicates]
