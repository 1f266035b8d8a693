"""Live queues (issue 18): the words of a relative time and of an SLA countdown, and how
urgent a deadline is. Pure functions of ``(when, now)``; the caller passes ``now`` (the
templates pass the request's time), so tests never read the wall clock.

``static/console/clocks.js`` ticks the same words in the browser from the ``<time>``
element's ``datetime`` and the server's ``now`` (``data-now``); keep both in step.
"""

from __future__ import annotations

import datetime as dt

from orderdesk.core.timeutil import IST
from orderdesk.cx.rules import BREACHING_SOON

#: A deadline this close is urgent (red); within ``BREACHING_SOON`` (C2's "breaching soon",
#: an hour) it is near (amber); further away it is calm (green). Past it: overdue.
URGENT = dt.timedelta(minutes=15)

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def _span(seconds: int) -> str:
    """A positive span in the largest sensible unit: "5 min", "3 h", "2 days"."""
    if seconds < HOUR:
        return f"{max(1, seconds // MINUTE)} min"
    if seconds < DAY:
        return f"{seconds // HOUR} h"
    days = seconds // DAY
    return f"{days} day" if days == 1 else f"{days} days"


def relative_words(when: dt.datetime, now: dt.datetime) -> str:
    """ "in 5 min", "3 h ago", "just now" (within a minute either way)."""
    seconds = int((when - now).total_seconds())
    if abs(seconds) < MINUTE:
        return "just now"
    return f"in {_span(seconds)}" if seconds > 0 else f"{_span(-seconds)} ago"


def countdown_words(due: dt.datetime, now: dt.datetime) -> str:
    """An SLA clock: "2 days 3 h left", "1 h 05 min left", "4 min 09 s left", "overdue by 7 min".

    Seconds show only in the last hour, where they matter and where the clock visibly ticks.
    """
    seconds = int((due - now).total_seconds())
    if seconds < 0:
        return f"overdue by {_span(-seconds)}"
    if seconds >= DAY:
        days, rest = divmod(seconds, DAY)
        return f"{days} day{'' if days == 1 else 's'} {rest // HOUR} h left"
    if seconds >= HOUR:
        return f"{seconds // HOUR} h {seconds % HOUR // MINUTE:02d} min left"
    return f"{seconds // MINUTE} min {seconds % MINUTE:02d} s left"


def urgency(due: dt.datetime, now: dt.datetime) -> str:
    """``overdue``, ``urgent`` (within 15 min), ``near`` (within C2's hour) or ``calm``."""
    left = due - now
    if left < dt.timedelta(0):
        return "overdue"
    if left <= URGENT:
        return "urgent"
    if left <= BREACHING_SOON:
        return "near"
    return "calm"


def ist_words(when: dt.datetime) -> str:
    """The absolute time a person reads beside a relative one: "Sun 6 Dec, 14:05 IST"."""
    local = when.astimezone(IST)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} IST"
