"""enqueue_message: the outbox row in the caller's transaction (N1) and preferences (N3)."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from orderdesk.core.errors import Conflict, ValidationFailed
from orderdesk.core.models import AuditEvent
from orderdesk.core.timeutil import IST
from orderdesk.messaging.actions import enqueue_message
from orderdesk.messaging.choices import MessageStatus
from orderdesk.messaging.models import Message
from orderdesk.testing.factories import confirmation_ctx

ORDER_CTX = confirmation_ctx("OD-7K4M-9QXR")


def at_ist(hour, minute=0):
    return dt.datetime(2025, 3, 10, hour, minute, tzinfo=IST)


@pytest.fixture
def frozen(monkeypatch):
    def freeze(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))

    return freeze


def test_n1_rows_roll_back_with_the_callers_transaction(messaging_conf, customer):
    asha = customer()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        enqueue_message(customer=asha, kind="order_confirmation", context=ORDER_CTX)
        raise Boom

    assert Message.objects.count() == 0
    assert AuditEvent.objects.filter(action="message.enqueue").count() == 0


def test_n1_the_sender_is_woken_once_per_transaction_after_commit(
    messaging_conf, customer, django_capture_on_commit_callbacks
):
    asha = customer()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(3):
            enqueue_message(
                customer=asha, kind="order_confirmation", context=confirmation_ctx(f"OD{n}")
            )
        assert DBTaskResult.objects.count() == 0  # nothing before commit
    assert len(callbacks) == 1
    assert DBTaskResult.objects.filter(task_path__endswith="send_due_messages").count() == 1


def test_n3_transactional_default_channels_follow_preferences(messaging_conf, customer):
    plain = customer()
    opted = customer(phone="9876500001", email="ravi@example.in", whatsapp_opt_in=True)

    with transaction.atomic():
        only_sms = enqueue_message(customer=plain, kind="order_confirmation", context=ORDER_CTX)
        all_three = enqueue_message(customer=opted, kind="order_confirmation", context=ORDER_CTX)

    assert [m.channel for m in only_sms] == ["sms"]
    assert [m.channel for m in all_three] == ["sms", "whatsapp", "email"]
    assert all_three[2].recipient == "ravi@example.in" and all_three[0].recipient == opted.phone
    event = AuditEvent.objects.filter(action="message.enqueue").order_by("id").first()
    assert event.after["skipped"] == {
        "whatsapp": "whatsapp_not_opted_in",
        "email": "no_email_address",
    }


def test_n3_do_not_contact_stops_promotional_but_not_the_order_confirmation(
    messaging_conf, customer
):
    dnc = customer(do_not_contact=True, whatsapp_opt_in=True)
    with transaction.atomic():
        confirmation = enqueue_message(customer=dnc, kind="order_confirmation", context=ORDER_CTX)
        offer = enqueue_message(customer=dnc, kind="campaign_offer", context={"offer": "10% more"})
        survey = enqueue_message(customer=dnc, kind="csat_survey", context={"ticket_number": "T-1"})
    assert [m.channel for m in confirmation] == ["sms", "whatsapp"]
    assert offer == [] and survey == []
    assert Message.objects.count() == 2
    suppressed = AuditEvent.objects.filter(
        action="message.enqueue", object_type="customers.customer"
    )
    assert suppressed.count() == 2


def test_n3_asking_for_whatsapp_without_opt_in_is_refused_and_nothing_is_written(
    messaging_conf, customer
):
    asha = customer()
    with pytest.raises(Conflict) as err, transaction.atomic():
        enqueue_message(
            customer=asha,
            kind="order_confirmation",
            context=ORDER_CTX,
            channels=["sms", "whatsapp"],
        )
    assert (err.value.code, err.value.field) == ("whatsapp_not_opted_in", "channels")
    assert Message.objects.count() == 0 and AuditEvent.objects.count() == 1  # the customer's own


def test_the_same_dedupe_key_never_makes_a_second_row(messaging_conf, customer):
    opted = customer(whatsapp_opt_in=True)
    with transaction.atomic():
        first = enqueue_message(
            customer=opted,
            kind="order_confirmation",
            context=ORDER_CTX,
            dedupe_key="order:X:confirmation",
        )
    with transaction.atomic():
        again = enqueue_message(
            customer=opted,
            kind="order_confirmation",
            context=ORDER_CTX,
            dedupe_key="order:X:confirmation",
        )
    assert [m.pk for m in again] == [m.pk for m in first] and len(first) == 2
    assert Message.objects.count() == 2


def test_a_dedupe_key_reused_for_another_customer_is_refused(messaging_conf, customer):
    asha, ravi = customer(), customer(phone="9876500001", name="Ravi")
    with transaction.atomic():
        enqueue_message(
            customer=asha, kind="order_confirmation", context=ORDER_CTX, dedupe_key="k1"
        )
    with pytest.raises(Conflict) as err, transaction.atomic():
        enqueue_message(
            customer=ravi, kind="order_confirmation", context=ORDER_CTX, dedupe_key="k1"
        )
    assert (err.value.code, err.value.field) == ("dedupe_key_reused", "dedupe_key")
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "context", "code", "field"),
    [
        ("no_such_kind", {}, "unknown_message_kind", "kind"),
        (
            "pickup_scheduled",
            {"order_number": "OD1"},
            "template_variable_missing",
            "context.pickup_date",
        ),
        (
            "inspection_price",
            {"order_number": "OD1", "final_price": ""},
            "template_variable_missing",
            "context.final_price",
        ),
    ],
)
def test_bad_requests_are_refused_with_code_and_field_and_write_nothing(
    messaging_conf, customer, kind, context, code, field
):
    asha = customer()
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as err, transaction.atomic():
        enqueue_message(customer=asha, kind=kind, context=context)
    assert (err.value.code, err.value.field) == (code, field)
    assert Message.objects.count() == 0 and AuditEvent.objects.count() == before


def test_n3_hindi_customer_gets_the_hindi_template(messaging_conf, customer):
    priya = customer(language="hi")
    with transaction.atomic():
        [sms] = enqueue_message(customer=priya, kind="order_confirmation", context=ORDER_CTX)
    assert sms.language == "hi"
    assert sms.body.startswith("नमस्ते Asha Rao, आपका ऑर्डर OD-7K4M-9QXR कन्फ़र्म हो गया है।")


def test_a_language_without_templates_falls_back_to_english(messaging_conf, customer):
    tamil = customer(language="ta")
    with transaction.atomic():
        [sms] = enqueue_message(customer=tamil, kind="order_confirmation", context=ORDER_CTX)
    assert sms.language == "en" and sms.body.startswith(
        "Hi Asha Rao, your order OD-7K4M-9QXR is confirmed."
    )


def test_m6_order_confirmation_carries_the_number_and_the_next_steps(messaging_conf, customer):
    asha = customer()
    with transaction.atomic():
        [sms] = enqueue_message(
            customer=asha, kind="order_confirmation", context=ORDER_CTX, order="od-7k4m-9qxr"
        )
    assert sms.order_number == "OD7K4M9QXR"
    for words in ("OD-7K4M-9QXR", "pickup partner", "inspects your device", "paid instantly"):
        assert words in sms.body


def test_n3_promotional_at_night_is_held_until_nine_ist(messaging_conf, customer, frozen):
    messaging_conf(CALLING_HOURS="09:00-21:00")
    asha = customer()
    frozen(at_ist(22, 30))
    with transaction.atomic():
        [offer] = enqueue_message(customer=asha, kind="campaign_offer", context={"offer": "x"})
        [confirmation] = enqueue_message(
            customer=asha, kind="order_confirmation", context=ORDER_CTX
        )
    assert offer.status == MessageStatus.HELD
    assert offer.next_attempt_at == dt.datetime(2025, 3, 11, 9, 0, tzinfo=IST)
    assert confirmation.status == MessageStatus.QUEUED
    assert confirmation.next_attempt_at == at_ist(22, 30)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (at_ist(8, 59), at_ist(9, 0)),
        (at_ist(9, 0), at_ist(9, 0)),
        (at_ist(20, 59), at_ist(20, 59)),
        (at_ist(21, 0), at_ist(9, 0) + dt.timedelta(days=1)),
    ],
)
def test_n3_calling_hours_edges(messaging_conf, customer, frozen, now, due):
    messaging_conf(CALLING_HOURS="09:00-21:00")
    frozen(now)
    with transaction.atomic():
        [offer] = enqueue_message(
            customer=customer(), kind="followup_reminder", context={"device": "iPhone 15"}
        )
    assert offer.next_attempt_at == due
    assert offer.status == (MessageStatus.QUEUED if due == now else MessageStatus.HELD)


def test_enqueue_is_audited_once_per_call(messaging_conf, customer):
    opted = customer(whatsapp_opt_in=True, email="a@example.in")
    with transaction.atomic():
        rows = enqueue_message(customer=opted, kind="order_confirmation", context=ORDER_CTX)
    events = AuditEvent.objects.filter(action="message.enqueue")
    assert events.count() == 1 and len(rows) == 3
    assert [m["channel"] for m in events.get().after["messages"]] == ["sms", "whatsapp", "email"]
