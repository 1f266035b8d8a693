"""The follow-ups' business metrics for /metrics (registered in LeadsConfig.ready())."""

from __future__ import annotations

from django.db.models import Count, Q
from prometheus_client.core import GaugeMetricFamily

from orderdesk.leads.choices import FollowUpStatus
from orderdesk.leads.models import FollowUp


def follow_up_metrics(now) -> list:
    counts = FollowUp.objects.aggregate(
        due=Count("id", filter=Q(status=FollowUpStatus.PENDING, due_at__lte=now)),
        missed=Count("id", filter=Q(status=FollowUpStatus.MISSED)),
    )
    return [
        GaugeMetricFamily(
            "orderdesk_follow_ups_due",
            "Pending follow-ups whose time has come.",
            value=counts["due"],
        ),
        GaugeMetricFamily(
            "orderdesk_follow_ups_missed",
            "Follow-ups marked missed (D10).",
            value=counts["missed"],
        ),
    ]
