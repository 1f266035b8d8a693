"""CX ticket codes (SPEC §2 ticket, §6 C1-C3, §11 stable keys)."""

from django.db import models


class TicketType(models.TextChoices):
    INQUIRY = "inquiry", "Inquiry"  # a question about a device, price, process or an order's status
    COMPLAINT = "complaint", "Complaint"  # something went wrong for the customer
    PRICE_DISPUTE = "price_dispute", "Price dispute"  # M9: "I didn't agree to this price"
    ORDER_NOT_FOUND = "order_not_found", "Order not found"  # D6: customer says ordered; none found
    PICKUP_ISSUE = "pickup_issue", "Pickup issue"  # vendor late, no-show, wrong address
    PAYMENT_ISSUE = "payment_issue", "Payment issue"  # not paid, wrong amount, failed transfer


class TicketStatus(models.TextChoices):
    OPEN = "open", "Open"  # raised, nobody has worked it yet
    IN_PROGRESS = "in_progress", "In progress"  # an agent has taken a step (C1)
    WAITING_ON_CUSTOMER = "waiting_on_customer", "Waiting on customer"  # C2: the SLA clock pauses
    ESCALATED = (
        "escalated",
        "Escalated",
    )  # C2: with a supervisor (SLA breach or by hand, with a reason)
    RESOLVED = "resolved", "Resolved"  # an Act was recorded and the case resolved (C1); can reopen
    CLOSED = (
        "closed",
        "Closed",
    )  # final: the reopen window has passed (a new request is a new ticket)
    REOPENED = "reopened", "Reopened"  # the customer came back after resolution: no FCR (C3)


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
    URGENT = "urgent", "Urgent"  # the customer is losing money or the vendor is at the door
    HIGH = "high", "High"  # an order is blocked or disputed
    NORMAL = "normal", "Normal"  # the default for complaints and inquiries
    LOW = "low", "Low"  # information only, no order at stake


PRIORITY_RANK = {
    TicketPriority.URGENT: 0,
    TicketPriority.HIGH: 1,
    TicketPriority.NORMAL: 2,
    TicketPriority.LOW: 3,
}


class TicketChannel(models.TextChoices):
    """How the customer reached us (SPEC §11 channel keys)."""

    CALL = "call", "Phone call"  # the customer called, or we called them
    WHATSAPP = "whatsapp", "WhatsApp"  # a WhatsApp conversation
    SMS = "sms", "SMS"  # an SMS reply
    EMAIL = "email", "E-mail"  # an e-mail
    APP = "app", "Customer app"  # raised in the app
    WEB = "web", "Website"  # raised on the website
    AGENT = "agent", "Agent"  # raised by staff (e.g. D6, from a sales call)


class ActionKind(models.TextChoices):
    """One step on a ticket. The first six are the API's (SPEC §11); the rest are ours."""

    LISTEN = "listen", "Listen"  # C1: what the customer said, in their words
    APOLOGISE = "apologise", "Apologise"  # C1: the apology given
    ACT = "act", "Act"  # C1: what was done (with an outcome code for M9, D6, status updates)
    ESCALATE = "escalate", "Escalate"  # C2: to a supervisor, with a reason (or the SLA breach)
    RESOLVE = "resolve", "Resolve"  # C1/C3: needs an Act; notifies the customer and sends CSAT
    REOPEN = "reopen", "Reopen"  # C3: the fix did not hold; the ticket no longer counts for FCR
    WAIT = "wait", "Wait on customer"  # C2: we asked the customer for something; the clock pauses
    RESUME = "resume", "Customer replied"  # C2: the clock runs again
    NOTE = "note", "Note"  # an internal note; not a step of C1
    ASSIGN = "assign", "Assign"  # the ticket is taken by / given to an agent
    FOLLOW_UP = "follow_up", "Follow-up"  # C3: post-resolution contact to confirm the fix
    SLA_BREACH = "sla_breach", "SLA breach"  # C2: written by the sweep (system)
    CLOSE = "close", "Close"  # written by the sweep when the reopen window has passed


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

    CUSTOMER_ACCEPTS = "customer_accepts", "Customer accepts the price"  # M9
    CANCEL_ORDER = (
        "cancel_order",
        "Cancel the order (no penalty)",
    )  # M9, through orders' transition()
    LINK_ORDER = (
        "link_order",
        "Order found: link it",
    )  # D6: the lead becomes Already Placed an Order
    NO_ORDER = "no_order", "No order exists"  # D6: the lead goes back to sales
    STATUS_UPDATE = "status_update", "Send the customer an order update"  # order status inquiry


class EscalationKind(models.TextChoices):
    MANUAL = "manual", "By an agent, with a reason"  # C2
    SLA_BREACH = "sla_breach", "SLA breached"  # C2: automatic, by the sweep, exactly once


class FollowUpOutcome(models.TextChoices):
    CONFIRMED = "confirmed", "The customer confirms the fix"  # C3: ticket may close
    NOT_FIXED = "not_fixed", "Not fixed: reopen"  # C3: the ticket reopens (no FCR)
    UNREACHABLE = "unreachable", "Could not reach the customer"  # recorded; no further chase
