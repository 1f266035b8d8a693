"""Two-factor sign-in as a supervisor walks it: password, scan the QR code, type the code."""

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_supervisor_enrols_an_authenticator_and_reaches_the_home(cast, page, sign_in, settings):
    settings.ORDERDESK_REQUIRE_2FA_ROLES = ["supervisor", "admin"]
    sign_in("suman")

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    qr = page.get_by_test_id("totp-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0  # the inline SVG rendered under the CSP
    key = page.get_by_test_id("totp-key").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=cast["supervisor"], confirmed=False)
    assert base64.b32decode(key + "=" * (-len(key) % 8)) == device.bin_key
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)

    page.get_by_label("Code from the app").fill(f"{code:06d}")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_test_id("role-home")).to_have_attribute("data-role", "supervisor")
    assert page.console_errors == []  # no CSP violation anywhere on the way
