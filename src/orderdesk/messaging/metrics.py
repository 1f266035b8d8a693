"""The outbox's business metrics for /metrics (registered in MessagingConfig.ready())."""

from __future__ import annotations

from django.db.models import Count, Q
from prometheus_client.core import GaugeMetricFamily

from orderdesk.messaging.choices import MessageStatus
from orderdesk.messaging.models import Message


def message_metrics(now) -> list:
    counts = Message.objects.aggregate(
        pending=Count("id", filter=Q(status__in=[MessageStatus.QUEUED, MessageStatus.HELD])),
        failed=Count("id", filter=Q(status=MessageStatus.FAILED)),
    )
    return [
        GaugeMetricFamily(
            "orderdesk_messages_pending",
            "Messages in the outbox not yet sent (queued or held).",
            value=counts["pending"],
        ),
        GaugeMetricFamily(
            "orderdesk_messages_failed",
            "Messages whose last try failed.",
            value=counts["failed"],
        ),
    ]
