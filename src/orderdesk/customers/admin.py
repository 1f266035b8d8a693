from django.contrib import admin

from orderdesk.core.admin import AuditedAdminMixin
from orderdesk.customers.models import Address, Customer


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0


@admin.register(Customer)
class CustomerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "masked_phone",
        "language",
        "whatsapp_opt_in",
        "do_not_contact",
        "created_at",
    )
    list_filter = ("language", "whatsapp_opt_in", "do_not_contact")
    search_fields = ("name", "phone")
    inlines = [AddressInline]
