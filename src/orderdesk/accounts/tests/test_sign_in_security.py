"""Sign-in and sessions: lock-out (django-axes), session expiry, two-factor sign-in (TOTP)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from orderdesk.accounts.models import ApiToken
from orderdesk.core.models import AuditEvent
from orderdesk.testing.factories import PASSWORD

WRONG = "not-the-password"


def _console_sign_in(client, username, password=PASSWORD):
    return client.post("/console/login/", {"username": username, "password": password})


def _token(client, username, password=PASSWORD, **extra):
    return client.post(
        "/api/v1/auth/token",
        data={"username": username, "password": password, **extra},
        content_type="application/json",
    )


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# --- lock-out -----------------------------------------------------------------------------


def test_console_locks_out_after_five_wrong_passwords_even_the_right_one_then(cast):
    client = Client()
    for _ in range(4):
        assert _console_sign_in(client, "sita", WRONG).status_code == 200  # the form again
    locked = _console_sign_in(client, "sita", WRONG)
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert locked["Retry-After"] == "900"

    again = _console_sign_in(client, "sita", PASSWORD)

    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    # Audited: the locking failure and the refused attempt after it.
    events = AuditEvent.objects.filter(action="user.locked_out")
    assert [(e.object_id, e.object_repr, e.via) for e in events] == [
        (str(cast["sales"].pk), "sita", "console")
    ] * 2
    # Another agent on the same floor (same address) still signs in.
    assert _console_sign_in(Client(), "sameer", PASSWORD).status_code == 302


def test_api_token_locks_out_with_429_problem_and_issues_nothing(cast):
    client = Client()
    for _ in range(4):
        response = _token(client, "om", WRONG)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"
    assert AccessAttempt.objects.get(username="om").failures_since_start == 4

    locked = _token(client, "om", WRONG)
    right = _token(client, "om", PASSWORD)

    for response in (locked, right):
        assert response.status_code == 429
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert (body["status"], body["code"], body["errors"][0]["field"]) == (
            429,
            "too_many_attempts",
            "username",
        )
        assert response["Retry-After"] == "900"
    assert not ApiToken.objects.filter(user=cast["ops"]).exists()
    assert AuditEvent.objects.filter(action="user.locked_out", via="api").count() == 2


def test_a_success_resets_the_failure_count(cast):
    client = Client()
    for _ in range(4):
        _token(client, "om", WRONG)
    assert _token(client, "om", PASSWORD).status_code == 200
    assert not AccessAttempt.objects.filter(username="om").exists()


def test_admin_login_is_locked_out_too(cast):
    client = Client()
    for _ in range(5):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "anil", "password": WRONG}
        )
    assert response.status_code == 429
    assert (
        client.post(
            "/admin/login/?next=/admin/", {"username": "anil", "password": PASSWORD}
        ).status_code
        == 429
    )


# --- session expiry -----------------------------------------------------------------------


def _signed_in(user):
    client = Client()
    assert _console_sign_in(client, user.username).status_code == 302
    assert client.get("/console/training-card/").status_code == 200
    return client


def _age_session(client, **seconds_ago):
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = int(time.time()) - ago
    session.save()


def test_idle_session_ends_and_asks_to_sign_in_again(cast, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client = _signed_in(cast["sales"])
    _age_session(client, last_seen=31 * 60)

    response = client.get("/console/training-card/")

    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    assert "_auth_user_id" not in client.session


def test_session_ends_a_shift_after_sign_in_however_active(cast, settings):
    settings.SESSION_COOKIE_AGE = 8 * 60 * 60
    client = _signed_in(cast["sales"])
    _age_session(client, signed_in_at=8 * 60 * 60 + 5, last_seen=10)

    response = client.get("/console/training-card/")

    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    assert "_auth_user_id" not in client.session


def test_active_session_within_both_limits_stays(cast):
    client = _signed_in(cast["sales"])
    _age_session(client, signed_in_at=7 * 60 * 60, last_seen=29 * 60)
    assert client.get("/console/training-card/").status_code == 200


# --- two-factor sign-in -------------------------------------------------------------------


@pytest.fixture
def two_factor(settings):
    settings.ORDERDESK_REQUIRE_2FA_ROLES = ["supervisor", "admin"]
    # django-otp makes a device wait 2^(n-1) s after n wrong codes; the tests type the right
    # code straight after a wrong one.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_2fa_is_off_by_default_outside_production(cast, settings):
    assert settings.ORDERDESK_REQUIRE_2FA_ROLES == []
    client = Client()
    response = _console_sign_in(client, "suman")
    assert response.status_code == 302
    assert client.get("/console/supervisor/").status_code == 200


def test_2fa_is_on_by_default_in_the_production_profile():
    env = {k: v for k, v in os.environ.items() if k not in {"ORDERDESK_REQUIRE_2FA_ROLES", "DEBUG"}}
    env.update(
        ORDERDESK_PROFILE="production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="orderdesk.example.in",
        DJANGO_SETTINGS_MODULE="orderdesk.config.settings",
    )
    code = "from django.conf import settings; print(settings.ORDERDESK_REQUIRE_2FA_ROLES)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "['supervisor', 'admin']"


def test_supervisor_enrols_with_the_qr_code_then_works(cast, two_factor):
    client = Client()
    signed_in = _console_sign_in(client, "suman")
    assert signed_in.status_code == 302

    home = client.get("/console/supervisor/")
    assert home.status_code == 302
    assert home["Location"] == "/console/2fa/setup/?next=/console/supervisor/"
    setup = client.get(home["Location"])
    assert setup.status_code == 200
    assert b'src="data:image/svg+xml;base64,' in setup.content
    assert b"<script" not in setup.content.split(b"<main")[-1]
    assert "script-src 'self'" in setup["Content-Security-Policy"]
    assert setup["Cache-Control"] == "no-store"
    device = TOTPDevice.objects.get(user=cast["supervisor"], confirmed=False)

    wrong = client.post("/console/2fa/setup/", {"otp": "000000", "next": "/console/supervisor/"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    assert device.confirmed is False

    done = client.post(
        "/console/2fa/setup/", {"otp": _code(device), "next": "/console/supervisor/"}
    )

    assert done.status_code == 302 and done["Location"] == "/console/supervisor/"
    assert client.get("/console/supervisor/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed is True
    assert AuditEvent.objects.filter(
        action="user.two_factor_enrol", actor=cast["supervisor"]
    ).exists()


@pytest.fixture
def enrolled_admin(cast):
    return TOTPDevice.objects.create(user=cast["admin"], name="phone", confirmed=True)


def test_admin_needs_the_code_for_the_django_admin_too(cast, two_factor, enrolled_admin):
    client = Client()
    client.post("/admin/login/?next=/admin/", {"username": "anil", "password": PASSWORD})

    refused = client.get("/admin/")
    assert refused.status_code == 302
    assert refused["Location"] == "/console/2fa/verify/?next=/admin/"
    wrong = client.post("/console/2fa/verify/", {"otp": "123456", "next": "/admin/"})
    assert wrong.status_code == 400
    assert client.get("/admin/").status_code == 302

    right = client.post("/console/2fa/verify/", {"otp": _code(enrolled_admin), "next": "/admin/"})

    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_roles_outside_the_setting_sign_in_with_a_password(cast, two_factor):
    client = Client()
    _console_sign_in(client, "sita")
    assert client.get("/console/sales/").status_code == 200


def test_api_token_for_a_two_factor_role_needs_the_code(cast, two_factor, enrolled_admin):
    client = Client()
    missing = _token(client, "anil")
    wrong = _token(client, "anil", otp="000000")
    assert (missing.status_code, missing.json()["code"]) == (401, "two_factor_required")
    assert (wrong.status_code, wrong.json()["code"]) == (401, "two_factor_invalid")
    assert not ApiToken.objects.filter(user=cast["admin"]).exists()

    granted = _token(client, "anil", otp=_code(enrolled_admin))

    assert granted.status_code == 200 and granted.json()["role"] == "admin"


def test_api_token_refused_until_the_role_enrols(cast, two_factor):
    response = _token(Client(), "suman", otp="123456")
    assert (response.status_code, response.json()["code"]) == (
        403,
        "two_factor_enrolment_required",
    )
    assert not ApiToken.objects.filter(user=cast["supervisor"]).exists()


def test_admin_removes_a_lost_phones_device_audited_without_the_key(cast, enrolled_admin):
    device = TOTPDevice.objects.create(user=cast["supervisor"], name="lost phone", confirmed=True)
    client = Client()
    client.force_login(cast["admin"])

    response = client.post(
        f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action="totpdevice.delete")
    assert event.before == {"user": cast["supervisor"].pk, "name": "lost phone", "confirmed": True}
    assert device.key not in str(event.before)
