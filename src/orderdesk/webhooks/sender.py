"""The webhook sender: messaging's sender pattern (docs/messaging.md) over ``Delivery`` rows.

One batch (``deliver_batch``):

1. **Claim** with ``core.outbox.claim_ids`` (the claim messaging uses: SKIP LOCKED on
   PostgreSQL, a conditional UPDATE on SQLite), leaving out endpoints that are paused.
2. **Deliver** each row outside any transaction: re-check the URL (SSRF: DNS may have
   changed), sign the stored body with the endpoint's secret and a fresh timestamp, POST
   with a hard timeout. After a timeout or a refused connection, the batch's other rows
   for that endpoint are released untried (no attempt counted), so one slow or dead
   receiver costs one timeout per batch, not one per event.
3. **Record** each try (``Attempt``) and the result with a conditional UPDATE on our
   ``claim_token``: delivered, a retry after back-off, or failed after the last try.
   A failed try counts against the endpoint; ``PAUSE_AFTER_FAILURES`` in a row, or a
   delivery that uses its last try, pauses it and tells its owner.

A sender killed between the POST and step 3 repeats that one delivery when the lease runs
out; it carries the same ``Orderdesk-Event-Id``, so a receiver that de-duplicates on it
(docs/webhooks.md) handles it once: at least once on the wire, exactly once at the receiver.
"""

from __future__ import annotations

import datetime as dt
import http.client
import logging
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from orderdesk.core import audit, outbox
from orderdesk.webhooks import rules
from orderdesk.webhooks.choices import DeliveryStatus
from orderdesk.webhooks.conf import WebhooksConf, conf
from orderdesk.webhooks.models import Attempt, Delivery, Endpoint

logger = logging.getLogger(__name__)

USER_AGENT = "orderdesk-webhooks/1"
MAX_ANSWER_BYTES = 4096  # what we read of a receiver's answer (kept in the attempt log)


@dataclass
class Report:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0  # claimed, not tried: their endpoint timed out earlier in the batch
    paused: int = 0
    lost: int = 0
    more_due: bool = False
    wake_ups: list = field(default_factory=list)

    def add(self, other: Report) -> None:
        for name in ("claimed", "delivered", "retried", "failed", "released", "paused", "lost"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.wake_ups.extend(other.wake_ups)

    def as_dict(self) -> dict:
        return {
            k: getattr(self, k)
            for k in ("claimed", "delivered", "retried", "failed", "released", "paused", "lost")
        }


@dataclass
class Outcome:
    ok: bool
    status_code: int | None = None
    error: str = ""
    retryable: bool = True
    unreachable: bool = False  # timeout or no connection: skip the endpoint for this batch


def post(url: str, body: bytes, headers: dict, *, timeout: float) -> Outcome:
    """One POST, bounded by ``timeout`` (connect, and each read); no redirects followed."""
    parts = urlsplit(url)
    conn_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    conn = conn_class(parts.hostname, parts.port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body=body, headers=headers)
        answer = conn.getresponse()
        text = answer.read(MAX_ANSWER_BYTES).decode("utf-8", "replace")
    except TimeoutError:
        return Outcome(False, None, f"no answer within {timeout:g} s", True, True)
    except OSError as exc:
        return Outcome(False, None, f"connection failed: {exc}", True, True)
    except http.client.HTTPException as exc:
        return Outcome(False, None, f"bad HTTP answer: {exc}", True, False)
    finally:
        conn.close()
    status = answer.status
    if 200 <= status < 300:
        return Outcome(True, status)
    # 4xx other than these is the receiver refusing the event: trying again will not help.
    retryable = status >= 500 or status in (408, 409, 425, 429) or 300 <= status < 400
    return Outcome(False, status, f"receiver answered {status}: {text[:200]}", retryable)


def _claim(c: WebhooksConf) -> tuple[str, list[Delivery]]:
    """Step 1: the shared outbox claim, endpoints that are paused left out."""
    token = uuid.uuid4().hex
    endpoints = connection.ops.quote_name(Endpoint._meta.db_table)
    ids = outbox.claim_ids(
        Delivery,
        token=token,
        now=timezone.now(),
        limit=c.batch_size,
        lease_seconds=c.lease_seconds,
        statuses=[DeliveryStatus.QUEUED],
        # The table name is the model's own, quoted; no input reaches this SQL.
        extra_sql=f"endpoint_id IN (SELECT id FROM {endpoints} WHERE paused_at IS NULL)",  # noqa: S608
        extra_q=Q(endpoint__paused_at__isnull=True),
    )
    if not ids:
        return token, []
    rows = list(
        Delivery.objects.filter(id__in=ids, claim_token=token)
        .select_related("endpoint")
        .order_by("next_attempt_at", "id")
    )
    return token, rows


def _move(delivery: Delivery, token: str, **fields) -> bool:
    return (
        Delivery.objects.filter(
            pk=delivery.pk, claim_token=token, status=DeliveryStatus.QUEUED
        ).update(claim_token="", claimed_until=None, **fields)
        == 1
    )


def _release(delivery: Delivery, token: str) -> None:
    Delivery.objects.filter(pk=delivery.pk, claim_token=token).update(
        claim_token="", claimed_until=None
    )


def deliver_one(delivery: Delivery, token: str, c: WebhooksConf, report: Report) -> Outcome:
    endpoint = delivery.endpoint
    started = timezone.now()
    refusal = rules.url_refusal(endpoint.url, allow_private=c.allow_private_urls)
    if refusal:
        outcome = Outcome(False, None, f"not sent: {refusal[1]}", retryable=False)
    else:
        body = delivery.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            rules.EVENT_ID_HEADER: delivery.event_id,
            rules.EVENT_HEADER: delivery.event_type,
            rules.SIGNATURE_HEADER: rules.sign(endpoint.secret, body, int(time.time())),
        }
        clock = time.monotonic()
        try:
            outcome = post(endpoint.url, body, headers, timeout=c.timeout)
        except Exception as exc:  # a bug here must not stop the batch: retried like an outage
            logger.exception("webhook delivery %s crashed", delivery.pk)
            outcome = Outcome(False, None, f"{type(exc).__name__}: {exc}")
        duration = int((time.monotonic() - clock) * 1000)
    if refusal:
        duration = 0
    Attempt.objects.create(
        delivery=delivery,
        started_at=started,
        duration_ms=duration,
        status_code=outcome.status_code,
        ok=outcome.ok,
        error=outcome.error[:500],
    )
    now = timezone.now()
    if outcome.ok:
        if _move(
            delivery,
            token,
            status=DeliveryStatus.DELIVERED,
            attempts=F("attempts") + 1,
            delivered_at=now,
            last_error="",
        ):
            report.delivered += 1
        else:
            report.lost += 1
        # only when there is a run to reset: no write on the endpoint's row per success
        Endpoint.objects.filter(pk=endpoint.pk, consecutive_failures__gt=0).update(
            consecutive_failures=0
        )
        return outcome
    tries = delivery.attempts + 1
    if outcome.retryable and tries < c.max_attempts:
        at = now + dt.timedelta(
            seconds=rules.retry_delay(tries, base=c.retry_base, cap=c.retry_max)
        )
        if _move(
            delivery,
            token,
            attempts=F("attempts") + 1,
            next_attempt_at=at,
            last_error=f"try {tries}: {outcome.error}"[:2000],
        ):
            report.retried += 1
            report.wake_ups.append(at)
        else:
            report.lost += 1
    elif _move(
        delivery,
        token,
        status=DeliveryStatus.FAILED,
        attempts=F("attempts") + 1,
        failed_at=now,
        last_error=(
            f"try {tries} of {c.max_attempts}: {outcome.error}"
            if outcome.retryable
            else f"refused: {outcome.error}"
        )[:2000],
    ):
        report.failed += 1
    else:
        report.lost += 1
    Endpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    failures = Endpoint.objects.values_list("consecutive_failures", flat=True).get(pk=endpoint.pk)
    used_up = outcome.retryable and tries >= c.max_attempts
    if (failures >= c.pause_after_failures or used_up) and pause_endpoint(
        endpoint.pk,
        f"{failures} failed tries in a row; last: {outcome.error}"
        if not used_up
        else f"a delivery failed after {tries} tries; last: {outcome.error}",
    ):
        report.paused += 1
    return outcome


