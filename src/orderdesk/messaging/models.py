"""The outbox, message kinds and their templates (SPEC §8, N1-N3)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models

from orderdesk.core.errors import ValidationFailed
from orderdesk.core.models import TimeStampedModel
from orderdesk.core.phones import mask_phone
from orderdesk.customers.choices import Language
from orderdesk.messaging import rules
from orderdesk.messaging.choices import (
    Category,
    Channel,
    ConsentSource,
    DeliveryStatus,
    MessageStatus,
    WebhookEventState,
)


def _provider_key() -> str:
    return uuid.uuid4().hex


class MessageKind(TimeStampedModel):
    """What a message is about (``order_confirmation``, ``campaign_offer``…) and how it may be sent.

    Transactional or promotional is data here, never a caller's flag (N3).
    ``variables`` is the contract with the code that enqueues this kind: every
    caller supplies each of them, and templates may use only these.
    """

    key = models.SlugField(
        max_length=50, unique=True, help_text="stable code, e.g. order_confirmation"
    )
    name = models.CharField(max_length=120)
    category = models.CharField(
        max_length=20, choices=Category.choices, default=Category.TRANSACTIONAL
    )
    honours_do_not_contact = models.BooleanField(
        default=False,
        help_text="Never sent to do-not-contact customers. Always true for promotional kinds.",
    )
    default_channels = models.JSONField(
        default=list,
        help_text='Channels tried when the caller names none, e.g. ["sms", "whatsapp", "email"].',
    )
    variables = models.JSONField(
        default=list,
        help_text='Variables every caller supplies, e.g. ["customer_name", "order_number"].',
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    @property
    def is_promotional(self) -> bool:
        return self.category == Category.PROMOTIONAL

    @property
    def respects_do_not_contact(self) -> bool:
        # D9: do-not-contact customers are never contacted for sales.
        return self.honours_do_not_contact or self.is_promotional

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        channels = self.default_channels if isinstance(self.default_channels, list) else None
        if channels is None or any(c not in Channel.values for c in channels):
            errors["default_channels"] = [f"A list of channels from: {', '.join(Channel.values)}."]
        names = self.variables if isinstance(self.variables, list) else None
        if names is None or any(
            not isinstance(n, str) or not rules.VARIABLE_NAME.match(n) for n in names
        ):
            errors["variables"] = ["A list of lower-case names (letters, digits, _)."]
        elif self.pk:
            for template in self.templates.all():
                for code, message in template.problems(allowed=names):
                    if code == "template_unknown_variable":
                        errors.setdefault("variables", []).append(
                            f"Template {template.language}/{template.channel or 'any'} still uses it: {message}"
                        )
        if errors:
            raise ValidationError(errors)


class MessageTemplate(TimeStampedModel):
    """The wording of one kind in one language, optionally for one channel only.

    A template with a blank channel serves every channel of its language. The
    subject is used for e-mail only. Unknown variables are refused when saved.
    """

    kind = models.ForeignKey(MessageKind, on_delete=models.CASCADE, related_name="templates")
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    channel = models.CharField(
        max_length=10, choices=Channel.choices, blank=True, help_text="blank: any channel"
    )
    subject = models.CharField(max_length=200, blank=True, help_text="e-mail subject")
    body = models.TextField(help_text="Plain text with {{ variable }} placeholders.")
    # India's DLT (TRAI TCCCPR 2018): an SMS is delivered only when its wording matches a template
    # registered on the operator's DLT platform; the gateway is told which one (and the entity id,
    # a setting: MESSAGING["SMS_DLT_ENTITY_ID"]).
    dlt_template_id = models.CharField(
        max_length=30, blank=True, help_text="SMS: the DLT template id registered for this wording"
    )
    # WhatsApp: outside the 24-hour customer-service window only a template approved by Meta
    # may be sent. Its {{1}}, {{2}}… are this body's variables in order of first use.
    whatsapp_template_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="WhatsApp: the approved template's name at Meta; blank means free text",
    )

    class Meta:
        ordering = ["kind__key", "language", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "channel"],
                name="messaging_template_one_per_kind_language_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind_id and self.kind.key} [{self.language}{'/' + self.channel if self.channel else ''}]"

    def problems(self, allowed=None) -> list[tuple[str, str]]:
        allowed = self.kind.variables if allowed is None else allowed
        return rules.template_problems(self.subject, allowed) + rules.template_problems(
            self.body, allowed
        )

    def clean(self) -> None:
        if not self.kind_id:
            return
        errors = {}
        for field in ("subject", "body"):
            found = rules.template_problems(getattr(self, field), self.kind.variables)
            if found:
                errors[field] = [message for _, message in found]
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Every path (admin, action, shell) goes through this check, not only forms.

        for field in ("body", "subject"):
            found = rules.template_problems(getattr(self, field), self.kind.variables)
            if found:
                code, message = found[0]
                raise ValidationFailed(message, code=code, field=field)
        super().save(*args, **kwargs)


class Message(models.Model):
    """One message to one customer on one channel: the outbox row (N1) and its delivery state.

    Written in the transaction of the change that causes it; the sender claims
    it with a lease (``claimed_until``/``claim_token``) after commit and records
    the result. ``provider_key`` is passed to the provider as its idempotency key,
    so a retry after a crash is recognised there and never delivered twice.
    ``dedupe_key`` is the caller's: the same key never makes a second row
    per channel.
    """

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="messages"
    )
    # By key, so the column reads "order_confirmation" and filter(kind="…") works.
    kind = models.ForeignKey(
        MessageKind,
        to_field="key",
        db_column="kind",
        on_delete=models.PROTECT,
        related_name="messages",
    )
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    # The order's canonical number (OD7K4M9QXR), kept beside the FK: the API looks
    # messages up by it (GET /orders/{number}/messages) without a join.
    order_number = models.CharField(max_length=20, blank=True, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=5, choices=Language.choices)
    recipient = models.CharField(max_length=254, help_text="E.164 phone or e-mail address")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()

    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    provider_key = models.CharField(
        max_length=64, unique=True, default=_provider_key, editable=False
    )
    attempts = models.PositiveIntegerField(default=0, help_text="tries whose result was recorded")
    next_attempt_at = models.DateTimeField(
        help_text="due time: now, after a back-off, or calling hours"
    )
    claimed_until = models.DateTimeField(null=True, blank=True, help_text="a sender's lease")
    claim_token = models.CharField(max_length=32, blank=True, db_index=True)
    provider = models.CharField(max_length=40, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)
    # What the provider needs besides the text (copied from the template when enqueued).
    dlt_template_id = models.CharField(max_length=30, blank=True)
    whatsapp_template = models.CharField(max_length=120, blank=True)
    template_params = models.JSONField(default=list, blank=True)
    # The provider's receipts (WhatsApp webhooks), only forward: rules.DELIVERY_TRANSITIONS.
    delivery_status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, blank=True, default=DeliveryStatus.NONE
    )
    delivery_status_at = models.DateTimeField(null=True, blank=True)
    delivery_error = models.CharField(max_length=500, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key", "channel"], name="messaging_message_dedupe_key_per_channel"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="messaging_due_idx"),
            models.Index(fields=["customer", "created_at"], name="messaging_customer_idx"),
            models.Index(fields=["provider_message_id"], name="messaging_provider_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_id} {self.channel} to {self.masked_recipient} ({self.status})"

    @property
    def masked_recipient(self) -> str:
        """S2: phones masked; e-mail shows its first letter and domain."""
        if "@" in self.recipient:
            local, _, domain = self.recipient.partition("@")
            return f"{local[:1]}•••@{domain}"
        return mask_phone(self.recipient)


class SenderState(models.Model):
    """One row: the periodic sweep's schedule and the sender's last sign of life (for ops)."""

    name = models.CharField(max_length=20, primary_key=True, default="sender")
    next_sweep_at = models.DateTimeField(null=True, blank=True)
    last_sweep_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sender (last sweep {self.last_sweep_at})"


class AppendOnly(models.Model):
    """A ledger row: written once, never changed or deleted through the ORM."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are append-only.")


