"""The one-time phone code: sent through the outbox, kept hashed, expiring, attempt-limited,
rate-limited per phone and per IP, and not sent to bots."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from orderdesk.core.errors import Conflict, ValidationFailed
from orderdesk.core.models import AuditEvent
from orderdesk.messaging.models import Message
from orderdesk.storefront import actions
from orderdesk.storefront.models import PhoneVerification

NOW = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


def _send(phone="9812345678"):
    return actions.request_phone_code(name="Asha Rao", phone=phone, language="hi", now=NOW)


def test_code_goes_through_the_outbox_by_sms_in_the_customers_language_and_is_kept_hashed(
    sent_code,
):
    verification = _send()
    code = sent_code[-1]
    (message,) = Message.objects.filter(kind="phone_verification")
    assert (message.channel, message.language, message.recipient) == ("sms", "hi", "+919812345678")
    assert code in message.body and "10" in message.body
    assert code not in verification.code_hash and len(verification.code_hash) == 64
    assert verification.customer.language == "hi"
    event = AuditEvent.objects.get(action="storefront.code_sent")
    assert event.actor_label == f"customer:{verification.customer_id}"
    assert "9812345678" not in str(event.after)  # no phone in the trail


def test_the_right_code_verifies_the_phone(sent_code):
    verification = _send()
    done = actions.verify_phone_code(verification.pk, sent_code[-1], now=NOW)
    assert done.verified_at == NOW


def test_an_expired_code_is_refused_and_nothing_is_verified(sent_code):
    verification = _send()
    later = NOW + dt.timedelta(minutes=10, seconds=1)
    with pytest.raises(ValidationFailed) as refused:
        actions.verify_phone_code(verification.pk, sent_code[-1], now=later)
    assert refused.value.code == "code_expired"
    verification.refresh_from_db()
    assert (verification.verified_at, verification.attempts) == (None, 0)


def test_a_wrong_code_is_refused_and_counted(sent_code):
    verification = _send()
    wrong = "000000" if sent_code[-1] != "000000" else "111111"
    with pytest.raises(ValidationFailed) as refused:
        actions.verify_phone_code(verification.pk, wrong, now=NOW)
    assert (refused.value.code, refused.value.extra["attempts_left"]) == ("code_wrong", 4)
    verification.refresh_from_db()
    assert (verification.verified_at, verification.attempts) == (None, 1)


def test_after_the_attempt_limit_even_the_right_code_is_refused(sent_code):
    verification = _send()
    wrong = "000000" if sent_code[-1] != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            actions.verify_phone_code(verification.pk, wrong, now=NOW)
    with pytest.raises(Conflict) as refused:
        actions.verify_phone_code(verification.pk, sent_code[-1], now=NOW)
    assert refused.value.code == "code_attempts_exceeded"
    verification.refresh_from_db()
    assert (verification.verified_at, verification.attempts) == (None, 5)


def _ask_for_code(client, catalog, phone):
    client.post(
        reverse("storefront:device", args=[catalog["v128"].pk]),
        {"screen": "flawless", "body": "good"},
    )
    client.get(reverse("storefront:estimate"))
    return client.post(reverse("storefront:estimate"), {"name": "Asha Rao", "phone": phone})


def test_codes_are_rate_limited_per_phone(client, catalog):
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):
            assert _ask_for_code(client, catalog, "9812345678").status_code == 302
        before = (PhoneVerification.objects.count(), Message.objects.count())
        refused = _ask_for_code(client, catalog, "98123 45678")  # the same phone, typed otherwise
        assert refused.status_code == 429
        assert (PhoneVerification.objects.count(), Message.objects.count()) == before
        # another phone from the same place is still served
        assert _ask_for_code(client, catalog, "9812345679").status_code == 302


def test_codes_are_rate_limited_per_ip(client, catalog, settings):
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "STOREFRONT": {**settings.ORDERDESK["STOREFRONT"], "RATE_CODE_PER_IP": "2/h"},
    }
    with time_machine.travel(NOW, tick=False):
        assert _ask_for_code(client, catalog, "9812345601").status_code == 302
        assert _ask_for_code(client, catalog, "9812345602").status_code == 302
        before = PhoneVerification.objects.count()
        assert _ask_for_code(client, catalog, "9812345603").status_code == 429
        assert PhoneVerification.objects.count() == before


def test_a_filled_honeypot_sends_no_code(client, catalog):
    client.post(
        reverse("storefront:device", args=[catalog["v128"].pk]),
        {"screen": "flawless", "body": "good"},
    )
    client.get(reverse("storefront:estimate"))
    r = client.post(
        reverse("storefront:estimate"),
        {"name": "Bot", "phone": "9812345678", "website": "http://spam.example"},
    )
    assert r.status_code == 400
    assert not PhoneVerification.objects.exists() and not Message.objects.exists()


def test_a_form_sent_back_faster_than_a_person_sends_no_code(client, catalog, settings):
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "STOREFRONT": {**settings.ORDERDESK["STOREFRONT"], "MIN_FILL_SECONDS": 3},
    }
    client.post(
        reverse("storefront:device", args=[catalog["v128"].pk]),
        {"screen": "flawless", "body": "good"},
    )
    with time_machine.travel(NOW, tick=False):
        client.get(reverse("storefront:estimate"))
        fast = client.post(reverse("storefront:estimate"), {"name": "A", "phone": "9812345678"})
    assert fast.status_code == 400
    assert not PhoneVerification.objects.exists()
    with time_machine.travel(NOW + dt.timedelta(seconds=4), tick=False):
        slow = client.post(reverse("storefront:estimate"), {"name": "A", "phone": "9812345678"})
    assert slow.status_code == 302
