"""Throttles for the doors anyone can knock on (issue 21, finding 8), counted per client address.

The public API calls (quotes, serviceability, the CSAT answer) and the console's CSAT page need
no sign-in; without a limit, 200 anonymous quotes in 11 seconds made 200 rows. Each
throttle is a django-ratelimit count in the shared cache (``settings.CACHES``: a database
table, so every gunicorn worker counts together), keyed by ``core.middleware.client_ip``
(the right-most trusted ``X-Forwarded-For`` hop, so a forged header does not reset it).

The database cache's increment is not atomic across workers: under a concurrent burst a few
extra requests may pass. That is acceptable for abuse throttling (it is not a quota), and
cheaper than a new service; docs/security.md says so.

Rates are ``settings.ORDERDESK["THROTTLES"]`` (``"30/m"`` style; env ``THROTTLE_<NAME>``); the
test suite relaxes them (the access matrix and schemathesis call these doors many times)
and one test checks each limit itself.
"""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import get_usage

from orderdesk.core import metrics
from orderdesk.core.errors import DomainError
from orderdesk.core.middleware import client_ip


class RateLimited(DomainError):
    status = 429
    title = "Too many requests"
    default_code = "rate_limited"


def _address(group, request) -> str:
    return client_ip(request) or "unknown"


def throttle(request, name: str, *, key=_address) -> None:
    """Count this request against throttle ``name``; 429 ``rate_limited`` over the limit.
    ``key`` is django-ratelimit's callable (group, request) -> str; the address by default."""
    rate = settings.ORDERDESK["THROTTLES"][name]
    usage = get_usage(request, group=f"orderdesk.{name}", key=key, rate=rate, increment=True)
    if usage is not None and usage["should_limit"]:
        metrics.THROTTLED.labels(throttle=name).inc()
        error = RateLimited(
            f"Too many requests; try again in {usage['time_left']} seconds.", field=None
        )
        error.retry_after = usage["time_left"]
        raise error


def throttle_anonymous(request, name: str) -> None:
    """``throttle`` for a caller who is not signed in; signed-in staff are not counted."""
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return
    throttle(request, name)
