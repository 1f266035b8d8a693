from django.contrib import admin

from orderdesk.telephony.models import AgentPresence, Call, CallEvent, MissedCallback


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
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
    readonly_fields = [f.name for f in Call._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(CallEvent)
class CallEventAdmin(admin.ModelAdmin):
    list_display = ("provider", "provider_call_id", "event", "outcome", "received_at", "request_id")
    list_filter = ("provider", "event", "outcome")
    readonly_fields = [f.name for f in CallEvent._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AgentPresence)
class AgentPresenceAdmin(admin.ModelAdmin):
    list_display = ("agent", "state", "since", "phone")


@admin.register(MissedCallback)
class MissedCallbackAdmin(admin.ModelAdmin):
    list_display = ("call", "owner", "due_at", "done_at")
