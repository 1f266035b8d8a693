"""Back office for the SOP settings (SPEC §10): the disposition tree and the versioned contact
policy, plus read-mostly views of leads. Every change is audited (S3)."""

from django.contrib import admin
from django.utils import timezone

from orderdesk.core import audit
from orderdesk.core.admin import AuditedAdminMixin
from orderdesk.leads.models import (
    ContactAttempt,
    ContactPolicy,
    ContactRefusal,
    Disposition,
    FollowUp,
    ImportJob,
    Lead,
    Notification,
)


@admin.register(Disposition)
class DispositionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The tree is data: labels, scripts, guidance and which are active are editable. Keys are
    the API's stable keys, so an existing key cannot be renamed; rows are deactivated, never
    deleted (contacts point at them)."""

    list_display = (
        "label",
        "key",
        "group",
        "requires_notes",
        "agent_selectable",
        "active",
        "position",
    )
    list_filter = ("group", "active")
    list_editable = ("position", "active")
    ordering = ("group", "position")

    def get_readonly_fields(self, request, obj=None):
        return ("key",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactPolicy)
class ContactPolicyAdmin(admin.ModelAdmin):
    """D9, versioned: "change" saves a NEW version (the old one stays, with its effective_from),
    so the training card can show the version in force and when it took effect."""

    list_display = (
        "version",
        "calling_hours_start",
        "calling_hours_end",
        "max_attempts_per_lead_per_day",
        "effective_from",
        "changed_by",
        "change_note",
    )
    readonly_fields = ("version", "changed_by", "created_at")
    fields = (
        "calling_hours_start",
        "calling_hours_end",
        "max_attempts_per_lead_per_day",
        "follow_up_early_minutes",
        "follow_up_missed_after_minutes",
        "effective_from",
        "change_note",
        "version",
        "changed_by",
        "created_at",
    )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            old = ContactPolicy.objects.get(pk=obj.pk)
            before = audit.snapshot(old, _POLICY_FIELDS)
            obj.pk = None  # never edit a version in place: save a new one
            obj._state.adding = True
            if obj.effective_from <= old.effective_from:
                obj.effective_from = timezone.now()
        last = ContactPolicy.objects.order_by("-version").first()
        obj.version = (last.version if last else 0) + 1
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
        audit.record(
            "contactpolicy.new_version",
            obj,
            before=before,
            after=audit.snapshot(obj, _POLICY_FIELDS),
            actor=request.user,
        )


_POLICY_FIELDS = (
    "version",
    "calling_hours_start",
    "calling_hours_end",
    "max_attempts_per_lead_per_day",
    "follow_up_early_minutes",
    "follow_up_missed_after_minutes",
    "effective_from",
    "change_note",
)


class ContactInline(admin.TabularInline):
    model = ContactAttempt
    extra = 0
    can_delete = False
    fields = (
        "at",
        "agent",
        "channel",
        "direction",
        "connected",
        "disposition",
        "notes",
        "suggested_disposition",
        "order_number",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    can_delete = False
    fields = ("episode", "due_at", "status", "assigned_to", "permission_recorded_by", "done_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    """Read-only: leads change through the console and the API (``leads.actions``), where the
    SOP's rules apply; the admin would bypass them."""

    list_display = (
        "id",
        "customer",
        "status",
        "owner",
        "priority",
        "closed_for_sales",
        "order_block",
        "created_at",
    )
    list_filter = ("status", "closed_for_sales", "priority", "source")
    search_fields = ("customer__name", "customer__phone", "order_number")
    raw_id_fields = ("customer", "variant", "quote", "owner", "disposition")
    inlines = [ContactInline, FollowUpInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactRefusal)
class ContactRefusalAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("at", "agent", "code", "lead", "direction", "channel")
    list_filter = ("code",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "lead", "read_at")
    list_filter = ("kind",)

    def has_add_permission(self, request):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Lead imports, read-only: they are made in the console or by ``orderdesk import_leads``
    (``leads.imports``), audited there; the back office only looks."""

    list_display = (
        "pk",
        "created_at",
        "created_by",
        "file_name",
        "campaign",
        "status",
        "rows_done",
        "created_count",
        "matched_count",
        "rejected_count",
    )
    list_filter = ("status", "via")
    search_fields = ("file_name", "campaign", "file_sha256")
    exclude = ("content",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ImportJob._meta.fields if f.name != "content"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