class WhatsAppConsent(AppendOnly):
    """N3: one opt-in or opt-out of WhatsApp, as a ledger (append-only).

    The customer's current state is the latest row (``selectors.whatsapp_consent``);
    ``Customer.whatsapp_opt_in`` is kept equal to it in the same transaction, so the
    enqueue and send checks (``rules.channel_refusal``) read one boolean.
    """

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="whatsapp_consents"
    )
    opted_in = models.BooleanField()
    source = models.CharField(max_length=20, choices=ConsentSource.choices)
    evidence = models.CharField(
        max_length=300, blank=True, help_text="the customer's words, or the inbound message id"
    )
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-recorded_at", "-id"], name="wa_consent_latest")
        ]

    def __str__(self) -> str:
        return f"{'opt-in' if self.opted_in else 'opt-out'} of customer {self.customer_id}"


class WebhookEvent(models.Model):
    """One POST to the WhatsApp webhook whose signature was right: the raw body, as received.

    Stored first (the webhook answers 200 at once), processed by the worker
    (``whatsapp.process_pending_events``). The same body twice (Meta retries) is one
    row: ``body_sha256`` is unique.
    """

    provider = models.CharField(max_length=20, default="whatsapp")
    body = models.TextField()
    body_sha256 = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(db_index=True)
    state = models.CharField(
        max_length=10, choices=WebhookEventState.choices, default=WebhookEventState.PENDING
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True, help_text="counts, or why it was rejected")

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["state", "received_at"], name="wa_event_pending")]

    def __str__(self) -> str:
        return f"{self.provider} event {self.pk} ({self.state})"


class InboundMessage(models.Model):
    """A message a customer (or an unknown number) sent us on WhatsApp.

    ``provider_message_id`` is unique: a replayed webhook never stores it twice. The
    customer is matched by phone when it arrives; a number we do not know stays
    without one until an agent starts a lead or a ticket for it. Its
    ``received_at`` opens the 24-hour customer-service window (``rules.window_open``).
    """

    provider_message_id = models.CharField(max_length=200, unique=True)
    from_phone = models.CharField(max_length=16, db_index=True, help_text="E.164")
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inbound_messages",
    )
    profile_name = models.CharField(max_length=120, blank=True)
    type = models.CharField(max_length=20, default="text")
    body = models.TextField(blank=True)
    received_at = models.DateTimeField(help_text="the provider's timestamp")
    event = models.ForeignKey(WebhookEvent, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["from_phone", "-received_at"], name="wa_inbound_phone"),
            models.Index(fields=["customer", "-received_at"], name="wa_inbound_customer"),
        ]

    def __str__(self) -> str:
        return f"WhatsApp from {mask_phone(self.from_phone)} at {self.received_at:%Y-%m-%d %H:%M}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.from_phone)
