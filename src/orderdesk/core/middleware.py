"""Request-wide context: who acts, from which address, through which door; the request
id and the request log line; a clean 503 while the database is unreachable."""

from __future__ import annotations

import ipaddress
import logging
import re
import sys
import time
import uuid

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils.functional import empty
from django.utils.module_loading import import_string

from orderdesk.core import metrics
from orderdesk.core.context import (
    reset_request_context,
    reset_request_log_context,
    set_current_object,
    set_request_context,
    set_request_log_context,
)
from orderdesk.core.errors import DomainError

request_logger = logging.getLogger("orderdesk.request")
logger = logging.getLogger(__name__)

# A caller's X-Request-ID is kept when it is a sane token; anything else gets a fresh id.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
DATABASE_DOWN = (OperationalError, InterfaceError)


def client_ip(request) -> str | None:
    """The client's address: the right-most ``X-Forwarded-For`` hop the deployment trusts.

    ``ORDERDESK_TRUSTED_PROXIES`` is the number of proxies in front of gunicorn (nginx: 1).
    Each appends the address it saw to the header, so with N proxies the client is the N-th
    hop from the right; everything left of it was written by the client and is ignored (a
    forged first hop must not dodge the lock-out or land in the audit trail). With 0 (the
    default) the header is ignored and the address is ``REMOTE_ADDR``. Used by axes, the
    audit trail, the request log and the throttles (docs/deploy.md, docs/security.md).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.ORDERDESK_TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < trusted:
        # Fewer hops than proxies: the request did not come through all of them.
        return remote
    candidate = hops[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def ratelimit_ip(request) -> str:
    """The client's address for django-ratelimit (``RATELIMIT_IP_META_KEY``): the same
    address the audit trail records (``client_ip``), never an empty one."""
    return client_ip(request) or "0.0.0.0"  # noqa: S104 - a key, not a bind address


def door(path: str) -> str:
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "console"


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        tokens = set_request_context(user, client_ip(request), door(request.path))
        try:
            return self.get_response(request)
        finally:
            reset_request_context(tokens)


class SecurityHeadersMiddleware:
    """CSP and Permissions-Policy on every response (SecurityMiddleware covers the rest)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/v1/docs"):
            # The interactive API docs page runs its own inline bootstrap script.
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
            )
        else:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


class RequestIdMiddleware:
    """Outermost: gives the request its id (the caller's ``X-Request-ID`` or a new one),
    returns it in ``X-Request-ID``, writes one ``orderdesk.request`` log line per request
    and observes the request's latency by route name (core/metrics.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        tokens = set_request_log_context(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            route = route_name(request)
            response["X-Request-ID"] = request_id

            metrics.observe_request(route, request.method, response.status_code, elapsed)
            request_logger.info(
                "%s %s %s",
                request.method,
                route,
                response.status_code,
                extra={
                    # The inner middleware has reset the actor by now: name it from the request.
                    "actor": request_username(request),
                    "ip": client_ip(request),
                    "via": door(request.path),
                    "method": request.method,
                    "path": request.path,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            return response
        finally:
            reset_request_log_context(tokens)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The object in the URL (an order number, a lead id) names what the request acts on.
        for key in ("number", "order_number", "pk", "id", "lead_id", "ticket_id", "order_id"):
            if key in view_kwargs:
                request.log_object = f"{route_name(request)}:{view_kwargs[key]}"
                set_current_object(request.log_object)
                break
        return None


def request_username(request) -> str | None:
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or wrapped is empty:  # never evaluated: no query just for the log
        return None
    return wrapped.get_username() if getattr(wrapped, "is_authenticated", False) else "anonymous"


def route_name(request) -> str:
    """The route's name ("api-v1:create_order", "console:home"), never the raw path, so
    metrics and logs group by endpoint; "unmatched" for a 404 outside any route."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


def database_unavailable_response() -> JsonResponse:
    error = DomainError(
        "The database is unavailable; try again shortly.",
        code="service_unavailable",
        status=503,
    )
    response = JsonResponse(error.problem(), status=503, content_type="application/problem+json")
    response["Retry-After"] = "5"
    return response


class DatabaseUnavailableMiddleware:
    """A view (console, admin) that fails because PostgreSQL is unreachable answers 503
    problem+json instead of a 500 page. The API's own handler does the same for /api/v1
    (api/errors.py); ``server_error`` covers failures in middleware (a session save)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.warning("database unavailable: %s", exception)
            return database_unavailable_response()
        return None


def server_error(request, *args, **kwargs):
    """handler500: 503 problem+json when the uncaught error is the database being
    unreachable, otherwise a plain 500 problem (never Django's HTML page)."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_DOWN):
        return database_unavailable_response()
    error = DomainError("Something went wrong on our side.", code="server_error", status=500)
    return JsonResponse(error.problem(), status=500, content_type="application/problem+json")


class RequestObjectMiddleware:
    """On the API fast path (below), RequestIdMiddleware's ``process_view``: names the object
    in the URL in the request log, as the full stack does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    process_view = RequestIdMiddleware.process_view


class _MiddlewareChain(BaseHandler):
    """A second, shorter middleware chain over the same URLconf and views (sync; what
    ``BaseHandler.load_middleware`` builds from ``settings.MIDDLEWARE``, from ``paths``)."""

    def __init__(self, paths: list[str]):
        super().__init__()
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(paths):
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler


class ApiFastPathMiddleware:
    """Issue 17 (P2): an API call with a bearer token skips the middleware only a browser
    needs (static files, session, CSRF, the session user, messages, OTP, session expiry, 2FA,
    the login lock-out) and runs ``settings.API_FAST_PATH_MIDDLEWARE`` instead: the request
    id's log object, the 503 while the database is down, CommonMiddleware, X-Frame-Options,
    the request context, CSP / Permissions-Policy, the hostile-input guard. The middleware
    above this one in ``settings.MIDDLEWARE`` (request id and log line, the 503, Django's
    security headers) runs for every request. The sign-in endpoints (``/api/v1/auth/``,
    where the lock-out applies) always take the full stack; so does a request without a
    bearer token (none of the API's doors reads a session: docs/security.md)."""

    def __init__(self, get_response):
        if not settings.API_FAST_PATH:  # API_FAST_PATH=0: the full stack for every request
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.fast = _MiddlewareChain(settings.API_FAST_PATH_MIDDLEWARE)._middleware_chain

    def __call__(self, request):
        path = request.path_info
        if (
            path.startswith("/api/")
            and not path.startswith("/api/v1/auth/")
            and request.META.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "
        ):
            # As the skipped AuthenticationMiddleware would leave it for a request without a
            # session: anonymous until the operation's bearer auth sets the token's user (an
            # ``auth=None`` door such as POST /quotes reads ``request.user`` as it finds it).
            # Imported here: the logging config imports this module before apps are ready.
            from django.contrib.auth.models import AnonymousUser

            request.user = AnonymousUser()
            return self.fast(request)
        return self.get_response(request)
