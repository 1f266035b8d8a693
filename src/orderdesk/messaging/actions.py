"""Every write on messages. Other apps call ``enqueue_message``; ops call ``retry_message``.

The public interface
--------------------

``enqueue_message(*, customer, kind, context, order=None, channels=None, dedupe_key=None) -> list[Message]``

Call it **inside your own** ``transaction.atomic()``, in the same transaction as
the change the message is about (N1): the outbox rows commit or roll back with
your change, and the sender is woken only after commit. It writes one row per
channel and returns them (an empty list when preferences leave no channel).

- ``kind``: a ``MessageKind.key`` (``order_confirmation``, ``pickup_scheduled``…).
  Whether it is transactional or promotional is data on the kind.
- ``context``: the kind's variables (``MessageKind.variables``: the values every
  caller of that kind supplies; templates may use only these). ``customer_name``
  is filled from the customer and ``order_number`` from ``order`` when you leave
  them out; with an order, ``tracking_url`` is always the customer's signed link to
  it (``messaging.links``). A variable the chosen template uses but the context lacks (or leaves
  blank) is refused (``template_variable_missing``, field ``context.<name>``);
  extra keys are ignored.
- ``order``: an ``orders.Order`` or an order number. Stored as the FK and the
  canonical ``order_number``; ``GET /api/v1/orders/{number}/messages`` lists them.
- ``channels=None``: the kind's default channels filtered by the customer's
  preferences (N3): SMS unless do-not-contact applies to the kind (promotional
  kinds and kinds with ``honours_do_not_contact``), WhatsApp only with
  ``whatsapp_opt_in``, e-mail only when the customer has an address.
  Naming channels that the preferences forbid is refused (409 with the reason:
  ``do_not_contact``, ``whatsapp_not_opted_in``, ``no_email_address``).
- ``dedupe_key``: the same key never makes a second row (unique per channel in
  the database). Calling again with it returns the rows the first call wrote;
  reusing it for another customer or kind is refused (``dedupe_key_reused``).
  Derive it from what makes the message unique, e.g. ``f"order:{number}:confirmed"``.

Audit: one ``message.enqueue`` event per call (not per row) listing the rows
written and the channels skipped with their reasons.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from orderdesk.core import audit
from orderdesk.core.errors import Conflict, ValidationFailed
from orderdesk.customers.choices import Language
from orderdesk.messaging import rules
from orderdesk.messaging.choices import Channel, MessageStatus
from orderdesk.messaging.conf import conf
from orderdesk.messaging.links import tracking_url
from orderdesk.messaging.models import Message, MessageKind, MessageTemplate
from orderdesk.messaging.tasks import kick_after_commit


def canonical_number(typed: str) -> str:
    """``od-7k4m 9qxr`` → ``OD7K4M9QXR`` (the orders app's canonical form, M7)."""
    return re.sub(r"[\s\-]", "", typed or "").upper()


def _order_and_number(order) -> tuple[object | None, str]:
    if order is None:
        return None, ""
    if isinstance(order, str):
        number = canonical_number(order)
        from orderdesk.orders.models import Order

        return Order.objects.filter(number=number).first(), number
    return order, str(order.number)


def _recipient(customer) -> rules.Recipient:
    return rules.Recipient(
        phone=customer.phone,
        email=customer.email,
        whatsapp_opt_in=customer.whatsapp_opt_in,
        do_not_contact=customer.do_not_contact,
    )


def _template_for(kind: MessageKind, language: str, channel: str, cache: dict) -> MessageTemplate:
    """The customer's language for this channel, then for any channel, then English."""
    if "all" not in cache:
        cache["all"] = {(t.language, t.channel): t for t in kind.templates.all()}
    templates = cache["all"]
    for key in (
        (language, channel),
        (language, ""),
        (Language.ENGLISH, channel),
        (Language.ENGLISH, ""),
    ):
        if key in templates:
            return templates[key]
    raise ValidationFailed(
        f"Message kind {kind.key!r} has no template for {channel} in {language} or English.",
        code="template_missing",
        field="kind",
    )


def _check_context(kind: MessageKind, template: MessageTemplate, full: dict) -> None:
    """Every variable the chosen template uses must be given (and not blank).

    Extra context keys are ignored: callers may pass the kind's whole variable
    set, and an admin may then use any of them in a template.
    """
    for name in rules.template_variables(template.subject) + rules.template_variables(
        template.body
    ):
        if full.get(name) in (None, ""):
            raise ValidationFailed(
                f"The {kind.key} message ({template.language}) needs the variable {name!r}.",
                code="template_variable_missing",
                field=f"context.{name}",
            )


@transaction.atomic
def enqueue_message(
    *,
    customer,
    kind: str,
    context: dict,
    order=None,
    channels: list[str] | None = None,
    dedupe_key: str | None = None,
) -> list[Message]:
    """N1: write the outbox rows for ``kind`` to ``customer`` in the caller's transaction.

    Preconditions: called inside the caller's ``transaction.atomic()`` (this
    function's own atomic block is then a savepoint of it).
    Steps: 1. resolve the kind and check the variables; 2. a repeated
    ``dedupe_key`` returns the first call's rows; 3. choose the channels (N3);
    4. render each channel's template in the customer's language; 5. insert the
    rows (queued, or held until calling hours for promotional kinds); 6. audit
    once; 7. wake the sender after commit.
    """
    message_kind = MessageKind.objects.filter(key=kind).first()
    if message_kind is None:
        raise ValidationFailed(
            f"There is no message kind {kind!r}.", code="unknown_message_kind", field="kind"
        )
    context = dict(context or {})
    order, order_number = _order_and_number(order)
    auto = {"customer_name": customer.name}
    if order_number:
        auto["order_number"] = order_number
    # Every message about an order carries the customer's own signed link to it.
    linked = order_number or canonical_number(str(context.get("order_number") or ""))
    if linked:
        auto["tracking_url"] = tracking_url(linked)
    full = auto | context
    dedupe_key = (dedupe_key or "").strip() or None

    if dedupe_key:
        existing = list(Message.objects.filter(dedupe_key=dedupe_key).order_by("id"))
        if existing:
            if any(m.customer_id != customer.pk or m.kind_id != message_kind.key for m in existing):
                raise Conflict(
                    "This dedupe key was already used for another customer or message kind.",
                    code="dedupe_key_reused",
                    field="dedupe_key",
                )
            return existing

    recipient = _recipient(customer)
    respects_dnc = message_kind.respects_do_not_contact
    if channels is None:
        chosen, skipped = rules.choose_channels(
            list(message_kind.default_channels), recipient, honours_do_not_contact=respects_dnc
        )
    else:
        chosen, skipped = [], {}
        for channel in channels:
            if channel not in Channel.values:
                raise ValidationFailed(
                    f"{channel!r} is not a channel ({', '.join(Channel.values)}).",
                    code="unknown_channel",
                    field="channels",
                )
            reason = rules.channel_refusal(channel, recipient, honours_do_not_contact=respects_dnc)
            if reason:
                raise Conflict(
                    f"Cannot send {message_kind.key} by {channel} to this customer: {reason.replace('_', ' ')}.",
                    code=reason,
                    field="channels",
                )
            if channel not in chosen:
                chosen.append(channel)

    c = conf()
    now = timezone.now()
    due = rules.due_time(message_kind.category, now, c.calling_hours)
    status = MessageStatus.HELD if due > now else MessageStatus.QUEUED
    cache: dict = {}
    prepared = []
    for channel in chosen:  # render everything before the first insert: a refusal writes nothing
        template = _template_for(message_kind, customer.language, channel, cache)
        _check_context(message_kind, template, full)
        subject = rules.render(template.subject or message_kind.name, full)
        body = rules.render(template.body, full)
        to = customer.email if channel == Channel.EMAIL else customer.phone
        prepared.append((channel, template.language, to, subject, body))

    messages = []
    for channel, language, to, subject, body in prepared:
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    customer=customer,
                    kind=message_kind,
                    order=order,
                    order_number=order_number,
                    channel=channel,
                    language=language,
                    recipient=to,
                    subject=subject if channel == Channel.EMAIL else "",
                    body=body,
                    status=status,
                    dedupe_key=dedupe_key,
                    next_attempt_at=due,
                )
        except IntegrityError:
            # A concurrent call with the same dedupe key committed first: its row stands.
            message = Message.objects.get(dedupe_key=dedupe_key, channel=channel)
        messages.append(message)

    audit.record(
        "message.enqueue",
        messages[0] if messages else customer,
        after={
            "kind": message_kind.key,
            "customer": customer.pk,
            "order_number": order_number,
            "messages": [{"id": m.pk, "channel": m.channel, "status": m.status} for m in messages],
            "skipped": skipped,
            "dedupe_key": dedupe_key,
        },
    )
    if messages:
        kick_after_commit(at=due if status == MessageStatus.HELD else None)
    return messages


@transaction.atomic
def retry_message(message: Message) -> Message:
    """N2: ops send a failed message again, with a fresh set of tries. Only ``failed`` messages."""
    current = Message.objects.select_for_update().get(pk=message.pk)
    if MessageStatus.QUEUED not in rules.TRANSITIONS[current.status]:
        raise Conflict(
            f"Only a failed message can be retried; this one is {current.get_status_display().lower()}.",
            code="message_not_failed",
            field="status",
        )
    now = timezone.now()
    before = {
        "status": current.status,
        "attempts": current.attempts,
        "last_error": current.last_error[:500],
    }
    updated = (
        Message.objects.filter(pk=current.pk, status__in=rules.sources_of(MessageStatus.QUEUED))
        .filter(status=current.status)
        .update(
            status=MessageStatus.QUEUED,
            attempts=0,
            next_attempt_at=now,
            failed_at=None,
            claim_token="",
            claimed_until=None,
            updated_at=now,
        )
    )
    assert updated == 1  # we hold the row lock
    current.refresh_from_db()
    audit.record(
        "message.retry", current, before=before, after={"status": current.status, "attempts": 0}
    )
    kick_after_commit()
    return current
