"""Issue 20: outbound webhooks, against a real local receiver (``receiver.py`` over HTTP)."""

from __future__ import annotations

import json
import time

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from orderdesk.core.errors import Conflict, Forbidden, ValidationFailed
from orderdesk.core.models import AuditEvent
from orderdesk.orders import lifecycle
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import Order
from orderdesk.testing.factories import PASSWORD
from orderdesk.webhooks import actions, rules, sender
from orderdesk.webhooks.choices import DeliveryStatus, EventType
from orderdesk.webhooks.models import Attempt, Delivery, Endpoint
from orderdesk.webhooks.receiver import Receiver

# --- the signature -------------------------------------------------------------------------


def test_signature_verifies_and_a_tampered_body_wrong_secret_or_stale_timestamp_is_refused():
    body = b'{"id":"evt_1","type":"order.created"}'
    now = int(time.time())
    header = rules.sign("whsec_abc", body, now)
    assert header.startswith(f"t={now},v1=")
    assert rules.verify("whsec_abc", body, header)
    assert not rules.verify("whsec_abc", body + b" ", header)  # tampered
    assert not rules.verify("whsec_other", body, header)  # not our secret
    stale = rules.sign("whsec_abc", body, now - 301)
    assert not rules.verify("whsec_abc", body, stale, tolerance=300)  # a replayed capture
    assert not rules.verify("whsec_abc", body, "v1=deadbeef")  # no timestamp


# --- the outbox: in the change's transaction ----------------------------------------------


def test_an_order_created_queues_one_delivery_per_subscribed_endpoint_in_its_transaction(
    endpoint, place_order
):
    subscribed = endpoint()
    endpoint(name="Tickets only", events=["ticket.opened"])
    order = place_order()
    [delivery] = Delivery.objects.all()
    assert delivery.endpoint == subscribed and delivery.event_type == EventType.ORDER_CREATED
    assert delivery.status == DeliveryStatus.QUEUED
    assert json.loads(delivery.body)["data"]["order"]["number"] == order.number


def test_a_change_that_rolls_back_leaves_no_delivery(endpoint, place_order):
    endpoint()
    with pytest.raises(RuntimeError), transaction.atomic():
        place_order()
        assert Delivery.objects.count() == 1
        raise RuntimeError("the caller's change failed")
    assert Order.objects.count() == 0
    assert Delivery.objects.count() == 0


def test_a_cancellation_announces_status_changed_and_cancelled(cast, endpoint, place_order):
    endpoint()
    order = place_order()
    lifecycle.transition(order, OrderStatus.CANCELLED, actor=cast["ops"], reason="customer_request")
    types = list(Delivery.objects.order_by("id").values_list("event_type", flat=True))
    assert types == ["order.created", "order.status_changed", "order.cancelled"]
    cancelled = json.loads(Delivery.objects.get(event_type="order.cancelled").body)
    assert cancelled["data"]["order"]["previous_status"] == "created"
    assert cancelled["data"]["order"]["status"] == "cancelled"


def test_domain_events_map_to_the_webhook_events_of_the_issue():
    assert rules.webhook_events("order.transition", "inspected", "paid") == [
        "order.status_changed",
        "order.paid",
    ]
    assert rules.webhook_events("ticket.opened") == ["ticket.opened"]
    assert rules.webhook_events("ticket.transition", "open", "escalated") == ["ticket.escalated"]
    assert rules.webhook_events("ticket.transition", "escalated", "resolved") == ["ticket.resolved"]
    assert rules.webhook_events("ticket.transition", "open", "in_progress") == []
    assert rules.webhook_events("lead.transition", "contacting", "closed") == ["lead.closed"]
    assert rules.webhook_events("lead.transition", "new", "contacting") == []


# --- delivery to a real receiver ----------------------------------------------------------


def test_deliveries_reach_the_receiver_signed_with_the_event_id_and_masked(
    endpoint, receiver, place_order
):
    endpoint()
    order = place_order(phone="98765 43210")
    report = sender.deliver_due()
    assert report.delivered == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert receiver.bad_signatures == 0  # the receiver verified the signature
    body = receiver.accepted[delivery.event_id]
    assert body["type"] == "order.created" and body["data"]["order"]["number"] == order.number
    assert receiver.headers[0]["orderdesk-event-id"] == delivery.event_id
    customer = body["data"]["order"]["customer"]
    assert customer["phone"] == "+91•••••43210" and customer["name"] == "A. R."
    assert "+919876543210" not in json.dumps(body) and "Asha" not in json.dumps(body)
    assert "asha.rao@okaxis" not in delivery.body  # payment details are never sent
    assert "payment_reference" not in body["data"]["order"]  # nor the payment's reference
    assert Attempt.objects.get(delivery=delivery).status_code == 200


