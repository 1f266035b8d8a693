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

import datetime as dt
import hmac
import logging
import os
from collections.abc import Callable

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
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

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


# The business metrics registry. core stands below every domain app, so it cannot read
# their tables; each domain app registers the metrics of its own tables here from its
# AppConfig.ready() (orders, messaging, leads, cx). A producer takes ``now`` and returns
# its metric families; a DatabaseError from any of them turns the scrape's
# orderdesk_database_up to 0. ``position`` keeps the exposition's order stable.
BusinessMetrics = Callable[[dt.datetime], list]
_BUSINESS_METRICS: dict[str, tuple[int, BusinessMetrics]] = {}


def register_business_metrics(name: str, producer: BusinessMetrics, *, position: int) -> None:
    """Add (or replace, by ``name``) a producer of business metric families."""
    _BUSINESS_METRICS[name] = (position, producer)


def business_metric_producers() -> list[tuple[str, BusinessMetrics]]:
    ordered = sorted(_BUSINESS_METRICS.items(), key=lambda item: (item[1][0], item[0]))
    return [(name, producer) for name, (_position, producer) in ordered]


class BusinessCollector:
    """The product's gauges and counters, read from the database at each scrape."""

    def collect(self):
        up = GaugeMetricFamily("orderdesk_database_up", "1 when the database answered the scrape.")
        try:
            now = timezone.now()
            families = [
                family
                for _name, producer in business_metric_producers()
                for family in producer(now)
            ]
        except DatabaseError as exc:
            logger.warning("metrics: database unavailable: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families


def exposition() -> bytes:
    """The text exposition: this server's request metrics, then the business metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
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
