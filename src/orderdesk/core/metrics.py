"""Prometheus metrics at ``/metrics`` (docs/deploy.md, "Observability").

Two kinds, kept apart on purpose:

- **Per-process request metrics**: ``orderdesk_http_request_duration_seconds`` (a
  histogram by route name and method) and ``orderdesk_http_requests_total`` (by route,
  method, status). Gunicorn runs several worker processes behind one port, so these
  use prometheus-client's multiprocess mode when ``PROMETHEUS_MULTIPROC_DIR`` is set
  (``orderdesk serve`` sets it to a fresh directory per server): every worker writes
  its samples there and the scrape sums them.
- **Business metrics, computed from the database at scrape time** (a collector run
  per scrape): orders created, duplicate attempts refused, messages pending and
  failed, follow-ups due and missed, ticket SLA breaches. They are the same whichever
  server is scraped, survive restarts, and need no coordination between processes.

The endpoint answers only ``Authorization: Bearer <METRICS_TOKEN>``: 401 without a
token, 403 with a wrong one, and 404 when ``METRICS_TOKEN`` is not configured (the
endpoint is off).
"""

from __future__ import annotations

import hmac
import logging
import os

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from orderdesk.core.errors import DomainError

logger = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "orderdesk_http_request_duration_seconds",
    "Time to answer a request, by route name (not raw path).",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REQUESTS = Counter(
    "orderdesk_http_requests",
    "Requests answered, by route name, method and status code.",
    ["route", "method", "status"],
)


ANONYMOUS_QUOTES = Counter(
    "orderdesk_anonymous_quotes",
    "Quotes asked for without signing in (counted, not audited: not a business write).",
)
THROTTLED = Counter(
    "orderdesk_throttled_requests",
    "Requests refused by a throttle (429), by throttle.",
    ["throttle"],
)
PHONE_REVEAL_BURSTS = Counter(
    "orderdesk_phone_reveal_bursts",
    "Times a user went over the phone-reveal limit (each one logged and audited).",
)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(route=route, method=method).observe(seconds)
    REQUESTS.labels(route=route, method=method, status=str(status)).inc()


class BusinessCollector:
    """The product's gauges and counters, read from the database at each scrape."""

    def collect(self):
        from django.db.models import Count, Q

        from orderdesk.cx.models import Ticket
        from orderdesk.leads.choices import FollowUpStatus
        from orderdesk.leads.models import FollowUp
        from orderdesk.messaging.choices import MessageStatus
        from orderdesk.messaging.models import Message
        from orderdesk.orders.models import DuplicateAttempt, Order

        up = GaugeMetricFamily("orderdesk_database_up", "1 when the database answered the scrape.")
        try:
            now = timezone.now()
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
            for row in (
                DuplicateAttempt.objects.values("channel").annotate(n=Count("id")).order_by()
            ):
                duplicates.add_metric([row["channel"]], row["n"])
            message_counts = Message.objects.aggregate(
                pending=Count(
                    "id", filter=Q(status__in=[MessageStatus.QUEUED, MessageStatus.HELD])
                ),
                failed=Count("id", filter=Q(status=MessageStatus.FAILED)),
            )
            follow_ups = FollowUp.objects.aggregate(
                due=Count("id", filter=Q(status=FollowUpStatus.PENDING, due_at__lte=now)),
                missed=Count("id", filter=Q(status=FollowUpStatus.MISSED)),
            )
            breaches = Ticket.objects.aggregate(
                first_response=Count("id", filter=Q(first_response_breached_at__isnull=False)),
                resolution=Count("id", filter=Q(resolution_breached_at__isnull=False)),
            )
        except DatabaseError as exc:
            logger.warning("metrics: database unavailable: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield orders
        yield duplicates
        yield GaugeMetricFamily(
            "orderdesk_messages_pending",
            "Messages in the outbox not yet sent (queued or held).",
            value=message_counts["pending"],
        )
        yield GaugeMetricFamily(
            "orderdesk_messages_failed",
            "Messages whose last try failed.",
            value=message_counts["failed"],
        )
        yield GaugeMetricFamily(
            "orderdesk_follow_ups_due",
            "Pending follow-ups whose time has come.",
            value=follow_ups["due"],
        )
        yield GaugeMetricFamily(
            "orderdesk_follow_ups_missed",
            "Follow-ups marked missed (D10).",
            value=follow_ups["missed"],
        )
        sla = CounterMetricFamily(
            "orderdesk_ticket_sla_breaches", "Tickets that breached an SLA clock.", labels=["clock"]
        )
        sla.add_metric(["first_response"], breaches["first_response"])
        sla.add_metric(["resolution"], breaches["resolution"])
        yield sla


def exposition() -> bytes:
    """The text exposition: this server's request metrics, then the business metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        process_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(process_registry)
    else:
        process_registry = REGISTRY
    business = CollectorRegistry(auto_describe=False)
    business.register(BusinessCollector())
    return generate_latest(process_registry) + generate_latest(business)


def _refuse(status: int, message: str, code: str) -> JsonResponse:
    error = DomainError(message, code=code, field="Authorization", status=status)
    response = JsonResponse(error.problem(), status=status, content_type="application/problem+json")
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="orderdesk-metrics"'
    return response


def metrics_view(request):
    """GET /metrics: Prometheus text format, for the holder of METRICS_TOKEN only."""
    expected = getattr(settings, "METRICS_TOKEN", "") or ""
    if not expected:
        raise Http404("Metrics are not enabled.")
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _refuse(401, "Send 'Authorization: Bearer <METRICS_TOKEN>'.", "not_authenticated")
    if not hmac.compare_digest(token.strip().encode(), expected.encode()):
        return _refuse(403, "This token may not read the metrics.", "forbidden")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