def deliver_batch(c: WebhooksConf | None = None) -> Report:
    c = c or conf()
    report = Report()
    token, batch = _claim(c)
    report.claimed = len(batch)
    report.more_due = len(batch) == c.batch_size
    skip: set[int] = set()  # endpoints that timed out or refused the connection this batch
    lease_until = timezone.now() + dt.timedelta(seconds=c.lease_seconds)
    for delivery in batch:
        if delivery.endpoint_id in skip:
            _release(delivery, token)
            report.released += 1
            continue
        if (lease_until - timezone.now()).total_seconds() < 2 * c.timeout + 5:
            lease_until = timezone.now() + dt.timedelta(seconds=c.lease_seconds)
            Delivery.objects.filter(claim_token=token, status=DeliveryStatus.QUEUED).update(
                claimed_until=lease_until
            )
        paused_before = report.paused
        outcome = deliver_one(delivery, token, c, report)
        if outcome.unreachable or report.paused > paused_before:
            skip.add(delivery.endpoint_id)  # slow, dead or just paused: not again this batch
    return report


def deliver_due(*, time_budget: float | None = None, should_stop=None) -> Report:
    """Batches until nothing is due, ``time_budget`` passes, or ``should_stop()``."""
    c = conf()
    total = Report()
    started = time.monotonic()
    while True:
        report = deliver_batch(c)
        total.add(report)
        if report.claimed == 0 or not report.more_due:
            total.more_due = False
            break
        if should_stop and should_stop():
            break
        if time_budget is not None and time.monotonic() - started > time_budget:
            total.more_due = True
            break
    return total


def pause_endpoint(endpoint_id: int, reason: str) -> bool:
    """The sender's pause (system): set once, audited, and the owner told by e-mail and on
    the console. True if this call paused it (a second failure in the same batch does not)."""
    now = timezone.now()
    with transaction.atomic():
        paused = Endpoint.objects.filter(pk=endpoint_id, paused_at__isnull=True).update(
            paused_at=now, paused_reason=reason[:300], updated_at=now
        )
        if not paused:
            return False
        endpoint = Endpoint.objects.select_related("owner").get(pk=endpoint_id)
        audit.record(
            "webhook_endpoint.pause",
            endpoint,
            system=True,
            after={"reason": endpoint.paused_reason, "failures": endpoint.consecutive_failures},
        )
    _tell_owner(endpoint)
    return True


def _tell_owner(endpoint: Endpoint) -> None:
    owner = endpoint.owner
    if not owner.email:
        logger.warning("webhook endpoint %s paused; its owner has no e-mail", endpoint.pk)
        return
    try:
        send_mail(
            subject=f"Webhook endpoint paused: {endpoint.name}",
            message=(
                f"orderdesk stopped sending to {endpoint.url} after repeated failures:\n"
                f"{endpoint.paused_reason}\n\nIts events wait, queued. Fix the receiver, then "
                "resume the endpoint in the console (Webhooks)."
            ),
            from_email=None,
            recipient_list=[owner.email],
        )
    except Exception:  # the pause stands and shows on the console; mail is best effort
        logger.exception("could not e-mail the owner of webhook endpoint %s", endpoint.pk)
