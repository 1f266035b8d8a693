"""CX ticket codes (SPEC §2 ticket types, §11 stable keys). Minimal until the CX issue grows it."""

from django.db import models


class TicketType(models.TextChoices):
    INQUIRY = "inquiry", "Inquiry"  # a question about a device, price or process
    COMPLAINT = "complaint", "Complaint"  # something went wrong for the customer
    PRICE_DISPUTE = "price_dispute", "Price dispute"  # M9: "I didn't agree to this price"
    ORDER_NOT_FOUND = "order_not_found", "Order not found"  # D6: customer says ordered; none found
    PICKUP_ISSUE = "pickup_issue", "Pickup issue"  # vendor late, no-show, wrong address
    PAYMENT_ISSUE = "payment_issue", "Payment issue"  # not paid, wrong amount, failed transfer


class TicketStatus(models.TextChoices):
    OPEN = "open", "Open"  # CX is working it
    RESOLVED = "resolved", "Resolved"  # an action was recorded and the case is closed
