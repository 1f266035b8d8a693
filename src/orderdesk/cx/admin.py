from django.contrib import admin

from orderdesk.core.admin import AuditedAdminMixin
from orderdesk.cx.models import Ticket


@admin.register(Ticket)
class TicketAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read in the admin; CX works tickets through ``cx.actions`` (resolution moves the lead)."""

    list_display = ("id", "type", "status", "customer", "lead", "order_number", "created_at")
    list_filter = ("type", "status")
    search_fields = ("customer__name", "customer__phone", "order_number")
    raw_id_fields = ("customer", "lead", "created_by", "resolved_by")
    readonly_fields = ("status", "resolved_by", "resolved_at")
