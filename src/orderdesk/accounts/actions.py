"""Writes on users and tokens. Each one is atomic and audited (S3)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from orderdesk.accounts.choices import Role
from orderdesk.accounts.models import ApiToken, User
from orderdesk.core import audit
from orderdesk.core.errors import Unauthenticated, ValidationFailed

USER_AUDIT_FIELDS = ("username", "role", "team", "vendor", "is_active", "is_staff", "is_superuser")


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    **extra,
) -> User:
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}.", code="role_invalid", field="role")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(
            f"The username {username!r} is taken.", code="username_taken", field="username"
        )
    user = User(username=username, role=role, first_name=first_name, last_name=last_name, **extra)
    # The back office is the Django admin: only admins enter it.
    user.is_staff = user.is_superuser = role == Role.ADMIN
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record("user.create", user, after=audit.snapshot(user, USER_AUDIT_FIELDS))
    return user


@transaction.atomic
def change_password(user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # The password itself is never written to the audit trail.
    audit.record("user.change_password", user, actor=user)


@transaction.atomic
def issue_token(*, username: str, password: str, label: str = "") -> tuple[str, ApiToken]:
    """Exchange a username and password for a bearer token (shown once)."""
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        raise Unauthenticated(
            "Wrong username or password.", code="invalid_credentials", field="password"
        )
    raw = f"od_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(raw),
        prefix=raw[:10],
        label=label[:100],
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    audit.record(
        "token.issue",
        token,
        actor=user,
        after={"prefix": token.prefix, "expires_at": token.expires_at},
    )
    return raw, token


def user_for_token(raw: str) -> User | None:
    """The active user behind a bearer token, or None (expired, revoked, unknown)."""
    if not raw or not raw.startswith("od_"):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    # Touch last_used at most once a minute, so reads do not become writes.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_token(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    audit.record("token.revoke", token, after={"prefix": token.prefix})
