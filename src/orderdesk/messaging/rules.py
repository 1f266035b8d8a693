"""The messaging rules as code: pure functions and tables, no database writes.

- N1 lives in ``actions.enqueue_message`` (the outbox row is written in the
  caller's transaction) and ``sender`` (delivery after commit, deduplicated).
- N2: ``retry_delay`` and ``MAX_ATTEMPTS`` (conf) decide back-off and when a
  message is failed.
- N3: ``choose_channels`` (do-not-contact, WhatsApp opt-in, e-mail present) and
  ``in_calling_hours`` / ``next_calling_window`` (promotional messages wait).
- Templates: ``template_problems`` refuses unknown variables when a template is
  saved; ``render`` fills ``{{ name }}`` placeholders (nothing else: no tags,
  filters or attribute access, so an admin-edited template cannot reach code).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import re
from dataclasses import dataclass

from orderdesk.core.timeutil import IST
from orderdesk.messaging.choices import Category, Channel, DeliveryStatus, MessageStatus

# --- The delivery state machine: the one table of allowed status changes ----
TRANSITIONS: dict[str, frozenset[str]] = {
    MessageStatus.QUEUED: frozenset(
        {
            MessageStatus.SENT,
            MessageStatus.QUEUED,
            MessageStatus.HELD,
            MessageStatus.FAILED,
            MessageStatus.CANCELLED,
        }
    ),
    MessageStatus.HELD: frozenset(
        {
            MessageStatus.SENT,
            MessageStatus.QUEUED,
            MessageStatus.HELD,
            MessageStatus.FAILED,
            MessageStatus.CANCELLED,
        }
    ),
    MessageStatus.FAILED: frozenset({MessageStatus.QUEUED}),  # ops retry by hand
    MessageStatus.SENT: frozenset(),
    MessageStatus.CANCELLED: frozenset(),
}
SENDABLE = (MessageStatus.QUEUED, MessageStatus.HELD)


def sources_of(status: str) -> list[str]:
    """The statuses a message may move to ``status`` from (for conditional UPDATEs)."""
    return [src for src, targets in TRANSITIONS.items() if status in targets]


# --- N2: back-off ------------------------------------------------------------
def retry_delay(attempts: int, *, base: int, cap: int, jitter: float = 0.2) -> float:
    """N2: seconds to wait after the ``attempts``-th failed try: base·2^(n-1), capped.

    ±20 % jitter spreads the retries of a batch that failed together (a gateway
    outage) so they do not all hit the recovering gateway in the same second.
    """
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    if jitter:
        delay *= 1 + random.uniform(-jitter, jitter)
    return max(0.0, min(float(cap), delay))


# --- N3: calling hours ---------------------------------------------------------
def in_calling_hours(at: dt.datetime, hours: tuple[dt.time, dt.time]) -> bool:
    """N3/D9: is ``at`` within calling hours (start inclusive, end exclusive, IST)?"""
    local = at.astimezone(IST).time()
    start, end = hours
    return start <= local < end


def next_calling_window(at: dt.datetime, hours: tuple[dt.time, dt.time]) -> dt.datetime:
    """N3: the earliest moment at or after ``at`` inside calling hours (aware, IST)."""
    if in_calling_hours(at, hours):
        return at
    local = at.astimezone(IST)
    start = dt.datetime.combine(local.date(), hours[0], tzinfo=IST)
    return start if local < start else start + dt.timedelta(days=1)


def due_time(category: str, at: dt.datetime, hours: tuple[dt.time, dt.time]) -> dt.datetime:
    """N3: transactional messages go at ``at``; promotional ones not before calling hours."""
    if category == Category.PROMOTIONAL:
        return next_calling_window(at, hours)
    return at


# --- N3: who may be reached on which channel ----------------------------------
@dataclass(frozen=True)
class Recipient:
    phone: str
    email: str
    whatsapp_opt_in: bool
    do_not_contact: bool


# Why a channel was not used; these are stable codes (audit trail, API errors).
SKIP_DO_NOT_CONTACT = "do_not_contact"
SKIP_NO_WHATSAPP_OPT_IN = "whatsapp_not_opted_in"
SKIP_NO_EMAIL = "no_email_address"
SKIP_NO_PHONE = "no_phone_number"


def channel_refusal(
    channel: str, recipient: Recipient, *, honours_do_not_contact: bool
) -> str | None:
    """N3: the reason ``channel`` may not carry this kind to this customer, or None."""
    if honours_do_not_contact and recipient.do_not_contact:
        return SKIP_DO_NOT_CONTACT
    if channel == Channel.WHATSAPP and not recipient.whatsapp_opt_in:
        return SKIP_NO_WHATSAPP_OPT_IN
    if channel == Channel.EMAIL and not recipient.email:
        return SKIP_NO_EMAIL
    if channel in (Channel.SMS, Channel.WHATSAPP) and not recipient.phone:
        return SKIP_NO_PHONE
    return None


def choose_channels(
    default_channels: list[str], recipient: Recipient, *, honours_do_not_contact: bool
) -> tuple[list[str], dict[str, str]]:
    """N3: the kind's default channels this customer may be reached on, and why the others not."""
    chosen, skipped = [], {}
    for channel in default_channels:
        reason = channel_refusal(channel, recipient, honours_do_not_contact=honours_do_not_contact)
        if reason:
            skipped[channel] = reason
        else:
            chosen.append(channel)
    return chosen, skipped


