"""Two-factor sign-in (TOTP) in the console: enrol an authenticator app, then a code at
each sign-in. The Django admin uses the same session, so it is covered too
(``accounts.middleware.TwoFactorMiddleware`` sends the user here until verified).

The enrolment QR code is an SVG made on the server (qrcode) and shown as an
``<img src="data:...">``: no script, no CDN, nothing the strict CSP would refuse.
"""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from orderdesk.accounts.permissions import Perm, requires
from orderdesk.accounts.signin import confirmed_totp_devices
from orderdesk.core import audit


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url("console:home")


def _qr_data_uri(text: str) -> str:
    buffer = BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _token(request) -> str:
    return "".join(ch for ch in request.POST.get("otp", "") if ch.isdigit())[:8]


@requires(Perm.CONSOLE)
def two_factor_setup(request):
    """Enrol: scan the QR code (or type the key), then confirm with one code."""
    user = request.user
    if confirmed_totp_devices(user).exists():
        return redirect(f"{resolve_url('console:two_factor_verify')}?next={_next(request)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    error = ""
    if request.method == "POST":
        if device.verify_token(_token(request)):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record("user.two_factor_enrol", user, after={"device": device.pk}, actor=user)
            messages.success(request, _("Two-factor sign-in is set up for your account."))
            return redirect(_next(request))
        error = "That code is not right. Check the time on your phone and try the newest code."
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    response = TemplateResponse(
        request,
        "console/two_factor_setup.html",
        {
            "qr": _qr_data_uri(device.config_url),
            "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
            "error": error,
            "next": _next(request),
        },
        status=400 if error else 200,
    )
    response["Cache-Control"] = "no-store"  # the page shows the secret key
    return response


@requires(Perm.CONSOLE)
def two_factor_verify(request):
    """The code from the authenticator app, after the password."""
    user = request.user
    devices = list(confirmed_totp_devices(user))
    if not devices:
        return redirect(f"{resolve_url('console:two_factor_setup')}?next={_next(request)}")
    error = ""
    if request.method == "POST":
        token = _token(request)
        device = next((d for d in devices if token and d.verify_token(token)), None)
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        error = "That code is not right or has expired. Try the newest code."
    return TemplateResponse(
        request,
        "console/two_factor_verify.html",
        {"error": error, "next": _next(request)},
        status=400 if error else 200,
    )
