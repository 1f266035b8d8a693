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
from django.db.models import Q
from django.utils import timezone

from orderdesk.accounts.permissions import Perm, require
from orderdesk.core import audit
from orderdesk.core.errors import Conflict, ValidationFailed
from orderdesk.core.language import english
from orderdesk.customers.actions import update_preferences
from orderdesk.customers.choices import Language
from orderdesk.customers.models import Customer
from orderdesk.messaging import rules, selectors
from orderdesk.messaging.choices import Channel, ConsentSource, MessageStatus, WebhookEventState
from orderdesk.messaging.conf import conf
from orderdesk.messaging.links import tracking_url
from orderdesk.messaging.models import (
    InboundMessage,
    Message,
    MessageKind,
    MessageTemplate,
    WebhookEvent,
    WhatsAppConsent,
)
from orderdesk.messaging.tasks import kick_after_commit


def canonical_number(typed: str) -> str:
    """``od-7k4m 9qxr`` → ``OD7K4M9QXR`` (the orders app's canonical form, M7)."""
    return re.sub(r"[\s\-]", "", typed or "").upper()


def _order_and_number(order) -> tuple[object | None, str]:
    if order is None:
        return None, ""
    if isinstance(order, str):
        number = canonical_number(order)
        # The outbox's ``order`` is a lazy foreign key to orders.Order (an app above
        # messaging): reach the table through the field, never an import.
        orders = Message._meta.get_field("order").related_model
        return orders.objects.filter(number=number).first(), number
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
        provider_fields = {}
        if channel == Channel.SMS:
            provider_fields["dlt_template_id"] = template.dlt_template_id
        if channel == Channel.WHATSAPP and template.whatsapp_template_name:
            provider_fields["whatsapp_template"] = template.whatsapp_template_name
            # The approved template's {{1}}, {{2}}… are the body's variables in order.
            provider_fields["template_params"] = [
                str(full[name]) for name in rules.template_variables(template.body)
            ]
        prepared.append((channel, template.language, to, subject, body, provider_fields))

    # The refusals above write nothing, so no savepoint is needed for them: the writes
    # join the caller's transaction (one is opened when there is none). A failed insert
    # fails the caller's transaction with them (N1: the order and its message commit
    # together or not at all).
    with transaction.atomic(savepoint=False):
        messages = []
        for channel, language, to, subject, body, provider_fields in prepared:
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
                        **provider_fields,
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
                "messages": [
                    {"id": m.pk, "channel": m.channel, "status": m.status} for m in messages
                ],
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
            f"Only a failed message can be retried; this one is {english(MessageStatus(current.status).label).lower()}.",
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


# --- WhatsApp: the consent ledger and conversation replies ------------------------------


@transaction.atomic
def record_whatsapp_consent(
    customer,
    *,
    opted_in: bool,
    source: str,
    evidence: str = "",
    recorded_by=None,
    now=None,
) -> WhatsAppConsent:
    """N3: append one opt-in or opt-out to the ledger and make it the customer's state.

    Steps: 1. append the row; 2. set ``Customer.whatsapp_opt_in`` through
    ``customers.update_preferences`` (audited there), whose hook sees the ledger
    already agrees and adds nothing; 3. on an opt-out, cancel the customer's WhatsApp
    messages still waiting in the outbox (the sender would refuse them anyway; this
    makes it visible at once); 4. audit.
    """
    if source not in ConsentSource.values:
        raise ValidationFailed(
            f"{source!r} is not a consent source.", code="unknown_consent_source", field="source"
        )
    now = now or timezone.now()
    row = WhatsAppConsent.objects.create(
        customer=customer,
        opted_in=opted_in,
        source=source,
        evidence=(evidence or "")[:300],
        recorded_by=recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
        recorded_at=now,
    )
    if customer.whatsapp_opt_in != opted_in:
        update_preferences(customer, whatsapp_opt_in=opted_in)
        customer.whatsapp_opt_in = opted_in
    cancelled = 0
    if not opted_in:
        cancelled = Message.objects.filter(
            customer=customer, channel=Channel.WHATSAPP, status__in=rules.SENDABLE
        ).update(
            status=MessageStatus.CANCELLED,
            last_error=f"not sent: {rules.OPTED_OUT}",
            claim_token="",
            claimed_until=None,
            updated_at=now,
        )
    audit.record(
        "whatsapp.opt_in" if opted_in else "whatsapp.opt_out",
        row,
        after={
            "customer": customer.pk,
            "opted_in": opted_in,
            "source": source,
            "cancelled_messages": cancelled,
        },
        actor=recorded_by,
    )
    return row


def consent_from_preferences(customer, before: dict, after: dict) -> None:
    """The preference hook (registered in ``MessagingConfig.ready``): a ``whatsapp_opt_in``
    changed through ``customers.update_preferences`` (API, console, admin) becomes a ledger
    row, unless the ledger already says so (``record_whatsapp_consent`` wrote it first)."""
    value = after.get("whatsapp_opt_in")
    if value == before.get("whatsapp_opt_in"):
        return
    latest = (
        WhatsAppConsent.objects.filter(customer_id=customer.pk)
        .order_by("-recorded_at", "-id")
        .values_list("opted_in", flat=True)
        .first()
    )
    if latest is value:
        return
    WhatsAppConsent.objects.create(
        customer=customer,
        opted_in=bool(value),
        source=ConsentSource.PREFERENCES,
        recorded_at=timezone.now(),
    )


