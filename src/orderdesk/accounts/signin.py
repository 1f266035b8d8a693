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
- ``UsernameThrottle``: a per-username limit that ignores the address (issue 21, finding 1).
  Axes locks a username *and address* pair; an attacker who spreads guesses over many
  addresses never trips it. After ``LOGIN_USERNAME_FREE_FAILURES`` failures for one username
  from anywhere, each further attempt must wait a delay that doubles with every failure (1 s,
  2 s, 4 s ... capped at ``LOGIN_USERNAME_MAX_DELAY_SECONDS``) after the last failure; an
  attempt inside the delay is refused with 429 without checking the password and does not
  lengthen the delay. Never a hard lock: a named user cannot be locked out for longer than
  the cap by someone who knows the username. A success resets the count.
- ``two_factor_required(user)``: the user's role is in ``ORDERDESK_REQUIRE_2FA_ROLES``.
"""

from __future__ import annotations

import hashlib
import time

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
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


def locked_out_error(wait_seconds: int | None = None) -> TooManyAttempts:
    if wait_seconds is not None:
        return TooManyAttempts(
            f"Too many failed sign-ins for this username; try again in {wait_seconds} seconds.",
            field="username",
        )
    return TooManyAttempts(
        f"Too many failed sign-ins for this username from this address; try again in "
        f"{lockout_minutes()} minutes or ask an admin to unlock the account.",
        field="username",
    )


class UsernameThrottle:
    """The per-username delay (see the module docstring). State lives in the shared cache
    (a database table, so every gunicorn worker sees the same count): ``count`` failures and
    the time of the last one, kept for ``LOGIN_LOCKOUT_MINUTES`` after it."""

    @staticmethod
    def _key(username: str) -> str:
        digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
        return f"signin-user:{digest}"

    @classmethod
    def wait_seconds(cls, username: str, now: float | None = None) -> int:
        """Seconds this username must still wait before a password is checked (0: none)."""
        state = cache.get(cls._key(username))
        if not state:
            return 0
        over = state["count"] - settings.LOGIN_USERNAME_FREE_FAILURES
        if over < 0:
            return 0
        delay = min(2**over, settings.LOGIN_USERNAME_MAX_DELAY_SECONDS)
        now = time.time() if now is None else now
        remaining = state["last"] + delay - now
        return max(0, int(remaining + 0.999))

    @classmethod
    def record_failure(cls, username: str, now: float | None = None) -> None:
        key = cls._key(username)
        state = cache.get(key) or {"count": 0}
        state = {"count": state["count"] + 1, "last": time.time() if now is None else now}
        cache.set(key, state, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))

    @classmethod
    def reset(cls, username: str) -> None:
        cache.delete(cls._key(username))


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lock-out check for sign-ins over the network (those with a request), and the
    per-username delay before it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if username:
            wait = UsernameThrottle.wait_seconds(username)
            if wait:
                # Refused before the password is checked; not counted as another failure.
                request.axes_locked_out = True
                request.orderdesk_signin_wait = wait
                request.orderdesk_refused_unchecked = True
                raise PermissionDenied("sign-in delayed for this username")
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except PermissionDenied:
            request.orderdesk_refused_unchecked = True  # a locked pair: no password checked
            raise


def count_username_failure(sender, credentials=None, request=None, **kwargs):
    """user_login_failed: one more failure for the username, whatever the address. An
    attempt refused before its password was checked (delayed, or its pair locked by axes)
    is not a guess and does not count."""
    if request is None or getattr(request, "orderdesk_refused_unchecked", False):
        return
    username = (credentials or {}).get("username")
    if username:
        UsernameThrottle.record_failure(username)


def reset_username_failures(sender, request=None, user=None, **kwargs):
    """user_logged_in: a console or admin sign-in clears the username's count."""
    if request is not None and user is not None:
        UsernameThrottle.reset(user.get_username())


def lockout_response(request, credentials=None, *args, **kwargs):
    """AXES_LOCKOUT_CALLABLE: 429 in the API's problem shape, or the console's page."""
    wait = getattr(request, "orderdesk_signin_wait", None)  # set by the per-username delay
    if request.path.startswith("/api/"):
        response = problem_response(locked_out_error(wait))
    else:
        response = TemplateResponse(
            request,
            "console/locked_out.html",
            {"minutes": lockout_minutes(), "seconds": wait},
            status=429,
        )
        response.render()
    response["Retry-After"] = str(wait or int(settings.AXES_COOLOFF_TIME.total_seconds()))
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
