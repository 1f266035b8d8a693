"""Every write of the webhooks app: endpoints (admin), the outbox rows, pause, replay.

``on_domain_event`` is the listener ``WebhooksConfig.ready()`` registers with
``core.events``: it runs inside the transaction of the change, so a delivery row exists
exactly when the change committed (the outbox, as messaging's N1).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from orderdesk.accounts.permissions import Perm, require
from orderdesk.core import audit
from orderdesk.core.errors import Conflict, ValidationFailed
from orderdesk.core.events import DomainEvent
from orderdesk.webhooks import payloads, rules
from orderdesk.webhooks.choices import DeliveryStatus, EventType
from orderdesk.webhooks.conf import conf
from orderdesk.webhooks.models import Delivery, Endpoint, new_event_id, new_secret
from orderdesk.webhooks.tasks import kick_after_commit


def _check_events(events) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise ValidationFailed(
            "Choose at least one event to send.", code=rules.NO_EVENTS, field="events"
        )
    unknown = [e for e in events if e not in EventType.values]
    if unknown:
        raise ValidationFailed(
            f"Unknown event {unknown[0]!r}; choose from: {', '.join(EventType.values)}.",
            code=rules.UNKNOWN_EVENT,
            field="events",
        )
    return [e for e in EventType.values if e in events]  # the table's order, no repeats


def check_url(url: str) -> str:
    """SSRF (docs/webhooks.md): http(s), and a public address unless the setting allows."""
    url = (url or "").strip()
    if not url:
        raise ValidationFailed("Give the receiver's URL.", code="required", field="url")
    refusal = rules.url_refusal(url, allow_private=conf().allow_private_urls)
    if refusal:
        code, message = refusal
        raise ValidationFailed(message, code=code, field="url")
    return url


@transaction.atomic
def register_endpoint(
    *, actor, name: str, url: str, events, allow_personal_data: bool = False
) -> Endpoint:
    """An admin registers a receiver. Refused, with nothing written, when the name is blank
    (``required``), the URL is not http(s) (``webhook_url_scheme``), points at a private,
    loopback or link-local address (``webhook_url_private``) or does not resolve
    (``webhook_url_invalid``), or the events are empty or unknown."""
    require(actor, Perm.WEBHOOKS_MANAGE)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Name the endpoint.", code="required", field="name")
    url = check_url(url)
    events = _check_events(events)
    endpoint = Endpoint.objects.create(
        name=name[:120],
        url=url,
        events=events,
        allow_personal_data=bool(allow_personal_data),
        owner=actor,
    )
    audit.record(
        "webhook_endpoint.create",
        endpoint,
        actor=actor,
        after={
            "name": endpoint.name,
            "url": url,
            "events": events,
            "allow_personal_data": endpoint.allow_personal_data,
        },
    )
    return endpoint


@transaction.atomic
def resume_endpoint(*, actor, endpoint: Endpoint) -> Endpoint:
    """Resume a paused endpoint: its waiting deliveries go again, with a fresh count."""
    require(actor, Perm.WEBHOOKS_MANAGE)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.paused_at is None:
        raise Conflict("This endpoint is not paused.", code=rules.NOT_PAUSED, field="endpoint")
    before = {"paused_at": endpoint.paused_at, "paused_reason": endpoint.paused_reason}
    endpoint.paused_at = None
    endpoint.paused_reason = ""
    endpoint.consecutive_failures = 0
    endpoint.save(
        update_fields=["paused_at", "paused_reason", "consecutive_failures", "updated_at"]
    )
    audit.record("webhook_endpoint.resume", endpoint, actor=actor, before=before, after={})
    kick_after_commit()
    return endpoint


@transaction.atomic
def rotate_secret(*, actor, endpoint: Endpoint) -> Endpoint:
    """A new signing secret (the old one stops at once; tell the receiver first)."""
    require(actor, Perm.WEBHOOKS_MANAGE)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    audit.record("webhook_endpoint.rotate_secret", endpoint, actor=actor, after={})
    return endpoint


@transaction.atomic
def replay_delivery(*, actor, delivery: Delivery) -> Delivery:
    """Send a delivered or failed event again, with the same event id and body (the receiver
    de-duplicates on the id if it already has it) and a fresh set of tries. A delivery still
    queued is refused (``webhook_delivery_in_flight``): it is going anyway."""
    require(actor, Perm.WEBHOOKS_MANAGE)
    now = timezone.now()
    updated = (
        Delivery.objects.filter(pk=delivery.pk)
        .exclude(status=DeliveryStatus.QUEUED)
        .update(
            status=DeliveryStatus.QUEUED,
            attempts=0,
            next_attempt_at=now,
            claimed_until=None,
            claim_token="",
            failed_at=None,
            replays=F("replays") + 1,
        )
    )
    if updated != 1:
        raise Conflict(
            "This delivery is still queued; it will be sent without a replay.",
            code=rules.NOT_REPLAYABLE,
            field="delivery",
        )
    before = {"status": delivery.status, "attempts": delivery.attempts}
    delivery.refresh_from_db()
    audit.record(
        "webhook_delivery.replay",
        delivery,
        actor=actor,
        before=before,
        after={"status": delivery.status, "event_id": delivery.event_id},
    )
    kick_after_commit()
    return delivery


def on_domain_event(event: DomainEvent) -> None:
    """``core.events`` listener: queue one delivery per subscribed endpoint, in the change's
    transaction. No endpoint subscribed: nothing written (one query)."""
    types = rules.webhook_events(event.name, event.data.get("frm", ""), event.data.get("to", ""))
    if not types:
        return
    endpoints = [e for e in Endpoint.objects.all() if set(e.events) & set(types)]
    if not endpoints:
        return
    now = timezone.now()
    rows = []
    for event_type in types:
        event_id = new_event_id()
        for endpoint in endpoints:
            if event_type not in endpoint.events:
                continue
            rows.append(
                Delivery(
                    endpoint=endpoint,
                    customer_id=getattr(event.obj, "customer_id", None),
                    event_id=event_id,
                    event_type=event_type,
                    body=payloads.body(
                        event_id=event_id,
                        event_type=event_type,
                        created_at=now,
                        obj=event.obj,
                        personal=endpoint.allow_personal_data,
                        frm=event.data.get("frm", ""),
                    ),
                    next_attempt_at=now,
                )
            )
    if rows:
        Delivery.objects.bulk_create(rows)
        kick_after_commit()
