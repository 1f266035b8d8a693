"""Inbound calls through Twilio (issue 16): the number's Voice URL, signed like every Twilio
request; the call's row and the screen-pop as with Exotel; a missed call on the callback list.

Payloads follow Twilio's documented request parameters for a voice call (``CallSid``,
``AccountSid``, ``From``, ``To``, ``CallStatus``, ``Direction``, ``ApiVersion``, ``Caller``,
``Called``), the ``<Dial action>`` request (``DialCallStatus``, ``DialCallDuration``,
``DialCallSid``) and a dialled leg's status callback (``ParentCallSid``, ``CallStatus``).
"""

from __future__ import annotations

from unittest import mock

import pytest

from orderdesk.telephony import rules, selectors
from orderdesk.telephony.models import AgentPresence, Call, CallEvent, MissedCallback
from orderdesk.telephony.tests.conftest import NOW, SECRET, TWILIO_TOKEN, drain, hook_url

pytestmark = pytest.mark.django_db

VOICE = f"/telephony/voice/twilio/{SECRET}/"
AGENT_PHONE = "+919800000001"
INCOMING = {  # Twilio's request to the number's Voice URL when a customer calls
    "AccountSid": "AC123",
    "ApiVersion": "2010-04-01",
    "CallSid": "CA5d1b7c3e",
    "CallStatus": "ringing",
    "Called": "+918000000000",
    "Caller": "+919876543211",
    "Direction": "inbound",
    "From": "+919876543211",
    "To": "+918000000000",
}
AGENT_ANSWERED = {  # the agent leg's status callback (statusCallbackEvent="answered")
    "AccountSid": "AC123",
    "CallSid": "CAa9e0leg1",
    "ParentCallSid": "CA5d1b7c3e",
    "CallStatus": "in-progress",
    "Direction": "outbound-dial",
    "From": "+919876543211",
    "To": AGENT_PHONE,
    "Timestamp": "Tue, 10 Mar 2026 05:30:05 +0000",
}
DIAL_ENDED = {  # the <Dial action> request: the call ended
    **INCOMING,
    "CallStatus": "in-progress",
    "DialCallSid": "CAa9e0leg1",
    "DialCallStatus": "completed",
    "DialCallDuration": "42",
}


def signed_post(client, path: str, params: dict, *, token: str = TWILIO_TOKEN):
    signature = rules.twilio_signature(token, "http://testserver" + path, list(params.items()))
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.fixture
def agent(cast):
    AgentPresence.objects.create(
        agent=cast["sales"], state="available", since=NOW, phone=AGENT_PHONE
    )
    return cast["sales"]


@pytest.fixture(autouse=True)
def run_on_commit():
    with mock.patch("django.db.transaction.on_commit", side_effect=lambda f, **kw: None):
        yield


def test_a_known_customer_calls_an_agent_answers_and_sees_the_pop(client, customer, agent):
    response = signed_post(client, VOICE, INCOMING)
    assert response.status_code == 200 and response["Content-Type"] == "text/xml"
    twiml = response.content.decode()
    assert f">{AGENT_PHONE}</Number>" in twiml
    assert 'action="http://testserver/telephony/voice/twilio/' in twiml
    assert f'statusCallback="http://testserver{hook_url("twilio")}"' in twiml
    drain()
    call = Call.objects.get()
    assert (call.direction, call.status, call.customer, call.from_number) == (
        "inbound",
        "ringing",
        customer,
        "+919876543211",
    )
    assert signed_post(client, hook_url("twilio"), AGENT_ANSWERED).status_code == 200
    drain()
    call.refresh_from_db()
    assert (call.status, call.agent) == ("answered", agent)
    assert selectors.inbound_call_for(agent, now=NOW) == call  # the screen-pop's call
    assert AgentPresence.objects.get(agent=agent).state == "on_call"

    ended = signed_post(client, VOICE, DIAL_ENDED)
    assert ended.status_code == 200 and "<Hangup/>" in ended.content.decode()
    drain()
    call.refresh_from_db()
    assert (call.status, call.talk_seconds) == ("completed", 42)
    assert AgentPresence.objects.get(agent=agent).state == "available"  # no lead to log on
    assert not MissedCallback.objects.exists()


def test_nobody_available_the_caller_hears_an_apology_and_the_call_is_missed(client, customer):
    response = signed_post(client, VOICE, INCOMING)
    assert "<Say>" in response.content.decode() and "<Dial" not in response.content.decode()
    drain()
    call = Call.objects.get()
    assert (call.direction, call.status, call.agent) == ("inbound", "no_answer", None)
    assert MissedCallback.objects.get().call == call


def test_an_agent_on_another_call_is_not_rung(client, customer, agent):
    Call.objects.create(
        provider="twilio",
        direction="outbound",
        from_number=AGENT_PHONE,
        to_number="+919876500000",
        agent=agent,
        status="answered",
        created_at=NOW,
    )
    assert selectors.available_agent_phones() == []


def test_the_rung_agents_who_did_not_answer_end_nothing(client, customer, agent):
    signed_post(client, VOICE, INCOMING)
    canceled = {**AGENT_ANSWERED, "CallSid": "CAleg2", "CallStatus": "canceled"}
    assert signed_post(client, hook_url("twilio"), canceled).json() == {"accepted": 0, "new": 0}
    drain()
    assert Call.objects.get().status == "ringing"


def test_a_replayed_voice_request_is_stored_once(client, customer, agent):
    signed_post(client, VOICE, INCOMING)
    signed_post(client, VOICE, INCOMING)
    assert CallEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "token"),
    [(VOICE, "someone-elses-token"), ("/telephony/voice/twilio/wrong-secret/", TWILIO_TOKEN)],
)
def test_a_bad_signature_or_secret_gets_403_and_stores_nothing(client, customer, path, token):
    response = signed_post(client, path, INCOMING, token=token)
    assert response.status_code == 403
    assert not CallEvent.objects.exists() and not Call.objects.exists()


def test_an_altered_voice_request_is_refused(client, customer):
    signature = rules.twilio_signature(
        TWILIO_TOKEN, "http://testserver" + VOICE, list(INCOMING.items())
    )
    altered = {**INCOMING, "From": "+919999999999"}
    response = client.post(VOICE, altered, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403
    assert not CallEvent.objects.exists() and not Call.objects.exists()
