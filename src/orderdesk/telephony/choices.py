"""Status and code enums of the telephony app (docs/telephony.md)."""

from django.db import models


class ProviderName(models.TextChoices):
    SIMULATOR = "simulator", "Simulator"  # ours: the demo's and the tests' provider (Exotel's API)
    EXOTEL = "exotel", "Exotel"  # Connect API; webhooks carry a secret in the URL
    TWILIO = "twilio", "Twilio"  # REST Calls API; webhooks signed (X-Twilio-Signature)


class CallDirection(models.TextChoices):
    OUTBOUND = "outbound", "Outbound"  # click-to-call: the agent's phone rings first
    INBOUND = "inbound", "Inbound"  # a customer called the company number


class CallStatus(models.TextChoices):
    QUEUED = "queued", "Queued"  # our row exists; the provider has not been asked yet
    INITIATED = "initiated", "Initiated"  # the provider accepted the request
    RINGING = "ringing", "Ringing"  # the customer's phone rings
    ANSWERED = "answered", "Answered"  # both legs connected: the conversation runs
    COMPLETED = "completed", "Completed"  # answered and hung up (terminal)
    BUSY = "busy", "Busy"  # the customer's line was busy or rejected the call (terminal)
    NO_ANSWER = "no_answer", "No answer"  # rang out (terminal)
    FAILED = "failed", "Failed"  # the network could not place it (terminal)
    CANCELED = "canceled", "Canceled"  # hung up before anyone answered (terminal)


class CallEventType(models.TextChoices):
    INITIATED = "initiated", "Initiated"  # the provider took the call
    RINGING = "ringing", "Ringing"  # ringing the customer
    ANSWERED = "answered", "Answered"  # connected
    TERMINAL = "terminal", "Terminal"  # the call ended: its final status, duration, times
    RECORDING = "recording", "Recording"  # the recording is ready at the provider


class ContextKind(models.TextChoices):
    NONE = "", "None"  # no record (an unknown inbound caller)
    LEAD = "lead", "Lead"  # leads.Lead id
    ORDER = "order", "Order"  # orders.Order id
    TICKET = "ticket", "Ticket"  # cx.Ticket id


class AgentState(models.TextChoices):
    AVAILABLE = "available", "Available"  # may take or make a call
    ON_CALL = "on_call", "On a call"  # set by a call starting
    AFTER_CALL_WORK = (
        "after_call_work",
        "After-call work",
    )  # logging the outcome of an answered call
    AWAY = "away", "Away"  # set by the agent: break, training, meeting


class EventOutcome(models.TextChoices):
    PENDING = "pending", "Pending"  # stored, the worker has not applied it yet
    APPLIED = "applied", "Applied"  # moved the call forward or filled in its facts
    STALE = "stale", "Stale"  # arrived after a later state: kept, changed nothing
    UNMATCHED = "unmatched", "Unmatched"  # no call known for it yet: reconciled when it appears
