"""KPI roll-ups (issue 8) and supervisors' audits of agents' work.

Roll-ups: see ``kpis/rollup.py`` and docs/kpis.md "Roll-ups". ``RollupBucket`` is the small table
the dashboard reads; ``RollupSource`` keeps what each source row (a lead, an order, a ticket, ...)
contributed, so a change to that row is applied as an exact delta; ``RollupState`` is the
change-detection watermark and the lock that serialises refreshes.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

NO_PREVIOUS_DAY = dt.date(1, 1, 1)  # "no earlier day in this sequence" (sorts before any range)


class RollupBucket(models.Model):
    """How many facts of ``measure`` fall on IST ``day`` for one agent / team / city.

    ``prev_day`` is the previous day of the same lead's (or order's) sequence for distinct
    measures (``NO_PREVIOUS_DAY`` for the first day, and for plain row counts): a lead counts
    once in ``[a, b]`` exactly for its row with ``a <= day <= b`` and ``prev_day < a``.
    ``level``: ``a`` per agent (``agent_id``, 0 = nobody), ``t`` per team (``team_id``; distinct
    lead measures only, the team of the agent *now*), ``*`` the whole floor (idem).
    """

    grain = models.CharField(
        max_length=1, default="d", help_text="d: one IST day; m: a calendar month (day = its 1st)"
    )
    measure = models.CharField(max_length=40)
    level = models.CharField(max_length=1)
    agent_id = models.IntegerField(default=0)
    team_id = models.IntegerField(default=0)
    city = models.CharField(max_length=80, blank=True)
    day = models.DateField()
    prev_day = models.DateField(default=NO_PREVIOUS_DAY)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "grain",
                    "measure",
                    "level",
                    "agent_id",
                    "team_id",
                    "city",
                    "day",
                    "prev_day",
                ],
                name="rollup_bucket_unique",
            )
        ]
        indexes = [models.Index(fields=["grain", "day"], name="rollup_bucket_grain_day")]

    def __str__(self) -> str:
        return f"{self.measure} {self.level} {self.day} = {self.n}"


class RollupSource(models.Model):
    """What one source row contributed to the buckets (a list of ``[key..., n]``)."""

    key = models.CharField(max_length=40, unique=True, help_text="e.g. lead:42, order:7")
    facts = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.key


class RollupState(models.Model):
    """Singleton (``name="rollup"``): high-water marks of the change scan, and the lock."""

    name = models.CharField(max_length=20, unique=True)
    built_at = models.DateTimeField(null=True, blank=True)
    scanned_until = models.DateTimeField(null=True, blank=True)
    last_contact_id = models.BigIntegerField(default=0)
    last_event_id = models.BigIntegerField(default=0)
    last_audit_id = models.BigIntegerField(default=0)
    last_error_id = models.BigIntegerField(default=0)
    last_duplicate_id = models.BigIntegerField(default=0)
    # PeriodicChain bookkeeping (the worker's refresh chain)
    next_sweep_at = models.DateTimeField(null=True, blank=True)
    last_sweep_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class AuditSubject(models.TextChoices):
    ORDER = "order", _("Order")
    CALL = "call", _("Call (contact attempt)")


class AuditStatus(models.TextChoices):
    OPEN = "open", _("To score")  # drawn, not scored yet
    SCORED = "scored", _("Scored")  # checklist answered; errors (if any) recorded


class AgentAudit(models.Model):
    """A supervisor's audit of one order or one call (SPEC §7, M8): drawn by the weighted
    sample, then scored on the SOP checklist (``kpis.rules.CHECKLISTS``)."""

    subject = models.CharField(max_length=10, choices=AuditSubject.choices)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="audits"
    )
    contact = models.ForeignKey(
        "leads.ContactAttempt",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audits",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audits_received"
    )
    weight = models.FloatField(help_text="sampling weight when drawn (kpis.rules.sample_weight)")
    weight_reasons = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=AuditStatus.choices, default="open")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audits_drawn"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audits_scored",
    )
    scored_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True, help_text="checklist item key -> pass")
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="percent passed")
    notes = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(subject="order", order__isnull=False, contact__isnull=True)
                    | models.Q(subject="call", contact__isnull=False, order__isnull=True)
                ),
                name="audit_subject_matches",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(status="open"),
                name="audit_one_open_per_order",
            ),
            models.UniqueConstraint(
                fields=["contact"],
                condition=models.Q(status="open"),
                name="audit_one_open_per_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"audit of {self.order or self.contact} ({self.status})"
