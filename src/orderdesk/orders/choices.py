from django.db import models


class OrderStatus(models.TextChoices):
    CREATED = "created", "Created"  # order placed; waiting for a vendor
    VENDOR_ASSIGNED = "vendor_assigned", "Vendor assigned"  # a vendor covers the pincode and slot
    PICKUP_SCHEDULED = "pickup_scheduled", "Pickup scheduled"  # slot confirmed with the customer
    OUT_FOR_PICKUP = "out_for_pickup", "Out for pickup"  # vendor on the way: no more amendments
    INSPECTED = "inspected", "Inspected"  # final price recorded at the door
    PAID = "paid", "Paid"  # payment made, reference recorded
    COMPLETED = "completed", "Completed"  # device collected and paid: the journey is over
    CANCELLED = "cancelled", "Cancelled"  # by the customer, ops or CX, with a reason
    PICKUP_FAILED = (
        "pickup_failed",
        "Pickup failed",
    )  # vendor could not pick up; reschedule or cancel


# X1: "open" is every status but these; the duplicate guard is a partial unique index over the rest.
CLOSED_STATUSES = (OrderStatus.CANCELLED, OrderStatus.PICKUP_FAILED, OrderStatus.COMPLETED)
OPEN_STATUSES = tuple(s for s in OrderStatus if s not in CLOSED_STATUSES)


class Channel(models.TextChoices):
    APP = "app", "Customer app"  # the customer's own order through the app
    WEB = "web", "Website"  # the customer's own order on the web
    AGENT = "agent", "Agent (manual)"  # created by a sales/CX agent on a call (M1-M5)


class CreationReason(models.TextChoices):
    """M1: the only reasons an agent may create an order for a customer."""

    CUSTOMER_REQUESTED_HELP = "customer_requested_help", "Customer asked for help"
    TECHNICAL_ISSUE = "technical_issue", "Customer faces a technical issue"
    NOT_COMFORTABLE_WITH_APP = (
        "not_comfortable_with_app",
        "Customer is not comfortable with the app",
    )
    HIGH_END_ASSISTED = "high_end_assisted", "High-end device needing assisted conversion"


class PaymentMethod(models.TextChoices):
    UPI = "upi", "UPI"  # paid to a UPI ID at pickup
    BANK = "bank", "Bank transfer"  # paid to an account number + IFSC at pickup
