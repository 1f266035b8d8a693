"""Telephony providers behind one interface (docs/telephony.md).

- ``connect(call, status_callback)``: ask the provider to ring the agent, then the
  customer; returns the provider's call id. Raises ``ProviderError``.
- ``parse_webhook(params)``: a callback's form parameters as normalised ``Incoming``
  events (the raw parameters kept beside them).
- ``verify(request, full_url)``: is the callback really from the provider? Exotel signs
  nothing (the per-account secret in the URL is the check, made before this); Twilio's
  X-Twilio-Signature is checked here.
- ``fetch_call(provider_call_id)``: the call's details now, as events (the fallback poll
  for calls that never got a terminal callback).
- ``download(url)``: a recording's bytes (provider links expire: copied at once).

``SimulatorProvider`` speaks Exotel's API to our own simulator (``telephony.simulator``).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from xml.sax.saxutils import escape

from orderdesk.core.timeutil import IST
from orderdesk.telephony import rules
from orderdesk.telephony.choices import CallEventType, ProviderName
from orderdesk.telephony.conf import TelephonyConf, conf

logger = logging.getLogger(__name__)

INBOUND_RING_SECONDS = 20  # how long an inbound call rings the agents before it is missed


class ProviderError(Exception):
    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class Incoming:
    """One normalised provider event."""

    provider_call_id: str
    event: str  # CallEventType
    our_call_id: str = ""
    occurred_at: dt.datetime | None = None
    provider_status: str = ""  # the provider's own word (terminal events)
    answered_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    talk_seconds: int | None = None
    recording_url: str = ""
    direction: str = ""
    from_number: str = ""
    to_number: str = ""
    agent_number: str = ""  # inbound: the agent's phone that took the call
    payload: dict = field(default_factory=dict)

    @property
    def inbound(self) -> bool:
        return self.direction.lower() in ("incoming", "inbound")


def _params_dict(params) -> dict:
    """A QueryDict (or dict) as JSON: single values as strings, repeated keys as lists."""
    if hasattr(params, "lists"):
        return {k: (v[0] if len(v) == 1 else v) for k, v in params.lists()}
    return dict(params)


def _int(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _exotel_time(text: str) -> dt.datetime | None:
    """Exotel writes local (IST) times, ``2026-12-06 10:15:20``."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=IST)
    except (AttributeError, ValueError):
        return None


def _http(request: urllib.request.Request, timeout: float) -> bytes:
    # A recording URL comes from a callback: never let one name a file: or other scheme.
    if urllib.parse.urlsplit(request.full_url).scheme not in ("http", "https"):
        raise ProviderError(f"refused a non-HTTP URL: {request.full_url[:80]}", retryable=False)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
            return response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:200].decode(errors="replace")
        retryable = exc.code >= 500 or exc.code in (408, 429)
        raise ProviderError(f"provider answered {exc.code}: {detail}", retryable=retryable) from exc
    except (TimeoutError, OSError) as exc:
        raise ProviderError(f"provider unreachable: {exc}") from exc


class Provider:
    name = "provider"

    def __init__(self, settings: TelephonyConf):
        self.conf = settings

    def connect(
        self,
        *,
        agent_number: str,
        customer_number: str,
        our_call_id: str,
        status_callback: str,
        record: bool,
    ) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def parse_webhook(self, params) -> list[Incoming]:  # pragma: no cover - interface
        raise NotImplementedError

    def verify(self, request, full_url: str) -> bool:
        return True

    def fetch_call(self, provider_call_id: str) -> list[Incoming]:  # pragma: no cover
        raise NotImplementedError

    def download(self, url: str) -> bytes:
        request = urllib.request.Request(url)  # noqa: S310 - _http allows http(s) only
        return _http(request, self.conf.http_timeout_seconds)


