from django.db import models


class EventType(models.TextChoices):
    """What an integrator may subscribe to (issue 20)."""

    ORDER_CREATED = "order.created", "Order created"
    ORDER_STATUS_CHANGED = "order.status_changed", "Order status changed"
    ORDER_CANCELLED = "order.cancelled", "Order cancelled"
    ORDER_PAID = "order.paid", "Order paid"
    TICKET_OPENED = "ticket.opened", "Ticket opened"
    TICKET_ESCALATED = "ticket.escalated", "Ticket escalated"
    TICKET_RESOLVED = "ticket.resolved", "Ticket resolved"
    LEAD_CLOSED = "lead.closed", "Lead closed"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"  # due now, after a back-off, or waiting for a paused endpoint
    DELIVERED = "delivered", "Delivered"  # the receiver answered 2xx
    FAILED = "failed", "Failed"  # every try used, or refused (4xx); replayable
