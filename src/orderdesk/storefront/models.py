"""The customer's own door: the web visitor's quote, the dropped-quote sweep."""

from __future__ import annotations

from django.db import models

# Issue 21, 10: the one-time phone code moved down to customers so the API (through
# flows.phone_codes) uses the same code as the storefront; re-exported for the old name.
from orderdesk.customers.models import PhoneVerification

__all__ = ["DroppedQuoteSweepState", "PhoneVerification", "WebQuote", "WebQuoteOutcome"]


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
