"""Telephony settings (``settings.ORDERDESK["TELEPHONY"]``), read once per call of ``conf()``."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

DEFAULTS = {
    "ENABLED": False,
    "PROVIDER": "simulator",
    "PUBLIC_URL": "http://127.0.0.1:8000",
    "WEBHOOK_SECRET": "",
    "CALLER_ID": "+918000000000",
    "RECORD": True,
    "RECORDING_ANNOUNCEMENT": "agent",
    "RECORDING_RETENTION_DAYS": 90,
    "REQUIRE_PROVIDER_CALL": True,
    "POLL_AFTER_MINUTES": 10,
    "SWEEP_SECONDS": 60,
    "MISSED_CALLBACK_MINUTES": 30,
    "EXOTEL_SID": "",
    "EXOTEL_API_KEY": "",
    "EXOTEL_API_TOKEN": "",
    "EXOTEL_SUBDOMAIN": "api.exotel.com",
    "EXOTEL_REQUESTS_PER_MINUTE": 200,
    "TWILIO_ACCOUNT_SID": "",
    "TWILIO_AUTH_TOKEN": "",
    "SIMULATOR_URL": "http://127.0.0.1:8159",
    "HTTP_TIMEOUT_SECONDS": 10.0,
}


@dataclass(frozen=True)
class TelephonyConf:
    enabled: bool
    provider: str
    public_url: str
    webhook_secret: str
    caller_id: str
    record: bool
    recording_announcement: str
    recording_retention_days: int
    require_provider_call: bool
    poll_after_minutes: int
    sweep_seconds: int
    missed_callback_minutes: int
    exotel_sid: str
    exotel_api_key: str
    exotel_api_token: str
    exotel_subdomain: str
    exotel_requests_per_minute: int
    twilio_account_sid: str
    twilio_auth_token: str
    simulator_url: str
    http_timeout_seconds: float

    @property
    def agent_announces_recording(self) -> bool:
        """The recording-announcement policy: the agent says it (prompted) unless the
        provider's own flow plays it."""
        return self.record and self.recording_announcement != "provider"

    @property
    def connected_calls_need_provider(self) -> bool:
        """The policy: with telephony on, a connected call is logged only against a real call."""
        return self.enabled and self.require_provider_call


def conf() -> TelephonyConf:
    raw = {**DEFAULTS, **getattr(settings, "ORDERDESK", {}).get("TELEPHONY", {})}
    return TelephonyConf(**{key.lower(): value for key, value in raw.items()})
