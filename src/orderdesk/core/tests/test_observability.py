"""Request ids, JSON log lines with the request's context, and /metrics behind its token."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from orderdesk.core.logging import JsonFormatter, RequestContextFilter
from orderdesk.messaging.models import Message
from orderdesk.orders.models import DuplicateAttempt, Order


class Capture(logging.Handler):
    """Formats every record as production does (filter + JSON) and keeps the lines."""

    def __init__(self):
        super().__init__()
        self.lines: list[dict] = []
        self.addFilter(RequestContextFilter())
        self.setFormatter(JsonFormatter())

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines():
    handler = Capture()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(previous)


def test_a_callers_request_id_is_returned_and_a_bad_one_replaced(db):
    client = Client()
    kept = client.get("/api/v1/health", headers={"X-Request-ID": "app-7f3a.42"})
    assert kept["X-Request-ID"] == "app-7f3a.42"
    replaced = client.get("/api/v1/health", headers={"X-Request-ID": "bad id\nwith newline"})
    assert replaced["X-Request-ID"] != "bad id\nwith newline"
    assert len(replaced["X-Request-ID"]) == 32
    fresh = client.get("/api/v1/health")
    assert len(fresh["X-Request-ID"]) == 32 and fresh["X-Request-ID"] != replaced["X-Request-ID"]


def test_every_log_line_of_a_request_carries_its_id_actor_and_object(cast, api, log_lines):
    client = api(cast["ops"])
    # Not a valid number (check character): refused 422, and Django logs a warning for it.
    response = client.get("/api/v1/orders/OD10001000", headers={"X-Request-ID": "req-order-1"})
    assert response.status_code == 422

    lines = [line for line in log_lines if line["request_id"] == "req-order-1"]
    request_line = next(line for line in lines if line["logger"] == "orderdesk.request")
    assert request_line["actor"] == cast["ops"].username
    assert request_line["via"] == "api"
    assert request_line["route"].startswith("api-v1:")
    assert request_line["path"] == "/api/v1/orders/OD10001000"
    assert request_line["status"] == 422
    assert request_line["object"].endswith(":OD10001000")
    # Lines logged inside the request (here: Django's own 4xx warning) carry the context too.
    assert any(line["logger"] != "orderdesk.request" for line in lines)
    assert all(line["object"] and line["object"].endswith(":OD10001000") for line in lines)


def test_a_line_logged_inside_a_request_names_the_actor(cast, client, log_lines, monkeypatch):
    from orderdesk.console import views

    real_home = views.home

    def home(request, *args, **kwargs):
        logging.getLogger("orderdesk.test").info("inside the view")
        return real_home(request, *args, **kwargs)

    monkeypatch.setattr(views, "home", home)
    from django.urls import clear_url_caches

    clear_url_caches()
    client.force_login(cast["sales"])
    client.get("/console/", headers={"X-Request-ID": "req-console-1"})
    request_line = next(
        line
        for line in log_lines
        if line["request_id"] == "req-console-1" and line["logger"] == "orderdesk.request"
    )
    assert request_line["actor"] == cast["sales"].username
    assert request_line["via"] == "console"


def test_log_lines_outside_requests_are_json_with_empty_context(log_lines):
    logging.getLogger("orderdesk.test").warning("a worker line", extra={"task": "sweep"})
    line = log_lines[-1]
    assert line["message"] == "a worker line"
    assert line["level"] == "WARNING"
    assert line["request_id"] is None and line["actor"] is None
    assert line["via"] == "system"
    assert line["task"] == "sweep"


def test_metrics_are_off_without_a_token(db, settings):
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", headers={"Authorization": "Bearer x"}).status_code == 404


def test_metrics_need_the_token(db, settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    missing = Client().get("/metrics")
    assert missing.status_code == 401
    assert missing["Content-Type"] == "application/problem+json"
    assert missing["WWW-Authenticate"].startswith("Bearer")
    wrong = Client().get("/metrics", headers={"Authorization": "Bearer not-it"})
    assert wrong.status_code == 403
    basic = Client().get("/metrics", headers={"Authorization": "Basic s3cret-metrics-token"})
    assert basic.status_code == 401


def samples(text: str) -> dict[str, float]:
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def test_metrics_report_requests_by_route_and_business_counts_from_the_database(
    cast, api, settings
):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    Client().get("/api/v1/health")
    api(cast["ops"]).get("/api/v1/orders/OD00000001")
    response = Client().get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    values = samples(response.content.decode())

    assert values["orderdesk_database_up"] == 1
    assert (
        values['orderdesk_http_requests_total{method="GET",route="api-v1:health",status="200"}']
        >= 1
    )
    # By route name, never by raw path (the order number is not a label).
    assert not any("OD00000001" in name for name in values)
    assert any(
        name.startswith("orderdesk_http_request_duration_seconds_count{")
        and "api-v1:health" in name
        for name in values
    )
    assert (
        values["orderdesk_messages_pending"]
        == Message.objects.filter(status__in=["queued", "held"]).count()
    )
    assert values["orderdesk_messages_failed"] == 0
    assert values["orderdesk_follow_ups_due"] == 0
    assert values["orderdesk_follow_ups_missed"] == 0
    assert values['orderdesk_ticket_sla_breaches_total{clock="first_response"}'] == 0
    assert sum(v for k, v in values.items() if k.startswith("orderdesk_orders_created_total")) == (
        Order.objects.count()
    )
    assert (
        sum(
            v for k, v in values.items() if k.startswith("orderdesk_duplicate_orders_refused_total")
        )
        == DuplicateAttempt.objects.count()
    )


def test_a_request_without_an_object_in_its_url_logs_the_first_object_it_changes(
    cast, api, log_lines
):
    client = api(cast["sales"])
    response = client.post(
        "/api/v1/leads",
        {"customer": {"name": "Log Lead", "phone": "+919812300001"}, "source": "inbound_call"},
        content_type="application/json",
        headers={"X-Request-ID": "req-lead-1"},
    )
    assert response.status_code == 201
    request_line = next(
        line
        for line in log_lines
        if line["request_id"] == "req-lead-1" and line["logger"] == "orderdesk.request"
    )
    assert request_line["actor"] == cast["sales"].username
    assert request_line["object"] and request_line["object"].split(":")[0] in {
        "customers.customer",
        "leads.lead",
    }
