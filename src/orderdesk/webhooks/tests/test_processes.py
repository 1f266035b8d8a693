"""A real ``orderdesk worker`` on PostgreSQL, SIGKILLed mid-delivery and restarted: every
committed event reaches the receiver once (it de-duplicates on the event id, at most the
one in flight arrives twice on the wire), nothing from a rolled-back change is sent."""

from __future__ import annotations

import signal

import pytest
from django.db import connection, transaction

from orderdesk.messaging.tests.test_processes import sender_env, start, stop, wait_for
from orderdesk.webhooks.choices import DeliveryStatus
from orderdesk.webhooks.models import Delivery

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency guarantees are tested on PostgreSQL")


def test_worker_killed_mid_delivery_and_restarted_sends_each_committed_event_once(
    endpoint, receiver, place_order, tmp_path
):
    from orderdesk.messaging.tests.gateway import Gateway

    endpoint(events=["order.created"])
    receiver.hold_after = 20  # the receiver stalls after 20: the worker waits mid-batch
    for _ in range(60):
        place_order()
    with pytest.raises(RuntimeError), transaction.atomic():
        for _ in range(5):
            place_order()
        raise RuntimeError("the caller's change failed")
    committed = set(Delivery.objects.values_list("event_id", flat=True))
    assert len(committed) == 60

    gateway = Gateway().start()  # the messages (order confirmations) go somewhere harmless
    env = sender_env(
        gateway,
        MESSAGING_LEASE_SECONDS=2,
        MESSAGING_SWEEP_SECONDS=1,
        WEBHOOKS_ALLOW_PRIVATE_URLS=1,
        WEBHOOKS_LEASE_SECONDS=2,
        WEBHOOKS_TIMEOUT_SECONDS=30,
        WEBHOOKS_RETRY_BASE_SECONDS=0,
        WEBHOOKS_RETRY_MAX_SECONDS=0,
        WEBHOOKS_BATCH_SIZE=50,
    )
    args = ["worker", "--interval", "0.1", "--no-reload", "--no-startup-delay"]
    first = start(args, env, tmp_path / "worker1.log")
    try:
        wait_for(
            lambda: (
                receiver.held.is_set()
                and Delivery.objects.filter(status=DeliveryStatus.QUEUED)
                .exclude(claim_token="")
                .exists()
            ),
            120,
            "the worker to stop mid-batch after 20 deliveries",
        )
    finally:
        stop(first, signal.SIGKILL)
        receiver.release()
    at_kill = len(receiver.accepted)
    assert 20 <= at_kill < 60, "the kill came after the batch: nothing was tested"

    second = start(args, env, tmp_path / "worker2.log")
    try:
        wait_for(
            lambda: Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 60,
            240,
            "every committed event to be delivered after the restart",
        )
    finally:
        stop(second)
        gateway.stop()

    assert set(receiver.accepted) == committed  # every committed event, once, at the receiver
    assert receiver.bad_signatures == 0
    assert len(receiver.repeats) <= 1  # at most the one in flight at the kill arrived twice
    numbers = {body["data"]["order"]["number"] for body in receiver.accepted.values()}
    assert len(numbers) == 60
