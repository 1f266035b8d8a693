"""The tickets' business metrics for /metrics (registered in CxConfig.ready())."""

from __future__ import annotations

from django.db.models import Count, Q
from prometheus_client.core import CounterMetricFamily

from orderdesk.cx.models import Ticket


def sla_metrics(now) -> list:
    breaches = Ticket.objects.aggregate(
        first_response=Count("id", filter=Q(first_response_breached_at__isnull=False)),
        resolution=Count("id", filter=Q(resolution_breached_at__isnull=False)),
    )
    sla = CounterMetricFamily(
        "orderdesk_ticket_sla_breaches", "Tickets that breached an SLA clock.", labels=["clock"]
    )
    sla.add_metric(["first_response"], breaches["first_response"])
    sla.add_metric(["resolution"], breaches["resolution"])
    return [sla]