def test_an_endpoint_allowed_personal_data_gets_name_and_phone_in_full(
    endpoint, receiver, place_order
):
    endpoint(allow_personal_data=True)
    place_order(phone="98765 43210")
    sender.deliver_due()
    [body] = receiver.accepted.values()
    assert body["data"]["order"]["customer"]["phone"] == "+919876543210"
    assert body["data"]["order"]["customer"]["name"] == "Asha Rao"
    assert "asha.rao@okaxis" not in json.dumps(body)


def test_a_wrong_secret_is_refused_by_the_receiver_and_the_delivery_fails_at_once(
    endpoint, receiver, place_order
):
    endpoint()
    receiver.secret = "whsec_not_the_one"
    place_order()
    sender.deliver_due()
    delivery = Delivery.objects.get()
    assert receiver.bad_signatures == 1 and receiver.accepted == {}
    assert delivery.status == DeliveryStatus.FAILED  # 401: the receiver refuses, not retried
    assert "401" in delivery.last_error


def test_a_failing_receiver_gets_retries_then_the_endpoint_is_paused_and_its_owner_told(
    cast, endpoint, receiver, place_order, webhooks_conf
):
    cast["admin"].email = "anil@example.com"
    cast["admin"].save()
    hooked = endpoint()
    receiver.fail = True
    place_order()
    for _ in range(3):  # back-off is 0 s in the tests: each pass is the next try
        sender.deliver_due()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3
    assert Attempt.objects.filter(delivery=delivery, ok=False, status_code=503).count() == 3
    assert len(receiver.received) == 3 and receiver.accepted == {}
    hooked.refresh_from_db()
    assert hooked.is_paused and "3 tries" in hooked.paused_reason
    assert AuditEvent.objects.filter(action="webhook_endpoint.pause").count() == 1
    [told] = mail.outbox
    assert told.to == ["anil@example.com"] and hooked.name in told.subject

    # while paused, new events wait (queued, never claimed)
    receiver.fail = False
    place_order()
    assert sender.deliver_due().claimed == 0
    waiting = Delivery.objects.get(status=DeliveryStatus.QUEUED)
    assert len(receiver.received) == 3

    # resumed: the waiting event goes
    actions.resume_endpoint(actor=cast["admin"], endpoint=hooked)
    sender.deliver_due()
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.DELIVERED
    assert waiting.event_id in receiver.accepted


def test_consecutive_failures_across_deliveries_pause_the_endpoint(
    endpoint, receiver, place_order, webhooks_conf
):
    webhooks_conf(MAX_ATTEMPTS=10, PAUSE_AFTER_FAILURES=3)
    hooked = endpoint()
    receiver.fail = True
    for _ in range(3):
        place_order()
    sender.deliver_due()
    hooked.refresh_from_db()
    assert hooked.is_paused and hooked.consecutive_failures == 3
    assert "3 failed tries in a row" in hooked.paused_reason
    assert Delivery.objects.filter(status=DeliveryStatus.QUEUED).count() == 3  # they wait


def test_a_hanging_receiver_is_cut_off_by_the_timeout_and_does_not_hold_up_the_others(
    cast, endpoint, place_order, webhooks_conf
):
    webhooks_conf(TIMEOUT_SECONDS=0.5)
    slow = Receiver().start()
    fast = Receiver().start()
    try:
        slow.hang_seconds = 5
        endpoint(target=slow, name="slow")
        endpoint(target=fast, name="fast")
        for _ in range(3):
            place_order()
        started = time.monotonic()
        report = sender.deliver_batch()
        elapsed = time.monotonic() - started
    finally:
        slow.stop()
        fast.stop()
    assert len(fast.accepted) == 3  # every event to the healthy receiver went
    assert report.delivered == 3 and report.retried == 1 and report.released == 2
    assert elapsed < 3, elapsed  # one timeout for the slow endpoint, not three (or 5 s)
    slow_rows = Delivery.objects.filter(endpoint__name="slow")
    assert sorted(slow_rows.values_list("attempts", flat=True)) == [0, 0, 1]
    assert "no answer within 0.5 s" in slow_rows.get(attempts=1).last_error


