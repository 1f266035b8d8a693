"""The sender in-process against a real local HTTP gateway: delivery, retries (N2), leases."""

import datetime as dt
import random

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from orderdesk.core.errors import Conflict
from orderdesk.core.models import AuditEvent
from orderdesk.messaging import rules, sender
from orderdesk.messaging.actions import enqueue_message, retry_message
from orderdesk.messaging.choices import MessageStatus
from orderdesk.messaging.models import Message
from orderdesk.testing.factories import confirmation_ctx

CTX = confirmation_ctx("OD-7K4M-9QXR")


def enqueue(customer, n=1, kind="order_confirmation", **kw):
    rows = []
    with transaction.atomic():
        for i in range(n):
            rows += enqueue_message(
                customer=customer, kind=kind, context=confirmation_ctx(f"OD{i}"), **kw
            )
    return rows


def test_a_message_is_delivered_with_its_key_and_the_provider_id_recorded(
    messaging_conf, customer, gateway
):
    [sms] = enqueue(customer())
    report = sender.deliver_due()
    sms.refresh_from_db()
    assert report.sent == 1 and sms.status == MessageStatus.SENT
    assert gateway.accepted == {sms.provider_key: "gw-1"}
    assert sms.provider_message_id == "gw-1" and sms.provider == "http" and sms.attempts == 1
    assert gateway.bodies[sms.provider_key]["to"] == "+919876543210"
    assert gateway.auth_headers == {"Bearer test-key"}


def test_n2_a_failing_gateway_is_retried_then_the_message_fails_visibly(
    messaging_conf, customer, gateway
):
    gateway.fail_rate = 1.0
    [sms] = enqueue(customer())
    for _ in range(3):
        sender.deliver_due()
    sms.refresh_from_db()
    assert sms.status == MessageStatus.FAILED and sms.attempts == 3
    assert sms.last_error.startswith("try 3 of 3: gateway answered 503")
    assert len(gateway.received) == 3 and gateway.accepted == {}
    event = AuditEvent.objects.get(action="message.fail")
    assert event.object_id == str(sms.pk) and event.after["attempts"] == 3
    assert sender.deliver_due().claimed == 0  # failed messages are not picked up again


def test_n2_retry_waits_with_exponential_back_off(messaging_conf, customer, gateway):
    messaging_conf(RETRY_BASE_SECONDS=30, RETRY_MAX_SECONDS=3600, MAX_ATTEMPTS=6)
    gateway.fail_rate = 1.0
    [sms] = enqueue(customer())
    before = timezone.now()
    sender.deliver_due()
    sms.refresh_from_db()
    assert sms.status == MessageStatus.QUEUED and sms.attempts == 1
    wait = (sms.next_attempt_at - before).total_seconds()
    assert 24 <= wait <= 37  # 30 s ± 20 % jitter
    assert sender.deliver_due().claimed == 0  # not due yet


def test_n2_back_off_doubles_and_is_capped():
    delays = [rules.retry_delay(n, base=30, cap=600, jitter=0) for n in range(1, 8)]
    assert delays == [30, 60, 120, 240, 480, 600, 600]


def test_n2_a_permanent_refusal_fails_at_once(messaging_conf, customer, gateway):
    gateway.refuse = True
    [sms] = enqueue(customer())
    sender.deliver_due()
    sms.refresh_from_db()
    assert sms.status == MessageStatus.FAILED and sms.attempts == 1
    assert sms.last_error.startswith("refused by the provider: gateway answered 400")


def test_n2_a_hanging_gateway_times_out_and_is_retried(messaging_conf, customer, gateway):
    messaging_conf(GATEWAY_TIMEOUT_SECONDS=0.3)
    gateway.hang_seconds = 1.0
    [sms] = enqueue(customer())
    sender.deliver_due()
    sms.refresh_from_db()
    assert sms.status == MessageStatus.QUEUED and sms.attempts == 1
    assert "timed out" in sms.last_error
    gateway.hang_seconds = 0
    sender.deliver_due()
    sms.refresh_from_db()
    # The hung request may have been accepted after we gave up: the key makes it one delivery.
    assert sms.status == MessageStatus.SENT and len(gateway.accepted) == 1


def test_n2_with_20_percent_failures_every_message_is_delivered_once_or_failed(
    messaging_conf, customer, gateway
):
    messaging_conf(MAX_ATTEMPTS=2)  # 0.2^2 x 300 = about 12 expected to fail for good
    gateway.fail_rate = 0.2
    gateway._random = random.Random(2024)
    asha = customer(whatsapp_opt_in=True)
    rows = enqueue(asha, n=150)  # 300 messages (SMS + WhatsApp)
    for _ in range(3):  # retries are due at once here
        sender.deliver_due()
    by_status = {
        s: set(Message.objects.filter(status=s).values_list("provider_key", flat=True))
        for s in MessageStatus.values
    }
    assert len(rows) == 300
    assert by_status["sent"] | by_status["failed"] == {m.provider_key for m in rows}  # none lost
    assert set(gateway.accepted) == by_status["sent"]  # every sent one reached the provider
    assert not gateway.resent  # and none twice
    assert by_status["failed"]  # some failed after the last try...
    assert set(Message.objects.filter(status="failed").values_list("attempts", flat=True)) == {2}
    counts = gateway.received_counts()
    assert all(counts[key] == 2 for key in by_status["failed"])  # ...after exactly two tries
    assert sum(counts.values()) == len(gateway.received) and max(counts.values()) <= 2


