"""The WhatsApp webhook's events: stored as received, processed by the worker.

1. **Store** (``store_event``, in the web request): the raw body of a POST whose
   ``X-Hub-Signature-256`` is right, as one ``WebhookEvent`` row; the same body
   twice (Meta retries until it gets a 200) is the same row (unique SHA-256).
   The worker is woken after commit.
2. **Process** (``process_pending_events``, in the worker, and in every message
   sweep as a safety net): each pending event is locked, its ``statuses`` and
   ``messages`` applied, and it is marked processed in the same transaction.
   Everything it does is idempotent, so a replayed or re-processed event is
   harmless:

   - a **status** (``sent``/``delivered``/``read``/``failed``) moves the outbox row
     with that provider message id forward only, with a conditional
     ``UPDATE … WHERE delivery_status IN (sources)`` (``rules.DELIVERY_TRANSITIONS``);
     a late or repeated receipt touches no row;
   - an inbound **message** is inserted once (unique ``provider_message_id``) and
     matched to the customer by phone; a bare ``STOP``/``START`` is an opt-out/in
     in the consent ledger (only on first insert, so a replay appends nothing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from orderdesk.core import audit
from orderdesk.core.context import acting_as
from orderdesk.core.periodic import prune_finished_tasks
from orderdesk.core.phones import normalise_phone
from orderdesk.customers.models import Customer
from orderdesk.messaging import rules
from orderdesk.messaging.actions import record_whatsapp_consent
from orderdesk.messaging.choices import ConsentSource, DeliveryStatus, WebhookEventState
from orderdesk.messaging.conf import conf
from orderdesk.messaging.models import InboundMessage, Message, WebhookEvent
from orderdesk.messaging.tasks import QUEUE

logger = logging.getLogger(__name__)


def store_event(body: bytes, *, now: dt.datetime | None = None) -> tuple[WebhookEvent, bool]:
    """Step 1: keep the signed body as received. Returns (event, created)."""
    digest = hashlib.sha256(body).hexdigest()
    text = body.decode("utf-8", errors="replace")
    existing = WebhookEvent.objects.filter(body_sha256=digest).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                body=text, body_sha256=digest, received_at=now or timezone.now()
            )
            transaction.on_commit(process_whatsapp_events.enqueue, robust=True)
    except IntegrityError:  # the same body arrived twice at once: the first one stands
        return WebhookEvent.objects.get(body_sha256=digest), False
    return event, True


def _timestamp(value) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return timezone.now()


def apply_status(status: dict) -> bool:
    """One receipt: move the message forward if the table allows. True if a row changed."""
    new = status.get("status")
    if new not in (
        DeliveryStatus.SENT,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.READ,
        DeliveryStatus.FAILED,
    ):
        return False  # "deleted", "warning" and future kinds: ignored, not an error
    error = ""
    if new == DeliveryStatus.FAILED:
        errors = status.get("errors") or [{}]
        first = errors[0] if isinstance(errors[0], dict) else {}
        detail = (first.get("error_data") or {}).get("details") or first.get("message") or ""
        error = f"{first.get('code', '?')}: {first.get('title', 'failed')}"
        if detail and detail != first.get("title"):
            error += f" ({detail})"
    updated = (
        Message.objects.filter(
            provider_message_id=str(status.get("id", "")),
            delivery_status__in=rules.delivery_sources_of(new),
        )
        .exclude(provider_message_id="")
        .update(
            delivery_status=new,
            delivery_status_at=_timestamp(status.get("timestamp")),
            delivery_error=error[:500],
        )
    )
    return updated > 0


def _phone(wa_id: str) -> str:
    try:
        return normalise_phone("+" + str(wa_id).lstrip("+"))
    except Exception:  # a number phonenumbers cannot read: keep it as given, still unique
        return ("+" + str(wa_id).lstrip("+"))[:16]


def _text_of(message: dict) -> str:
    kind = message.get("type", "text")
    if kind == "text":
        return str((message.get("text") or {}).get("body", ""))
    if kind == "button":
        return str((message.get("button") or {}).get("text", ""))
    if kind == "interactive":
        reply = message.get("interactive") or {}
        chosen = reply.get("button_reply") or reply.get("list_reply") or {}
        return str(chosen.get("title", ""))
    caption = (
        (message.get(kind) or {}).get("caption", "") if isinstance(message.get(kind), dict) else ""
    )
    return f"[{kind}] {caption}".strip()


def store_inbound(message: dict, profiles: dict, event: WebhookEvent | None) -> bool:
    """One customer message: stored once; a STOP/START is a ledger row. True if new."""
    wamid = str(message.get("id", ""))
    if not wamid:
        return False
    phone = _phone(message.get("from", ""))
    customer = Customer.objects.filter(phone=phone).first()
    text = _text_of(message)
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                provider_message_id=wamid,
                from_phone=phone,
                customer=customer,
                profile_name=str(profiles.get(message.get("from"), ""))[:120],
                type=str(message.get("type", "text"))[:20],
                body=text,
                received_at=_timestamp(message.get("timestamp")),
                event=event,
            )
    except IntegrityError:
        return False  # a replay: stored the first time
    wanted = rules.consent_keyword(text) if inbound.type == "text" else None
    if customer is not None and wanted is not None:
        record_whatsapp_consent(
            customer,
            opted_in=wanted,
            source=ConsentSource.CUSTOMER_KEYWORD,
            evidence=f"{text[:40]} ({wamid})",
            now=inbound.received_at,
        )
    return True


def process_event(event: WebhookEvent) -> dict:
    """Step 2 for one event (call inside a transaction holding the event's row lock)."""
    try:
        payload = json.loads(event.body)
        entries = payload["entry"]
        assert isinstance(entries, list)
    except (ValueError, KeyError, TypeError, AssertionError):
        return {"rejected": "not a WhatsApp webhook payload"}
    counts = {"statuses": 0, "status_changes": 0, "messages": 0, "new_messages": 0}
    for entry in entries:
        for change in (entry or {}).get("changes", []) or []:
            value = (change or {}).get("value") or {}
            profiles = {
                c.get("wa_id"): (c.get("profile") or {}).get("name", "")
                for c in value.get("contacts", []) or []
                if isinstance(c, dict)
            }
            for status in value.get("statuses", []) or []:
                if isinstance(status, dict):
                    counts["statuses"] += 1
                    counts["status_changes"] += apply_status(status)
            for message in value.get("messages", []) or []:
                if isinstance(message, dict):
                    counts["messages"] += 1
                    counts["new_messages"] += store_inbound(message, profiles, event)
    return counts


def process_pending_events(*, limit: int = 100) -> int:
    """Process up to ``limit`` stored events, oldest first. Returns how many were processed.

    Each event in its own transaction with its row locked, so two workers never apply
    the same event at once (and if they did, every step is idempotent anyway).
    """
    done = 0
    ids = list(
        WebhookEvent.objects.filter(state=WebhookEventState.PENDING)
        .order_by("received_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    for event_id in ids:
        with transaction.atomic():
            event = (
                WebhookEvent.objects.select_for_update()
                .filter(pk=event_id, state=WebhookEventState.PENDING)
                .first()
            )
            if event is None:
                continue  # another worker took it
            result = process_event(event)
            event.state = (
                WebhookEventState.REJECTED if "rejected" in result else WebhookEventState.PROCESSED
            )
            event.processed_at = timezone.now()
            event.result = result
            event.save(update_fields=["state", "processed_at", "result"])
            audit.record("whatsapp.webhook_processed", event, after=result)
            done += 1
    return done


def prune_processed_events(*, now: dt.datetime | None = None) -> int:
    """S4: raw bodies carry numbers and words; once applied they are kept only
    ``WHATSAPP_EVENT_RETENTION_DAYS`` (the inbound messages and receipts they produced stay)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=conf().whatsapp_event_retention_days)
    deleted, _ = (
        WebhookEvent.objects.exclude(state=WebhookEventState.PENDING)
        .filter(received_at__lt=cutoff)
        .delete()
    )
    return deleted


@task(queue_name=QUEUE)
def process_whatsapp_events() -> dict:
    """The worker's step 2, woken by each stored event; the message sweep repeats it
    (``tasks.SWEEP_HOOKS``) so an event whose task was lost with a worker is still applied."""
    with acting_as(None, via="worker"):
        done = process_pending_events()
    if done == 100:
        process_whatsapp_events.enqueue()
    return {"processed": done}


def process_pending_quietly() -> None:
    """The sweep's hook: a failure here must not stop the message sweep."""
    try:
        process_pending_events()
        prune_processed_events()
        prune_finished_tasks(process_whatsapp_events)
    except Exception:  # logged; the next sweep tries again
        logger.exception("processing stored WhatsApp events failed")
