from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What an integrator may subscribe to (issue 20)."""

    ORDER_CREATED = "order.created", _("Order created")
    ORDER_STATUS_CHANGED = "order.status_changed", _("Order status changed")
    ORDER_CANCELLED = "order.cancelled", _("Order cancelled")
    ORDER_PAID = "order.paid", _("Order paid")
    TICKET_OPENED = "ticket.opened", _("Ticket opened")
    TICKET_ESCALATED = "ticket.escalated", _("Ticket escalated")
    TICKET_RESOLVED = "ticket.resolved", _("Ticket resolved")
    LEAD_CLOSED = "lead.closed", _("Lead closed")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")  # due now, after a back-off, or waiting for a paused endpoint
    DELIVERED = "delivered", _("Delivered")  # the receiver answered 2xx
    FAILED = "failed", _("Failed")  # every try used, or refused (4xx); replayable
