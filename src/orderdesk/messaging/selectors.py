"""Reads on messages that more than one caller needs (console, API, admin)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q

from orderdesk.customers.models import Customer
from orderdesk.messaging import rules
from orderdesk.messaging.choices import MessageStatus
from orderdesk.messaging.models import (
    InboundMessage,
    Message,
    MessageTemplate,
    SenderState,
    WhatsAppConsent,
)


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


# --- WhatsApp: consent, the service window, conversations -------------------------------


def consent_ledger(customer_id: int, limit: int = 50):
    """N3: a customer's WhatsApp opt-ins and opt-outs, newest first (append-only rows)."""
    return WhatsAppConsent.objects.filter(customer_id=customer_id).select_related("recorded_by")[
        :limit
    ]


def whatsapp_consent(customer) -> bool | None:
    """The customer's current WhatsApp consent: the latest ledger row decides.

    ``None``: never recorded either way (no ledger row and no opt-in on the customer,
    e.g. a customer created before the ledger existed). A customer who opted in
    before the ledger existed (``whatsapp_opt_in`` with no row) counts as opted in.
    """
    latest = (
        WhatsAppConsent.objects.filter(customer_id=customer.pk)
        .order_by("-recorded_at", "-id")
        .values_list("opted_in", flat=True)
        .first()
    )
    if latest is not None:
        return latest
    return True if customer.whatsapp_opt_in else None


def profile_name_of(phone: str) -> str:
    """The WhatsApp profile name this number last sent with ("" when none): a start for the
    name on the forms an agent opens for an unknown number."""
    return (
        InboundMessage.objects.filter(from_phone=phone)
        .exclude(profile_name="")
        .order_by("-received_at", "-id")
        .values_list("profile_name", flat=True)
        .first()
        or ""
    )


def last_inbound_at(phone: str):
    """When this number last wrote to us on WhatsApp (None: never). Opens the 24-hour window."""
    return (
        InboundMessage.objects.filter(from_phone=phone)
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first()
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a customer's messaging history, either direction."""

    at: object  # aware datetime
    direction: str  # "in" (the customer wrote) or "out" (we sent)
    channel: str
    text: str
    kind: str  # the message kind for "out", the WhatsApp type for "in"
    status: str  # outbox status (and receipt) for "out"; "received" for "in"
    error: str
    order_number: str
    message: object  # the Message or InboundMessage row


def _out_entry(m: Message) -> TimelineEntry:
    status = m.get_status_display()
    if m.delivery_status:
        status = f"{status} · {m.get_delivery_status_display()}"
    return TimelineEntry(
        at=m.sent_at or m.created_at,
        direction="out",
        channel=m.channel,
        text=m.body,
        kind=m.kind_id,
        status=status,
        error=m.delivery_error or (m.last_error if m.status in ("failed", "cancelled") else ""),
        order_number=m.order_number,
        message=m,
    )


def _in_entry(m: InboundMessage) -> TimelineEntry:
    return TimelineEntry(
        at=m.received_at,
        direction="in",
        channel="whatsapp",
        text=m.body,
        kind=m.type,
        status="received",
        error="",
        order_number="",
        message=m,
    )


def customer_timeline(customer, limit: int = 100) -> list[TimelineEntry]:
    """Everything we sent a customer and every WhatsApp message they sent us, newest first.

    For the upper layers' customer pages (leads, orders, CX): one call, both directions.
    Messages from their number before they were a customer (an unknown number that became
    a ticket or an order) are theirs too.
    """
    out = [_out_entry(m) for m in messages_for_customer(customer.pk, limit)]
    inbound = [
        _in_entry(m)
        for m in InboundMessage.objects.filter(
            Q(customer_id=customer.pk) | Q(from_phone=customer.phone)
        ).order_by("-received_at", "-id")[:limit]
    ]
    return sorted(out + inbound, key=lambda e: e.at, reverse=True)[:limit]


def conversation(phone: str, limit: int = 200) -> list[TimelineEntry]:
    """The WhatsApp conversation with one number, oldest first (the inbox's thread)."""
    out = [
        _out_entry(m)
        for m in Message.objects.filter(channel="whatsapp", recipient=phone)
        .select_related("kind")
        .order_by("-created_at", "-id")[:limit]
    ]
    inbound = [
        _in_entry(m)
        for m in InboundMessage.objects.filter(from_phone=phone).order_by("-received_at", "-id")[
            :limit
        ]
    ]
    return sorted(out + inbound, key=lambda e: e.at)[-limit:]


@dataclass(frozen=True)
class ConversationRow:
    thread_id: int  # the newest inbound message's id: the page's URL, without the phone (S2)
    phone: str
    masked_phone: str
    customer: object  # Customer or None (an unknown number)
    profile_name: str
    last_text: str
    last_at: object
    window_open: bool
    window_closes_at: object


def conversations(now, *, window_hours: int = 24, limit: int = 100) -> list[ConversationRow]:
    """The CX inbox: one row per number that wrote to us, the latest conversation first."""
    latest = (
        InboundMessage.objects.values("from_phone")
        .annotate(last=Max("received_at"))
        .order_by("-last")[:limit]
    )
    phones = [row["from_phone"] for row in latest]
    newest: dict[str, InboundMessage] = {}
    for m in (
        InboundMessage.objects.filter(from_phone__in=phones)
        .select_related("customer")
        .order_by("from_phone", "-received_at", "-id")
    ):
        newest.setdefault(m.from_phone, m)
    customers = {c.phone: c for c in Customer.objects.filter(phone__in=phones)}
    rows = []
    for row in latest:
        m = newest[row["from_phone"]]
        rows.append(
            ConversationRow(
                thread_id=m.pk,
                phone=m.from_phone,
                masked_phone=m.masked_phone,
                customer=m.customer or customers.get(m.from_phone),
                profile_name=m.profile_name,
                last_text=m.body,
                last_at=row["last"],
                window_open=rules.window_open(row["last"], now, hours=window_hours),
                window_closes_at=rules.window_closes_at(row["last"], hours=window_hours),
            )
        )
    return rows


def whatsapp_templates(language: str | None = None):
    """The approved WhatsApp templates an agent may send outside the window."""
    qs = MessageTemplate.objects.exclude(whatsapp_template_name="").select_related("kind")
    if language:
        qs = qs.filter(language=language)
    return qs.order_by("kind__key", "language")
