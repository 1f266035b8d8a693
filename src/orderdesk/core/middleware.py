"""Request-wide context: who acts, from which address, through which door."""

from __future__ import annotations

from django.conf import settings

from orderdesk.core.context import reset_request_context, set_request_context


def client_ip(request) -> str | None:
    # Behind a TLS proxy the first X-Forwarded-For hop is the client; otherwise
    # the header is attacker-controlled and ignored.
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


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
