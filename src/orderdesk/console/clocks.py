"""Live queues (issue 18): the words of a relative time and of an SLA countdown, and how
urgent a deadline is. Pure functions of ``(when, now)``; the caller passes ``now`` (the
templates pass the request's time), so tests never read the wall clock.

``static/console/clocks.js`` ticks the same words in the browser from the ``<time>``
element's ``datetime`` and the server's ``now`` (``data-now``), with ``words()`` in the
agent's language from ``<body data-clock-words>``; keep both in step.
"""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat
from django.utils.translation import gettext

from orderdesk.core.timeutil import IST
from orderdesk.cx.rules import BREACHING_SOON

#: A deadline this close is urgent (red); within ``BREACHING_SOON`` (C2's "breaching soon",
#: an hour) it is near (amber); further away it is calm (green). Past it: overdue.
URGENT = dt.timedelta(minutes=15)

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def words() -> dict[str, str]:
    """The clocks' words in the active language, each with ``%(name)s`` placeholders. The
    base layout hands the same table to ``clocks.js`` (JSON in ``<body data-clock-words>``:
    the CSP allows no inline script), so the browser ticks in the agent's language too."""
    return {
        "min": gettext("%(n)s min"),
        "h": gettext("%(n)s h"),
        "day": gettext("1 day"),
        "days": gettext("%(n)s days"),
        "just_now": gettext("just now"),
        "in": gettext("in %(span)s"),
        "ago": gettext("%(span)s ago"),
        "overdue": gettext("overdue by %(span)s"),
        "left_day": gettext("1 day %(h)s h left"),
        "left_days": gettext("%(days)s days %(h)s h left"),
        "left_h": gettext("%(h)s h %(min)s min left"),
        "left_min": gettext("%(min)s min %(s)s s left"),
    }


def _span(seconds: int, w: dict[str, str]) -> str:
    """A positive span in the largest sensible unit: "5 min", "3 h", "2 days"."""
    if seconds < HOUR:
        return w["min"] % {"n": max(1, seconds // MINUTE)}
    if seconds < DAY:
        return w["h"] % {"n": seconds // HOUR}
    days = seconds // DAY
    return w["day"] if days == 1 else w["days"] % {"n": days}


def relative_words(when: dt.datetime, now: dt.datetime) -> str:
    """ "in 5 min", "3 h ago", "just now" (within a minute either way)."""
    w = words()
    seconds = int((when - now).total_seconds())
    if abs(seconds) < MINUTE:
        return w["just_now"]
    if seconds > 0:
        return w["in"] % {"span": _span(seconds, w)}
    return w["ago"] % {"span": _span(-seconds, w)}


def countdown_words(due: dt.datetime, now: dt.datetime) -> str:
    """An SLA clock: "2 days 3 h left", "1 h 05 min left", "4 min 09 s left", "overdue by 7 min".

    Seconds show only in the last hour, where they matter and where the clock visibly ticks.
    """
    w = words()
    seconds = int((due - now).total_seconds())
    if seconds < 0:
        return w["overdue"] % {"span": _span(-seconds, w)}
    if seconds >= DAY:
        days, rest = divmod(seconds, DAY)
        key = "left_day" if days == 1 else "left_days"
        return w[key] % {"days": days, "h": rest // HOUR}
    if seconds >= HOUR:
        return w["left_h"] % {"h": seconds // HOUR, "min": f"{seconds % HOUR // MINUTE:02d}"}
    return w["left_min"] % {"min": seconds // MINUTE, "s": f"{seconds % MINUTE:02d}"}


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
    # Django's date format names the day and month in the active language (Hindi for a
    # Hindi-speaking agent: Django ships them); English reads as before.
    return dateformat.format(local, "D j M, H:i") + " IST"
