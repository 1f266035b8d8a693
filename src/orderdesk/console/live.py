"""Live queues (issue 18): the counts beside the navigation's links, per role.

Each count is the user's own work and is shown only to a role that holds the permission of
the queue it counts (a sales agent never sees CX's tickets, nor CX the leads). Counts are
bounded (``CAP``: a badge says "99+"), so each is one cheap ``COUNT`` over at most ``CAP``
rows however large the tables grow. ``base.html`` renders them with the page; an HTMX poll
of ``console:nav_counts`` (every 60 s) swaps fresh numbers in place (docs/decisions.md:
HTMX polling, not server-sent events).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from orderdesk.accounts.permissions import Perm, permissions_of
from orderdesk.cx import selectors as cx_selectors
from orderdesk.leads import selectors as lead_selectors

CAP = 100

#: The permissions whose queues are counted below: a role holding none has no counts to poll.
COUNTED = frozenset({Perm.LEADS_WORK, Perm.TICKETS_WORK, Perm.ESCALATIONS})


@dataclass(frozen=True)
class NavCount:
    key: str  # the badge's DOM id is nav-count-<key>
    link: str  # the URL name of the navigation link it sits on
    n: int
    words: str  # what it counts, read out after the number

    @property
    def shown(self) -> str:
        return f"{CAP - 1}+" if self.n >= CAP else str(self.n)


def _capped(queryset) -> int:
    return queryset[:CAP].count()


def nav_counts(user, *, now: dt.datetime) -> list[NavCount]:
    """The counts ``user``'s role may see, in navigation order."""
    held = permissions_of(user)
    counts: list[NavCount] = []
    if Perm.LEADS_WORK in held:
        counts += [
            NavCount(
                "lead-follow-ups",
                "console:lead_queue",
                _capped(lead_selectors.due_follow_ups(user, now=now)),
                _("follow-ups due"),
            ),
            NavCount(
                "leads-waiting",
                "console:lead_queue",
                _capped(lead_selectors.unowned_leads(limit=CAP)),
                _("unowned leads waiting"),
            ),
        ]
    if Perm.TICKETS_WORK in held:
        counts += [
            NavCount(
                "my-tickets",
                "console:cx_queues",
                _capped(cx_selectors.my_tickets(user)),
                _("open tickets of mine"),
            ),
            NavCount(
                "ticket-follow-ups",
                "console:cx_queues",
                _capped(cx_selectors.follow_ups_due(user, now=now)),
                _("ticket follow-ups due"),
            ),
        ]
    if Perm.ESCALATIONS in held:
        counts.append(
            NavCount(
                "escalations",
                "console:cx_escalations",
                _capped(cx_selectors.escalation_queue()),
                _("escalated tickets open"),
            )
        )
    return counts
