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
    readonly_fields = ("masked_phone",)

    def get_fields(self, request, obj=None):
        """S2: an existing customer's phone is shown masked (the full number is an audited
        reveal in the console); only a new customer's form takes a phone."""
        fields = list(super().get_fields(request, obj))
        if obj is not None:
            fields = [f for f in fields if f != "phone"]
        else:
            fields = [f for f in fields if f != "masked_phone"]
        return fields
