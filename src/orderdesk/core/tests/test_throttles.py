"""Issue 21 finding 8: the doors anyone can knock on are throttled per address, and an
anonymous quote is counted, not written to the audit trail."""

from __future__ import annotations

import time_machine
from django.test import Client

from orderdesk.catalog.actions import create_quote
from orderdesk.catalog.models import Quote
from orderdesk.core import metrics
from orderdesk.core.models import AuditEvent

FROZEN = "2026-03-02 06:00:10+00:00"  # inside one throttle window, whatever the day


def _limits(settings, **rates):
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "THROTTLES": {**settings.ORDERDESK["THROTTLES"], **rates},
    }


def _quote(client, catalog):
    return client.post(
        "/api/v1/quotes",
        {"variant_id": catalog["v128"].pk, "answers": {"screen": "flawless", "body": "good"}},
        content_type="application/json",
    )


@time_machine.travel(FROZEN, tick=False)
def test_s5_anonymous_quotes_past_the_limit_get_429_and_make_nothing(settings, catalog):
    _limits(settings, anonymous_quote="5/m")
    stranger = Client(REMOTE_ADDR="203.0.113.5")
    statuses = [_quote(stranger, catalog).status_code for _ in range(7)]

    assert statuses == [201] * 5 + [429] * 2
    refused = _quote(stranger, catalog)
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert Quote.objects.count() == 5
    # Another address has its own count; a forged X-Forwarded-For does not reset one's own.
    assert _quote(Client(REMOTE_ADDR="203.0.113.6"), catalog).status_code == 201
    forged = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert _quote(forged, catalog).status_code == 429


def test_s3_an_anonymous_quote_is_counted_not_audited(catalog, cast):
    before = metrics.ANONYMOUS_QUOTES._value.get()
    create_quote(variant_id=catalog["v128"].pk, answers={"screen": "flawless", "body": "good"})
    assert metrics.ANONYMOUS_QUOTES._value.get() == before + 1
    assert not AuditEvent.objects.filter(action="quote.create").exists()
    create_quote(
        variant_id=catalog["v128"].pk,
        answers={"screen": "flawless", "body": "good"},
        user=cast["sales"],
    )
    assert AuditEvent.objects.filter(action="quote.create").count() == 1


@time_machine.travel(FROZEN, tick=False)
def test_s5_csat_answers_and_serviceability_are_throttled_per_address(settings, catalog):
    _limits(settings, csat_answer="3/m", anonymous_read="3/m")
    client = Client(REMOTE_ADDR="198.51.100.9")
    answers = [
        client.post(
            "/api/v1/csat",
            {"token": "forged-token-0123", "score": 5},
            content_type="application/json",
        ).status_code
        for _ in range(4)
    ]
    assert answers == [404, 404, 404, 429]  # a forged link: 404 until the throttle
    reads = [
        client.get("/api/v1/serviceability", {"pincode": "560034"}).status_code for _ in range(4)
    ]
    assert reads == [200, 200, 200, 429]
