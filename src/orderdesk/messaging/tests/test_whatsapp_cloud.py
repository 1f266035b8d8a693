"""The WhatsApp Cloud API provider and the simulator, end to end; DLT ids on SMS."""

import datetime as dt
import json

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from orderdesk.accounts.choices import Role
from orderdesk.customers.actions import update_preferences
from orderdesk.messaging import sender, whatsapp
from orderdesk.messaging.actions import enqueue_message, send_whatsapp_reply
from orderdesk.messaging.choices import MessageStatus
from orderdesk.messaging.conf import conf
from orderdesk.messaging.models import InboundMessage, Message, MessageTemplate
from orderdesk.messaging.providers import (
    KeepAlive,
    Outgoing,
    ProviderError,
    WhatsAppCloudProvider,
)
from orderdesk.messaging.simulator import Simulator, serve
from orderdesk.testing.factories import confirmation_ctx, make_user

SECRET = "sim-app-secret"
TOKEN = "sim-access-token"
T0 = dt.datetime(2026, 3, 2, 6, 30, tzinfo=dt.UTC)


def django_poster(body: bytes, headers: dict) -> int:
    """The simulator's webhooks into this test's database, through the real view."""
    response = Client().generic(
        "POST",
        "/webhooks/whatsapp/",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": headers["X-Hub-Signature-256"]},
    )
    return response.status_code


@pytest.fixture
def sim():
    simulator = Simulator(
        app_secret=SECRET,
        access_token=TOKEN,
        phone_number_id="1234567890",
        post=django_poster,
        fail_numbers=frozenset({"919800000000"}),
    )
    server = serve(simulator)
    simulator.url = "http://{}:{}".format(*server.server_address[:2])
    yield simulator
    server.shutdown()
    server.server_close()


@pytest.fixture
def cloud(messaging_conf, sim):
    return messaging_conf(
        WHATSAPP_PROVIDER="cloud",
        SMS_PROVIDER="file",
        WHATSAPP_CLOUD_BASE_URL=sim.url,
        WHATSAPP_API_VERSION="v21.0",
        WHATSAPP_PHONE_NUMBER_ID="1234567890",
        WHATSAPP_ACCESS_TOKEN=TOKEN,
        WHATSAPP_APP_SECRET=SECRET,
        WHATSAPP_VERIFY_TOKEN="verify",
    )


def outgoing(**kw):
    values = {
        "key": "k1",
        "channel": "whatsapp",
        "to": "+919876543210",
        "subject": "",
        "body": "Hello",
    }
    values.update(kw)
    return Outgoing(**values)


# --- the provider against the simulated Graph API --------------------------------------------


def test_free_text_is_posted_as_a_text_message_and_the_wamid_returned(db, cloud, sim):
    provider = WhatsAppCloudProvider(conf(), session=KeepAlive())
    wamid = provider.send(outgoing())
    assert wamid == "wamid.SIM00000001"
    [sent] = sim.sent
    assert sent == {
        "id": wamid,
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "919876543210",
        "biz_opaque_callback_data": "k1",
        "type": "text",
        "text": {"preview_url": False, "body": "Hello"},
    }


def test_a_template_is_posted_with_its_language_and_parameters_in_order(db, cloud, sim):
    provider = WhatsAppCloudProvider(conf(), session=KeepAlive())
    provider.send(
        outgoing(whatsapp_template="orderdesk_follow_up", language="hi", template_params=["आशा"])
    )
    assert sim.sent[0]["type"] == "template"
    assert sim.sent[0]["template"] == {
        "name": "orderdesk_follow_up",
        "language": {"code": "hi"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "आशा"}]}],
    }


def test_sends_reuse_one_keep_alive_connection(db, cloud, sim):
    session = KeepAlive()
    provider = WhatsAppCloudProvider(conf(), session=session)
    provider.send(outgoing(key="a"))
    [first] = session._local.pool.values()
    provider.send(outgoing(key="b"))
    [second] = session._local.pool.values()
    assert first is second and len(sim.sent) == 2
    session.close()


