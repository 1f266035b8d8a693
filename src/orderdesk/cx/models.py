"""CX tickets, their steps, SLA policies and CSAT (SPEC §2 Ticket, §6 C1-C3, M9, D6)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from orderdesk.core.models import TimeStampedModel
from orderdesk.cx import rules
from orderdesk.cx.choices import (
    ACTIVE_STATUSES,
    ActionKind,
    ActOutcome,
    EscalationKind,
    FollowUpOutcome,
    TicketChannel,
    TicketPriority,
    TicketStatus,
    TicketType,
)


class SlaPolicy(models.Model):
    """C2: first-response and resolution targets for one ticket type and priority, versioned.

    Rows are never edited: the admin saves a change as version n+1 of that (type, priority)
    with its ``effective_from``, audited (like the leads ``ContactPolicy``). A ticket takes
    the version in force when it is opened and keeps it (``Ticket.sla_policy`` and the
    minutes copied onto the ticket): a later change does not move a promise already made.
    """

    ticket_type = models.CharField(max_length=20, choices=TicketType.choices)
    priority = models.CharField(max_length=10, choices=TicketPriority.choices)
    version = models.PositiveIntegerField(default=1)
    first_response_minutes = models.PositiveIntegerField(
        help_text="minutes from opening to the first customer-facing step (C2)"
    )
    resolution_minutes = models.PositiveIntegerField(
        help_text="minutes from opening to resolution, not counting time waiting on the customer"
    )
    effective_from = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change_note = models.CharField(max_length=200, blank=True, help_text="why it changed")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ticket_type", "priority", "-version"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(
                fields=["ticket_type", "priority", "version"], name="sla_policy_one_version"
            ),
            models.CheckConstraint(
                name="sla_first_response_positive", condition=Q(first_response_minutes__gte=1)
            ),
            models.CheckConstraint(
                name="sla_resolution_after_first_response",
                condition=Q(resolution_minutes__gte=F("first_response_minutes")),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.ticket_type}/{self.priority} v{self.version}: first response "
            f"{self.first_response_minutes} min, resolution {self.resolution_minutes} min"
        )

    @classmethod
    def in_force(cls, ticket_type: str, priority: str, at: dt.datetime | None = None) -> SlaPolicy:
        """The version in force at ``at`` for the pair; the shipped default (unsaved) if none."""
        at = at or timezone.now()
        policy = (
            cls.objects.filter(ticket_type=ticket_type, priority=priority, effective_from__lte=at)
            .order_by("-effective_from", "-version")
            .first()
        )
        if policy is not None:
            return policy
        first, resolution = rules.default_sla(ticket_type, priority)
        return cls(
            ticket_type=ticket_type,
            priority=priority,
            version=0,
            first_response_minutes=first,
            resolution_minutes=resolution,
            effective_from=at,
        )


class Ticket(TimeStampedModel):
    """A CX case about a customer, possibly about an order, possibly raised from a lead (D6).

    ``status`` changes only through ``cx.actions`` (one table: ``rules.TICKET_TRANSITIONS``).
    SLA clocks (C2): the due times are set from the policy at opening; while the ticket waits
    on the customer they do not run (``paused_at``), and on resuming both due times move on
    by the pause. ``sla_next_due_at`` is the one deadline the sweep watches (indexed); it is
    NULL when nothing is pending. ``escalated_at`` is set once: the sweep's conditional UPDATE
    on ``escalated_at IS NULL`` escalates a breached ticket exactly once.
    A lead has at most one active ``order_not_found`` ticket (partial unique index).
    """

    type = models.CharField(max_length=20, choices=TicketType.choices)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="tickets"
    )
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    order_number = models.CharField(
        max_length=20, blank=True, help_text="the order the case is about (as given or as found)"
    )
    channel = models.CharField(
        max_length=10, choices=TicketChannel.choices, default=TicketChannel.CALL
    )
    priority = models.CharField(
        max_length=10, choices=TicketPriority.choices, default=TicketPriority.NORMAL
    )
    status = models.CharField(
        max_length=20, choices=TicketStatus.choices, default=TicketStatus.OPEN, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets_assigned",
    )
    notes = models.TextField(blank=True, help_text="what the customer said and what was done")
    resolution = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets_opened",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    round = models.PositiveSmallIntegerField(
        default=1, help_text="C1 round: 1, then +1 at each reopen (each round needs its own Act)"
    )

    # C2: SLA clocks.
    sla_policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(
        null=True, blank=True, help_text="set while waiting on the customer"
    )
    paused_seconds = models.PositiveIntegerField(default=0, help_text="total time paused")
    sla_next_due_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="the deadline the sweep watches"
    )
    first_response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)

    # C2: escalation.
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_kind = models.CharField(max_length=12, choices=EscalationKind.choices, blank=True)
    escalation_reason = models.CharField(max_length=500, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets_escalated_to",
    )

    # C3: FCR and the post-resolution follow-up.
    waited_on_customer = models.BooleanField(default=False)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    fcr = models.BooleanField(
        null=True,
        blank=True,
        help_text="C3: resolved on the first contact, never reopened or escalated (set at resolution)",
    )
    follow_up_due_at = models.DateTimeField(null=True, blank=True)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    follow_up_outcome = models.CharField(max_length=12, choices=FollowUpOutcome.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead"],
                condition=Q(type=TicketType.ORDER_NOT_FOUND, status__in=list(ACTIVE_STATUSES)),
                name="one_active_order_not_found_per_lead",
            ),
            models.CheckConstraint(
                name="ticket_type_valid", condition=Q(type__in=[t.value for t in TicketType])
            ),
            models.CheckConstraint(
                name="ticket_status_valid", condition=Q(status__in=[s.value for s in TicketStatus])
            ),
            models.CheckConstraint(
                name="ticket_priority_valid",
                condition=Q(priority__in=[p.value for p in TicketPriority]),
            ),
            models.CheckConstraint(
                name="ticket_paused_only_while_waiting",
                condition=Q(paused_at__isnull=True) | Q(status=TicketStatus.WAITING_ON_CUSTOMER),
            ),
            models.CheckConstraint(
                name="ticket_resolved_has_resolver_time",
                condition=~Q(status__in=[TicketStatus.RESOLVED, TicketStatus.CLOSED])
                | Q(resolved_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "status"], name="cx_ticket_assignee_status"),
            models.Index(fields=["customer", "status"], name="cx_ticket_customer_status"),
            models.Index(fields=["status", "resolved_at"], name="cx_ticket_status_resolved"),
            # Issue 17 (P4): the KPI roll-up's change scan (kpis.rollup._changes) ORs these four
            # time ranges; one index each lets PostgreSQL combine them (BitmapOr).
            models.Index(fields=["updated_at"], name="cx_ticket_updated_at"),
            models.Index(fields=["resolved_at"], name="cx_ticket_resolved_at"),
            models.Index(
                fields=["first_response_breached_at"],
                name="cx_ticket_fr_breached_at",
                condition=Q(first_response_breached_at__isnull=False),
            ),
            models.Index(
                fields=["resolution_breached_at"],
                name="cx_ticket_res_breached_at",
                condition=Q(resolution_breached_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Ticket #{self.pk} {self.type} ({self.status})"

    @property
    def number(self) -> str:
        return rules.ticket_number(self.pk)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class TicketAction(models.Model):
    """One step on a ticket (C1 Listen/Apologise/Act, escalation, resolution, …): who, when, what.

    Append-only by the product: the steps are the case's record.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=12, choices=ActionKind.choices)
    outcome = models.CharField(max_length=20, choices=ActOutcome.choices, blank=True)
    text = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    round = models.PositiveSmallIntegerField(default=1)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "round", "kind"], name="cx_action_round_kind")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} by {self.actor_id or 'system'}"


