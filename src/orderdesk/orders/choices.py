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


class CancellationReason(models.TextChoices):
    """O1: why an order was cancelled (one of these, plus notes)."""

    CUSTOMER_REQUEST = (
        "customer_request",
        "Customer asked to cancel",
    )  # CX or ops, on the customer's word
    PRICE_NOT_ACCEPTED = (
        "price_not_accepted",
        "Customer did not accept the inspected price",
    )  # O4: cancelled with no penalty
    DUPLICATE = "duplicate", "Duplicate of another order"  # X4: ops only, names the other order
    CUSTOMER_UNREACHABLE = "customer_unreachable", "Customer unreachable"  # after a failed pickup
    DEVICE_MISMATCH = "device_mismatch", "Device is not the one ordered"  # found at the door
    NOT_SERVICEABLE = "not_serviceable", "We cannot pick up there"  # no vendor or area dropped
    OTHER = "other", "Other (say why in the notes)"  # notes required


class PickupFailureReason(models.TextChoices):
    """O1: why a pickup failed (one of these, plus notes); the order can be rescheduled."""

    CUSTOMER_NOT_AVAILABLE = "customer_not_available", "Customer not at the address"
    CUSTOMER_UNREACHABLE = "customer_unreachable", "Customer did not answer the phone"
    ADDRESS_NOT_FOUND = "address_not_found", "Address could not be found"
    DEVICE_NOT_READY = "device_not_ready", "Device not ready (not backed up, locked)"
    VENDOR_UNAVAILABLE = "vendor_unavailable", "Vendor could not make it"
    OTHER = "other", "Other (say why in the notes)"  # notes required


# What the customer is told about a failed pickup (the ``pickup_failed`` message's
# ``reason`` / ``reason_hi``): the customer's side of each reason, never the notes.
PICKUP_FAILURE_TOLD: dict[str, tuple[str, str]] = {
    PickupFailureReason.CUSTOMER_NOT_AVAILABLE: (
        "our pickup partner could not find you at the address",
        "हमारे पिकअप पार्टनर आपसे पते पर नहीं मिल सके",
    ),
    PickupFailureReason.CUSTOMER_UNREACHABLE: (
        "our pickup partner could not reach you by phone",
        "हमारे पिकअप पार्टनर फ़ोन पर आपसे संपर्क नहीं कर सके",
    ),
    PickupFailureReason.ADDRESS_NOT_FOUND: (
        "our pickup partner could not find the address",
        "हमारे पिकअप पार्टनर पता नहीं ढूँढ सके",
    ),
    PickupFailureReason.DEVICE_NOT_READY: (
        "the device was not ready (backed up and unlocked)",
        "डिवाइस तैयार नहीं था (बैकअप और अनलॉक)",
    ),
    PickupFailureReason.VENDOR_UNAVAILABLE: (
        "our pickup partner could not make it, and we are sorry",
        "हमारे पिकअप पार्टनर नहीं आ सके, इसके लिए हमें खेद है",
    ),
    PickupFailureReason.OTHER: (
        "the pickup could not be completed",
        "पिकअप पूरा नहीं हो सका",
    ),
}
