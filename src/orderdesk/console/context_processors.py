from django.urls import reverse

from orderdesk.accounts.permissions import permissions_of
from orderdesk.console.navigation import nav_links_for
from orderdesk.telephony.conf import conf as telephony_conf


def console(request):
    """``perms_of_user`` (permission strings) and ``console_nav`` (links the user may follow)."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match and match.namespace else None
    nav = [
        {"label": link.label, "url": reverse(link.url_name), "current": link.url_name == current}
        for link in nav_links_for(user)
    ]
    perms = {p.value for p in permissions_of(user)}
    return {
        "perms_of_user": perms,
        "console_nav": nav,
        # Agents' pages poll for an inbound call's screen-pop while telephony is on.
        "telephony_pop": "calls.make" in perms and telephony_conf().enabled,
    }