class ExotelProvider(Provider):
    """Exotel's Connect API (``POST /v1/Accounts/<sid>/Calls/connect``) and its callbacks."""

    name = ProviderName.EXOTEL
    rate_limited = True

    def base_url(self) -> str:
        return f"https://{self.conf.exotel_subdomain}/v1/Accounts/{self.conf.exotel_sid}"

    def _auth(self) -> str:
        pair = f"{self.conf.exotel_api_key}:{self.conf.exotel_api_token}".encode()
        return "Basic " + base64.b64encode(pair).decode()

    def connect(self, *, agent_number, customer_number, our_call_id, status_callback, record):
        form = [
            ("From", agent_number),
            ("To", customer_number),
            ("CallerId", self.conf.caller_id),
            ("Record", "true" if record else "false"),
            ("StatusCallback", status_callback),
            ("StatusCallbackEvents[0]", "answered"),
            ("StatusCallbackEvents[1]", "terminal"),
            ("StatusCallbackContentType", "application/x-www-form-urlencoded"),
            ("CustomField", our_call_id),
        ]
        request = urllib.request.Request(  # noqa: S310 - the configured provider URL
            f"{self.base_url()}/Calls/connect.json",
            data=urllib.parse.urlencode(form).encode(),
            method="POST",
            headers={"Authorization": self._auth(), "Accept": "application/json"},
        )
        body = _http(request, self.conf.http_timeout_seconds)
        try:
            return str(json.loads(body)["Call"]["Sid"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError(
                f"provider accepted the call without a Sid: {body[:200]!r}", retryable=False
            ) from exc

    def parse_webhook(self, params) -> list[Incoming]:
        raw = _params_dict(params)
        sid = str(raw.get("CallSid", "")).strip()
        if not sid:
            return []
        kind = str(raw.get("EventType", "")).strip().lower()
        status = str(raw.get("Status", raw.get("CallStatus", ""))).strip().lower()
        if kind == "answered" or (not kind and status in ("in-progress", "answered")):
            event = CallEventType.ANSWERED
        elif kind == "terminal" or status in (
            "completed",
            "failed",
            "busy",
            "no-answer",
            "canceled",
        ):
            event = CallEventType.TERMINAL
        elif status == "ringing":
            event = CallEventType.RINGING
        else:
            return []
        started = _exotel_time(str(raw.get("StartTime", "")))
        ended = _exotel_time(str(raw.get("EndTime", "")))
        talk = _int(raw.get("ConversationDuration"))
        answered_at = None
        if event == CallEventType.TERMINAL and ended and talk:
            answered_at = ended - dt.timedelta(seconds=talk)
        return [
            Incoming(
                provider_call_id=sid,
                event=event,
                our_call_id=str(raw.get("CustomField", ""))[:40],
                occurred_at=ended if event == CallEventType.TERMINAL else started,
                provider_status=status,
                answered_at=answered_at,
                ended_at=ended if event == CallEventType.TERMINAL else None,
                talk_seconds=talk if event == CallEventType.TERMINAL else None,
                recording_url=str(raw.get("RecordingUrl", "") or ""),
                direction=str(raw.get("Direction", "")),
                from_number=str(raw.get("From", "")),
                to_number=str(raw.get("To", "")),
                agent_number=str(raw.get("DialWhomNumber", "") or ""),
                payload=raw,
            )
        ]

    def fetch_call(self, provider_call_id: str) -> list[Incoming]:
        request = urllib.request.Request(  # noqa: S310
            f"{self.base_url()}/Calls/{urllib.parse.quote(provider_call_id)}.json",
            headers={"Authorization": self._auth(), "Accept": "application/json"},
        )
        body = _http(request, self.conf.http_timeout_seconds)
        try:
            data = json.loads(body)["Call"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError(f"unreadable call details: {body[:200]!r}") from exc
        status = str(data.get("Status", "")).lower()
        if status not in ("completed", "failed", "busy", "no-answer", "canceled"):
            return []  # still running: nothing final to learn
        params = {
            "CallSid": provider_call_id,
            "EventType": "terminal",
            "Status": status,
            "StartTime": data.get("StartTime", ""),
            "EndTime": data.get("EndTime", ""),
            "ConversationDuration": data.get("Duration", data.get("ConversationDuration", "")),
            "RecordingUrl": data.get("RecordingUrl") or "",
            "CustomField": data.get("CustomField", ""),
        }
        return self.parse_webhook(params)

    def download(self, url: str) -> bytes:
        request = urllib.request.Request(url, headers={"Authorization": self._auth()})  # noqa: S310
        return _http(request, self.conf.http_timeout_seconds)


class SimulatorProvider(ExotelProvider):
    """Our simulator speaks Exotel's API and posts Exotel's callbacks (``telephony.simulator``)."""

    name = ProviderName.SIMULATOR
    rate_limited = False

    def base_url(self) -> str:
        return f"{self.conf.simulator_url.rstrip('/')}/v1/Accounts/simulator"

    def _auth(self) -> str:
        return "Basic " + base64.b64encode(b"simulator:simulator").decode()


class TwilioProvider(Provider):
    """Twilio's REST Calls API; status callbacks initiated/ringing/answered/completed and
    recording callbacks, each signed with X-Twilio-Signature."""

    name = ProviderName.TWILIO
    rate_limited = False
    API = "https://api.twilio.com/2010-04-01"

    def _auth(self) -> str:
        pair = f"{self.conf.twilio_account_sid}:{self.conf.twilio_auth_token}".encode()
        return "Basic " + base64.b64encode(pair).decode()

    def connect(self, *, agent_number, customer_number, our_call_id, status_callback, record):
        # The agent's phone rings first (To); answering it dials the customer with our caller id.
        record_attr = ' record="record-from-answer-dual"' if record else ""
        recording_cb = f' recordingStatusCallback="{status_callback}"' if record else ""
        twiml = (
            f'<Response><Dial callerId="{self.conf.caller_id}"{record_attr}{recording_cb}>'
            f"<Number>{customer_number}</Number></Dial></Response>"
        )
        callback = f"{status_callback}?our_call_id={our_call_id}"
        form = [
            ("To", agent_number),
            ("From", self.conf.caller_id),
            ("Twiml", twiml),
            ("StatusCallback", callback),
            ("StatusCallbackMethod", "POST"),
            *[
                ("StatusCallbackEvent", e)
                for e in ("initiated", "ringing", "answered", "completed")
            ],
        ]
        request = urllib.request.Request(  # noqa: S310
            f"{self.API}/Accounts/{self.conf.twilio_account_sid}/Calls.json",
            data=urllib.parse.urlencode(form).encode(),
            method="POST",
            headers={"Authorization": self._auth()},
        )
        body = _http(request, self.conf.http_timeout_seconds)
        try:
            return str(json.loads(body)["sid"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError(
                f"Twilio accepted the call without a sid: {body[:200]!r}", retryable=False
            ) from exc

    def verify(self, request, full_url: str) -> bool:
        given = request.headers.get("X-Twilio-Signature", "")
        expected = rules.twilio_signature(
            self.conf.twilio_auth_token,
            full_url,
            [(k, v) for k, values in request.POST.lists() for v in values],
        )
        return rules.secrets_match(given, expected)

    def parse_webhook(self, params) -> list[Incoming]:
        raw = _params_dict(params)
        sid = str(raw.get("CallSid", "")).strip()
        if not sid:
            return []
        when = None
        if raw.get("Timestamp"):
            try:
                when = parsedate_to_datetime(str(raw["Timestamp"]))
            except (TypeError, ValueError):
                when = None
        if raw.get("RecordingSid"):
            if str(raw.get("RecordingStatus", "completed")).lower() != "completed":
                return []
            return [
                Incoming(
                    sid,
                    CallEventType.RECORDING,
                    occurred_at=when,
                    recording_url=str(raw.get("RecordingUrl", "")) + ".wav",
                    payload=raw,
                )
            ]
        if raw.get("DialCallStatus"):  # the <Dial action> of an inbound call: it ended
            return [self._dial_ended(sid, raw, when)]
        if raw.get("ParentCallSid"):  # an agent's leg of an inbound call's <Dial>
            return self._agent_leg(raw, when)
        status = str(raw.get("CallStatus", "")).lower()
        event = {
            "queued": CallEventType.INITIATED,
            "initiated": CallEventType.INITIATED,
            "ringing": CallEventType.RINGING,
            "in-progress": CallEventType.ANSWERED,
            "answered": CallEventType.ANSWERED,
        }.get(status, CallEventType.TERMINAL)
        talk = _int(raw.get("CallDuration")) if event == CallEventType.TERMINAL else None
        return [
            Incoming(
                provider_call_id=sid,
                event=event,
                our_call_id=str(raw.get("our_call_id", ""))[:40],
                occurred_at=when,
                provider_status=status,
                answered_at=when if event == CallEventType.ANSWERED else None,
                ended_at=when if event == CallEventType.TERMINAL else None,
                talk_seconds=talk,
                direction=str(raw.get("Direction", "")),
                from_number=str(raw.get("From", "")),
                to_number=str(raw.get("To", "")),
                payload=raw,
            )
        ]

    # --- inbound calls (the number's Voice URL: ``/telephony/voice/twilio/<secret>/``) ----------

    def inbound_twiml(self, *, agent_numbers: list[str], action: str, status_callback: str) -> str:
        """The answer to an incoming call: ring the available agents' phones at once (Twilio
        dials up to ten ``<Number>``s; the first to answer takes the call), recording from the
        answer; each agent leg reports ``answered`` (who took it); the ``<Dial>``'s ``action``
        reports the end. Nobody available: an apology, and the call is a missed one."""
        if not agent_numbers:
            return (
                "<Response><Say>Sorry, all our agents are busy. We will call you back.</Say>"
                "<Hangup/></Response>"
            )
        record = (
            f' record="record-from-answer-dual" recordingStatusCallback="{escape(status_callback)}"'
            if self.conf.record
            else ""
        )
        numbers = "".join(
            f'<Number statusCallbackEvent="answered" statusCallback="{escape(status_callback)}" '
            f'statusCallbackMethod="POST">{escape(n)}</Number>'
            for n in agent_numbers[:10]
        )
        return (
            f'<Response><Dial timeout="{INBOUND_RING_SECONDS}" action="{escape(action)}" '
            f'method="POST"{record}>{numbers}</Dial></Response>'
        )

    def _dial_ended(self, sid: str, raw: dict, when: dt.datetime | None) -> Incoming:
        status = str(raw.get("DialCallStatus", "")).lower()
        talk = _int(raw.get("DialCallDuration")) if status == "completed" else None
        answered = when - dt.timedelta(seconds=talk) if when and talk is not None else None
        return Incoming(
            provider_call_id=sid,
            event=CallEventType.TERMINAL,
            occurred_at=when,
            provider_status=status,
            answered_at=answered,
            ended_at=when,
            talk_seconds=talk,
            recording_url=str(raw["RecordingUrl"]) + ".wav" if raw.get("RecordingUrl") else "",
            direction="inbound",
            from_number=str(raw.get("From", "")),
            to_number=str(raw.get("To", "")),
            payload=raw,
        )

    def _agent_leg(self, raw: dict, when: dt.datetime | None) -> list[Incoming]:
        """Only the agent leg's ``answered`` matters: it says whose phone took the call. The
        legs of the agents who did not answer end canceled; that ends nothing of ours."""
        if str(raw.get("CallStatus", "")).lower() not in ("in-progress", "answered"):
            return []
        return [
            Incoming(
                provider_call_id=str(raw["ParentCallSid"]),
                event=CallEventType.ANSWERED,
                occurred_at=when,
                answered_at=when,
                direction="inbound",
                from_number=str(raw.get("From", "")),
                agent_number=str(raw.get("To", "")),
                payload=raw,
            )
        ]

    def fetch_call(self, provider_call_id: str) -> list[Incoming]:
        request = urllib.request.Request(  # noqa: S310
            f"{self.API}/Accounts/{self.conf.twilio_account_sid}/Calls/"
            f"{urllib.parse.quote(provider_call_id)}.json",
            headers={"Authorization": self._auth()},
        )
        data = json.loads(_http(request, self.conf.http_timeout_seconds))
        status = str(data.get("status", "")).lower()
        if status in ("queued", "initiated", "ringing", "in-progress"):
            return []
        return self.parse_webhook(
            {
                "CallSid": provider_call_id,
                "CallStatus": status,
                "CallDuration": data.get("duration"),
            }
        )

    def download(self, url: str) -> bytes:
        request = urllib.request.Request(url, headers={"Authorization": self._auth()})  # noqa: S310
        return _http(request, self.conf.http_timeout_seconds)


PROVIDERS: dict[str, type[Provider]] = {
    ProviderName.SIMULATOR: SimulatorProvider,
    ProviderName.EXOTEL: ExotelProvider,
    ProviderName.TWILIO: TwilioProvider,
}


def get_provider(name: str | None = None) -> Provider:
    settings = conf()
    return PROVIDERS[name or settings.provider](settings)
