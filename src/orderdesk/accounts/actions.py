"""Writes on users and tokens. Each one is atomic and audited (S3)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from orderdesk.accounts.choices import ConsoleLanguage, Role
from orderdesk.accounts.models import ApiToken, User, revoke_all_tokens
from orderdesk.accounts.signin import (
    UsernameThrottle,
    confirmed_totp_devices,
    locked_out_error,
    two_factor_required,
)
from orderdesk.core import audit
from orderdesk.core.errors import Forbidden, Unauthenticated, ValidationFailed
from orderdesk.core.middleware import client_ip

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
    """Set a new password; ``User.save`` revokes the user's API tokens (issue 21, 5)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # The password itself is never written to the audit trail.
    audit.record("user.change_password", user, actor=user)


@transaction.atomic
def set_language(user: User, language: str) -> None:
    """The console language of ``user``, set by the user (the console's own form). An
    unknown code is refused naming the field, and nothing changes; the same language
    again changes nothing and writes no audit row."""
    if language not in ConsoleLanguage.values:
        raise ValidationFailed(
            f"Unknown language {language!r}.", code="language_invalid", field="language"
        )
    before = user.language
    if before == language:
        return
    user.language = language
    user.save(update_fields=["language"])
    audit.record(
        "user.set_language",
        user,
        actor=user,
        before={"language": before},
        after={"language": language},
    )


def issue_token(
    *, username: str, password: str, label: str = "", request=None, otp: str = ""
) -> tuple[str, ApiToken]:
    """Exchange a username and password (and a TOTP code, for roles that need one) for a
    bearer token (shown once).

    Not one transaction: the sign-in check runs first, outside any, so that a failed
    attempt counts towards the lock-out (django-axes writes it) even though this refuses.
    Refusals: ``invalid_credentials`` (401), ``too_many_attempts`` (429, locked out),
    ``two_factor_required`` / ``two_factor_invalid`` (401), ``two_factor_enrolment_required``
    (403: enrol an authenticator in the console first).
    """
    user = authenticate(request, username=username, password=password)
    if request is not None and getattr(request, "axes_locked_out", False):
        raise locked_out_error(getattr(request, "orderdesk_signin_wait", None))
    if user is None or not user.is_active:
        raise Unauthenticated(
            "Wrong username or password.", code="invalid_credentials", field="password"
        )
    if two_factor_required(user):
        devices = list(confirmed_totp_devices(user))
        if not devices:
            raise Forbidden(
                "Your role signs in with two factors: enrol an authenticator app in the "
                "console (sign in there once) before asking for a token.",
                code="two_factor_enrolment_required",
                field="otp",
            )
        if not otp:
            raise Unauthenticated(
                "Your role signs in with two factors: send the 6-digit code from your "
                "authenticator app as 'otp'.",
                code="two_factor_required",
                field="otp",
            )
        if not any(device.verify_token(otp) for device in devices):
            raise Unauthenticated(
                "The authenticator code is wrong or has expired.",
                code="two_factor_invalid",
                field="otp",
            )
    if request is not None and settings.AXES_RESET_ON_SUCCESS:
        # A console sign-in resets the failure count through django's user_logged_in signal;
        # a token is issued without a session login, so reset it here (same username+address).
        from axes.utils import reset as reset_failures

        reset_failures(ip=client_ip(request), username=username)
        UsernameThrottle.reset(username)
    return _create_token(user, label)


@transaction.atomic
def _create_token(user: User, label: str) -> tuple[str, ApiToken]:
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
    token = live_token(raw)
    return token.user if token is not None else None


def live_token(raw: str) -> ApiToken | None:
    """The live token ``raw`` names (its user active), or None; touches ``last_used_at``."""
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
    return token


@transaction.atomic
def revoke_token(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    audit.record("token.revoke", token, after={"prefix": token.prefix})


@transaction.atomic
def revoke_user_tokens(user: User, *, actor: User) -> int:
    """An admin ends every API token of ``user`` (a lost laptop, a leaked app secret).
    Refused (403) unless ``actor`` is an admin; audited as ``token.revoke_all``."""
    if actor.role != Role.ADMIN:
        raise Forbidden("Only an admin revokes another user's tokens.", code="forbidden")
    return revoke_all_tokens(user, reason="revoked_by_admin")
