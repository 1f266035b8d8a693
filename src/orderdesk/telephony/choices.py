"""Status and code enums of the telephony app (docs/telephony.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderName(models.TextChoices):
    SIMULATOR = (
        "simulator",
        _("Simulator"),
    )  # ours: the demo's and the tests' provider (Exotel's API)
    EXOTEL = "exotel", _("Exotel")  # Connect API; webhooks carry a secret in the URL
    TWILIO = "twilio", _("Twilio")  # REST Calls API; webhooks signed (X-Twilio-Signature)


class CallDirection(models.TextChoices):
    OUTBOUND = "outbound", _("Outbound")  # click-to-call: the agent's phone rings first
    INBOUND = "inbound", _("Inbound")  # a customer called the company number


class CallStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")  # our row exists; the provider has not been asked yet
    INITIATED = "initiated", _("Initiated")  # the provider accepted the request
    RINGING = "ringing", _("Ringing")  # the customer's phone rings
    ANSWERED = "answered", _("Answered")  # both legs connected: the conversation runs
    COMPLETED = "completed", _("Completed")  # answered and hung up (terminal)
    BUSY = "busy", _("Busy")  # the customer's line was busy or rejected the call (terminal)
    NO_ANSWER = "no_answer", _("No answer")  # rang out (terminal)
    FAILED = "failed", _("Failed")  # the network could not place it (terminal)
    CANCELED = "canceled", _("Canceled")  # hung up before anyone answered (terminal)


class CallEventType(models.TextChoices):
    INITIATED = "initiated", _("Initiated")  # the provider took the call
    RINGING = "ringing", _("Ringing")  # ringing the customer
    ANSWERED = "answered", _("Answered")  # connected
    TERMINAL = "terminal", _("Terminal")  # the call ended: its final status, duration, times
    RECORDING = "recording", _("Recording")  # the recording is ready at the provider


class ContextKind(models.TextChoices):
    NONE = "", _("None")  # no record (an unknown inbound caller)
    LEAD = "lead", _("Lead")  # leads.Lead id
    ORDER = "order", _("Order")  # orders.Order id
    TICKET = "ticket", _("Ticket")  # cx.Ticket id


class AgentState(models.TextChoices):
    AVAILABLE = "available", _("Available")  # may take or make a call
    ON_CALL = "on_call", _("On a call")  # set by a call starting
    AFTER_CALL_WORK = (
        "after_call_work",
        _("After-call work"),
    )  # logging the outcome of an answered call
    AWAY = "away", _("Away")  # set by the agent: break, training, meeting


class EventOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")  # stored, the worker has not applied it yet
    APPLIED = "applied", _("Applied")  # moved the call forward or filled in its facts
    STALE = "stale", _("Stale")  # arrived after a later state: kept, changed nothing
    UNMATCHED = "unmatched", _("Unmatched")  # no call known for it yet: reconciled when it appears