def _reply_kind() -> MessageKind:
    kind = MessageKind.objects.filter(key=rules.WHATSAPP_REPLY_KIND).first()
    if kind is None:  # pragma: no cover - seeded by migration 0004
        raise ValidationFailed(
            "The whatsapp_reply message kind is missing.", code="unknown_message_kind"
        )
    return kind


def _conversation_customer(phone: str):
    customer = Customer.objects.filter(phone=phone).first()
    if customer is None:
        raise Conflict(
            "This number is not a customer yet: start a lead or a ticket for it first.",
            code="whatsapp_unknown_number",
            field="phone",
        )
    return customer


@transaction.atomic
def send_whatsapp_reply(*, phone: str, text: str, sent_by, now=None) -> Message:
    """An agent's free-text WhatsApp reply in a conversation (the CX inbox).

    Refused, with nothing written, when: the text is blank (``required``); the number is
    not a customer (``whatsapp_unknown_number``); the customer's latest ledger row is an
    opt-out (``whatsapp_opted_out``); the customer's last message is 24 hours old or more
    (``whatsapp_window_closed``: send an approved template instead).
    """
    require(sent_by, Perm.WHATSAPP_INBOX)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("Write the reply first.", code="required", field="text")
    if len(text) > 4096:  # the Cloud API's limit for a text body
        raise ValidationFailed(
            "A WhatsApp message is at most 4,096 characters.", code="too_long", field="text"
        )
    now = now or timezone.now()
    customer = _conversation_customer(phone)
    if selectors.whatsapp_consent(customer) is False:
        raise Conflict(
            "The customer opted out of WhatsApp; only their own START opts them back in.",
            code=rules.OPTED_OUT,
            field="phone",
        )
    c = conf()
    last = selectors.last_inbound_at(phone)
    if not rules.window_open(last, now, hours=c.whatsapp_window_hours):
        raise Conflict(
            f"The customer's last WhatsApp message is more than {c.whatsapp_window_hours} hours "
            "old (or they never wrote): free text is not allowed. Send an approved template.",
            code=rules.WINDOW_CLOSED,
            field="text",
        )
    message = Message.objects.create(
        customer=customer,
        kind=_reply_kind(),
        channel=Channel.WHATSAPP,
        language=customer.language,
        recipient=phone,
        body=text,
        status=MessageStatus.QUEUED,
        next_attempt_at=now,
    )
    audit.record(
        "whatsapp.reply",
        message,
        after={"customer": customer.pk, "chars": len(text), "window_last_inbound": str(last)},
        actor=sent_by,
    )
    kick_after_commit()
    return message


@transaction.atomic
def send_whatsapp_template(*, phone: str, template_id: int, sent_by, now=None) -> Message:
    """An approved WhatsApp template to a conversation: allowed outside the 24-hour window.

    The template's variables are filled from the customer (``customer_name``) and their
    latest order (``order_number``); a template that needs anything else is refused
    (``template_variable_missing``). Consent is the normal N3 check (opt-in required).
    """
    require(sent_by, Perm.WHATSAPP_INBOX)
    template = (
        MessageTemplate.objects.select_related("kind")
        .exclude(whatsapp_template_name="")
        .filter(pk=template_id)
        .first()
    )
    if template is None:
        raise ValidationFailed(
            "Choose an approved WhatsApp template.", code="template_missing", field="template"
        )
    customer = _conversation_customer(phone)
    context = {}
    latest_order = (
        Message.objects.filter(customer=customer)
        .exclude(order_number="")
        .order_by("-created_at")
        .values_list("order_number", flat=True)
        .first()
    )
    if latest_order:
        context["order_number"] = latest_order
    messages = enqueue_message(
        customer=customer,
        kind=template.kind.key,
        context=context,
        channels=[Channel.WHATSAPP],
    )
    message = messages[0]
    audit.record(
        "whatsapp.template",
        message,
        after={"customer": customer.pk, "template": template.whatsapp_template_name},
        actor=sent_by,
    )
    return message


def erase_whatsapp_data(customer) -> dict:
    """S4: the erasure hook (``customers.actions.ERASURE_HOOKS``): what the customer wrote us
    on WhatsApp and the raw webhook bodies that carry their number go; the rows stay (the
    inbox's counts), as every other table keeps its rows.

    Precondition: inside the erasure's transaction, before the customer's phone is replaced.
    """
    inbound = InboundMessage.objects.filter(Q(customer=customer) | Q(from_phone=customer.phone))
    event_ids = list(inbound.exclude(event=None).values_list("event_id", flat=True))
    counts = {
        "whatsapp_inbound": inbound.update(
            body="", profile_name="", from_phone=f"anon-{customer.pk}"[:16], customer=customer
        ),
        "whatsapp_consents": WhatsAppConsent.objects.filter(customer=customer)
        .exclude(evidence="")
        .update(evidence=""),
    }
    # The raw bodies name the number and the words; their effects are already applied.
    digits = customer.phone.lstrip("+")
    counts["whatsapp_events"] = (
        WebhookEvent.objects.filter(Q(pk__in=event_ids) | Q(body__contains=digits))
        .exclude(state=WebhookEventState.PENDING)
        .update(body="", result={"erased": True})
    )
    return counts
