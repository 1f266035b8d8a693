"""The 24-hour customer-service window and the opt-in/opt-out ledger (N3, issue 19)."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from orderdesk.accounts.choices import Role
from orderdesk.core.errors import Conflict, Forbidden, ValidationFailed
from orderdesk.core.models import AuditEvent
from orderdesk.customers.actions import update_preferences
from orderdesk.messaging import rules, selectors, sender
from orderdesk.messaging.actions import (
    enqueue_message,
    record_whatsapp_consent,
    send_whatsapp_reply,
    send_whatsapp_template,
)
from orderdesk.messaging.choices import ConsentSource, MessageStatus
from orderdesk.messaging.models import InboundMessage, Message, MessageTemplate, WhatsAppConsent
from orderdesk.testing.factories import confirmation_ctx, make_user

T0 = dt.datetime(2026, 3, 2, 6, 30, tzinfo=dt.UTC)  # 12:00 IST


@pytest.fixture
def agent(db):
    return make_user(Role.CX, "chitra")


@pytest.fixture
def asha(customer, messaging_conf, tmp_path):
    messaging_conf(WHATSAPP_PROVIDER="file", SMS_PROVIDER="file")
    return customer()


def wrote(customer, at, wamid="wamid.IN1", text="Where is my pickup?"):
    return InboundMessage.objects.create(
        provider_message_id=wamid,
        from_phone=customer.phone,
        customer=customer,
        body=text,
        received_at=at,
    )


def counts():
    return (Message.objects.count(), AuditEvent.objects.count(), WhatsAppConsent.objects.count())


# --- the window, as a rule ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "open_"),
    [
        (dt.timedelta(0), True),
        (dt.timedelta(hours=23, minutes=59, seconds=59), True),
        (dt.timedelta(hours=24), False),
        (dt.timedelta(days=3), False),
    ],
)
def test_window_is_open_for_24_hours_after_the_customers_last_message(age, open_):
    assert rules.window_open(T0 - age, T0) is open_


def test_window_is_closed_when_the_customer_never_wrote():
    assert rules.window_open(None, T0) is False


# --- replies: free text only within the window ---------------------------------------------


def test_a_reply_within_the_window_is_queued_and_audited(asha, agent):
    wrote(asha, T0 - dt.timedelta(hours=23))
    with transaction.atomic():
        message = send_whatsapp_reply(
            phone=asha.phone, text="Tomorrow 10-1.", sent_by=agent, now=T0
        )
    assert (message.kind_id, message.channel, message.body, message.status) == (
        "whatsapp_reply",
        "whatsapp",
        "Tomorrow 10-1.",
        MessageStatus.QUEUED,
    )
    assert (
        AuditEvent.objects.filter(action="whatsapp.reply", object_id=str(message.pk)).count() == 1
    )


def test_free_text_outside_the_window_is_refused_and_nothing_changes(asha, agent):
    wrote(asha, T0 - dt.timedelta(hours=24))
    before = counts()
    with pytest.raises(Conflict) as refused:
        send_whatsapp_reply(phone=asha.phone, text="Are you there?", sent_by=agent, now=T0)
    assert refused.value.code == "whatsapp_window_closed" and refused.value.field == "text"
    assert counts() == before


def test_free_text_to_a_customer_who_never_wrote_is_refused(asha, agent):
    before = counts()
    with pytest.raises(Conflict) as refused:
        send_whatsapp_reply(phone=asha.phone, text="Hello", sent_by=agent, now=T0)
    assert refused.value.code == "whatsapp_window_closed"
    assert counts() == before


def test_a_reply_to_a_customer_who_opted_out_is_refused_even_in_the_window(asha, agent):
    record_whatsapp_consent(asha, opted_in=False, source=ConsentSource.CUSTOMER_KEYWORD, now=T0)
    wrote(asha, T0)
    before = counts()
    with pytest.raises(Conflict) as refused:
        send_whatsapp_reply(phone=asha.phone, text="Hello", sent_by=agent, now=T0)
    assert refused.value.code == "whatsapp_opted_out"
    assert counts() == before


def test_a_reply_to_an_unknown_number_is_refused(db, messaging_conf, agent):
    InboundMessage.objects.create(
        provider_message_id="wamid.X", from_phone="+919812300000", body="hi", received_at=T0
    )
    with pytest.raises(Conflict) as refused:
        send_whatsapp_reply(phone="+919812300000", text="Hello", sent_by=agent, now=T0)
    assert refused.value.code == "whatsapp_unknown_number"
    assert Message.objects.count() == 0


def test_a_blank_reply_is_refused(asha, agent):
    wrote(asha, T0)
    with pytest.raises(ValidationFailed) as refused:
        send_whatsapp_reply(phone=asha.phone, text="   ", sent_by=agent, now=T0)
    assert refused.value.code == "required"


def test_a_sales_agent_may_not_reply_in_the_inbox(asha):
    wrote(asha, T0)
    with pytest.raises(Forbidden):
        send_whatsapp_reply(
            phone=asha.phone, text="Hi", sent_by=make_user(Role.SALES, "sita"), now=T0
        )
    assert Message.objects.count() == 0


def test_an_approved_template_may_go_outside_the_window(asha, agent):
    asha = update_preferences(asha, whatsapp_opt_in=True)
    wrote(asha, T0 - dt.timedelta(days=5))
    template = MessageTemplate.objects.get(kind__key="whatsapp_follow_up", language="en")
    with transaction.atomic():
        message = send_whatsapp_template(phone=asha.phone, template_id=template.pk, sent_by=agent)
    assert message.whatsapp_template == "orderdesk_follow_up"
    assert message.template_params == ["Asha Rao"]
    assert message.body.startswith("Hi Asha Rao, we have an update")


def test_a_template_needs_the_customers_opt_in(asha, agent):
    template = MessageTemplate.objects.get(kind__key="whatsapp_follow_up", language="en")
    with pytest.raises(Conflict) as refused:
        send_whatsapp_template(phone=asha.phone, template_id=template.pk, sent_by=agent)
    assert refused.value.code == "whatsapp_not_opted_in"
    assert Message.objects.count() == 0


# --- the sender enforces the window at send time ----------------------------------------------


def test_a_reply_whose_window_closed_before_sending_is_not_sent(asha, agent):
    wrote(asha, T0 - dt.timedelta(hours=23, minutes=59))
    with time_machine.travel(T0, tick=False), transaction.atomic():
        message = send_whatsapp_reply(phone=asha.phone, text="On it", sent_by=agent)
    with time_machine.travel(T0 + dt.timedelta(minutes=2), tick=False):
        report = sender.deliver_due()
    message.refresh_from_db()
    assert report.cancelled == 1 and message.status == MessageStatus.CANCELLED
    assert message.last_error == "not sent: whatsapp_window_closed"


def test_through_the_cloud_api_free_text_kinds_wait_for_the_window(asha, messaging_conf):
    """An order message without an approved template is free text: outside the window the
    Cloud API would refuse it (131047), so the sender does not try."""
    messaging_conf(WHATSAPP_PROVIDER="cloud", SMS_PROVIDER="file")
    asha = update_preferences(asha, whatsapp_opt_in=True)
    with time_machine.travel(T0, tick=False):
        with transaction.atomic():
            [message] = enqueue_message(
                customer=asha,
                kind="order_confirmation",
                context=confirmation_ctx("OD7K4M9QXR"),
                channels=["whatsapp"],
            )
        sender.deliver_due()
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED
    assert message.last_error == "not sent: whatsapp_window_closed"


# --- the ledger -----------------------------------------------------------------------------


def test_consent_is_the_latest_ledger_row(asha, agent):
    assert selectors.whatsapp_consent(asha) is None
    record_whatsapp_consent(
        asha, opted_in=True, source=ConsentSource.AGENT, recorded_by=agent, now=T0
    )
    record_whatsapp_consent(
        asha, opted_in=False, source=ConsentSource.CUSTOMER_KEYWORD, now=T0 + dt.timedelta(hours=1)
    )
    assert selectors.whatsapp_consent(asha) is False
    asha.refresh_from_db()
    assert asha.whatsapp_opt_in is False
    assert [(r.opted_in, r.source) for r in selectors.consent_ledger(asha.pk)] == [
        (False, "keyword"),
        (True, "agent"),
    ]


def test_ledger_rows_are_append_only(asha):
    row = record_whatsapp_consent(asha, opted_in=True, source=ConsentSource.AGENT, now=T0)
    row.opted_in = False
    with pytest.raises(ValueError, match="append-only"):
        row.save()
    with pytest.raises(ValueError, match="append-only"):
        row.delete()
    assert list(WhatsAppConsent.objects.values_list("opted_in", flat=True)) == [True]


def test_an_opt_out_cancels_the_whatsapp_messages_still_waiting(asha):
    asha = update_preferences(asha, whatsapp_opt_in=True)
    with transaction.atomic():
        rows = enqueue_message(
            customer=asha,
            kind="order_confirmation",
            context=confirmation_ctx("OD7K4M9QXR"),
            channels=["whatsapp", "sms"],
        )
    record_whatsapp_consent(asha, opted_in=False, source=ConsentSource.CUSTOMER_KEYWORD, now=T0)
    statuses = dict(
        Message.objects.filter(pk__in=[m.pk for m in rows]).values_list("channel", "status")
    )
    assert statuses == {"whatsapp": MessageStatus.CANCELLED, "sms": MessageStatus.QUEUED}


def test_a_preference_change_elsewhere_is_written_to_the_ledger_once(asha):
    with time_machine.travel(T0 - dt.timedelta(hours=1), tick=False):
        asha = update_preferences(asha, whatsapp_opt_in=True)  # the API's PATCH, console, admin
        asha = update_preferences(asha, whatsapp_opt_in=True)  # no change: no row
    assert list(WhatsAppConsent.objects.values_list("opted_in", "source")) == [
        (True, ConsentSource.PREFERENCES)
    ]
    record_whatsapp_consent(asha, opted_in=False, source=ConsentSource.AGENT, now=T0)
    # The action's own row, and no second one from the preference hook it went through.
    assert WhatsAppConsent.objects.count() == 2
    assert selectors.whatsapp_consent(asha) is False


def test_an_unknown_consent_source_is_refused(asha):
    with pytest.raises(ValidationFailed) as refused:
        record_whatsapp_consent(asha, opted_in=True, source="rumour", now=T0)
    assert refused.value.code == "unknown_consent_source"
    assert WhatsAppConsent.objects.count() == 0
