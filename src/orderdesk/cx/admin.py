from django.contrib import admin
from django.utils import timezone

from orderdesk.core import audit
from orderdesk.core.admin import AuditedAdminMixin
from orderdesk.cx.models import CsatSurvey, SlaPolicy, Ticket, TicketAction

_SLA_FIELDS = (
    "ticket_type",
    "priority",
    "version",
    "first_response_minutes",
    "resolution_minutes",
    "effective_from",
    "change_note",
)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    """C2, versioned per (type, priority): "change" saves a NEW version (the old one stays with
    its effective_from); tickets keep the version they were opened under. Audited."""

    list_display = (
        "ticket_type",
        "priority",
        "version",
        "first_response_minutes",
        "resolution_minutes",
        "effective_from",
        "changed_by",
        "change_note",
    )
    list_filter = ("ticket_type", "priority")
    readonly_fields = ("version", "changed_by", "created_at")
    fields = (
        "ticket_type",
        "priority",
        "first_response_minutes",
        "resolution_minutes",
        "effective_from",
        "change_note",
        "version",
        "changed_by",
        "created_at",
    )

    def get_readonly_fields(self, request, obj=None):
        # A version belongs to its (type, priority): a change is a new version of the same pair.
        return self.readonly_fields + (("ticket_type", "priority") if obj else ())

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            old = SlaPolicy.objects.get(pk=obj.pk)
            before = audit.snapshot(old, _SLA_FIELDS)
            obj.pk = None  # never edit a version in place: save a new one
            obj._state.adding = True
            if obj.effective_from <= old.effective_from:
                obj.effective_from = timezone.now()
        last = (
            SlaPolicy.objects.filter(ticket_type=obj.ticket_type, priority=obj.priority)
            .order_by("-version")
            .first()
        )
        obj.version = (last.version if last else 0) + 1
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
        audit.record(
            "slapolicy.new_version",
            obj,
            before=before,
            after=audit.snapshot(obj, _SLA_FIELDS),
            actor=request.user,
        )


class TicketActionInline(admin.TabularInline):
    model = TicketAction
    extra = 0
    can_delete = False
    fields = ("at", "kind", "outcome", "actor", "text", "from_status", "to_status")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read in the admin; CX works tickets through ``cx.actions`` (steps, SLA, CSAT, D6, M9)."""

    list_display = (
        "id",
        "type",
        "status",
        "priority",
        "customer",
        "assignee",
        "order_number",
        "sla_next_due_at",
        "escalated_at",
        "fcr",
        "created_at",
    )
    list_filter = ("type", "status", "priority", "channel", "escalation_kind", "fcr")
    search_fields = ("customer__name", "customer__phone", "order_number")
    raw_id_fields = (
        "customer",
        "lead",
        "order",
        "created_by",
        "resolved_by",
        "assignee",
        "escalated_to",
    )
    inlines = [TicketActionInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Ticket._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CsatSurvey)
class CsatSurveyAdmin(admin.ModelAdmin):
    """C3 answers, read-only (stored once, by the customer)."""

    list_display = ("ticket", "score", "answered_via", "answered_at", "agent", "team", "sent_at")
    list_filter = ("score", "answered_via", "team")
    exclude = ("nonce",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in CsatSurvey._meta.concrete_fields if f.name != "nonce"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
