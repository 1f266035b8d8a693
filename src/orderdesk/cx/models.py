"""CX tickets (SPEC §2). Minimal: what D6 needs. The CX issue adds SLA clocks, steps, CSAT."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from orderdesk.core.models import TimeStampedModel
from orderdesk.cx.choices import TicketStatus, TicketType


class Ticket(TimeStampedModel):
    """A CX case about a customer, possibly raised from a lead (D6: "order not found").

    A lead has at most one open ``order_not_found`` ticket (partial unique index), so a
    retried or concurrent "already ordered" call cannot open two cases.
    """

    type = models.CharField(max_length=20, choices=TicketType.choices)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="tickets"
    )
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    order_number = models.CharField(
        max_length=20, blank=True, help_text="the order the case is about (as given or as found)"
    )
    status = models.CharField(
        max_length=10, choices=TicketStatus.choices, default=TicketStatus.OPEN, db_index=True
    )
    notes = models.TextField(blank=True, help_text="what the customer said and what was done")
    resolution = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets_opened",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead"],
                condition=Q(type=TicketType.ORDER_NOT_FOUND, status=TicketStatus.OPEN),
                name="one_open_order_not_found_per_lead",
            ),
            models.CheckConstraint(
                name="ticket_type_valid", condition=Q(type__in=[t.value for t in TicketType])
            ),
            models.CheckConstraint(
                name="ticket_status_valid", condition=Q(status__in=[s.value for s in TicketStatus])
            ),
        ]

    def __str__(self) -> str:
        return f"Ticket #{self.pk} {self.type} ({self.status})"