def test_a_wrong_token_is_retryable_and_a_bad_request_is_not(db, cloud, sim, messaging_conf):
    c = conf()
    bad = WhatsAppCloudProvider(
        type(c)(**{**c.__dict__, "whatsapp_access_token": "expired"}), session=KeepAlive()
    )
    with pytest.raises(ProviderError) as unauthorised:
        bad.send(outgoing())
    assert unauthorised.value.retryable is True and "401" in str(unauthorised.value)
    good = WhatsAppCloudProvider(c, session=KeepAlive())
    with pytest.raises(ProviderError) as invalid:
        good.send(outgoing(body=""))
    assert invalid.value.retryable is False and "400" in str(invalid.value)
    assert sim.sent == []


def test_an_unreachable_api_is_retryable(db, cloud, messaging_conf):
    c = conf()
    down = type(c)(**{**c.__dict__, "whatsapp_cloud_base_url": "http://127.0.0.1:9"})
    with pytest.raises(ProviderError) as unreachable:
        WhatsAppCloudProvider(down, session=KeepAlive()).send(outgoing())
    assert unreachable.value.retryable is True


def test_missing_configuration_is_a_retryable_error_not_a_crash(db, messaging_conf):
    messaging_conf(WHATSAPP_PROVIDER="cloud")
    with pytest.raises(ProviderError) as missing:
        WhatsAppCloudProvider(conf())
    assert missing.value.retryable is True


# --- end to end with the simulator ---------------------------------------------------------


def test_the_customer_writes_an_agent_replies_and_the_receipts_come_back(db, cloud, sim, customer):
    """The simulator plays the customer: an inbound message, the reply through the
    Cloud API, then sent/delivered/read receipts — and a late 'delivered' replayed."""
    asha = customer()
    agent = make_user(Role.CX, "chitra")
    wamid_in, status = sim.inbound(asha.phone, "Is my pickup today?", name="Asha")
    assert status == 200
    whatsapp.process_pending_events()
    inbound = InboundMessage.objects.get(provider_message_id=wamid_in)
    assert inbound.customer == asha

    with transaction.atomic():
        reply = send_whatsapp_reply(phone=asha.phone, text="Yes, 10 to 1.", sent_by=agent)
    report = sender.deliver_due()
    reply.refresh_from_db()
    assert report.sent == 1 and reply.status == MessageStatus.SENT
    assert reply.provider == "whatsapp_cloud" and reply.provider_message_id == sim.sent[0]["id"]
    assert sim.sent[0]["text"]["body"] == "Yes, 10 to 1."

    for receipt in ("sent", "read"):
        assert sim.status(reply.provider_message_id, receipt) == 200
    assert sim.status(reply.provider_message_id, "delivered") == 200  # late
    assert sim.replay(3) == [200, 200, 200]  # Meta's retries, byte for byte
    whatsapp.process_pending_events()
    reply.refresh_from_db()
    assert reply.delivery_status == "read"


def test_a_number_without_whatsapp_ends_failed_with_the_error(db, cloud, sim, customer):
    ravi = update_preferences(customer(phone="9800000000", name="Ravi"), whatsapp_opt_in=True)
    sim.inbound(ravi.phone, "hi")
    whatsapp.process_pending_events()
    with transaction.atomic():
        [message] = enqueue_message(
            customer=ravi,
            kind="order_confirmation",
            context=confirmation_ctx("OD7K4M9QXR"),
            channels=["whatsapp"],
        )
    sender.deliver_due()
    message.refresh_from_db()
    sim.status(message.provider_message_id, "sent")
    sim.status(message.provider_message_id, "failed", code=131026, title="Message undeliverable")
    whatsapp.process_pending_events()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT  # the provider took it...
    assert message.delivery_status == "failed"  # ...and could not deliver it
    assert message.delivery_error == "131026: Message undeliverable"


