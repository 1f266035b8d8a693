import json

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from orderdesk.accounts.permissions import permissions_of
from orderdesk.console.clocks import words as clock_words
from orderdesk.console.live import COUNTED, nav_counts
from orderdesk.console.navigation import nav_links_for
from orderdesk.telephony.conf import conf as telephony_conf


class _NavCounts:
    """The navigation's counts, read from the database only when a page renders the
    navigation (fragments never do), and then once."""

    def __init__(self, user, now):
        self._counts = SimpleLazyObject(lambda: nav_counts(user, now=now))

    def for_link(self, url_name: str):
        return [c for c in self._counts if c.link == url_name]

    def __bool__(self) -> bool:
        return bool(self._counts)


def _clock_words_json() -> str:
    """``clocks.words()`` as JSON, for an attribute (the template escapes it; no inline
    <script>, not even a JSON one: the pages' tests and the CSP keep scripts to files)."""
    return json.dumps(clock_words(), ensure_ascii=False, separators=(",", ":"))


def console(request):
    """``perms_of_user`` (permission strings), ``console_nav`` (links the user may follow, each
    with its live counts), ``clock_now`` (the one "now" the page's clocks are drawn from), ``clock_words_json`` (their
    words in the agent's language, for clocks.js)."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match and match.namespace else None
    now = timezone.now()
    counts = _NavCounts(user, now)
    nav = [
        {
            "label": link.label,
            "url": reverse(link.url_name),
            "current": link.url_name == current,
            "counts": SimpleLazyObject(lambda name=link.url_name: counts.for_link(name)),
        }
        for link in nav_links_for(user)
    ]
    perms = {p.value for p in permissions_of(user)}
    return {
        "perms_of_user": perms,
        "console_nav": nav,
        "clock_now": now,
        # The clocks' words in the agent's language, for clocks.js (<body data-clock-words>).
        "clock_words_json": _clock_words_json,
        # Agents' pages poll for an inbound call's screen-pop while telephony is on.
        "telephony_pop": "calls.make" in perms and telephony_conf().enabled,
        # The navigation's counts are polled only by roles that have some.
        "nav_counts_poll": any(p.value in perms for p in COUNTED),
    }
