"""Sign-in protection: lock-out after repeated failures (django-axes) and who needs 2FA.

- ``LockoutBackend`` is axes' standalone backend, first in ``AUTHENTICATION_BACKENDS``:
  every sign-in that comes with a request (the console, the Django admin,
  ``POST /api/v1/auth/token``) is refused while its username and address are locked
  out. ``authenticate()`` without a request (``Client.login`` in tests, the shell) is
  not a network sign-in and is not counted.
- ``lockout_response`` answers a locked-out sign-in: 429 problem+json
  ``too_many_attempts`` on the API, the 429 "locked out" page in the console and admin.
- ``audit_lockout`` writes ``user.locked_out`` to the audit trail for the failure that
  locks the pair out and for every attempt refused while it is locked (connected in
  ``AccountsConfig.ready``: axes announces lock-outs only by its signal).
- ``two_factor_required(user)``: the user's role is in ``ORDERDESK_REQUIRE_2FA_ROLES``.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.template.response import TemplateResponse

from orderdesk.accounts.models import User
from orderdesk.core import audit
from orderdesk.core.errors import DomainError, problem_response
from orderdesk.core.middleware import door


class TooManyAttempts(DomainError):
    status = 429
    title = "Too many failed sign-ins"
    default_code = "too_many_attempts"


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out_error() -> TooManyAttempts:
    return TooManyAttempts(
        f"Too many failed sign-ins for this username from this address; try again in "
        f"{lockout_minutes()} minutes or ask an admin to unlock the account.",
        field="username",
    )


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lock-out check for sign-ins over the network (those with a request)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, credentials=None, *args, **kwargs):
    """AXES_LOCKOUT_CALLABLE: 429 in the API's problem shape, or the console's page."""
    if request.path.startswith("/api/"):
        response = problem_response(locked_out_error())
    else:
        response = TemplateResponse(
            request,
            "console/locked_out.html",
            {"minutes": lockout_minutes()},
            status=429,
        )
        response.render()
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    """S3: a lock-out is a security event; record it with the username as typed."""
    user = User.objects.filter(username=username).first() if username else None
    audit.record(
        "user.locked_out",
        user or User(username=username or ""),
        after={"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": lockout_minutes()},
        system=True,
        via=door(request.path) if request is not None else "system",
        ip=ip_address or None,
        object_id=str(user.pk) if user else "",
        object_repr=username or "",
    )


def two_factor_required(user) -> bool:
    """Whether ``user`` must pass a TOTP check after the password (ORDERDESK_REQUIRE_2FA_ROLES)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "role", None) in settings.ORDERDESK_REQUIRE_2FA_ROLES
    )


def confirmed_totp_devices(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True)
