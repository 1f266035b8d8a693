"""Delivery receipts move only forward, whatever order and however often they arrive."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderdesk.messaging import rules, whatsapp
from orderdesk.messaging.actions import enqueue_message
from orderdesk.messaging.choices import DeliveryStatus, MessageStatus
from orderdesk.messaging.models import Message
from orderdesk.testing.factories import confirmation_ctx

RECEIPTS = [
    DeliveryStatus.SENT,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.READ,
    DeliveryStatus.FAILED,
]
T0 = dt.datetime(2026, 3, 2, 6, 30, tzinfo=dt.UTC)


@pytest.fixture
def sent_message(db, customer):
    asha = customer(whatsapp_opt_in=True)
    with transaction.atomic():
        [message] = enqueue_message(
            customer=asha,
            kind="order_confirmation",
            context=confirmation_ctx("OD7K4M9QXR"),
            channels=["whatsapp"],
        )
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT, provider_message_id="wamid.OUT1", sent_at=T0
    )
    return message


def receipt(status, *, seconds=0, wamid="wamid.OUT1", code=131026):
    body = {
        "id": wamid,
        "status": status,
        "timestamp": str(int((T0 + dt.timedelta(seconds=seconds)).timestamp())),
        "recipient_id": "919876543210",
    }
    if status == DeliveryStatus.FAILED:
        body["errors"] = [
            {
                "code": code,
                "title": "Message undeliverable",
                "error_data": {"details": "Receiver is incapable of receiving this message"},
            }
        ]
    return body


def current(message):
    return Message.objects.values_list("delivery_status", "delivery_error").get(pk=message.pk)


def test_receipts_in_order_end_at_read(sent_message):
    for i, status in enumerate(["sent", "delivered", "read"]):
        assert whatsapp.apply_status(receipt(status, seconds=i)) is True
    assert current(sent_message) == ("read", "")
    row = Message.objects.get(pk=sent_message.pk)
    assert row.delivery_status_at == T0 + dt.timedelta(seconds=2)


def test_delivered_after_read_changes_nothing(sent_message):
    whatsapp.apply_status(receipt("read", seconds=5))
    assert whatsapp.apply_status(receipt("delivered", seconds=3)) is False
    assert current(sent_message) == ("read", "")


def test_delivered_after_failed_changes_nothing_and_the_error_is_kept(sent_message):
    whatsapp.apply_status(receipt("failed", seconds=5))
    assert whatsapp.apply_status(receipt("delivered", seconds=3)) is False
    assert current(sent_message) == (
        "failed",
        "131026: Message undeliverable (Receiver is incapable of receiving this message)",
    )


def test_a_replayed_receipt_changes_nothing(sent_message):
    assert whatsapp.apply_status(receipt("delivered")) is True
    assert whatsapp.apply_status(receipt("delivered")) is False
    assert current(sent_message) == ("delivered", "")


def test_a_receipt_for_an_unknown_message_id_changes_nothing(sent_message):
    assert whatsapp.apply_status(receipt("read", wamid="wamid.SOMEONE-ELSE")) is False
    assert whatsapp.apply_status(receipt("read", wamid="")) is False
    assert current(sent_message) == ("", "")


def test_unknown_receipt_kinds_are_ignored(sent_message):
    assert whatsapp.apply_status(receipt("deleted")) is False
    assert current(sent_message) == ("", "")


def expected_final(sequence: list[str]) -> str:
    """The model: the first final receipt (read/failed) ends it; before that, the furthest."""
    state = ""
    for status in sequence:
        if status in rules.DELIVERY_TRANSITIONS[state]:
            state = status
    return state


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.lists(st.sampled_from(RECEIPTS), min_size=1, max_size=8).flatmap(
        # a sequence, shuffled, with some receipts replayed at random places
        lambda base: st.tuples(
            st.permutations(base),
            st.lists(st.integers(0, len(base) - 1), max_size=4),
        )
    )
)
def test_property_shuffled_and_replayed_receipts_only_move_forward(sent_message, data):
    shuffled, replays = data
    sequence = list(shuffled)
    for index in replays:  # a replay: the same receipt again, later on
        sequence.append(shuffled[index])
    Message.objects.filter(pk=sent_message.pk).update(delivery_status="", delivery_error="")

    rank = 0
    for i, status in enumerate(sequence):
        whatsapp.apply_status(receipt(status, seconds=i))
        now_status, error = current(sent_message)
        new_rank = rules.delivery_rank(now_status)
        assert new_rank >= rank, (sequence, i)  # never backwards
        rank = new_rank
        assert (error != "") == (now_status == DeliveryStatus.FAILED)
    final, _ = current(sent_message)
    assert final == expected_final(sequence)
    # Replays never change the outcome: applying the whole sequence again changes nothing.
    for i, status in enumerate(sequence):
        assert whatsapp.apply_status(receipt(status, seconds=100 + i)) is False
    assert current(sent_message)[0] == final


@given(st.lists(st.sampled_from(RECEIPTS), max_size=12))
def test_property_the_table_never_leaves_a_final_state(sequence):
    state = ""
    for status in sequence:
        before = state
        if status in rules.DELIVERY_TRANSITIONS[state]:
            state = status
        assert rules.delivery_rank(state) >= rules.delivery_rank(before)
        if before in (DeliveryStatus.READ, DeliveryStatus.FAILED):
            assert state == before


def test_the_webhook_path_applies_receipts_too(sent_message, settings):
    """End to end through a stored event: a late 'delivered' after 'read' in one payload."""
    from orderdesk.messaging.models import WebhookEvent

    body = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "changes": [
                    {
                        "value": {
                            "statuses": [
                                receipt("sent"),
                                receipt("read", seconds=2),
                                receipt("delivered", seconds=1),
                            ]
                        }
                    }
                ]
            }
        ],
    }
    import json

    WebhookEvent.objects.create(
        body=json.dumps(body), body_sha256="a" * 64, received_at=timezone.now()
    )
    whatsapp.process_pending_events()
    assert current(sent_message) == ("read", "")
    assert WebhookEvent.objects.get().result == {
        "statuses": 3,
        "status_changes": 2,
        "messages": 0,
        "new_messages": 0,
    }
