"""Message channels, categories and delivery states (SPEC §8)."""

from django.db import models


class Channel(models.TextChoices):
    SMS = "sms", "SMS"  # through the SMS gateway adapter
    WHATSAPP = "whatsapp", "WhatsApp"  # through the WhatsApp gateway adapter; needs opt-in (N3)
    EMAIL = "email", "E-mail"  # through Django's e-mail backend (SMTP in production)


class Category(models.TextChoices):
    TRANSACTIONAL = (
        "transactional",
        "Transactional",
    )  # about the customer's own order or ticket: sent at once
    PROMOTIONAL = (
        "promotional",
        "Promotional",
    )  # marketing-style: only within calling hours, never to do-not-contact


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"  # in the outbox, due at next_attempt_at (now, or after a back-off)
    HELD = "held", "Held for calling hours"  # promotional, waiting for 09:00 IST (N3)
    SENT = "sent", "Sent"  # the provider accepted it; its message id is recorded
    FAILED = (
        "failed",
        "Failed",
    )  # the last try failed (or the provider refused it for good); ops can retry
    CANCELLED = (
        "cancelled",
        "Not sent",
    )  # preferences forbade it by the time it was due (opt-out, do-not-contact)
