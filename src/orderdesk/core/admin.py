"""Admin helpers: every change made in the back office is audited (S3)."""

from django.contrib import admin

from orderdesk.core import audit
from orderdesk.core.models import AuditEvent, AuditRedaction


class AuditedAdminMixin:
    """Write an audit event for each add, change and delete made in the admin."""

    audit_fields: tuple[str, ...] = ()

    def _fields(self, obj):
        names = self.audit_fields or tuple(
            f.name
            for f in obj._meta.concrete_fields
            if f.name not in {"id", "password", "created_at", "updated_at"}
        )
        return names

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            old = type(obj).objects.filter(pk=obj.pk).first()
            before = audit.snapshot(old, self._fields(obj)) if old else None
        super().save_model(request, obj, form, change)
        label = obj._meta.model_name
        audit.record(
            f"{label}.{'update' if change else 'create'}",
            obj,
            before=before,
            after=audit.snapshot(obj, self._fields(obj)),
            actor=request.user,
        )

    def delete_model(self, request, obj):
        before = audit.snapshot(obj, self._fields(obj))
        audit.record(f"{obj._meta.model_name}.delete", obj, before=before, actor=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit events cannot be edited or deleted through the product."""

    list_display = (
        "at",
        "actor_label",
        "via",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "ip",
    )
    list_filter = ("action", "object_type", "via")
    search_fields = ("actor_label", "object_id", "object_repr", "action")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditRedaction)
class AuditRedactionAdmin(admin.ModelAdmin):
    """Read-only: the record of each S4 redaction of the audit trail (core.audit.redact)."""

    list_display = ("at", "reason", "object_type", "object_id", "events", "open")
    list_filter = ("reason",)
    search_fields = ("object_id",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
