from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from orderdesk.accounts.actions import revoke_user_tokens
from orderdesk.accounts.models import ApiToken, Team, User
from orderdesk.core.admin import AuditedAdminMixin

# Roles (accounts/permissions.py) are the one permission layer; Django's groups are unused,
# and an unaudited page to edit them would be a gap in S3.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = (
        "username",
        "get_full_name",
        "role",
        "team",
        "vendor",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "team", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("orderdesk", {"fields": ("role", "team", "vendor", "joined_on")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("orderdesk", {"fields": ("role", "team", "vendor")}),
    )
    audit_fields = ("username", "role", "team", "vendor", "is_active", "is_staff", "is_superuser")
    actions = ["revoke_api_tokens"]

    @admin.action(description="Revoke all API tokens of the selected users")
    def revoke_api_tokens(self, request, queryset):
        """Issue 21, 5: a leaked app secret or a lost laptop ends here (audited per user)."""
        # The request context (actor, address, door) is the middleware's, as for every
        # admin change.
        revoked = sum(revoke_user_tokens(user, actor=request.user) for user in queryset)
        self.message_user(request, f"{revoked} API token(s) revoked.")


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "supervisor")
    audit_fields = ("name", "supervisor")


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "prefix",
        "user",
        "label",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("digest", "prefix", "user", "created_at", "last_used_at")
    audit_fields = ("user", "prefix", "label", "expires_at", "revoked_at")  # S3: never the digest

    def has_add_permission(self, request):
        return False  # tokens are issued through POST /api/v1/auth/token, shown once


# Two-factor devices: an admin removes a lost phone's device here (the user enrols again at
# the next sign-in). django-otp's own admin, with every change audited (S3); the secret key
# never goes into the trail.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuditedTOTPDeviceAdmin(AuditedAdminMixin, TOTPDeviceAdmin):
    audit_fields = ("user", "name", "confirmed")


# Lock-outs (django-axes): deleting an access attempt is how an admin lifts a lock-out, so
# it is audited like every other change (S3). Only who and from where go into the trail.
def _audited_axes_admins() -> None:
    from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model, base in (
        (AccessAttempt, AccessAttemptAdmin),
        (AccessLog, AccessLogAdmin),
        (AccessFailureLog, AccessFailureLogAdmin),
    ):
        if not admin.site.is_registered(model):
            continue
        admin.site.unregister(model)
        audited = type(
            f"Audited{base.__name__}",
            (AuditedAdminMixin, base),
            {"audit_fields": ("username", "ip_address")},
        )
        admin.site.register(model, audited)


_audited_axes_admins()
