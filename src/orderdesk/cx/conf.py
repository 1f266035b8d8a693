"""CX settings, from ``settings.ORDERDESK["CX"]`` when the project defines it, else the
environment (so the app needs no edit to the shared settings file to run)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class CxConf:
    public_url: str  # where customers open the CSAT link (scheme://host[:port], no trailing /)
    sweep_seconds: int  # how often the worker's SLA sweep runs
    sweep_batch_size: int  # tickets per transaction in the sweep
    sweep_time_budget: int  # seconds one sweep task may work before it hands over


def conf() -> CxConf:
    given = getattr(settings, "ORDERDESK", {}).get("CX", {})

    def pick(key: str, env: str, default: str) -> str:
        return str(given.get(key) or os.environ.get(env) or default)

    return CxConf(
        public_url=pick("PUBLIC_URL", "ORDERDESK_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        sweep_seconds=int(pick("SLA_SWEEP_SECONDS", "CX_SLA_SWEEP_SECONDS", "60")),
        sweep_batch_size=int(pick("SLA_SWEEP_BATCH_SIZE", "CX_SLA_SWEEP_BATCH_SIZE", "1000")),
        sweep_time_budget=int(pick("SLA_SWEEP_TIME_BUDGET", "CX_SLA_SWEEP_TIME_BUDGET", "50")),
    )