def test_a_claimed_batch_is_invisible_to_other_senders_until_its_lease_expires(
    messaging_conf, customer, monkeypatch
):
    enqueue(customer(), n=3)
    token, mine = sender.claim_batch(limit=10, lease_seconds=60)
    assert len(mine) == 3
    assert sender.claim_batch(limit=10, lease_seconds=60)[1] == []
    later = timezone.now() + dt.timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    token2, again = sender.claim_batch(limit=10, lease_seconds=60)
    assert len(again) == 3 and token2 != token
    # The first sender's late result is not recorded over the second's claim.
    assert not sender._move(mine[0], token, MessageStatus.SENT)


def test_n3_a_customer_who_opts_out_before_sending_is_not_messaged(
    messaging_conf, customer, gateway
):
    from orderdesk.customers.actions import update_preferences

    asha = customer(whatsapp_opt_in=True)
    with transaction.atomic():
        rows = enqueue_message(
            customer=asha, kind="followup_reminder", context={"device": "iPhone 15"}
        )
    update_preferences(asha, do_not_contact=True)
    sender.deliver_due()
    assert {m.status for m in Message.objects.all()} == {MessageStatus.CANCELLED}
    assert len(rows) == 2 and gateway.received == []


def test_n3_the_sender_holds_promotional_messages_outside_calling_hours(
    messaging_conf, customer, gateway, monkeypatch
):
    from orderdesk.core.timeutil import IST

    with transaction.atomic():
        [offer] = enqueue_message(
            customer=customer(), kind="campaign_offer", context={"offer": "x"}
        )
    messaging_conf(CALLING_HOURS="09:00-21:00")
    night = dt.datetime(2025, 3, 10, 23, 0, tzinfo=IST)
    monkeypatch.setattr(timezone, "now", lambda: night)
    Message.objects.filter(pk=offer.pk).update(next_attempt_at=night)
    sender.deliver_due()
    offer.refresh_from_db()
    assert offer.status == MessageStatus.HELD and offer.attempts == 0
    assert offer.next_attempt_at == dt.datetime(2025, 3, 11, 9, 0, tzinfo=IST)
    assert gateway.received == []
    morning = dt.datetime(2025, 3, 11, 9, 0, 1, tzinfo=IST)
    monkeypatch.setattr(timezone, "now", lambda: morning)
    sender.deliver_due()
    offer.refresh_from_db()
    assert offer.status == MessageStatus.SENT and list(gateway.accepted) == [offer.provider_key]


def test_n2_ops_retry_a_failed_message_by_hand(messaging_conf, customer, gateway, cast):
    from orderdesk.core.context import acting_as

    gateway.refuse = True
    [sms] = enqueue(customer())
    sender.deliver_due()
    gateway.refuse = False
    with acting_as(cast["ops"], via="console"):
        retried = retry_message(sms)
    assert retried.status == MessageStatus.QUEUED and retried.attempts == 0
    event = AuditEvent.objects.get(action="message.retry")
    assert event.actor == cast["ops"] and event.before["status"] == "failed"
    sender.deliver_due()
    sms.refresh_from_db()
    assert sms.status == MessageStatus.SENT and len(gateway.accepted) == 1


def test_only_a_failed_message_can_be_retried(messaging_conf, customer, gateway):
    [sms] = enqueue(customer())
    sender.deliver_due()
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as err:
        retry_message(sms)
    assert (err.value.code, err.value.field) == ("message_not_failed", "status")
    sms.refresh_from_db()
    assert sms.status == MessageStatus.SENT and AuditEvent.objects.count() == before


def test_email_goes_through_djangos_backend_with_a_stable_message_id(messaging_conf, customer):
    asha = customer(email="asha@example.in")
    with transaction.atomic():
        [email] = enqueue_message(
            customer=asha, kind="order_confirmation", context=CTX, channels=["email"]
        )
    sender.deliver_due()
    email.refresh_from_db()
    assert email.status == MessageStatus.SENT
    [sent] = mail.outbox
    assert sent.to == ["asha@example.in"] and sent.subject == "Your order OD-7K4M-9QXR is confirmed"
    assert sent.extra_headers["X-Orderdesk-Message-Key"] == email.provider_key
    assert email.provider_key in sent.extra_headers["Message-ID"] == email.provider_message_id


def test_the_demo_file_provider_writes_one_line_per_message(messaging_conf, customer, tmp_path):
    import json

    messaging_conf(SMS_PROVIDER="file", FILE_PATH=str(tmp_path / "out.jsonl"))
    [sms] = enqueue(customer())
    sender.deliver_due()
    [line] = (tmp_path / "out.jsonl").read_text().splitlines()
    assert json.loads(line)["key"] == sms.provider_key
