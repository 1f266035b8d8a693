from django.contrib import admin

from orderdesk.catalog.models import (
    Brand,
    City,
    ConditionOption,
    ConditionQuestion,
    DeviceModel,
    DeviceType,
    PickupSlot,
    Quote,
    ServedPincode,
    Variant,
    Vendor,
)
from orderdesk.core.admin import AuditedAdminMixin


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0


class OptionInline(admin.TabularInline):
    model = ConditionOption
    extra = 0


@admin.register(DeviceType)
class DeviceTypeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("key", "name", "floor_price")


@admin.register(Brand)
class BrandAdmin(AuditedAdminMixin, admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(DeviceModel)
class DeviceModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "device_type", "high_end", "release_year", "active")
    list_filter = ("device_type", "brand", "high_end", "active")
    search_fields = ("name", "brand__name")
    inlines = [VariantInline]


@admin.register(ConditionQuestion)
class ConditionQuestionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("device_type", "position", "key", "text")
    list_filter = ("device_type",)
    inlines = [OptionInline]


@admin.register(City)
class CityAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "state")


@admin.register(ServedPincode)
class ServedPincodeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("pincode", "area", "city", "active")
    list_filter = ("city", "active", "device_types")
    search_fields = ("pincode", "area")
    filter_horizontal = ("device_types",)


@admin.register(Vendor)
class VendorAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "city", "active")
    list_filter = ("city", "active")
    filter_horizontal = ("pincodes",)


@admin.register(PickupSlot)
class PickupSlotAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("city", "date", "window", "capacity", "booked")
    list_filter = ("city", "date")
    date_hierarchy = "date"


@admin.register(Quote)
class QuoteAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("id", "variant", "estimated_price", "pincode", "created_at", "valid_until")
    readonly_fields = [f.name for f in Quote._meta.fields]

    def has_add_permission(self, request):
        return False  # quotes are computed by the server, never typed

    def has_change_permission(self, request, obj=None):
        return False
