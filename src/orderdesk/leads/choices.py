"""Status and code enums of the leads app (SPEC §3, §11 stable keys)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadSource(models.TextChoices):
    APP_QUOTE = (
        "app_quote",
        _("Quote dropped in the app"),
    )  # estimate seen in the app, no order placed
    WEB_QUOTE = "web_quote", _("Quote dropped on the web")  # estimate seen on the website, no order
    INBOUND_CALL = "inbound_call", _("Inbound call")  # the customer called the sales line
    CALLBACK_REQUEST = "callback_request", _("Callback request")  # the customer asked to be called
    CAMPAIGN = "campaign", _("Campaign")  # a marketing list (outbound)
    REFERRAL = "referral", _("Referral")  # passed on by another customer or a partner


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")  # nobody has reached the customer yet
    CONTACTING = "contacting", _("Contacting")  # attempts made, no outcome that settles the lead
    WILL_PLACE_ORDER = "will_place_order", _("Customer will place order")  # D3 episode open
    WAITING_FOR_QUOTE = "waiting_for_quote", _("Waiting for quote")  # customer waits on a price
    ALREADY_ORDERED = (
        "already_ordered",
        _("Already placed an order"),
    )  # D5: closed for sales, ops/CX own it
    ORDER_NOT_FOUND = "order_not_found", _("Ordered, order not found (with CX)")  # D6: CX verifies
    ORDER_CREATED = "order_created", _("Order created")  # D7: an order was created from this lead
    CLOSED = (
        "closed",
        _("Closed"),
    )  # not interested, wrong person, invalid number or closed politely


# Statuses in which sales may still work the lead (everything else is closed for sales, D5).
OPEN_LEAD_STATUSES = (
    LeadStatus.NEW,
    LeadStatus.CONTACTING,
    LeadStatus.WILL_PLACE_ORDER,
    LeadStatus.WAITING_FOR_QUOTE,
)


class ClosedReason(models.TextChoices):
    ALREADY_ORDERED = "already_ordered", _("Customer already placed an order")  # D5
    ORDER_NOT_FOUND = "order_not_found", _("Customer says ordered; CX is verifying")  # D6
    ORDER_CREATED = "order_created", _("An order was created from this lead")  # D7
    NOT_INTERESTED = "not_interested", _("Not interested")  # the customer said no
    WRONG_PERSON = "wrong_person", _("Wrong person")  # the number is not the customer's
    INVALID_NUMBER = "invalid_number", _("Invalid number")  # the number does not exist
    CLOSED_POLITELY = (
        "closed_politely",
        _("Closed politely"),
    )  # D4: no progress after the one follow-up


class LeadPriority(models.IntegerChoices):
    NORMAL = 10, _("Normal")  # everyday devices
    HIGH = 20, _("High")  # high-end devices (catalog DeviceModel.high_end) are called first


class DispositionGroup(models.TextChoices):
    CONNECTED = "connected", _("Connected")  # the agent spoke with someone
    NOT_CONNECTED = "not_connected", _("Not connected")  # nobody was reached


class DispositionKey(models.TextChoices):
    """The default tree's stable keys (SPEC §11). The tree itself is data (``Disposition``)."""

    WILL_PLACE_ORDER = (
        "will_place_order",
        _("Customer Will Place Order"),
    )  # intent yes, action pending
    ALREADY_ORDERED = (
        "already_ordered",
        _("Already Placed an Order"),
    )  # action done before/during call
    CREATE_ORDER = "create_order", _("Create Order")  # D7: set only by the system on order creation
    WAITING_FOR_QUOTE = "waiting_for_quote", _("Waiting for Quote")  # wants or waits on a price
    NOT_INTERESTED = "not_interested", _("Not Interested")  # does not want to sell
    WRONG_PERSON = "wrong_person", _("Wrong Person")  # reached someone who is not the customer
    NO_ANSWER = "no_answer", _("No Answer")  # rang out
    BUSY = "busy", _("Busy")  # line busy or call rejected
    SWITCHED_OFF = "switched_off", _("Switched Off")  # phone off or not reachable
    INVALID_NUMBER = "invalid_number", _("Invalid Number")  # number does not exist / not in service


class Channel(models.TextChoices):
    CALL = "call", _("Call")  # a phone call
    WHATSAPP = "whatsapp", _("WhatsApp")  # a WhatsApp conversation
    SMS = "sms", _("SMS")  # a text message


class Direction(models.TextChoices):
    OUTBOUND = "outbound", _("Outbound")  # sales reached out: D5 and D9 apply
    INBOUND = "inbound", _("Inbound")  # the customer reached us: always answered (D9 exempt)


class FollowUpStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # scheduled, not yet made
    DONE = "done", _("Done")  # the follow-up contact was made
    CANCELLED = "cancelled", _("Cancelled")  # no longer wanted (e.g. already ordered, D5/D8)
    MISSED = "missed", _("Missed")  # not made in time (D10); the supervisor sees it


class NotificationKind(models.TextChoices):
    CUSTOMER_ORDERED = "customer_ordered", _("Customer placed an order")  # D8: stop calling
    FOLLOW_UP_MISSED = "follow_up_missed", _("Follow-up missed")  # D10
    ORDER_NOT_FOUND_RESOLVED = "order_not_found_resolved", _("Order-not-found case resolved")  # D6
    # Issue 21: a colleague answered the customer's call on this owner's lead.
    INBOUND_ANSWERED = "inbound_answered", _("Customer called in, a colleague answered")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")  # uploaded, waiting for the worker
    RUNNING = "running", _("Running")  # rows being read; progress moves
    DONE = "done", _("Done")  # every row created, matched or rejected
    FAILED = "failed", _("Failed")  # the file could not be read (no header, wrong format…)
