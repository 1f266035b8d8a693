"""Back office: message kinds and templates are edited here (audited); the outbox is read-only."""

from django.contrib import admin, messages

from orderdesk.core.admin import AuditedAdminMixin
from orderdesk.core.errors import DomainError
from orderdesk.messaging import actions
from orderdesk.messaging.models import Message, MessageKind, MessageTemplate


class MessageTemplateInline(admin.StackedInline):
    model = MessageTemplate
    extra = 0
    fields = ("language", "channel", "subject", "body")


@admin.register(MessageKind)
class MessageKindAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "key",
        "name",
        "category",
        "honours_do_not_contact",
        "default_channels",
        "variables",
    )
    list_filter = ("category",)
    search_fields = ("key", "name")
    inlines = [MessageTemplateInline]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("kind", "language", "channel", "subject", "updated_at")
    list_filter = ("language", "channel", "kind__category")
    search_fields = ("kind__key", "body", "subject")
    readonly_fields = ("allowed_variables",)
    fields = ("kind", "language", "channel", "subject", "body", "allowed_variables")

    @admin.display(description="Variables this kind provides")
    def allowed_variables(self, obj):
        if not obj or not obj.kind_id:
            return "Choose the kind and save to see its variables."
        return ", ".join("{{ " + name + " }}" for name in obj.kind.variables)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox, read-only: rows are written by ``enqueue_message`` and the sender only."""

    list_display = (
        "id",
        "kind",
        "channel",
        "masked_recipient",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "channel", "kind")
    search_fields = ("order_number", "provider_key", "provider_message_id")
    date_hierarchy = "created_at"
    actions = ["retry_selected"]
    exclude = ("recipient",)  # S2: shown masked

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Message._meta.concrete_fields if f.name != "recipient"] + [
            "masked_recipient"
        ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry the selected failed messages")
    def retry_selected(self, request, queryset):
        done = 0
        for message in queryset:
            try:
                actions.retry_message(message)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"#{message.pk}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{done} message(s) queued again.", messages.SUCCESS)
