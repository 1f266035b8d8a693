"""Times are stored in UTC and reasoned about in IST (the business's day)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

IST = ZoneInfo("Asia/Kolkata")


def now() -> dt.datetime:
    return timezone.now()


def now_ist() -> dt.datetime:
    return timezone.now().astimezone(IST)


def today_ist() -> dt.date:
    return now_ist().date()


def ist_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of an IST calendar day as aware datetimes."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=IST)
    return start, start + dt.timedelta(days=1)


def ist_label(value: dt.datetime | None) -> str:
    """``2026-12-06 08:25 IST``: a stored (UTC) time as a person reads it, in labels and
    ``__str__`` texts that end up in the audit log (issue 18: they showed UTC)."""
    if value is None:
        return ""
    return f"{value.astimezone(IST):%Y-%m-%d %H:%M} IST"