# --- registration: SSRF and bad input change nothing --------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://hooks.example.com/x", rules.URL_SCHEME),
        ("file:///etc/passwd", rules.URL_SCHEME),
        ("http://127.0.0.1:8000/hooks", rules.URL_PRIVATE),
        ("http://10.1.2.3/hooks", rules.URL_PRIVATE),
        ("http://169.254.169.254/latest/meta-data", rules.URL_PRIVATE),
        ("http://[::1]/hooks", rules.URL_PRIVATE),
        ("http://user:pw@93.184.215.14/hooks", rules.URL_INVALID),
        ("https://", rules.URL_INVALID),
    ],
)
def test_registration_refuses_non_http_and_private_receivers(cast, webhooks_conf, url, code):
    webhooks_conf(ALLOW_PRIVATE_URLS=False)
    with pytest.raises(ValidationFailed) as refused:
        actions.register_endpoint(actor=cast["admin"], name="x", url=url, events=["order.created"])
    assert refused.value.code == code and refused.value.field == "url"
    assert Endpoint.objects.count() == 0
    assert not AuditEvent.objects.filter(action="webhook_endpoint.create").exists()


def test_a_public_address_is_accepted_and_private_ones_only_with_the_setting(cast, webhooks_conf):
    webhooks_conf(ALLOW_PRIVATE_URLS=False)
    public = actions.register_endpoint(
        actor=cast["admin"], name="public", url="https://93.184.215.14/hooks", events=["order.paid"]
    )
    assert public.events == ["order.paid"] and public.secret.startswith("whsec_")
    webhooks_conf(ALLOW_PRIVATE_URLS=True)
    local = actions.register_endpoint(
        actor=cast["admin"], name="sim", url="http://127.0.0.1:8025/hooks", events=["lead.closed"]
    )
    assert local.owner == cast["admin"]


def test_a_hostname_resolving_to_a_private_address_is_refused():
    def resolve(host, port):
        return [(2, 1, 6, "", ("10.0.0.7", port))]

    code, message = rules.url_refusal(
        "https://hooks.internal.example/x", allow_private=False, resolve=resolve
    )
    assert code == rules.URL_PRIVATE and "10.0.0.7" in message


@pytest.mark.parametrize(
    ("events", "code"),
    [([], rules.NO_EVENTS), (["order.created", "order.exploded"], rules.UNKNOWN_EVENT)],
)
def test_registration_refuses_missing_or_unknown_events(cast, webhooks_conf, events, code):
    with pytest.raises(ValidationFailed) as refused:
        actions.register_endpoint(
            actor=cast["admin"], name="x", url="http://127.0.0.1/h", events=events
        )
    assert refused.value.code == code and refused.value.field == "events"
    assert Endpoint.objects.count() == 0


@pytest.mark.parametrize("role", ["sales", "cx", "ops", "supervisor"])
def test_only_an_admin_registers_an_endpoint(cast, webhooks_conf, role):
    with pytest.raises(Forbidden):
        actions.register_endpoint(
            actor=cast[role], name="x", url="http://127.0.0.1/h", events=["order.created"]
        )
    assert Endpoint.objects.count() == 0


# --- the console: register, see attempts, replay ------------------------------------------


def _signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_console_registers_an_endpoint_and_names_the_field_of_a_refusal(
    client, cast, webhooks_conf
):
    webhooks_conf(ALLOW_PRIVATE_URLS=False)
    _signed_in(client, cast["admin"])
    refused = client.post(
        reverse("outbound:endpoints"),
        {"name": "Sim", "url": "http://127.0.0.1:9/hooks", "events": ["order.created"]},
    )
    assert refused.status_code == 422
    assert "private, loopback or reserved" in refused.content.decode()
    assert Endpoint.objects.count() == 0
    webhooks_conf(ALLOW_PRIVATE_URLS=True)
    made = client.post(
        reverse("outbound:endpoints"),
        {"name": "Sim", "url": "http://127.0.0.1:9/hooks", "events": ["order.created"]},
    )
    endpoint = Endpoint.objects.get()
    assert made.status_code == 302 and made.url == reverse("outbound:endpoint", args=[endpoint.pk])
    assert client.get(reverse("outbound:endpoints")).status_code == 200


def test_replay_from_the_console_sends_the_same_event_again(
    client, cast, endpoint, receiver, place_order
):
    hooked = endpoint()
    place_order()
    sender.deliver_due()
    delivery = Delivery.objects.get(status=DeliveryStatus.DELIVERED)
    _signed_in(client, cast["admin"])
    page = client.get(reverse("outbound:endpoint", args=[hooked.pk])).content.decode()
    assert delivery.event_id in page and 'data-testid="webhook-attempt"' in page

    answer = client.post(reverse("outbound:replay", args=[delivery.pk]))
    assert answer.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.QUEUED and delivery.replays == 1
    sender.deliver_due()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert receiver.received.count(delivery.event_id) == 2  # sent twice, the same event id
    assert receiver.repeats == [delivery.event_id]  # the receiver recognised the replay
    assert Attempt.objects.filter(delivery=delivery).count() == 2
    assert AuditEvent.objects.filter(action="webhook_delivery.replay").count() == 1


