"""Orders in the back office (issue 18: an admin could not find an order anywhere).

Read-only: every change to an order goes through its lifecycle actions (O1), never the admin.
Searched by order number (as typed, with or without dashes) or by the customer's full phone
number in any format; a partial number finds nothing (partial phone search is a privacy
oracle). The phone is shown masked, as everywhere else.
"""

from django.contrib import admin

from orderdesk.core.errors import DomainError
from orderdesk.core.phones import mask_phone, normalise_phone
from orderdesk.orders.models import Order
from orderdesk.orders.rules import canonical_order_number, order_number_problem


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "status", "customer_name", "customer_phone", "channel", "created_at")
    list_filter = ("status", "channel")
    search_fields = ("number",)  # the real search is get_search_results below
    search_help_text = "An order number (dashes optional) or the customer's full phone number."
    list_select_related = ("customer",)
    fields = (
        "number",
        "status",
        "channel",
        "customer_name",
        "customer_phone",
        "variant",
        "estimated_price",
        "final_price",
        "vendor",
        "slot",
        "created_by",
        "created_at",
        "cancellation_reason",
    )
    readonly_fields = fields

    @admin.display(description="customer")
    def customer_name(self, order):
        return order.customer.name

    @admin.display(description="phone")
    def customer_phone(self, order):
        return mask_phone(order.customer.phone)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if order_number_problem(term) is None:
            return queryset.filter(number=canonical_order_number(term)), False
        try:
            phone = normalise_phone(term)
        except DomainError:
            return queryset.none(), False
        return queryset.filter(customer__phone=phone), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
