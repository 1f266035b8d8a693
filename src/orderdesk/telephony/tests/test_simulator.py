"""The simulator: Exotel's Connect API, its callbacks with the outcome the number asks for,
call details for the poll, and a recording to download."""

from __future__ import annotations

import queue
import wave
from io import BytesIO

import pytest

from orderdesk.telephony.conf import conf
from orderdesk.telephony.providers import SimulatorProvider
from orderdesk.telephony.simulator import script, start_in_thread, wav_bytes
from orderdesk.telephony.tests.conftest import NOW


def test_an_answered_call_sends_answered_then_completed_with_a_recording():
    steps = script(
        sid="s1",
        from_number="+919000000001",
        to_number="+919876543215",
        custom_field="ours",
        started=NOW,
        recording_base="http://sim",
    )
    assert [s.params["Status"] for s in steps] == ["in-progress", "completed"]
    assert steps[0].delay < steps[1].delay
    assert steps[1].params["RecordingUrl"] == "http://sim/recordings/s1.wav"
    assert steps[1].params["ConversationDuration"] == "12"
    assert {s.params["CustomField"] for s in steps} == {"ours"}


@pytest.mark.parametrize(
    ("number", "status"),
    [("+919876543210", "busy"), ("+919876543219", "no-answer"), ("+919876543218", "failed")],
)
def test_the_numbers_last_digit_picks_an_unanswered_outcome(number, status):
    steps = script(
        sid="s2",
        from_number="+91900",
        to_number=number,
        custom_field="",
        started=NOW,
        recording_base="http://sim",
    )
    assert [(s.params["EventType"], s.params["Status"]) for s in steps] == [("terminal", status)]
    assert steps[0].params["RecordingUrl"] == ""


def test_recording_is_a_readable_wav():
    with wave.open(BytesIO(wav_bytes(seconds=0.5))) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (
            1,
            2,
            8000,
            4000,
        )


@pytest.mark.django_db
def test_simulator_speaks_exotels_api_over_http(settings):
    delivered: queue.Queue = queue.Queue()
    server = start_in_thread(speed=1000.0, deliver=lambda url, params: delivered.put((url, params)))
    try:
        settings.ORDERDESK["TELEPHONY"]["SIMULATOR_URL"] = server.base_url
        provider = SimulatorProvider(conf())
        sid = provider.connect(
            agent_number="+919000000001",
            customer_number="+919876543215",
            our_call_id="our-id",
            status_callback="http://orderdesk/telephony/webhooks/simulator/x/",
            record=True,
        )
        callbacks = [delivered.get(timeout=10), delivered.get(timeout=10)]
        assert [p["EventType"] for _, p in callbacks] == ["answered", "terminal"]
        assert {url for url, _ in callbacks} == {"http://orderdesk/telephony/webhooks/simulator/x/"}
        assert {p["CallSid"] for _, p in callbacks} == {sid}
        events = provider.fetch_call(sid)  # the fallback poll reads the same facts
        assert [(e.event, e.provider_status, e.talk_seconds) for e in events] == [
            ("terminal", "completed", 12)
        ]
        audio = provider.download(callbacks[1][1]["RecordingUrl"])
        assert audio[:4] == b"RIFF"
    finally:
        server.shutdown()
        server.server_close()


def test_simulator_rings_an_inbound_call_to_the_agents_phone():
    import urllib.parse
    import urllib.request

    delivered: queue.Queue = queue.Queue()
    server = start_in_thread(
        speed=1000.0,
        deliver=lambda url, params: delivered.put((url, params)),
        webhook_url="http://orderdesk/hook/",
    )
    try:
        body = urllib.parse.urlencode({"From": "+919876543215", "To": "+919000000042"}).encode()
        ring = f"{server.base_url}/simulate/inbound"
        with urllib.request.urlopen(ring, data=body) as answer:  # noqa: S310 - our test server
            assert answer.status == 200
        callbacks = [delivered.get(timeout=10), delivered.get(timeout=10)]
        assert [(p["EventType"], p["Direction"], p["DialWhomNumber"]) for _, p in callbacks] == [
            ("answered", "incoming", "+919000000042"),
            ("terminal", "incoming", "+919000000042"),
        ]
        assert {url for url, _ in callbacks} == {"http://orderdesk/hook/"}
    finally:
        server.shutdown()
        server.server_close()
