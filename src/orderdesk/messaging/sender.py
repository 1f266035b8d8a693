"""The sender: claims due outbox rows, hands each to its provider, records the result.

One batch (``deliver_batch``), as any number of senders run it at once:

1. **Claim**. On PostgreSQL one statement, ``UPDATE … WHERE id IN (SELECT … FOR
   UPDATE SKIP LOCKED LIMIT BATCH_SIZE) RETURNING id``: up to ``BATCH_SIZE`` due rows —
   queued or held, ``next_attempt_at`` passed, no live lease — get a fresh
   ``claim_token`` and ``claimed_until = now + LEASE_SECONDS``; concurrent senders take
   disjoint rows without waiting on each other. SQLite has no SKIP LOCKED; there one
   short IMMEDIATE transaction selects the ids and a conditional ``UPDATE … WHERE``
   that repeats the due-and-unleased test decides (claimers are serialised). The
   claimed rows are then read once, with their customer and kind.
   A sender that dies (SIGKILL, OOM, power) simply stops renewing; its lease
   expires and another sender claims the rows again.
2. **Deliver** each claimed row outside any transaction (a gateway can take
   seconds): re-check preferences and calling hours, renew the lease if it runs
   short, call the adapter with the row's ``provider_key``.
3. **Record** with a conditional ``UPDATE … WHERE id = … AND claim_token = mine``
   and the transition table's source states: if the lease was lost meanwhile the
   update touches no row and the other sender's result stands.

Delivery to the adapter is therefore at least once (a crash between 2 and 3
repeats one message); the provider's de-duplication on ``provider_key`` makes it
exactly once at the provider.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from orderdesk.core import audit, outbox
from orderdesk.messaging import rules, selectors
from orderdesk.messaging.choices import Channel, MessageStatus
from orderdesk.messaging.conf import MessagingConf, conf
from orderdesk.messaging.models import Message
from orderdesk.messaging.providers import Outgoing, ProviderError, provider_for

logger = logging.getLogger(__name__)


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    held: int = 0
    cancelled: int = 0
    lost: int = 0  # results not recorded because our lease had been taken over
    batches: int = 0
    more_due: bool = False
    wake_ups: list = field(default_factory=list)

    def add(self, other: SendReport) -> None:
        for name in (
            "claimed",
            "sent",
            "retried",
            "failed",
            "held",
            "cancelled",
            "lost",
            "batches",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.more_due = other.more_due

    def as_dict(self) -> dict:
        return {
            k: getattr(self, k)
            for k in (
                "claimed",
                "sent",
                "retried",
                "failed",
                "held",
                "cancelled",
                "lost",
                "batches",
            )
        }


def due_messages(now: dt.datetime):
    return outbox.due(Message, now, rules.SENDABLE)


@contextlib.contextmanager
def _async_commits():
    """While the sender runs, on PostgreSQL its own statements (a claim, a result) commit
    without waiting for the WAL flush: ``synchronous_commit = off`` on this connection, put
    back as it was afterwards (each result is its own autocommit statement, and a flush per
    message was most of a message's cost). A sender process killed after a commit loses
    nothing: the server has it. Only a crash of the database server itself within its WAL
    writer's delay (about 0.2 s) can forget the latest results; those messages are claimed
    again when their lease runs out and resent under the same key, which the provider
    de-duplicates: the contract of a sender crash between send and record. Inside a
    caller's transaction it changes nothing: the caller's commit decides."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('synchronous_commit'), "
            "set_config('synchronous_commit', 'off', false)"
        )
        [(before, _)] = cursor.fetchall()
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('synchronous_commit', %s, false)", [before])
        except DatabaseError:  # the connection broke: the setting went with its session
            logger.warning("could not restore synchronous_commit on a broken connection")


def _claim_ids(token: str, now: dt.datetime, *, limit: int, lease_seconds: int) -> list[int]:
    # The claim every outbox shares (core.outbox: SKIP LOCKED on PostgreSQL, a conditional
    # UPDATE in an IMMEDIATE transaction on SQLite).
    return outbox.claim_ids(
        Message,
        token=token,
        now=now,
        limit=limit,
        lease_seconds=lease_seconds,
        statuses=rules.SENDABLE,
    )


