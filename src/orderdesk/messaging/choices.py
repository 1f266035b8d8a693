"""Message channels, categories and delivery states (SPEC §8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")  # through the SMS gateway adapter
    WHATSAPP = "whatsapp", _("WhatsApp")  # through the WhatsApp gateway adapter; needs opt-in (N3)
    EMAIL = "email", _("E-mail")  # through Django's e-mail backend (SMTP in production)


class Category(models.TextChoices):
    TRANSACTIONAL = (
        "transactional",
        _("Transactional"),
    )  # about the customer's own order or ticket: sent at once
    PROMOTIONAL = (
        "promotional",
        _("Promotional"),
    )  # marketing-style: only within calling hours, never to do-not-contact


class MessageStatus(models.TextChoices):
    QUEUED = (
        "queued",
        _("Queued"),
    )  # in the outbox, due at next_attempt_at (now, or after a back-off)
    HELD = "held", _("Held for calling hours")  # promotional, waiting for 09:00 IST (N3)
    SENT = "sent", _("Sent")  # the provider accepted it; its message id is recorded
    FAILED = (
        "failed",
        _("Failed"),
    )  # the last try failed (or the provider refused it for good); ops can retry
    CANCELLED = (
        "cancelled",
        _("Not sent"),
    )  # preferences forbade it by the time it was due (opt-out, do-not-contact)


class DeliveryStatus(models.TextChoices):
    """What the provider reports after accepting a message (WhatsApp Cloud API statuses).

    Only forward: ``rules.DELIVERY_TRANSITIONS`` is the table; ``read`` and ``failed`` end it.
    """

    NONE = (
        "",
        _("No receipt yet"),
    )  # the provider has not reported on it (or never does: SMS, e-mail)
    SENT = "sent", _("Sent")  # WhatsApp's servers have it
    DELIVERED = "delivered", _("Delivered")  # it reached the customer's phone
    READ = "read", _("Read")  # the customer opened it (final)
    FAILED = "failed", _("Failed")  # WhatsApp could not deliver it; the error is kept (final)


class ConsentSource(models.TextChoices):
    """Where a WhatsApp opt-in or opt-out came from (the ledger's ``source``)."""

    CUSTOMER_KEYWORD = (
        "keyword",
        _("Customer's keyword"),
    )  # the customer wrote STOP / START on WhatsApp
    AGENT = "agent", _("Agent, on the customer's word")  # recorded by staff during a conversation
    PREFERENCES = (
        "preferences",
        _("Preference change"),
    )  # customers.update_preferences (API, console)
    SELF_SERVICE = "self_service", _("Customer's own form")  # the customer ticked it on a form


class WebhookEventState(models.TextChoices):
    PENDING = "pending", _("Pending")  # stored, not processed yet (the worker picks it up)
    PROCESSED = "processed", _("Processed")  # every status and message in it applied
    REJECTED = (
        "rejected",
        _("Unreadable"),
    )  # not JSON / not a WhatsApp payload: kept for ops, not retried
