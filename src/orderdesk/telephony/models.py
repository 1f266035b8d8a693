"""Calls, their provider events, agents' presence and the missed-call callback list."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from orderdesk.core.phones import mask_phone
from orderdesk.telephony import rules
from orderdesk.telephony.choices import (
    AgentState,
    CallDirection,
    CallEventType,
    CallStatus,
    ContextKind,
    EventOutcome,
    ProviderName,
)


def recording_path(call: Call, filename: str) -> str:
    return f"telephony/recordings/{call.created_at:%Y/%m}/{call.public_id}{filename[-4:]}"


class Call(models.Model):
    """One phone call: its facts come from the provider (times, talk time, outcome,
    recording); the agent adds only the disposition and notes, on the contact attempt.

    The record it is about (lead, order or ticket) is kept as plain ``context_kind`` +
    ``context_id`` with no foreign key: telephony sits below leads, orders and cx and
    never imports them. ``contact_attempt_id`` likewise names the leads.ContactAttempt
    the call became. ``status`` moves only forward (``rules.RANK``), through
    ``actions.apply_event`` alone. One active call per agent is a database constraint.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.CharField(max_length=20, choices=ProviderName.choices)
    provider_call_id = models.CharField(max_length=80, blank=True, default="")
    direction = models.CharField(max_length=10, choices=CallDirection.choices)
    from_number = models.CharField(max_length=20, help_text="E.164")
    to_number = models.CharField(max_length=20, help_text="E.164")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    context_kind = models.CharField(
        max_length=10, choices=ContextKind.choices, blank=True, default=""
    )
    context_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=CallStatus.choices, default=CallStatus.QUEUED)
    created_at = models.DateTimeField(help_text="when we asked the provider (the dial time)")
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(null=True, blank=True)
    recording_url = models.URLField(max_length=500, blank=True, help_text="the provider's link")
    recording = models.FileField(upload_to=recording_path, blank=True, max_length=200)
    recording_expires_at = models.DateTimeField(null=True, blank=True)
    recording_deleted_at = models.DateTimeField(null=True, blank=True)
    contact_attempt_id = models.BigIntegerField(
        null=True, blank=True, unique=True, help_text="the leads.ContactAttempt this call became"
    )
    note = models.CharField(max_length=300, blank=True, help_text="why it failed, for ops")
    polled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_call_id"],
                condition=~Q(provider_call_id=""),
                name="telephony_call_provider_id_unique",
            ),
            models.UniqueConstraint(
                fields=["agent"],
                condition=Q(status__in=sorted(rules.ACTIVE)) & Q(agent__isnull=False),
                name="telephony_one_active_call_per_agent",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CallStatus.values), name="telephony_call_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="telephony_call_status_idx"),
            models.Index(fields=["context_kind", "context_id"], name="telephony_call_context_idx"),
            models.Index(fields=["recording_expires_at"], name="telephony_call_rec_expiry_idx"),
            # The KPI roll-up's change scan (kpis.rollup._changed_calls): calls dialled or
            # ended since the last scan, and an agent's calls in one IST hour. Without them
            # each dashboard read scanned the whole call table (issue 17, P4).
            models.Index(fields=["created_at"], name="telephony_call_created_idx"),
            models.Index(fields=["ended_at"], name="telephony_call_ended_idx"),
            models.Index(fields=["agent", "created_at"], name="telephony_call_agent_hour_idx"),
        ]

    def __str__(self) -> str:
        return f"call {self.public_id} {self.direction} to {mask_phone(self.to_number)} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in rules.ACTIVE

    @property
    def customer_number(self) -> str:
        return self.to_number if self.direction == CallDirection.OUTBOUND else self.from_number


class CallEvent(models.Model):
    """One provider callback, stored raw before any work is done (the webhook answers fast).

    Unique per (provider, provider call id, event): a replayed callback is recognised and
    changes nothing. ``call`` is empty until the event is matched to a call; an event for
    a call we do not know yet is kept (``unmatched``) and applied when the call appears.
    """

    provider = models.CharField(max_length=20, choices=ProviderName.choices)
    provider_call_id = models.CharField(max_length=80)
    event = models.CharField(max_length=12, choices=CallEventType.choices)
    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    our_call_id = models.CharField(max_length=40, blank=True, help_text="CustomField, if sent")
    occurred_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    request_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict)
    outcome = models.CharField(
        max_length=10, choices=EventOutcome.choices, default=EventOutcome.PENDING
    )
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_call_id", "event"],
                name="telephony_event_once_per_call",
            )
        ]
        indexes = [
            models.Index(fields=["outcome", "received_at"], name="telephony_event_todo_idx"),
            models.Index(fields=["processed_at"], name="telephony_event_processed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_call_id} {self.event} ({self.outcome})"


class AgentPresence(models.Model):
    """An agent's telephony state for the wallboard: set by the agent (available, away) and
    by calls (on a call when one starts, after-call work when an answered call ends)."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="presence",
    )
    state = models.CharField(
        max_length=20, choices=AgentState.choices, default=AgentState.AVAILABLE
    )
    since = models.DateTimeField()
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL)
    phone = models.CharField(
        max_length=20, blank=True, help_text="E.164: the agent's phone, rung first on click-to-call"
    )

    def __str__(self) -> str:
        return f"{self.agent_id}: {self.state}"


class MissedCallback(models.Model):
    """A missed inbound call on the callback list: who calls back and by when."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="callback")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["done_at"], name="telephony_callback_done_idx")]

    def __str__(self) -> str:
        return f"callback for call {self.call_id} due {self.due_at:%Y-%m-%d %H:%M}"


class RateWindow(models.Model):
    """Provider API requests made in one minute (Exotel allows 200 a minute): a conditional
    UPDATE ... WHERE count < limit takes a slot, across every web and worker process."""

    key = models.CharField(max_length=40)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="telephony_rate_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%H:%M}: {self.count}"


class SweepState(models.Model):
    """The telephony sweep's schedule (poll of stale calls, recording retention)."""

    name = models.CharField(max_length=20, primary_key=True, default="telephony")
    next_sweep_at = models.DateTimeField(null=True, blank=True)
    last_sweep_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} (last sweep {self.last_sweep_at})"
