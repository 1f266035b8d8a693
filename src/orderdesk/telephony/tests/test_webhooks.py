"""The provider's door: secrets and signatures checked in constant time, every event stored
once, a refused request changes nothing."""

from __future__ import annotations

import pytest

from orderdesk.telephony import rules
from orderdesk.telephony.choices import CallEventType, EventOutcome
from orderdesk.telephony.models import Call, CallEvent
from orderdesk.telephony.tests.conftest import TWILIO_TOKEN, hook_url

TERMINAL = {
    "CallSid": "sim-1",
    "EventType": "terminal",
    "Status": "no-answer",
    "StartTime": "2026-03-10 11:00:00",
    "EndTime": "2026-03-10 11:00:30",
    "ConversationDuration": "0",
    "CustomField": "",
}


def counts() -> tuple[int, int]:
    return CallEvent.objects.count(), Call.objects.count()


@pytest.mark.django_db
def test_webhook_with_a_wrong_secret_is_refused_and_stores_nothing(client):
    response = client.post(hook_url(secret="not-the-secret"), TERMINAL)
    assert response.status_code == 403
    assert counts() == (0, 0)


@pytest.mark.django_db
def test_webhook_for_an_unknown_provider_is_refused(client):
    response = client.post(hook_url(provider="plivo"), TERMINAL)
    assert response.status_code == 403
    assert counts() == (0, 0)


@pytest.mark.django_db
def test_webhook_refused_when_no_secret_is_configured(client, settings):
    settings.ORDERDESK["TELEPHONY"]["WEBHOOK_SECRET"] = ""
    response = client.post("/telephony/webhooks/simulator/-/", TERMINAL)
    assert response.status_code == 403
    assert counts() == (0, 0)


@pytest.mark.django_db
def test_webhook_answers_with_the_events_it_stored_and_leaves_the_work_to_the_worker(client):
    response = client.post(hook_url(), TERMINAL)
    assert response.status_code == 200
    assert response.json() == {"accepted": 1, "new": 1}
    event = CallEvent.objects.get()
    assert (event.provider, event.provider_call_id, event.event, event.outcome) == (
        "simulator",
        "sim-1",
        CallEventType.TERMINAL,
        EventOutcome.PENDING,
    )
    assert event.payload["Status"] == "no-answer"
    assert event.request_id  # logged with the request id (core middleware)


@pytest.mark.django_db
def test_replayed_webhook_stores_nothing_more(client):
    client.post(hook_url(), TERMINAL)
    replay = client.post(hook_url(), TERMINAL)
    assert replay.status_code == 200
    assert replay.json() == {"accepted": 1, "new": 0}
    assert CallEvent.objects.count() == 1


def twilio_post(client, params: dict, *, token: str = TWILIO_TOKEN):
    url = "http://testserver" + hook_url("twilio")
    signature = rules.twilio_signature(token, url, list(params.items()))
    return client.post(hook_url("twilio"), params, HTTP_X_TWILIO_SIGNATURE=signature)


TWILIO_COMPLETED = {
    "CallSid": "CA0001",
    "CallStatus": "completed",
    "CallDuration": "42",
    "AccountSid": "AC123",
    "Direction": "outbound-api",
}


@pytest.mark.django_db
def test_twilio_callback_with_a_valid_signature_is_stored(client):
    response = twilio_post(client, TWILIO_COMPLETED)
    assert response.status_code == 200
    assert CallEvent.objects.get().event == CallEventType.TERMINAL


@pytest.mark.django_db
def test_twilio_callback_signed_with_another_token_is_refused_and_stores_nothing(client):
    response = twilio_post(client, TWILIO_COMPLETED, token="someone-elses-token")
    assert response.status_code == 403
    assert counts() == (0, 0)


@pytest.mark.django_db
def test_twilio_callback_whose_parameters_were_altered_is_refused(client):
    url = "http://testserver" + hook_url("twilio")
    signature = rules.twilio_signature(TWILIO_TOKEN, url, list(TWILIO_COMPLETED.items()))
    altered = {**TWILIO_COMPLETED, "CallDuration": "4200"}
    response = client.post(hook_url("twilio"), altered, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403
    assert counts() == (0, 0)


@pytest.mark.django_db
def test_twilio_callback_without_a_signature_is_refused(client):
    response = client.post(hook_url("twilio"), TWILIO_COMPLETED)
    assert response.status_code == 403
    assert counts() == (0, 0)


def test_twilio_signature_matches_twilios_documented_example():
    # Twilio's security docs: this URL, these parameters and token give this signature.
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    assert rules.twilio_signature("12345", url, params.items()) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_secrets_compare_in_constant_time_and_never_match_an_empty_secret():
    assert rules.secrets_match("abc", "abc")
    assert not rules.secrets_match("abd", "abc")
    assert not rules.secrets_match("", "")
