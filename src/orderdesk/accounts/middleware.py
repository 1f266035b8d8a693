"""Session expiry (absolute and idle) and two-factor enforcement for console and admin.

Both come after ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware``. The API
(``/api/``) authenticates with bearer tokens and is left alone here.
"""

from __future__ import annotations

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from orderdesk.accounts.signin import confirmed_totp_devices, two_factor_required

LAST_SEEN_WRITE_EVERY = 60  # seconds: the idle clock is kept to the minute, not every request


class SessionExpiryMiddleware:
    """End a console/admin session ``SESSION_COOKIE_AGE`` after sign-in (absolute) or
    ``SESSION_IDLE_TIMEOUT`` after its last request (idle), whichever comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The path first: asking whether the user is signed in reads the session from the
        # database, which the API (bearer tokens) and health checks must not depend on.
        user = getattr(request, "user", None)
        if (
            not request.path.startswith("/api/")
            and user is not None
            and user.is_authenticated
            and hasattr(request, "session")
        ):
            now = int(time.time())
            session = request.session
            signed_in_at = session.get("signed_in_at") or now
            last_seen = session.get("last_seen") or now
            too_old = now - signed_in_at > settings.SESSION_COOKIE_AGE
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            if too_old or idle:
                logout(request)
                messages.info(
                    request,
                    "Your session ended after "
                    + ("a full shift" if too_old else "a while without activity")
                    + "; please sign in again.",
                )
                return redirect_to_login(request.get_full_path())
            if "signed_in_at" not in session:
                session["signed_in_at"] = signed_in_at
            if "last_seen" not in session or now - last_seen >= LAST_SEEN_WRITE_EVERY:
                session["last_seen"] = now
        return self.get_response(request)


TWO_FACTOR_EXEMPT = ("/console/2fa/", "/console/logout/", "/console/login/", "/static/", "/api/")


class TwoFactorMiddleware:
    """Roles in ``ORDERDESK_REQUIRE_2FA_ROLES`` pass a TOTP check before any console or
    admin page: to enrolment if they have no authenticator yet, else to the code page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            not request.path.startswith(TWO_FACTOR_EXEMPT)
            and two_factor_required(user)
            and not user.is_verified()
        ):
            enrolled = confirmed_totp_devices(user).exists()
            target = reverse(
                "console:two_factor_verify" if enrolled else "console:two_factor_setup"
            )
            return redirect(f"{target}?next={quote(request.get_full_path())}")
        return self.get_response(request)


class LanguageMiddleware:
    """The console speaks the signed-in agent's language (``User.language``); everyone else
    (signed out, the customer pages before they choose their customer's language) gets
    ``LANGUAGE_CODE``. The API (``/api/``) always answers in English: its codes and
    messages are a contract. The language is activated for this request only and reset
    after it, so one thread's next request never inherits it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = settings.LANGUAGE_CODE
        if not request.path.startswith("/api/"):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                language = getattr(user, "language", None) or language
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
