"""Staff users, teams and API tokens (SPEC §1)."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from orderdesk.accounts.choices import Role
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

    @property
    def is_api_client(self) -> bool:
        return self.role in Role.client_roles()

    @property
    def display_role(self) -> str:
        return Role(self.role).label if self.role else "—"


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
