"""Back office: message kinds and templates are edited here (audited); the outbox is read-only."""

from django.contrib import admin, messages

from orderdesk.core.admin import AuditedAdminMixin
from orderdesk.core.errors import DomainError
from orderdesk.messaging import actions
from orderdesk.messaging.models import (
    InboundMessage,
    Message,
    MessageKind,
    MessageTemplate,
    WebhookEvent,
    WhatsAppConsent,
)


class MessageTemplateInline(admin.StackedInline):
    model = MessageTemplate
    extra = 0
    fields = (
        "language",
        "channel",
        "subject",
        "body",
        "dlt_template_id",
        "whatsapp_template_name",
    )


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
    fields = (
        "kind",
        "language",
        "channel",
        "subject",
        "body",
        "dlt_template_id",
        "whatsapp_template_name",
        "allowed_variables",
    )

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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the webhook, the worker and the actions: the back office reads."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WhatsAppConsent)
class WhatsAppConsentAdmin(ReadOnlyAdmin):
    """N3: the append-only opt-in/opt-out ledger."""

    list_display = ("customer", "opted_in", "source", "recorded_by", "recorded_at")
    list_filter = ("opted_in", "source")


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "provider", "state", "received_at", "processed_at", "result")
    list_filter = ("state", "provider")


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("masked_phone", "customer", "type", "received_at")
    list_filter = ("type",)
    exclude = ("from_phone",)  # S2: the number stays masked in the back office too