def test_a_simulated_message_from_an_unknown_number_lands_in_the_inbox(db, cloud, sim):
    sim.inbound("+919812300000", "I want to sell my phone", name="Neha")
    whatsapp.process_pending_events()
    inbound = InboundMessage.objects.get()
    assert (inbound.customer, inbound.from_phone, inbound.profile_name) == (
        None,
        "+919812300000",
        "Neha",
    )


def test_the_simulator_command_refuses_to_start_without_an_app_secret(db, messaging_conf):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="WHATSAPP_APP_SECRET"):
        call_command("whatsapp_simulator", "--port", "0")


# --- India's DLT ids on SMS ---------------------------------------------------------------------


def test_an_sms_carries_its_templates_dlt_id_and_our_entity_id(
    db, messaging_conf, gateway, customer
):
    messaging_conf(SMS_DLT_ENTITY_ID="1101234560000012345")
    MessageTemplate.objects.filter(kind__key="order_confirmation", language="en").update(
        dlt_template_id="1107160000000012345"
    )
    asha = customer()
    with transaction.atomic():
        [sms] = enqueue_message(
            customer=asha,
            kind="order_confirmation",
            context=confirmation_ctx("OD7K4M9QXR"),
            channels=["sms"],
        )
    assert sms.dlt_template_id == "1107160000000012345"
    sender.deliver_due()
    body = gateway.bodies[sms.provider_key]
    assert body["dlt_template_id"] == "1107160000000012345"
    assert body["dlt_entity_id"] == "1101234560000012345"


def test_a_whatsapp_message_through_the_http_gateway_carries_no_dlt_fields(
    db, messaging_conf, gateway, customer
):
    messaging_conf(WHATSAPP_GATEWAY_URL=gateway.url, SMS_DLT_ENTITY_ID="1101234560000012345")
    asha = customer(whatsapp_opt_in=True)
    with transaction.atomic():
        [wa] = enqueue_message(
            customer=asha,
            kind="order_confirmation",
            context=confirmation_ctx("OD7K4M9QXR"),
            channels=["whatsapp"],
        )
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=True):
        sender.deliver_due()
    assert "dlt_entity_id" not in gateway.bodies[wa.provider_key]
    assert json.dumps(gateway.bodies[wa.provider_key])  # a plain JSON body
    assert Message.objects.get(pk=wa.pk).status == MessageStatus.SENT


def test_the_simulator_posts_signed_receipts_on_a_timer_and_fails_listed_numbers():
    import threading

    from orderdesk.messaging import rules

    posted, done = [], threading.Event()

    def collect(body, headers):
        assert rules.signature_valid(body, headers["X-Hub-Signature-256"], SECRET)
        posted.append(json.loads(body))
        if len(posted) == 5:
            done.set()
        return 200

    simulator = Simulator(
        app_secret=SECRET,
        access_token=TOKEN,
        phone_number_id="1",
        post=collect,
        receipt_delay=0,
        fail_numbers=frozenset({"919800000000"}),
    )
    payload = {"messaging_product": "whatsapp", "type": "text", "text": {"body": "Hi"}}
    ok, answer = simulator.accept(
        "/v21.0/1/messages", f"Bearer {TOKEN}", {**payload, "to": "919876543210"}
    )
    simulator.accept("/v21.0/1/messages", f"Bearer {TOKEN}", {**payload, "to": "919800000000"})
    assert ok == 200 and answer["messages"][0]["id"] == "wamid.SIM00000001"
    assert done.wait(10), posted
    by_id: dict = {}
    for body in posted:
        [status] = body["entry"][0]["changes"][0]["value"]["statuses"]
        by_id.setdefault(status["id"], []).append(status["status"])
    assert by_id == {
        "wamid.SIM00000001": ["sent", "delivered", "read"],
        "wamid.SIM00000002": ["sent", "failed"],
    }