def test_a_queued_delivery_is_not_replayed(cast, endpoint, place_order):
    endpoint()
    place_order()
    delivery = Delivery.objects.get()
    before = Delivery.objects.values().get(pk=delivery.pk)
    with pytest.raises(Conflict) as refused:
        actions.replay_delivery(actor=cast["admin"], delivery=delivery)
    assert refused.value.code == rules.NOT_REPLAYABLE
    assert Delivery.objects.values().get(pk=delivery.pk) == before  # nothing changed
    assert not AuditEvent.objects.filter(action="webhook_delivery.replay").exists()


def test_an_active_endpoint_is_not_resumed_and_nothing_changes(cast, endpoint):
    active = endpoint()
    before = Endpoint.objects.values().get(pk=active.pk)
    with pytest.raises(Conflict) as refused:
        actions.resume_endpoint(actor=cast["admin"], endpoint=active)
    assert refused.value.code == rules.NOT_PAUSED
    assert Endpoint.objects.values().get(pk=active.pk) == before
    assert not AuditEvent.objects.filter(action="webhook_endpoint.resume").exists()


def test_ops_may_not_replay_and_nothing_changes(client, cast, endpoint, receiver, place_order):
    endpoint()
    place_order()
    sender.deliver_due()
    delivery = Delivery.objects.get()
    _signed_in(client, cast["ops"])
    assert client.post(reverse("outbound:replay", args=[delivery.pk])).status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.replays == 0


def test_the_receivers_snippet_in_docs_webhooks_md_verifies_our_signature():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[4] / "docs" / "webhooks.md").read_text()
    snippet = doc.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(snippet, "docs/webhooks.md", "exec"), namespace)  # noqa: S102 (our own docs)
    body = b'{"id":"evt_9","type":"lead.closed"}'
    header = rules.sign("whsec_doc", body, int(time.time()))
    assert namespace["verify"]("whsec_doc", body, header)
    assert not namespace["verify"]("whsec_doc", body + b"x", header)
    assert not namespace["verify"]("whsec_doc", body, rules.sign("whsec_doc", body, 1))


def test_a_ticket_opened_and_escalated_and_a_lead_closed_reach_their_subscribers(
    cast, endpoint, receiver
):
    from orderdesk.cx.actions.escalation import escalate_ticket
    from orderdesk.cx.actions.opening import open_ticket
    from orderdesk.leads.actions import close_politely, create_lead
    from orderdesk.testing.factories import make_customer

    endpoint(events=["ticket.opened", "ticket.escalated", "lead.closed"])
    asha = make_customer()
    ticket = open_ticket(type="complaint", customer=asha, created_by=cast["cx"], notes="late")
    escalate_ticket(ticket, actor=cast["cx"], text="Customer waited three days for the pickup")
    lead, _ = create_lead(customer=asha, source="inbound_call", owner=cast["sales"])
    close_politely(lead, agent=cast["sales"], notes="Not selling any more, thanked her")
    sender.deliver_due()
    got = {body["type"]: body["data"] for body in receiver.accepted.values()}
    assert set(got) == {"ticket.opened", "ticket.escalated", "lead.closed"}
    assert got["ticket.escalated"]["ticket"]["id"] == ticket.pk
    assert got["ticket.escalated"]["ticket"]["status"] == "escalated"
    assert got["lead.closed"]["lead"]["id"] == lead.pk
    assert got["lead.closed"]["lead"]["customer"]["phone"] == "+91•••••43210"
    assert receiver.bad_signatures == 0


def test_s4_erasing_a_customer_blanks_their_webhook_bodies_and_stops_unsent_ones(
    cast, endpoint, receiver
):
    from orderdesk.customers.actions import erase_customer
    from orderdesk.leads.actions import close_politely, create_lead
    from orderdesk.testing.factories import make_customer

    endpoint(events=["lead.closed"], allow_personal_data=True)
    asha = make_customer()
    lead, _ = create_lead(customer=asha, source="inbound_call", owner=cast["sales"])
    close_politely(lead, agent=cast["sales"], notes="Not selling any more, thanked her")
    delivery = Delivery.objects.get()
    assert delivery.customer == asha and "+919876543210" in delivery.body

    counts = erase_customer(asha, actor=cast["admin"])
    delivery.refresh_from_db()
    assert counts["webhook_deliveries"] == 1
    assert "+919876543210" not in delivery.body and "Asha" not in delivery.body
    assert json.loads(delivery.body) == {
        "id": delivery.event_id,
        "type": "lead.closed",
        "erased": True,
    }
    assert delivery.status == DeliveryStatus.FAILED  # never sent after the erasure
    assert sender.deliver_due().claimed == 0 and receiver.received == []
