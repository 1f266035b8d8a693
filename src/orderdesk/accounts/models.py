"""Staff users, teams and API tokens (SPEC §1)."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from orderdesk.accounts.choices import ConsoleLanguage, Role
from orderdesk.core import audit
from orderdesk.core.models import TimeStampedModel


class Team(TimeStampedModel):
    """A floor team (e.g. "Inbound Sales — Bengaluru"); KPIs are reported per team."""

    name = models.CharField(max_length=100, unique=True)
    supervisor = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_teams",
    )

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person or an API client. ``role`` decides everything it may see and do."""

    role = models.CharField(max_length=20, choices=Role.choices, db_index=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    vendor = models.ForeignKey(
        "catalog.Vendor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_users",
        help_text="For vendor API clients: the vendor whose orders this client sees.",
    )
    # createsuperuser asks for the role too (--role admin): a user without one breaks
    # user_role_valid (docs/deploy.md, step 4).
    REQUIRED_FIELDS = ["email", "role"]
    joined_on = models.DateField(
        null=True, blank=True, help_text="Agents in their first 30 days are audited more often."
    )
    # The console's language for this user (its chrome: navigation, labels, refusals). The
    # scripts read aloud follow the customer's language instead (docs/decisions.md).
    language = models.CharField(
        max_length=8,
        choices=ConsoleLanguage.choices,
        default=ConsoleLanguage.ENGLISH,
        help_text="The language of this user's console.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_role_valid",
                condition=Q(role__in=[r.value for r in Role]),
            ),
            models.CheckConstraint(
                name="vendor_client_has_vendor",
                condition=~Q(role=Role.VENDOR) | Q(vendor__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        """Issue 21 finding 5: a new password or a deactivation ends every bearer token the
        user holds, whichever door made the change (the console's password form, the
        Django admin, ``changepassword``, an action). Django keeps the new raw password in
        ``_password`` from ``set_password`` until the save; here, not in a signal, so that
        no path that saves a user can skip it."""
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed or (self.pk is not None and not self.is_active):
            revoke_all_tokens(
                self, reason="password_changed" if password_changed else "deactivated"
            )

    @property
    def is_api_client(self) -> bool:
        return self.role in Role.client_roles()

    @property
    def display_role(self) -> str:
        return str(Role(self.role).label) if self.role else "—"  # in the active language


class ApiToken(TimeStampedModel):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="first characters, to tell tokens apart")
    label = models.CharField(max_length=100, blank=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


def revoke_all_tokens(user: User, *, reason: str) -> int:
    """Revoke every live token of ``user``; one audit event (``token.revoke_all``) when any
    was live, naming the reason. Returns how many were revoked. Called from ``User.save``
    and the admin's "Revoke all API tokens" action (through ``accounts.actions``)."""
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    prefixes = sorted(live.values_list("prefix", flat=True))
    if not prefixes:
        return 0
    count = live.update(revoked_at=timezone.now())
    audit.record("token.revoke_all", user, after={"reason": reason, "prefixes": prefixes})
    return count