# --- Templates -----------------------------------------------------------------
PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
VARIABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def template_variables(text: str) -> list[str]:
    """The names used as ``{{ name }}`` in ``text``, in order of first use."""
    seen: list[str] = []
    for raw in PLACEHOLDER.findall(text or ""):
        name = raw.strip()
        if name not in seen:
            seen.append(name)
    return seen


def template_problems(text: str, allowed: list[str] | set[str]) -> list[tuple[str, str]]:
    """Why ``text`` is not a valid template for a kind with ``allowed`` variables.

    Returns (code, message) pairs; empty when the template is fine.
    """
    problems = []
    for name in template_variables(text):
        if not VARIABLE_NAME.match(name):
            problems.append(
                (
                    "template_bad_placeholder",
                    f"'{{{{ {name} }}}}' is not a variable: use {{{{ name }}}} with "
                    "lower-case letters, digits and _ only (no filters, tags or dots).",
                )
            )
        elif name not in allowed:
            problems.append(
                (
                    "template_unknown_variable",
                    f"Unknown variable '{name}'. This message kind provides: "
                    f"{', '.join(sorted(allowed)) or 'no variables'}.",
                )
            )
    rest = PLACEHOLDER.sub("", text or "")
    if "{{" in rest or "}}" in rest or "{%" in rest or "%}" in rest:
        problems.append(
            (
                "template_bad_placeholder",
                "Unbalanced braces or a template tag: only {{ name }} placeholders are allowed.",
            )
        )
    return problems


def render(text: str, context: dict) -> str:
    """Fill every ``{{ name }}`` from ``context`` (validated beforehand: all names present)."""
    return PLACEHOLDER.sub(lambda m: str(context[m.group(1).strip()]), text or "")


# --- WhatsApp: delivery receipts, only forward ----------------------------------------
#: The provider's receipts as one table. ``read`` and ``failed`` are final: a "delivered"
#: that arrives after "read" (webhooks are not ordered) or after "failed" changes nothing,
#: and a replayed receipt is a move to the same state, which is not in the table either.
DELIVERY_TRANSITIONS: dict[str, frozenset[str]] = {
    DeliveryStatus.NONE: frozenset(
        {
            DeliveryStatus.SENT,
            DeliveryStatus.DELIVERED,
            DeliveryStatus.READ,
            DeliveryStatus.FAILED,
        }
    ),
    DeliveryStatus.SENT: frozenset(
        {DeliveryStatus.DELIVERED, DeliveryStatus.READ, DeliveryStatus.FAILED}
    ),
    DeliveryStatus.DELIVERED: frozenset({DeliveryStatus.READ, DeliveryStatus.FAILED}),
    DeliveryStatus.READ: frozenset(),
    DeliveryStatus.FAILED: frozenset(),
}


def delivery_sources_of(status: str) -> list[str]:
    """The receipts a message may move to ``status`` from (for the conditional UPDATE)."""
    return [src for src, targets in DELIVERY_TRANSITIONS.items() if status in targets]


def delivery_rank(status: str) -> int:
    """How far along ``status`` is: never goes down for one message."""
    return {
        DeliveryStatus.NONE: 0,
        DeliveryStatus.SENT: 1,
        DeliveryStatus.DELIVERED: 2,
        DeliveryStatus.READ: 3,
        DeliveryStatus.FAILED: 3,
    }[status]


# --- WhatsApp: the 24-hour customer-service window ------------------------------------
#: The message kind of an agent's WhatsApp reply in a conversation (seeded by migration 0004).
WHATSAPP_REPLY_KIND = "whatsapp_reply"
WINDOW_CLOSED = "whatsapp_window_closed"  # free text refused: no customer message in 24 h
OPTED_OUT = "whatsapp_opted_out"  # the latest ledger row is an opt-out


def window_open(last_inbound_at: dt.datetime | None, now: dt.datetime, *, hours: int = 24) -> bool:
    """WhatsApp's rule: free text only within ``hours`` of the customer's last message to us.

    Outside it (or before the customer ever wrote) only an approved template may be sent.
    The end is exclusive: at exactly 24 h the window is closed.
    """
    if last_inbound_at is None:
        return False
    return now - last_inbound_at < dt.timedelta(hours=hours)


def window_closes_at(last_inbound_at: dt.datetime | None, *, hours: int = 24):
    return None if last_inbound_at is None else last_inbound_at + dt.timedelta(hours=hours)


# --- WhatsApp: opt-in and opt-out keywords ----------------------------------------------
OPT_OUT_KEYWORDS = frozenset({"stop", "unsubscribe", "stop all", "band karo", "बंद करो", "बंद"})
OPT_IN_KEYWORDS = frozenset({"start", "subscribe", "shuru", "शुरू"})


def consent_keyword(text: str) -> bool | None:
    """A message that is only an opt-out keyword is an opt-out (False), an opt-in keyword
    an opt-in (True); anything else is conversation (None)."""
    word = re.sub(r"[\s.!]+", " ", (text or "").strip().lower()).strip()
    if word in OPT_OUT_KEYWORDS:
        return False
    if word in OPT_IN_KEYWORDS:
        return True
    return None


# --- WhatsApp: the webhook's signature --------------------------------------------------
def webhook_signature(body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` header Meta sends: ``sha256=`` + HMAC-SHA256(body, secret)."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def constant_time_equal(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def signature_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    """Constant-time comparison of the header with the signature of the raw body.

    No secret configured means nothing is accepted (a webhook open to anyone is not an option).
    """
    if not app_secret or not header:
        return False
    return hmac.compare_digest(webhook_signature(body, app_secret), header.strip())