def claim_batch(*, limit: int, lease_seconds: int) -> tuple[str, list[Message]]:
    """Step 1: lease up to ``limit`` due messages to this sender. Returns (token, rows)."""
    token = uuid.uuid4().hex
    ids = _claim_ids(token, timezone.now(), limit=limit, lease_seconds=lease_seconds)
    if not ids:
        return token, []
    rows = list(
        Message.objects.filter(id__in=ids, claim_token=token)
        .select_related("customer", "kind")
        .order_by("next_attempt_at", "id")
    )
    return token, rows


def _move(message: Message, token: str, to: str, **fields) -> bool:
    """Step 3: the one place the sender changes a status: conditional on our claim and
    on the transition table, so a lost lease or a concurrent change is never overwritten."""
    updated = Message.objects.filter(
        pk=message.pk, claim_token=token, status__in=rules.sources_of(to)
    ).update(status=to, claim_token="", claimed_until=None, updated_at=timezone.now(), **fields)
    return updated == 1


def _whatsapp_refusal(message: Message, c: MessagingConf, now: dt.datetime) -> str | None:
    """WhatsApp's own rules at send time (docs/whatsapp.md).

    - A conversation reply (kind ``whatsapp_reply``) needs no prior opt-in, only no
      opt-out in the ledger: the customer wrote to us first.
    - Free text (no approved template) only within the 24-hour window of the customer's
      last message. Enforced for every free-text WhatsApp message through the Cloud API,
      and for conversation replies whatever the provider (the demo's file gateway too).
    """
    is_reply = message.kind_id == rules.WHATSAPP_REPLY_KIND
    if is_reply and selectors.whatsapp_consent(message.customer) is False:
        return rules.OPTED_OUT
    if message.whatsapp_template:
        return None
    if is_reply or c.whatsapp_provider == "cloud":
        last = selectors.last_inbound_at(message.recipient)
        if not rules.window_open(last, now, hours=c.whatsapp_window_hours):
            return rules.WINDOW_CLOSED
    return None


def _preference_refusal(message: Message) -> str | None:
    """N3 again at send time: the customer may have opted out since the message was queued."""
    customer = message.customer
    if message.kind_id == rules.WHATSAPP_REPLY_KIND:
        return None  # a reply's consent is the ledger's (_whatsapp_refusal)
    recipient = rules.Recipient(
        phone=customer.phone,
        email=customer.email,
        whatsapp_opt_in=customer.whatsapp_opt_in,
        do_not_contact=customer.do_not_contact,
    )
    reason = rules.channel_refusal(
        message.channel, recipient, honours_do_not_contact=message.kind.respects_do_not_contact
    )
    # An e-mail queued to an address since changed still goes to the address it was written for.
    return None if reason == rules.SKIP_NO_EMAIL and message.channel == Channel.EMAIL else reason


def deliver_one(message: Message, token: str, c: MessagingConf, report: SendReport) -> None:
    """Step 2 and 3 for one claimed message."""
    now = timezone.now()
    refusal = _preference_refusal(message)
    if not refusal and message.channel == Channel.WHATSAPP:
        refusal = _whatsapp_refusal(message, c, now)
    if refusal:
        if _move(message, token, MessageStatus.CANCELLED, last_error=f"not sent: {refusal}"):
            report.cancelled += 1
        return
    if message.kind.is_promotional and not rules.in_calling_hours(now, c.calling_hours):
        at = rules.next_calling_window(now, c.calling_hours)
        if _move(message, token, MessageStatus.HELD, next_attempt_at=at):
            report.held += 1
            report.wake_ups.append(at)
        return

    outgoing = Outgoing(
        key=message.provider_key,
        channel=message.channel,
        to=message.recipient,
        subject=message.subject,
        body=message.body,
        language=message.language,
        dlt_template_id=message.dlt_template_id,
        dlt_entity_id=c.sms_dlt_entity_id if message.channel == Channel.SMS else "",
        whatsapp_template=message.whatsapp_template,
        template_params=list(message.template_params or []),
    )
    try:
        provider = provider_for(message.channel, c)
        provider_id = provider.send(outgoing)
    except ProviderError as exc:
        _record_failure(message, token, c, report, str(exc), retryable=exc.retryable)
        return
    except Exception as exc:  # an adapter bug must not stop the batch; retried like an outage
        logger.exception("provider crashed on message %s", message.pk)
        _record_failure(message, token, c, report, f"{type(exc).__name__}: {exc}", retryable=True)
        return
    if _move(
        message,
        token,
        MessageStatus.SENT,
        attempts=F("attempts") + 1,
        sent_at=timezone.now(),
        provider=provider.name,
        provider_message_id=provider_id[:200],
        last_error="",
    ):
        report.sent += 1
    else:
        report.lost += 1
        logger.warning(
            "message %s sent but our lease was taken over; the provider de-duplicates", message.pk
        )


