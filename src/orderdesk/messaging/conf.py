"""The messaging settings, read from ``settings.ORDERDESK["MESSAGING"]`` on every call.

Read per call (not at import) so a test's ``settings`` fixture and a running
worker see the same values the settings file gives them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DEFAULTS = {
    "SMS_PROVIDER": "file",  # "http" (a real gateway) or "file" (demo: a JSON-lines file + log)
    "WHATSAPP_PROVIDER": "file",  # "cloud" (Meta's WhatsApp Cloud API), "http" or "file"
    "EMAIL_PROVIDER": "email",  # Django's EMAIL_BACKEND (SMTP in production)
    "SMS_GATEWAY_URL": "",
    "SMS_GATEWAY_KEY": "",
    "WHATSAPP_GATEWAY_URL": "",
    "WHATSAPP_GATEWAY_KEY": "",
    "GATEWAY_TIMEOUT_SECONDS": 10.0,
    # India's DLT: the principal entity id registered with the operators (sent with every SMS).
    "SMS_DLT_ENTITY_ID": "",
    # The WhatsApp Cloud API (docs/whatsapp.md).
    "WHATSAPP_CLOUD_BASE_URL": "https://graph.facebook.com",
    "WHATSAPP_API_VERSION": "v21.0",
    "WHATSAPP_PHONE_NUMBER_ID": "",
    "WHATSAPP_ACCESS_TOKEN": "",
    "WHATSAPP_APP_SECRET": "",  # signs the webhook's POSTs (X-Hub-Signature-256)
    "WHATSAPP_VERIFY_TOKEN": "",  # the webhook's subscription handshake (hub.verify_token)
    "WHATSAPP_SERVICE_WINDOW_HOURS": 24,
    # Raw webhook bodies (numbers, words) are kept this long after processing, for ops.
    "WHATSAPP_EVENT_RETENTION_DAYS": 30,
    "FILE_PATH": "",  # default: VAR_DIR/messages.jsonl
    "MAX_ATTEMPTS": 6,
    "RETRY_BASE_SECONDS": 30,
    "RETRY_MAX_SECONDS": 3600,
    "LEASE_SECONDS": 120,
    "BATCH_SIZE": 50,
    "TASK_TIME_BUDGET_SECONDS": 30,
    "SWEEP_SECONDS": 30,
    # IST; empty means the leads contact policy in force (D9), the one place an admin sets them.
    "CALLING_HOURS": "",
}


@dataclass(frozen=True)
class MessagingConf:
    sms_provider: str
    whatsapp_provider: str
    email_provider: str
    sms_gateway_url: str
    sms_gateway_key: str
    whatsapp_gateway_url: str
    whatsapp_gateway_key: str
    gateway_timeout: float
    sms_dlt_entity_id: str
    whatsapp_cloud_base_url: str
    whatsapp_api_version: str
    whatsapp_phone_number_id: str
    whatsapp_access_token: str
    whatsapp_app_secret: str
    whatsapp_verify_token: str
    whatsapp_window_hours: int
    whatsapp_event_retention_days: int
    file_path: Path
    max_attempts: int
    retry_base: int
    retry_max: int
    lease_seconds: int
    batch_size: int
    task_time_budget: float
    sweep_seconds: int
    calling_hours: tuple[dt.time, dt.time]


def _hours(text: str) -> tuple[dt.time, dt.time]:
    start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
    return start, end


# N3 and D9 share one definition of calling hours: the leads' contact policy version in
# force. leads stands above messaging, so it registers that source here at ready();
# the fallback (no leads app: a bare messaging test) is the policy's own default.
DEFAULT_CALLING_HOURS = (dt.time(9, 0), dt.time(21, 0))
_calling_hours_source: Callable[[], tuple[dt.time, dt.time]] | None = None


def register_calling_hours_source(source: Callable[[], tuple[dt.time, dt.time]]) -> None:
    """The function that answers today's calling hours (leads: the contact policy in force)."""
    global _calling_hours_source
    _calling_hours_source = source


def _policy_hours() -> tuple[dt.time, dt.time]:
    if _calling_hours_source is None:
        return DEFAULT_CALLING_HOURS
    return _calling_hours_source()


def conf() -> MessagingConf:
    raw = {**DEFAULTS, **getattr(settings, "ORDERDESK", {}).get("MESSAGING", {})}
    var_dir = Path(getattr(settings, "VAR_DIR", "var"))
    return MessagingConf(
        sms_provider=raw["SMS_PROVIDER"],
        whatsapp_provider=raw["WHATSAPP_PROVIDER"],
        email_provider=raw["EMAIL_PROVIDER"],
        sms_gateway_url=raw["SMS_GATEWAY_URL"],
        sms_gateway_key=raw["SMS_GATEWAY_KEY"],
        whatsapp_gateway_url=raw["WHATSAPP_GATEWAY_URL"] or raw["SMS_GATEWAY_URL"],
        whatsapp_gateway_key=raw["WHATSAPP_GATEWAY_KEY"] or raw["SMS_GATEWAY_KEY"],
        gateway_timeout=float(raw["GATEWAY_TIMEOUT_SECONDS"]),
        sms_dlt_entity_id=raw["SMS_DLT_ENTITY_ID"],
        whatsapp_cloud_base_url=raw["WHATSAPP_CLOUD_BASE_URL"].rstrip("/"),
        whatsapp_api_version=raw["WHATSAPP_API_VERSION"],
        whatsapp_phone_number_id=raw["WHATSAPP_PHONE_NUMBER_ID"],
        whatsapp_access_token=raw["WHATSAPP_ACCESS_TOKEN"],
        whatsapp_app_secret=raw["WHATSAPP_APP_SECRET"],
        whatsapp_verify_token=raw["WHATSAPP_VERIFY_TOKEN"],
        whatsapp_window_hours=int(raw["WHATSAPP_SERVICE_WINDOW_HOURS"]),
        whatsapp_event_retention_days=int(raw["WHATSAPP_EVENT_RETENTION_DAYS"]),
        file_path=Path(raw["FILE_PATH"] or var_dir / "messages.jsonl"),
        max_attempts=max(1, int(raw["MAX_ATTEMPTS"])),
        retry_base=int(raw["RETRY_BASE_SECONDS"]),
        retry_max=int(raw["RETRY_MAX_SECONDS"]),
        lease_seconds=int(raw["LEASE_SECONDS"]),
        batch_size=int(raw["BATCH_SIZE"]),
        task_time_budget=float(raw["TASK_TIME_BUDGET_SECONDS"]),
        sweep_seconds=int(raw["SWEEP_SECONDS"]),
        calling_hours=_hours(raw["CALLING_HOURS"]) if raw["CALLING_HOURS"] else _policy_hours(),
    )
