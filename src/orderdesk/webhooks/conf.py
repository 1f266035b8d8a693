"""The webhooks settings, ``settings.ORDERDESK["WEBHOOKS"]``, read on every call."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

DEFAULTS = {
    # SSRF: private, loopback and link-local receivers are refused unless this is on
    # (the demo's and the tests' local receiver).
    "ALLOW_PRIVATE_URLS": False,
    "TIMEOUT_SECONDS": 5.0,  # connect + answer, per delivery attempt
    "MAX_ATTEMPTS": 8,  # tries of one delivery before it fails
    "RETRY_BASE_SECONDS": 30,
    "RETRY_MAX_SECONDS": 3600,
    # Consecutive failed attempts (any deliveries) that pause an endpoint; a delivery that
    # uses its last try pauses it too.
    "PAUSE_AFTER_FAILURES": 20,
    "LEASE_SECONDS": 120,
    "BATCH_SIZE": 50,
    "TASK_TIME_BUDGET_SECONDS": 20,
    # The receiver rejects a signature whose timestamp is further off than this.
    "TOLERANCE_SECONDS": 300,
}


@dataclass(frozen=True)
class WebhooksConf:
    allow_private_urls: bool
    timeout: float
    max_attempts: int
    retry_base: int
    retry_max: int
    pause_after_failures: int
    lease_seconds: int
    batch_size: int
    task_time_budget: float
    tolerance_seconds: int


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def conf() -> WebhooksConf:
    raw = {**DEFAULTS, **getattr(settings, "ORDERDESK", {}).get("WEBHOOKS", {})}
    return WebhooksConf(
        allow_private_urls=_flag(raw["ALLOW_PRIVATE_URLS"]),
        timeout=float(raw["TIMEOUT_SECONDS"]),
        max_attempts=max(1, int(raw["MAX_ATTEMPTS"])),
        retry_base=int(raw["RETRY_BASE_SECONDS"]),
        retry_max=int(raw["RETRY_MAX_SECONDS"]),
        pause_after_failures=max(1, int(raw["PAUSE_AFTER_FAILURES"])),
        lease_seconds=int(raw["LEASE_SECONDS"]),
        batch_size=int(raw["BATCH_SIZE"]),
        task_time_budget=float(raw["TASK_TIME_BUDGET_SECONDS"]),
        tolerance_seconds=int(raw["TOLERANCE_SECONDS"]),
    )