def _record_failure(
    message: Message,
    token: str,
    c: MessagingConf,
    report: SendReport,
    error: str,
    *,
    retryable: bool,
) -> None:
    """N2: back off and retry, or fail for good after the last try (visible to ops)."""
    now = timezone.now()
    tries = message.attempts + 1
    error = error[:2000]
    if retryable and tries < c.max_attempts:
        delay = rules.retry_delay(tries, base=c.retry_base, cap=c.retry_max)
        at = now + dt.timedelta(seconds=delay)
        if message.kind.is_promotional:
            at = rules.next_calling_window(at, c.calling_hours)
        if _move(
            message,
            token,
            MessageStatus.QUEUED,
            attempts=F("attempts") + 1,
            next_attempt_at=at,
            last_error=f"try {tries}: {error}",
        ):
            report.retried += 1
            report.wake_ups.append(at)
        else:
            report.lost += 1
        return
    with transaction.atomic():
        why = f"try {tries} of {c.max_attempts}" if retryable else "refused by the provider"
        if _move(
            message,
            token,
            MessageStatus.FAILED,
            attempts=F("attempts") + 1,
            failed_at=now,
            last_error=f"{why}: {error}",
        ):
            audit.record(
                "message.fail",
                message,
                before={"status": message.status, "attempts": message.attempts},
                after={"status": MessageStatus.FAILED, "attempts": tries, "error": error[:500]},
            )
            report.failed += 1
        else:
            report.lost += 1


def deliver_batch(c: MessagingConf | None = None) -> SendReport:
    """Claim one batch and deliver it."""
    with _async_commits():
        return _deliver_batch(c or conf())


def _deliver_batch(c: MessagingConf) -> SendReport:
    report = SendReport(batches=1)
    token, batch = claim_batch(limit=c.batch_size, lease_seconds=c.lease_seconds)
    report.claimed = len(batch)
    report.more_due = len(batch) == c.batch_size
    lease_until = timezone.now() + dt.timedelta(seconds=c.lease_seconds)
    for message in batch:
        # Renew the lease before it could lapse during this send (a hanging gateway
        # times out after GATEWAY_TIMEOUT_SECONDS), so no other sender takes rows we still hold.
        if (lease_until - timezone.now()).total_seconds() < c.gateway_timeout + 5:
            lease_until = timezone.now() + dt.timedelta(seconds=c.lease_seconds)
            Message.objects.filter(claim_token=token, status__in=rules.SENDABLE).update(
                claimed_until=lease_until
            )
        deliver_one(message, token, c, report)
    return report


def deliver_due(*, time_budget: float | None = None, should_stop=None) -> SendReport:
    """Deliver batches until nothing is due, ``time_budget`` seconds pass, or ``should_stop()``."""
    c = conf()
    total = SendReport()
    started = time.monotonic()
    while True:
        report = deliver_batch(c)
        total.add(report)
        total.wake_ups.extend(report.wake_ups)
        if report.claimed == 0 or not report.more_due:
            total.more_due = False
            break
        if should_stop and should_stop():
            break
        if time_budget is not None and time.monotonic() - started > time_budget:
            total.more_due = True
            break
    return total
