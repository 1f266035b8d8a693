"""Base models and the audit trail (SPEC S3)."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from orderdesk.core.timeutil import ist_label


class TimeStampedModel(models.Model):
    """Adds created/updated times (UTC) to a table."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # pragma: no cover - guarded by DB triggers too
        raise PermissionError("audit events are append-only")

    def delete(self):
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    """S3: one change to one record — who, what, before and after, when, from where.

    Append-only: the model refuses updates and deletes, and database triggers
    (migration 0002) refuse them for any client that bypasses the ORM.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=150, help_text="username at the time, or 'system'")
    via = models.CharField(
        max_length=20, default="system", help_text="console, api, admin, worker, cli, system"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(
        max_length=80, db_index=True, help_text="verb-first, e.g. customer.create"
    )
    object_type = models.CharField(max_length=80, db_index=True, help_text="app_label.model")
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{ist_label(self.at)} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class AuditRedaction(models.Model):
    """S4: the one sanctioned way to change audit events — removing personal data from them.

    The append-only triggers (migration 0003) let an UPDATE of an audit event's
    ``object_repr``, ``before`` and ``after`` through only while a redaction row with
    ``open`` set exists, and never a change to any other column; DELETE stays refused.
    ``core.audit.redact`` opens the row, rewrites the events and closes it in one
    transaction, so no other transaction ever sees it open. The row stays as the
    record of the redaction (and the redaction writes an audit event of its own).
    """

    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=80, help_text="e.g. customer.erase, retention")
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    events = models.PositiveIntegerField(default=0, help_text="audit events redacted")
    open = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{ist_label(self.at)} {self.reason} {self.object_type}#{self.object_id}"


class PeriodicJobState(models.Model):
    """A periodic job's chain schedule (one row per job), for jobs whose app keeps no state
    row of its own (``core.periodic``; D10's missed follow-ups)."""

    name = models.CharField(max_length=40, unique=True)
    next_sweep_at = models.DateTimeField(null=True, blank=True)
    last_sweep_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} next at {self.next_sweep_at}"
