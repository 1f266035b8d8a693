"""Snapshots that prove a refused action changed nothing."""

from orderdesk.core.models import AuditEvent
from orderdesk.cx.models import Ticket
from orderdesk.leads.models import ContactAttempt, FollowUp, Lead, Notification


def state(lead) -> dict:
    """Everything a contact on ``lead`` could change, re-read from the database."""
    fresh = Lead.objects.get(pk=lead.pk)
    return {
        "lead": {
            f: getattr(fresh, f)
            for f in (
                "status",
                "owner_id",
                "disposition_id",
                "closed_for_sales",
                "closed_reason",
                "order_block",
                "episode",
                "next_follow_up_at",
                "last_contact_at",
                "updated_at",
            )
        },
        "contacts": ContactAttempt.objects.filter(lead=lead).count(),
        "follow_ups": list(
            FollowUp.objects.filter(lead=lead).values_list("pk", "status", "due_at", "done_at")
        ),
        "tickets": Ticket.objects.count(),
        "notifications": Notification.objects.count(),
        "audit": AuditEvent.objects.count(),
    }
