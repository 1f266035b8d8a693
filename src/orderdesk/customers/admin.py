from django import forms
from django.contrib import admin, messages

from orderdesk.core import audit
from orderdesk.core.admin import AuditedAdminMixin
from orderdesk.core.errors import ValidationFailed
from orderdesk.core.phones import display_phone, normalise_phone
from orderdesk.customers.models import Address, Customer


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0


class CustomerAdminForm(forms.ModelForm):
    """S2 (issue 21, 3): the change page never carries the full number. The stored phone is
    shown masked; typing a new one replaces it. The full number is shown only through the
    audited "Show full number" action."""

    new_phone = forms.CharField(
        required=False, max_length=20, help_text="Type a new number to replace the stored one."
    )

    class Meta:
        model = Customer
        # Not ``phone`` / ``alternate_phone``: their inputs would carry the full numbers.
        fields = ("name", "email", "language", "whatsapp_opt_in", "do_not_contact")

    def clean_new_phone(self):
        raw = self.cleaned_data.get("new_phone", "").strip()
        if not raw:
            if self.instance.pk is None:
                raise forms.ValidationError("A new customer needs a phone number.")
            return ""
        try:
            return normalise_phone(raw)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc

    def save(self, commit=True):
        if self.cleaned_data.get("new_phone"):
            self.instance.phone = self.cleaned_data["new_phone"]
        return super().save(commit=commit)


@admin.register(Customer)
class CustomerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = CustomerAdminForm
    list_display = (
        "name",
        "masked_phone",
        "language",
        "whatsapp_opt_in",
        "do_not_contact",
        "created_at",
    )
    list_filter = ("language", "whatsapp_opt_in", "do_not_contact")
    # A whole number only (exact match on the stored E.164 value): a partial search would
    # tell which masked numbers hold which digits.
    search_fields = ("name", "=phone")
    readonly_fields = ("masked_phone",)
    inlines = [AddressInline]
    actions = ["show_full_number"]

    @admin.action(description="Show full number (audited)")
    def show_full_number(self, request, queryset):
        for customer in queryset[:5]:
            audit.record(
                "customer.reveal_phone",
                customer,
                after={"field": "phone", "purpose": "admin", "work": "admin"},
                actor=request.user,
            )
            self.message_user(
                request, f"{customer.name}: {display_phone(customer.phone)}", messages.INFO
            )
