"""Calls and their events are the provider's facts: read-only in the back office. An agent's
desk phone and the callback list are editable, audited (S3)."""

from django.contrib import admin

from orderdesk.core.admin import AuditedAdminMixin
from orderdesk.telephony.models import AgentPresence, Call, CallEvent, MissedCallback


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "provider",
        "direction",
        "agent",
        "status",
        "created_at",
        "talk_seconds",
    )
    list_filter = ("provider", "direction", "status")
    exclude = ("from_number", "to_number")  # S2: numbers stay masked (str() masks them)


@admin.register(CallEvent)
class CallEventAdmin(ReadOnlyAdmin):
    list_display = ("provider", "provider_call_id", "event", "outcome", "received_at", "request_id")
    list_filter = ("provider", "event", "outcome")
    exclude = ("payload",)  # the raw callback carries full phone numbers (S2)


@admin.register(AgentPresence)
class AgentPresenceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("agent", "state", "since")
    fields = ("agent", "phone", "state", "since")


@admin.register(MissedCallback)
class MissedCallbackAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("call", "owner", "due_at", "done_at")
    fields = ("owner", "due_at", "done_at")
