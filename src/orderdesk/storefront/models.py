"""The customer's own door: phone codes, the web visitor's quote, the dropped-quote sweep."""

from __future__ import annotations

from django.db import models


class PhoneVerification(models.Model):
    """One one-time code sent to a phone through the outbox, before a web order.

    Only a salted HMAC of the code is kept (``code_hash``), never the code. The phone is
    the customer's (no copy here, so erasing the customer erases it). A code is
    good until ``expires_at`` and for ``CODE_MAX_ATTEMPTS`` wrong tries; each wrong try
    is counted with a conditional UPDATE, so parallel guesses cannot exceed the limit.
    """

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="phone_verifications"
    )
    code_hash = models.CharField(max_length=64)
    salt = models.CharField(max_length=32)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0, help_text="wrong codes tried")
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"code for customer {self.customer_id} at {self.created_at:%Y-%m-%d %H:%M}"


class WebQuoteOutcome(models.TextChoices):
    PENDING = "pending", "Pending"  # estimate seen, phone verified, no order yet
    ORDERED = "ordered", "Ordered"  # the visitor placed the order on the web
    LEAD = "lead", "Became a lead"  # dropped: a web_quote lead is in the agents' queue
    SKIPPED = "skipped", "Not followed up"  # dropped, but D9/D5 forbid a sales call (see note)


class WebQuote(models.Model):
    """A web visitor's estimate once their phone is verified: it ends as an order or a lead.

    The dropped-quote sweep (``actions.convert_dropped_quotes``) turns the ones still
    ``pending`` after ``DROPPED_QUOTE_MINUTES`` into leads (source ``web_quote``). The
    order is set in ``create_order``'s own transaction, which makes a second submit of
    the review form a replay, not a second order (X3).
    """

    quote = models.ForeignKey("catalog.Quote", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="web_quotes"
    )
    verified_at = models.DateTimeField(db_index=True)
    language = models.CharField(max_length=5, default="en")
    outcome = models.CharField(
        max_length=10, choices=WebQuoteOutcome.choices, default=WebQuoteOutcome.PENDING
    )
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-verified_at", "-id"]
        indexes = [models.Index(fields=["outcome", "verified_at"], name="webquote_pending_idx")]

    def __str__(self) -> str:
        return f"web quote {self.pk} ({self.outcome})"


class DroppedQuoteSweepState(models.Model):
    """The periodic chain's state row for the dropped-quote sweep (core.periodic)."""

    name = models.CharField(max_length=40, unique=True)
    next_sweep_at = models.DateTimeField(null=True, blank=True)
    last_sweep_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
