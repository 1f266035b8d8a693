"""The WhatsApp webhook: the handshake, the signature, storing raw and processing idempotently."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from orderdesk.core.models import AuditEvent
from orderdesk.messaging import rules, whatsapp
from orderdesk.messaging.choices import ConsentSource, WebhookEventState
from orderdesk.messaging.models import InboundMessage, WebhookEvent, WhatsAppConsent

SECRET = "test-app-secret"
VERIFY = "test-verify-token"
URL = "/webhooks/whatsapp/"


@pytest.fixture
def wa_settings(settings):
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "MESSAGING": {
            **settings.ORDERDESK.get("MESSAGING", {}),
            "WHATSAPP_APP_SECRET": SECRET,
            "WHATSAPP_VERIFY_TOKEN": VERIFY,
        },
    }
    return settings


def inbound_body(
    wamid="wamid.IN1", from_="919876543210", text="Hi, when is my pickup?", ts=1_765_000_000
):
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "WABA",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "contacts": [{"profile": {"name": "Asha"}, "wa_id": from_}],
                                "messages": [
                                    {
                                        "from": from_,
                                        "id": wamid,
                                        "timestamp": str(ts),
                                        "type": "text",
                                        "text": {"body": text},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()


def post(body: bytes, signature: str | None):
    headers = {} if signature is None else {"X-Hub-Signature-256": signature}
    return Client().generic(
        "POST", URL, data=body, content_type="application/json", headers=headers
    )


def state():
    return (
        WebhookEvent.objects.count(),
        InboundMessage.objects.count(),
        AuditEvent.objects.count(),
    )


# --- the handshake ---------------------------------------------------------------------


def test_handshake_with_the_right_verify_token_echoes_the_challenge(db, wa_settings):
    response = Client().get(
        URL, {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}
    )
    assert response.status_code == 200
    assert response.content == b"1158201444"


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"},
        {"hub.verify_token": VERIFY, "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
    ],
    ids=["wrong token", "wrong mode", "no mode", "no token"],
)
def test_handshake_is_refused_with_403_unless_mode_and_token_match(db, wa_settings, query):
    response = Client().get(URL, query)
    assert response.status_code == 403
    assert b"1" not in response.content


def test_handshake_is_refused_when_no_verify_token_is_configured(db, settings):
    response = Client().get(
        URL, {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "42"}
    )
    assert response.status_code == 403


# --- the signature -------------------------------------------------------------------


def test_a_signed_post_is_stored_raw_and_answered_200(db, wa_settings):
    body = inbound_body()
    response = post(body, rules.webhook_signature(body, SECRET))
    assert response.status_code == 200
    [event] = WebhookEvent.objects.all()
    assert event.body.encode() == body and event.state == WebhookEventState.PENDING


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "sha256=" + "0" * 64,
        "sha1=abcdef",
        rules.webhook_signature(inbound_body(), "another-secret"),
        rules.webhook_signature(inbound_body(text="something else"), SECRET),
        rules.webhook_signature(inbound_body(), SECRET).upper(),
    ],
    ids=[
        "missing",
        "empty",
        "zeros",
        "sha1",
        "other secret",
        "other body",
        "upper-case hex",
    ],
)
def test_a_bad_signature_gets_403_and_stores_nothing(db, wa_settings, signature):
    before = state()
    response = post(inbound_body(), signature)
    assert response.status_code == 403
    assert state() == before


def test_no_app_secret_configured_refuses_every_post(db, settings):
    body = inbound_body()
    response = post(body, rules.webhook_signature(body, ""))
    assert response.status_code == 403
    assert WebhookEvent.objects.count() == 0


def test_the_signature_covers_the_raw_bytes_not_the_parsed_json(db, wa_settings):
    """Re-serialised JSON (other spacing) is another body: its old signature does not fit."""
    body = inbound_body()
    respaced = json.dumps(json.loads(body), indent=2).encode()
    assert post(respaced, rules.webhook_signature(body, SECRET)).status_code == 403
    assert WebhookEvent.objects.count() == 0


def test_signature_check_uses_constant_time_comparison(monkeypatch):
    seen = []
    real = rules.hmac.compare_digest

    def spy(a, b):
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(rules.hmac, "compare_digest", spy)
    body = b'{"x":1}'
    assert rules.signature_valid(body, rules.webhook_signature(body, SECRET), SECRET)
    assert not rules.signature_valid(body, "sha256=00", SECRET)
    assert len(seen) == 2


# --- processing: idempotent -----------------------------------------------------------


def test_a_replayed_body_is_stored_once(db, wa_settings):
    body = inbound_body()
    signature = rules.webhook_signature(body, SECRET)
    assert post(body, signature).status_code == 200
    assert post(body, signature).status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_processing_stores_the_customer_message_once_even_when_meta_resends_it_differently(
    db, wa_settings
):
    from orderdesk.customers.actions import get_or_create_customer

    asha, _ = get_or_create_customer(name="Asha Rao", phone="9876543210")
    first = inbound_body()
    # Meta's retry of the same message, serialised differently: another event, same message id.
    again = json.dumps(json.loads(first), indent=1).encode()
    for body in (first, again):
        assert post(body, rules.webhook_signature(body, SECRET)).status_code == 200
    assert whatsapp.process_pending_events() == 2
    [inbound] = InboundMessage.objects.all()
    assert inbound.customer == asha and inbound.from_phone == "+919876543210"
    assert inbound.body == "Hi, when is my pickup?" and inbound.profile_name == "Asha"
    assert inbound.received_at == dt.datetime.fromtimestamp(1_765_000_000, tz=dt.UTC)
    assert list(WebhookEvent.objects.values_list("state", "result")) == [
        (
            WebhookEventState.PROCESSED,
            {"statuses": 0, "status_changes": 0, "messages": 1, "new_messages": 0},
        ),
        (
            WebhookEventState.PROCESSED,
            {"statuses": 0, "status_changes": 0, "messages": 1, "new_messages": 1},
        ),
    ]
    assert whatsapp.process_pending_events() == 0  # nothing pending: processed events stay done


def test_an_unreadable_payload_is_kept_as_rejected_and_not_retried(db, wa_settings):
    body = b'{"object": "page", "something": "else"}'
    assert post(body, rules.webhook_signature(body, SECRET)).status_code == 200
    assert whatsapp.process_pending_events() == 1
    event = WebhookEvent.objects.get()
    assert event.state == WebhookEventState.REJECTED
    assert event.result == {"rejected": "not a WhatsApp webhook payload"}
    assert InboundMessage.objects.count() == 0


def test_an_unknown_number_is_stored_without_a_customer(db, wa_settings):
    body = inbound_body(from_="919812300000")
    post(body, rules.webhook_signature(body, SECRET))
    whatsapp.process_pending_events()
    inbound = InboundMessage.objects.get()
    assert inbound.customer is None and inbound.from_phone == "+919812300000"


# --- opt-out and opt-in by keyword ---------------------------------------------------------


def test_stop_from_the_customer_is_an_opt_out_in_the_ledger_and_a_replay_adds_nothing(
    db, wa_settings
):
    from orderdesk.customers.actions import get_or_create_customer

    asha, _ = get_or_create_customer(name="Asha Rao", phone="9876543210", whatsapp_opt_in=True)
    body = inbound_body(wamid="wamid.STOP", text=" Stop ")
    for _ in range(2):
        post(body, rules.webhook_signature(body, SECRET))
        respaced = json.dumps(json.loads(body), indent=3).encode()
        post(respaced, rules.webhook_signature(respaced, SECRET))
        whatsapp.process_pending_events()
    [row] = WhatsAppConsent.objects.all()
    assert (row.customer, row.opted_in, row.source) == (asha, False, ConsentSource.CUSTOMER_KEYWORD)
    asha.refresh_from_db()
    assert asha.whatsapp_opt_in is False

    start = inbound_body(wamid="wamid.START", text="START", ts=1_765_000_100)
    post(start, rules.webhook_signature(start, SECRET))
    whatsapp.process_pending_events()
    assert list(
        WhatsAppConsent.objects.order_by("recorded_at").values_list("opted_in", flat=True)
    ) == [False, True]
    asha.refresh_from_db()
    assert asha.whatsapp_opt_in is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("STOP", False),
        ("stop.", False),
        ("बंद करो", False),
        ("Start", True),
        ("please stop calling me at night", None),
        ("", None),
    ],
)
def test_only_a_bare_keyword_changes_consent(text, expected):
    assert rules.consent_keyword(text) is expected


def test_the_sweep_hook_processes_what_a_lost_task_left(db, wa_settings):
    import time_machine

    from orderdesk.messaging import tasks

    at = dt.datetime(2026, 1, 5, 6, 0, tzinfo=dt.UTC)
    WebhookEvent.objects.create(body=inbound_body().decode(), body_sha256="x" * 64, received_at=at)
    assert whatsapp.process_pending_quietly in tasks.SWEEP_HOOKS
    with time_machine.travel(at + dt.timedelta(minutes=1), tick=False):
        for hook in tasks.SWEEP_HOOKS:
            hook()
    assert WebhookEvent.objects.get().state == WebhookEventState.PROCESSED
    assert InboundMessage.objects.count() == 1


def test_webhook_url_is_the_named_route():
    assert reverse("webhooks:whatsapp") == URL


# --- S4: what the customer wrote us goes with their erasure; raw bodies are not kept -------


def test_erasing_a_customer_erases_their_whatsapp_words_and_raw_events(db, wa_settings):
    from orderdesk.customers.actions import erase_customer, get_or_create_customer

    asha, _ = get_or_create_customer(name="Asha Rao", phone="9876543210")
    body = inbound_body(text="My flat is 14B, call me after 6")
    post(body, rules.webhook_signature(body, SECRET))
    whatsapp.process_pending_events()
    counts = erase_customer(asha)
    inbound = InboundMessage.objects.get()
    assert (inbound.body, inbound.profile_name, inbound.from_phone) == ("", "", f"anon-{asha.pk}")
    event = WebhookEvent.objects.get()
    assert event.body == "" and event.result == {"erased": True}
    assert (counts["whatsapp_inbound"], counts["whatsapp_events"]) == (1, 1)


def test_processed_raw_events_are_pruned_after_the_retention_period(db, wa_settings):
    old = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i, state_ in enumerate(
        [WebhookEventState.PROCESSED, WebhookEventState.REJECTED, WebhookEventState.PENDING]
    ):
        WebhookEvent.objects.create(
            body="{}", body_sha256=str(i) * 64, received_at=old, state=state_
        )
    WebhookEvent.objects.create(
        body="{}", body_sha256="f" * 64, received_at=old + dt.timedelta(days=25), state="processed"
    )
    assert whatsapp.prune_processed_events(now=old + dt.timedelta(days=31)) == 2
    assert sorted(WebhookEvent.objects.values_list("state", flat=True)) == ["pending", "processed"]