class CsatSurvey(models.Model):
    """C3: the one satisfaction survey of a ticket and its answer (1-5), stored once.

    The customer answers by a signed link (``nonce`` is in the signed token) or by replying
    with the score and ``reply_code``. ``agent`` and ``team`` are who resolved the ticket and
    their team *when the customer rated*, so a later team move does not rewrite the KPI.
    The answer is written by a conditional UPDATE on ``score IS NULL``: exactly once.
    """

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="csat")
    nonce = models.CharField(max_length=32, unique=True)
    reply_code = models.CharField(max_length=8, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.CharField(max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_via = models.CharField(max_length=10, blank=True, help_text="link or reply")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "CSAT survey"
        constraints = [
            models.CheckConstraint(
                name="csat_score_1_to_5",
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
            ),
            models.CheckConstraint(
                name="csat_answer_complete",
                condition=Q(score__isnull=True, answered_at__isnull=True)
                | Q(score__isnull=False, answered_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["answered_at"], name="cx_csat_answered")]

    def __str__(self) -> str:
        return f"CSAT {self.ticket_id}: {self.score or '—'}"


class SlaSweepState(models.Model):
    """The SLA sweep chain's schedule and last run (one row), like messaging's ``SenderState``."""

    name = models.CharField(max_length=20, unique=True, default="sla")
    next_sweep_at = models.DateTimeField(null=True, blank=True)
    last_sweep_at = models.DateTimeField(null=True, blank=True)
    last_report = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    def __str__(self) -> str:
        return f"SLA sweep next at {self.next_sweep_at}"
