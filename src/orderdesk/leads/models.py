"""Leads, contact attempts, the disposition tree, follow-ups and the contact policy (SPEC §2, §3).

Every write goes through ``orderdesk.leads.actions``; the rules those actions
apply are in ``orderdesk.leads.rules`` (D1-D10).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from orderdesk.core.language import english
from orderdesk.core.models import TimeStampedModel
from orderdesk.core.timeutil import ist_label
from orderdesk.leads.choices import (
    OPEN_LEAD_STATUSES,
    Channel,
    ClosedReason,
    Direction,
    DispositionGroup,
    DispositionKey,
    FollowUpStatus,
    ImportStatus,
    LeadPriority,
    LeadSource,
    LeadStatus,
    NotificationKind,
)


class Disposition(TimeStampedModel):
    """One outcome of a contact attempt: the disposition tree is these rows (SPEC §3), editable
    in the admin. ``key`` is the stable API key; label, script and guidance are the SOP's words.

    Two invariants are kept by the database: a Connected disposition always requires notes
    (D1), and ``create_order`` is never agent-selectable (D7).
    """

    key = models.SlugField(
        max_length=40, unique=True, help_text="stable key, e.g. will_place_order"
    )
    label = models.CharField(max_length=80)
    group = models.CharField(max_length=20, choices=DispositionGroup.choices)
    requires_notes = models.BooleanField(
        default=True, help_text="D1: always on for Connected dispositions"
    )
    agent_selectable = models.BooleanField(
        default=True, help_text="D7: off for Create Order, which only the system sets"
    )
    script = models.TextField(blank=True, help_text="what the agent says (the SOP's own words)")
    guidance = models.TextField(blank=True, help_text="what the agent does next (the SOP's steps)")
    notes_example = models.CharField(
        max_length=200, blank=True, help_text="the SOP's example of good notes"
    )
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="inactive dispositions cannot be picked")

    class Meta:
        ordering = ["group", "position", "id"]
        constraints = [
            models.CheckConstraint(
                name="disposition_connected_requires_notes",
                condition=~Q(group=DispositionGroup.CONNECTED) | Q(requires_notes=True),
            ),
            models.CheckConstraint(
                name="disposition_create_order_system_only",
                condition=~Q(key=DispositionKey.CREATE_ORDER) | Q(agent_selectable=False),
            ),
            models.CheckConstraint(
                name="disposition_group_valid",
                condition=Q(group__in=[g.value for g in DispositionGroup]),
            ),
        ]

    def __str__(self) -> str:
        return f"{DispositionGroup(self.group).label} → {self.label}"

    @property
    def connected(self) -> bool:
        return self.group == DispositionGroup.CONNECTED

    @property
    def shown_label(self) -> str:
        """The label in the agent's language (issue 18): the default tree's rows are translated
        through their key (``DispositionKey``'s marked labels) while their label is still the
        default English one; a row an admin renamed, or a new key, shows its own label."""
        try:
            default = DispositionKey(self.key).label
        except ValueError:
            return self.label
        return str(default) if self.label == english(default) else self.label


class Lead(TimeStampedModel):
    """A customer with intent to sell (SPEC §2): where it came from, the device and last
    quote, who owns it, where it stands, and how urgent it is (high-end devices first).

    ``status`` changes only through ``leads.actions`` via the one transition table
    ``leads.rules.LEAD_TRANSITIONS``. ``closed_for_sales`` mirrors the status (a check
    constraint keeps them in step) and is what D5 reads. ``order_block`` (D6) holds a
    reason code while CX verifies an order the customer says exists.
    """

    # No index of its own: lead_customer_open_idx (customer, closed_for_sales) leads with it
    # (issue 17, P6: every index is written for each of a million imported leads).
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="leads", db_index=False
    )
    source = models.CharField(max_length=20, choices=LeadSource.choices)
    variant = models.ForeignKey(
        "catalog.Variant", null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    quote = models.ForeignKey(
        "catalog.Quote",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        help_text="the last quote the customer saw",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        help_text="the sales agent working it; unowned leads go to whoever calls first",
        db_index=False,  # lead_queue_idx leads with owner
    )
    status = models.CharField(max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    disposition = models.ForeignKey(
        Disposition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the latest outcome (from a contact, or set by the system: D7/D8)",
    )
    priority = models.PositiveSmallIntegerField(
        choices=LeadPriority.choices, default=LeadPriority.NORMAL
    )
    closed_for_sales = models.BooleanField(default=False)
    closed_reason = models.CharField(max_length=20, choices=ClosedReason.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    order_block = models.CharField(
        max_length=40,
        blank=True,
        help_text="D6: a reason code (order_not_found_pending) while no order may be created",
    )
    episode = models.PositiveIntegerField(
        default=0, help_text="D3: the current Will Place Order episode (0: none yet)"
    )
    episode_started_at = models.DateTimeField(null=True, blank=True)
    next_follow_up_at = models.DateTimeField(
        null=True, blank=True, help_text="the pending follow-up's time, for the queue"
    )
    last_contact_at = models.DateTimeField(null=True, blank=True)
    order_number = models.CharField(
        max_length=20, blank=True, help_text="the order that closed the lead (found or created)"
    )
    ordered_at = models.DateTimeField(null=True, blank=True)
    # Lead imports (``leads.imports``): the row's key — campaign, phone and device — so the
    # same campaign row never makes a second lead, even after the first one was closed.
    # Unique by a constraint, not unique=True: on PostgreSQL the field option adds a second,
    # LIKE-pattern index that no query reads (issue 17, P6).
    import_key = models.CharField(max_length=32, null=True, blank=True)
    import_job = models.ForeignKey(
        "leads.ImportJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        db_index=False,  # traced, not queried in bulk; an index would slow a 1M-row import
    )

    class Meta:
        indexes = [
            # The agent's queue: my open leads by priority.
            models.Index(
                fields=["owner", "closed_for_sales", "-priority", "created_at"],
                name="lead_queue_idx",
            ),
            # Unowned open leads, for whoever picks next.
            models.Index(
                fields=["-priority", "created_at"],
                name="lead_unowned_idx",
                condition=Q(owner__isnull=True, closed_for_sales=False),
            ),
            # D8: a customer's open leads.
            models.Index(fields=["customer", "closed_for_sales"], name="lead_customer_open_idx"),
            # D10: an agent's open leads with a follow-up, by its time (``agent_queue``).
            models.Index(
                fields=["owner", "next_follow_up_at"],
                name="lead_followup_queue_idx",
                condition=Q(closed_for_sales=False, next_follow_up_at__isnull=False),
            ),
            # Issue 17 (P3): ``agent_queue``'s last part, open leads without a follow-up by
            # priority and age: a range scan of exactly those rows (no filter on the heap).
            models.Index(
                fields=["owner", "-priority", "created_at"],
                name="lead_rest_queue_idx",
                condition=Q(closed_for_sales=False, next_follow_up_at__isnull=True),
            ),
            # Issue 17 (P4): the KPI roll-up's change scan (kpis.rollup._changes).
            models.Index(fields=["updated_at"], name="lead_updated_at_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["import_key"], name="lead_import_key_unique"),
            models.CheckConstraint(
                name="lead_closed_matches_status",
                condition=(
                    Q(closed_for_sales=False, status__in=[s.value for s in OPEN_LEAD_STATUSES])
                    | (
                        Q(closed_for_sales=True)
                        & ~Q(status__in=[s.value for s in OPEN_LEAD_STATUSES])
                    )
                ),
            ),
            models.CheckConstraint(
                name="lead_status_valid", condition=Q(status__in=[s.value for s in LeadStatus])
            ),
        ]

    def __str__(self) -> str:
        return f"Lead #{self.pk} {self.customer.name if self.customer_id else ''}".strip()


class ContactAttempt(models.Model):
    """One call or message on a lead (SPEC §2): who, how, when, whether anyone was reached,
    exactly one disposition (D1), the notes, the customer's own words, and the suggester's
    proposal beside the agent's choice (D2), so the suggester's accuracy can be measured.

    ``recorded_by_system`` marks the Create Order attempt the system writes when an order is
    created from the lead (D7); those never count as contacts for D9.
    """

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="contacts")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_attempts",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    at = models.DateTimeField(default=timezone.now)
    connected = models.BooleanField()
    disposition = models.ForeignKey(Disposition, on_delete=models.PROTECT, related_name="contacts")
    notes = models.TextField(blank=True)
    customer_words = models.TextField(blank=True)
    suggested_disposition = models.CharField(
        max_length=40, blank=True, help_text="D2: the suggester's key for customer_words"
    )
    suggestion_confidence = models.FloatField(null=True, blank=True)
    order_number = models.CharField(
        max_length=20, blank=True, help_text="D6: the number the customer gave, as recorded"
    )
    order_found = models.BooleanField(
        null=True, blank=True, help_text="D6: did the look-up find the customer's order?"
    )
    episode = models.PositiveIntegerField(default=0)
    is_follow_up = models.BooleanField(
        default=False, help_text="D4: this contact was the episode's one follow-up"
    )
    recorded_by_system = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["lead", "at"], name="contact_lead_at_idx"),
            models.Index(fields=["agent", "at"], name="contact_agent_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="contact_direction_valid",
                condition=Q(direction__in=[d.value for d in Direction]),
            ),
            models.CheckConstraint(
                name="contact_channel_valid", condition=Q(channel__in=[c.value for c in Channel])
            ),
            models.CheckConstraint(
                name="contact_confidence_in_range",
                condition=Q(suggestion_confidence__isnull=True)
                | Q(suggestion_confidence__gte=0, suggestion_confidence__lte=1),
            ),
        ]

    def __str__(self) -> str:
        return f"{ist_label(self.at)} {self.channel} {self.direction} lead #{self.lead_id}"


class FollowUp(models.Model):
    """A scheduled next contact on a lead, with the customer's permission recorded (D3).

    One per lead per Will Place Order episode: the unique constraint
    ``one_follow_up_per_episode`` makes a second one impossible even when two agents race.
    ``assigned_to`` is whose due queue it sits in (D10).
    """

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="follow_ups")
    episode = models.PositiveIntegerField()
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.PENDING
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    permission_given = models.BooleanField(
        default=False, help_text="D3: the customer agreed to be contacted at due_at"
    )
    permission_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    permission_recorded_at = models.DateTimeField()
    permission_contact = models.ForeignKey(
        ContactAttempt,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the contact in which the customer gave permission",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_contact = models.ForeignKey(
        ContactAttempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    missed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "episode"], name="one_follow_up_per_episode"),
            models.CheckConstraint(
                name="follow_up_needs_permission", condition=Q(permission_given=True)
            ),
            models.CheckConstraint(
                name="follow_up_status_valid",
                condition=Q(status__in=[s.value for s in FollowUpStatus]),
            ),
        ]
        indexes = [
            # D10: my due follow-ups by time.
            models.Index(fields=["assigned_to", "status", "due_at"], name="followup_queue_idx"),
            # The missed-follow-up job and the supervisor's view.
            models.Index(fields=["status", "due_at"], name="followup_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Follow-up lead #{self.lead_id} at {ist_label(self.due_at)} ({self.status})"


class ContactPolicy(models.Model):
    """D9: the contact policy, versioned. Rows are never edited: a change is a new version with
    its ``effective_from`` (the admin saves edits as new versions), so the training card can
    show the version in force and when it took effect (SPEC §10). Every version is audited.
    """

    version = models.PositiveIntegerField(unique=True)
    calling_hours_start = models.TimeField(default=dt.time(9, 0), help_text="IST")
    calling_hours_end = models.TimeField(default=dt.time(21, 0), help_text="IST")
    max_attempts_per_lead_per_day = models.PositiveSmallIntegerField(
        default=3, help_text="outbound sales contacts per lead per IST day"
    )
    follow_up_early_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="a follow-up may be made this many minutes before its time"
    )
    follow_up_missed_after_minutes = models.PositiveSmallIntegerField(
        default=120, help_text="a pending follow-up is missed this long after its time"
    )
    effective_from = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change_note = models.CharField(max_length=200, blank=True, help_text="why it changed")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-version"]
        verbose_name_plural = "contact policies"
        constraints = [
            models.CheckConstraint(
                name="policy_hours_ordered",
                condition=Q(calling_hours_end__gt=F("calling_hours_start")),
            ),
            models.CheckConstraint(
                name="policy_attempts_positive", condition=Q(max_attempts_per_lead_per_day__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return (
            f"v{self.version}: {self.calling_hours_start:%H:%M}-{self.calling_hours_end:%H:%M} IST, "
            f"{self.max_attempts_per_lead_per_day}/lead/day"
        )

    @classmethod
    def in_force(cls, at: dt.datetime | None = None) -> ContactPolicy:
        """The version in force at ``at`` (now by default); the SPEC's defaults if none is stored."""
        at = at or timezone.now()
        policy = cls.objects.filter(effective_from__lte=at).order_by("-effective_from", "-version")
        return policy.first() or cls(version=0, effective_from=at)


class Notification(models.Model):
    """A message for a staff member shown in the console (D8: "tell the owner"; D10)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lead_notifications"
    )
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "created_at"], name="notification_inbox_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.message[:40]}"


class ContactRefusal(models.Model):
    """A contact the rules refused (D4, D5, D9): the "over-contact attempts" the supervisor sees.

    Written after the refused transaction has rolled back, so the lead, its contacts and
    follow-ups are untouched; only this record of the refusal remains.
    """

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="refusals")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    code = models.CharField(max_length=40, db_index=True)
    message = models.CharField(max_length=300)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{ist_label(self.at)} {self.code} lead #{self.lead_id}"


class ImportJob(TimeStampedModel):
    """One campaign list imported into leads (``leads.imports``): who, which file (name and
    SHA-256), the campaign its rows are keyed under, where it stands, and the counts.

    ``content`` holds an uploaded file until the worker has read it (the web and worker
    processes share only the database); it is emptied when the job ends. The per-row
    rejections are ``ImportRowError`` rows, downloadable as CSV.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lead_imports",
    )
    via = models.CharField(max_length=20, default="console", help_text="console or cli")
    file_name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_format = models.CharField(max_length=4, help_text="csv or xlsx")
    content = models.BinaryField(null=True, blank=True, editable=False)
    campaign = models.CharField(
        max_length=100, help_text="rows are keyed by campaign, phone and device"
    )
    default_source = models.CharField(
        max_length=20, choices=LeadSource.choices, default=LeadSource.CAMPAIGN
    )
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0, help_text="data rows in the file")
    rows_done = models.PositiveIntegerField(default=0, help_text="progress")
    created_count = models.PositiveIntegerField(default=0, help_text="new leads")
    matched_count = models.PositiveIntegerField(default=0, help_text="existing leads / DNC")
    rejected_count = models.PositiveIntegerField(default=0, help_text="rows skipped as bad")
    customers_created = models.PositiveIntegerField(default=0)
    do_not_contact_count = models.PositiveIntegerField(
        default=0, help_text="D9: rows whose customer is do-not-contact (no lead queued)"
    )
    failure = models.CharField(max_length=300, blank=True, help_text="why the file was refused")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="importjob_status_valid",
                condition=Q(status__in=[s.value for s in ImportStatus]),
            ),
        ]

    def __str__(self) -> str:
        return f"Import #{self.pk} {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class ImportRowError(models.Model):
    """A rejected row of an import: the row number as the spreadsheet shows it (the header is
    row 1), the field, a stable code and the reason. One row may have several."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField()
    field = models.CharField(max_length=20)
    code = models.CharField(max_length=40)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["job", "row", "id"]
        indexes = [models.Index(fields=["job", "row"], name="importrowerror_job_row_idx")]

    def __str__(self) -> str:
        return f"row {self.row} {self.field}: {self.reason}"
