"""A telephony provider of our own for the demo and the tests: it speaks Exotel's API.

``orderdesk telephony_simulator --port 8159`` serves:

- ``POST /v1/Accounts/<sid>/Calls/connect[.json]``: Exotel's Connect request (From, To,
  CallerId, Record, StatusCallback, StatusCallbackEvents[], CustomField). It answers at
  once with a call Sid, then plays the call on a thread: the agent's phone "rings", then
  the customer's, which answers, is busy, rings out or fails, with realistic timing; and it
  POSTs Exotel's callbacks (``answered``, ``terminal``) over HTTP to the StatusCallback.
- ``GET /v1/Accounts/<sid>/Calls/<call sid>.json``: the call's details (the fallback poll).
- ``GET /recordings/<call sid>.wav``: a short recording (a tone made with ``wave``).
- ``POST /simulate/inbound`` (From = the caller, To = the agent's phone, Outcome = answered
  or no-answer): a customer calls the company number; the simulator posts an inbound call's
  callbacks (``Direction=incoming``, ``DialWhomNumber``) to ``--webhook-url``.

What happens is decided by the customer's number's last digit, so a demo or a test picks
it: ``0`` busy, ``9`` no answer, ``8`` failed, anything else answered.

In-process mode (tests): ``script(...)`` returns the callbacks a call would send, with
their delays, so a test posts them to the webhook itself, in any order it likes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import math
import struct
import threading
import time
import urllib.parse
import urllib.request
import uuid
import wave
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from orderdesk.core.timeutil import IST

logger = logging.getLogger(__name__)

RING_SECONDS = 4.0  # the customer's phone rings this long before answering
TALK_SECONDS = 12.0  # an answered call lasts this long
NO_ANSWER_SECONDS = 30.0  # rings out after this long
BUSY_SECONDS = 3.0


@dataclass(frozen=True)
class Step:
    delay: float  # seconds after the Connect request
    params: dict  # the callback's form fields (Exotel's names)


def outcome_for(number: str) -> str:
    last = (number or "")[-1:]
    return {"0": "busy", "9": "no-answer", "8": "failed"}.get(last, "completed")


def _ist(at: dt.datetime) -> str:
    return at.astimezone(IST).strftime("%Y-%m-%d %H:%M:%S")


def script(
    *,
    sid: str,
    from_number: str,
    to_number: str,
    custom_field: str,
    started: dt.datetime,
    recording_base: str,
    outcome: str | None = None,
    speed: float = 1.0,
) -> list[Step]:
    """The callbacks one call sends, in time order (``speed`` > 1 plays it faster)."""
    outcome = outcome or outcome_for(to_number)
    common = {
        "CallSid": sid,
        "From": from_number,
        "To": to_number,
        "Direction": "outbound-api",
        "CustomField": custom_field,
        "StartTime": _ist(started),
    }
    steps: list[Step] = []
    if outcome == "completed":
        answer_after = RING_SECONDS
        end_after = answer_after + TALK_SECONDS
        steps.append(
            Step(answer_after / speed, {**common, "EventType": "answered", "Status": "in-progress"})
        )
        ended = started + dt.timedelta(seconds=end_after)
        steps.append(
            Step(
                end_after / speed,
                {
                    **common,
                    "EventType": "terminal",
                    "Status": "completed",
                    "EndTime": _ist(ended),
                    "ConversationDuration": str(int(TALK_SECONDS)),
                    "RecordingUrl": f"{recording_base.rstrip('/')}/recordings/{sid}.wav",
                    "Legs[0][Status]": "completed",
                    "Legs[1][Status]": "completed",
                },
            )
        )
        return steps
    end_after = {"busy": BUSY_SECONDS, "no-answer": NO_ANSWER_SECONDS}.get(outcome, 1.0)
    ended = started + dt.timedelta(seconds=end_after)
    steps.append(
        Step(
            end_after / speed,
            {
                **common,
                "EventType": "terminal",
                "Status": outcome,
                "EndTime": _ist(ended),
                "ConversationDuration": "0",
                "RecordingUrl": "",
                "Legs[0][Status]": "completed",
                "Legs[1][Status]": outcome,
            },
        )
    )
    return steps


def inbound_script(
    *,
    sid: str,
    caller: str,
    agent_number: str,
    company_number: str,
    started: dt.datetime,
    outcome: str = "answered",
    speed: float = 1.0,
) -> list[Step]:
    """The callbacks of a customer's call to the company number, answered by ``agent_number``
    (or ringing out)."""
    common = {
        "CallSid": sid,
        "From": caller,
        "To": company_number,
        "Direction": "incoming",
        "StartTime": _ist(started),
    }
    if outcome != "answered":
        ended = started + dt.timedelta(seconds=NO_ANSWER_SECONDS)
        return [
            Step(
                1.0 / speed,
                {**common, "Status": "ringing", "DialWhomNumber": agent_number},
            ),
            Step(
                NO_ANSWER_SECONDS / speed,
                {
                    **common,
                    "EventType": "terminal",
                    "Status": "no-answer",
                    "EndTime": _ist(ended),
                    "ConversationDuration": "0",
                },
            ),
        ]
    ended = started + dt.timedelta(seconds=1.0 + TALK_SECONDS)
    return [
        Step(
            1.0 / speed,
            {
                **common,
                "EventType": "answered",
                "Status": "in-progress",
                "DialWhomNumber": agent_number,
            },
        ),
        Step(
            (1.0 + TALK_SECONDS) / speed,
            {
                **common,
                "EventType": "terminal",
                "Status": "completed",
                "EndTime": _ist(ended),
                "ConversationDuration": str(int(TALK_SECONDS)),
                "DialWhomNumber": agent_number,
            },
        ),
    ]


def wav_bytes(seconds: float = 1.5, rate: int = 8000) -> bytes:
    """A short 440 Hz tone, 8 kHz mono 16-bit: a recording small enough for tests."""
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
        for n in range(int(seconds * rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def post_form(url: str, params: dict, timeout: float = 10.0) -> int:
    request = urllib.request.Request(  # noqa: S310 - the StatusCallback we were given
        url, data=urllib.parse.urlencode(params).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return response.status


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, *, speed: float = 1.0, deliver=post_form, webhook_url: str = ""):
        super().__init__(address, _Handler)
        self.speed = speed
        self.webhook_url = webhook_url
        self.deliver = deliver
        self.calls: dict[str, dict] = {}
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def play(self, sid: str, steps: list[Step], callback: str) -> None:
        begun = time.monotonic()
        for step in steps:
            time.sleep(max(0.0, step.delay - (time.monotonic() - begun)))
            with self.lock:
                self.calls[sid].update(
                    Status=step.params["Status"],
                    EndTime=step.params.get("EndTime", ""),
                    Duration=step.params.get("ConversationDuration", ""),
                    RecordingUrl=step.params.get("RecordingUrl", ""),
                )
            for attempt in range(3):  # a webhook that fails is retried, as providers do
                try:
                    self.deliver(callback, step.params)
                    break
                except Exception as exc:
                    logger.warning("simulator: callback %s failed (%s), try %d", sid, exc, attempt)
                    time.sleep(1.0)


class _Handler(BaseHTTPRequestHandler):
    server: SimulatorServer

    def log_message(self, fmt, *args):  # quiet: one log line per call instead
        return

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _form(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        return {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}

    def _inbound(self):
        form = self._form()
        if not self.server.webhook_url or not form.get("From") or not form.get("To"):
            return self._json(400, {"error": "From, To and the simulator's --webhook-url needed"})
        sid = uuid.uuid4().hex
        steps = inbound_script(
            sid=sid,
            caller=form["From"],
            agent_number=form["To"],
            company_number=form.get("CompanyNumber", "+918000000000"),
            started=dt.datetime.now(dt.UTC),
            outcome=form.get("Outcome", "answered"),
            speed=self.server.speed,
        )
        with self.server.lock:
            self.server.calls[sid] = {"Sid": sid, "Status": "ringing", "From": form["From"]}
        threading.Thread(
            target=self.server.play, args=(sid, steps, self.server.webhook_url), daemon=True
        ).start()
        return self._json(200, {"Call": {"Sid": sid}})

    def do_POST(self):
        path = urllib.parse.urlparse(self.path).path
        if path == "/simulate/inbound":
            return self._inbound()
        if not (path.endswith("/Calls/connect") or path.endswith("/Calls/connect.json")):
            return self._json(404, {"RestException": {"Message": "not found"}})
        form = self._form()
        if not form.get("From") or not form.get("To") or not form.get("StatusCallback"):
            return self._json(
                400, {"RestException": {"Message": "From, To, StatusCallback needed"}}
            )
        sid = uuid.uuid4().hex
        started = dt.datetime.now(dt.UTC)
        steps = script(
            sid=sid,
            from_number=form["From"],
            to_number=form["To"],
            custom_field=form.get("CustomField", ""),
            started=started,
            recording_base=self.server.base_url,
            speed=self.server.speed,
        )
        with self.server.lock:
            self.server.calls[sid] = {
                "Sid": sid,
                "Status": "in-progress",
                "From": form["From"],
                "To": form["To"],
                "StartTime": _ist(started),
                "CustomField": form.get("CustomField", ""),
            }
        logger.info(
            "simulator: call %s to ...%s: %s", sid, form["To"][-4:], outcome_for(form["To"])
        )
        threading.Thread(
            target=self.server.play, args=(sid, steps, form["StatusCallback"]), daemon=True
        ).start()
        return self._json(200, {"Call": dict(self.server.calls[sid])})

    def do_GET(self):
        path = urllib.parse.urlparse(self.path).path
        if path.startswith("/recordings/") and path.endswith(".wav"):
            sid = path.rsplit("/", 1)[-1][:-4]
            if sid not in self.server.calls:
                return self._json(404, {"RestException": {"Message": "no such recording"}})
            data = wav_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return None
        if "/Calls/" in path and path.endswith(".json"):
            sid = path.rsplit("/", 1)[-1][:-5]
            with self.server.lock:
                details = dict(self.server.calls.get(sid) or {})
            if not details:
                return self._json(404, {"RestException": {"Message": "no such call"}})
            return self._json(200, {"Call": details})
        return self._json(404, {"RestException": {"Message": "not found"}})


def start_in_thread(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    speed: float = 1.0,
    deliver=post_form,
    webhook_url: str = "",
) -> SimulatorServer:
    """Serve the simulator on a daemon thread (tests, the browser journey). Call
    ``server.shutdown()`` when done."""
    server = SimulatorServer((host, port), speed=speed, deliver=deliver, webhook_url=webhook_url)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
