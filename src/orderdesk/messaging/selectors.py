"""Reads on messages that more than one caller needs (console, API, admin)."""

from __future__ import annotations

from django.db.models import Count

from orderdesk.messaging.choices import MessageStatus
from orderdesk.messaging.models import Message, SenderState


def failed_messages(limit: int = 200):
    """N2: what ops must look at: failed messages, newest failure first, with their error."""
    return (
        Message.objects.filter(status=MessageStatus.FAILED)
        .select_related("customer", "kind")
        .order_by("-failed_at", "-id")[:limit]
    )


def messages_for_customer(customer_id: int, limit: int = 100):
    return (
        Message.objects.filter(customer_id=customer_id)
        .select_related("kind")
        .order_by("-created_at", "-id")[:limit]
    )


def messages_for_order(number: str):
    return (
        Message.objects.filter(order_number=number)
        .select_related("kind")
        .order_by("created_at", "id")
    )


def outbox_counts() -> dict[str, int]:
    counts = dict(Message.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {status: counts.get(status, 0) for status in MessageStatus.values}


def sender_state() -> SenderState | None:
    return SenderState.objects.filter(name="sender").first()
