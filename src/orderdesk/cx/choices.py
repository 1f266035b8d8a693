"""CX ticket codes (SPEC §2 ticket, §6 C1-C3, §11 stable keys)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketType(models.TextChoices):
    INQUIRY = (
        "inquiry",
        _("Inquiry"),
    )  # a question about a device, price, process or an order's status
    COMPLAINT = "complaint", _("Complaint")  # something went wrong for the customer
    PRICE_DISPUTE = "price_dispute", _("Price dispute")  # M9: "I didn't agree to this price"
    ORDER_NOT_FOUND = (
        "order_not_found",
        _("Order not found"),
    )  # D6: customer says ordered; none found
    PICKUP_ISSUE = "pickup_issue", _("Pickup issue")  # vendor late, no-show, wrong address
    PAYMENT_ISSUE = "payment_issue", _("Payment issue")  # not paid, wrong amount, failed transfer


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Open")  # raised, nobody has worked it yet
    IN_PROGRESS = "in_progress", _("In progress")  # an agent has taken a step (C1)
    WAITING_ON_CUSTOMER = (
        "waiting_on_customer",
        _("Waiting on customer"),
    )  # C2: the SLA clock pauses
    ESCALATED = (
        "escalated",
        _("Escalated"),
    )  # C2: with a supervisor (SLA breach or by hand, with a reason)
    RESOLVED = (
        "resolved",
        _("Resolved"),
    )  # an Act was recorded and the case resolved (C1); can reopen
    CLOSED = (
        "closed",
        _("Closed"),
    )  # final: the reopen window has passed (a new request is a new ticket)
    REOPENED = "reopened", _("Reopened")  # the customer came back after resolution: no FCR (C3)


# Statuses in which CX still owes the customer something (the SLA clocks may run).
ACTIVE_STATUSES = (
    TicketStatus.OPEN,
    TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING_ON_CUSTOMER,
    TicketStatus.ESCALATED,
    TicketStatus.REOPENED,
)
DONE_STATUSES = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


class TicketPriority(models.TextChoices):
    URGENT = "urgent", _("Urgent")  # the customer is losing money or the vendor is at the door
    HIGH = "high", _("High")  # an order is blocked or disputed
    NORMAL = "normal", _("Normal")  # the default for complaints and inquiries
    LOW = "low", _("Low")  # information only, no order at stake


PRIORITY_RANK = {
    TicketPriority.URGENT: 0,
    TicketPriority.HIGH: 1,
    TicketPriority.NORMAL: 2,
    TicketPriority.LOW: 3,
}


class TicketChannel(models.TextChoices):
    """How the customer reached us (SPEC §11 channel keys)."""

    CALL = "call", _("Phone call")  # the customer called, or we called them
    WHATSAPP = "whatsapp", _("WhatsApp")  # a WhatsApp conversation
    SMS = "sms", _("SMS")  # an SMS reply
    EMAIL = "email", _("E-mail")  # an e-mail
    APP = "app", _("Customer app")  # raised in the app
    WEB = "web", _("Website")  # raised on the website
    AGENT = "agent", _("Agent")  # raised by staff (e.g. D6, from a sales call)


class ActionKind(models.TextChoices):
    """One step on a ticket. The first six are the API's (SPEC §11); the rest are ours."""

    LISTEN = "listen", _("Listen")  # C1: what the customer said, in their words
    APOLOGISE = "apologise", _("Apologise")  # C1: the apology given
    ACT = "act", _("Act")  # C1: what was done (with an outcome code for M9, D6, status updates)
    ESCALATE = "escalate", _("Escalate")  # C2: to a supervisor, with a reason (or the SLA breach)
    RESOLVE = "resolve", _("Resolve")  # C1/C3: needs an Act; notifies the customer and sends CSAT
    REOPEN = "reopen", _("Reopen")  # C3: the fix did not hold; the ticket no longer counts for FCR
    WAIT = (
        "wait",
        _("Wait on customer"),
    )  # C2: we asked the customer for something; the clock pauses
    RESUME = "resume", _("Customer replied")  # C2: the clock runs again
    NOTE = "note", _("Note")  # an internal note; not a step of C1
    ASSIGN = "assign", _("Assign")  # the ticket is taken by / given to an agent
    FOLLOW_UP = "follow_up", _("Follow-up")  # C3: post-resolution contact to confirm the fix
    SLA_BREACH = "sla_breach", _("SLA breach")  # C2: written by the sweep (system)
    CLOSE = "close", _("Close")  # written by the sweep when the reopen window has passed


# The kinds the API's POST /tickets/{id}/actions accepts.
API_ACTION_KINDS = (
    ActionKind.LISTEN,
    ActionKind.APOLOGISE,
    ActionKind.ACT,
    ActionKind.ESCALATE,
    ActionKind.RESOLVE,
    ActionKind.REOPEN,
    ActionKind.WAIT,
    ActionKind.RESUME,
    ActionKind.NOTE,
    ActionKind.FOLLOW_UP,
)


class ActOutcome(models.TextChoices):
    """What an Act did, when it did something the system carries out (blank: free text only)."""

    CUSTOMER_ACCEPTS = "customer_accepts", _("Customer accepts the price")  # M9
    CANCEL_ORDER = (
        "cancel_order",
        _("Cancel the order (no penalty)"),
    )  # M9, through orders' transition()
    LINK_ORDER = (
        "link_order",
        _("Order found: link it"),
    )  # D6: the lead becomes Already Placed an Order
    NO_ORDER = "no_order", _("No order exists")  # D6: the lead goes back to sales
    STATUS_UPDATE = "status_update", _("Send the customer an order update")  # order status inquiry


class EscalationKind(models.TextChoices):
    MANUAL = "manual", _("By an agent, with a reason")  # C2
    SLA_BREACH = "sla_breach", _("SLA breached")  # C2: automatic, by the sweep, exactly once


class FollowUpOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("The customer confirms the fix")  # C3: ticket may close
    NOT_FIXED = "not_fixed", _("Not fixed: reopen")  # C3: the ticket reopens (no FCR)
    UNREACHABLE = "unreachable", _("Could not reach the customer")  # recorded; no further chase
