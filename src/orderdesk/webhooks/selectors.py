"""Reads for the webhooks console."""

from __future__ import annotations

from django.db.models import Count, Q

from orderdesk.webhooks.choices import DeliveryStatus
from orderdesk.webhooks.models import Delivery, Endpoint


def endpoints():
    return Endpoint.objects.select_related("owner").annotate(
        queued=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.QUEUED)),
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
    )


def recent_deliveries(endpoint: Endpoint, limit: int = 50) -> list[Delivery]:
    return list(
        Delivery.objects.filter(endpoint=endpoint)
        .prefetch_related("attempt_log")
        .order_by("-created_at", "-id")[:limit]
    )
