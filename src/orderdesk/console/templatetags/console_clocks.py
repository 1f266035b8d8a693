"""``{% countdown due %}`` (an SLA clock) and ``{% relative when %}`` ("in 5 min", "3 h ago"):
server-rendered ``<time>`` elements that ``static/console/clocks.js`` keeps ticking. The
absolute IST time is in the ``title`` (the tooltip) and in visually hidden text, so it is
read out and printed. ``now`` is the request's (``clock_now``, set by the console's context
processor), never read twice in one page.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html

from orderdesk.console.clocks import countdown_words, ist_words, relative_words, urgency

register = template.Library()


def _now(context) -> dt.datetime:
    return context.get("clock_now") or timezone.now()


@register.simple_tag(takes_context=True)
def countdown(context, due: dt.datetime | None, label: str = "due"):
    if not due:
        return format_html('<span class="muted">—</span>')
    now = _now(context)
    level = urgency(due, now)
    absolute = ist_words(due)
    return format_html(
        '<time class="clock clock--{}" datetime="{}" data-countdown data-now="{}" title="{}">'
        '<span class="clock__text">{}</span><span class="visually-hidden"> ({} {})</span></time>',
        level,
        due.isoformat(),
        now.isoformat(),
        absolute,
        countdown_words(due, now),
        label,
        absolute,
    )


@register.simple_tag(takes_context=True)
def relative(context, when: dt.datetime | None, empty: str = "—"):
    if not when:
        return format_html('<span class="muted">{}</span>', empty)
    now = _now(context)
    absolute = ist_words(when)
    return format_html(
        '<time class="reltime" datetime="{}" data-relative data-now="{}" title="{}">'
        '<span class="clock__text">{}</span><span class="visually-hidden"> ({})</span></time>',
        when.isoformat(),
        now.isoformat(),
        absolute,
        relative_words(when, now),
        absolute,
    )
