"""Live queues and keyboard-first work (issue 18): the navigation's counts, polled by HTMX,
and "next lead" (the ``n`` shortcut), which opens the lead the agent should work next.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from orderdesk.accounts.permissions import Perm, requires
from orderdesk.console.live import nav_counts as counts_for
from orderdesk.leads import selectors as lead_selectors

#: How far down the agent's queue "next lead" looks past the current lead and the
#: do-not-contact customers before it sends the agent to the queue page.
NEXT_LEAD_WINDOW = 25


@require_GET
@requires(Perm.CONSOLE)
def nav_counts(request):
    """The navigation's count badges as out-of-band swaps (``base.html`` polls this)."""
    return TemplateResponse(
        request,
        "console/partials/nav_counts.html",
        {"nav_counts_now": counts_for(request.user, now=timezone.now())},
    )


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.LEADS_WORK)
def next_lead(request):
    """The first lead of the agent's own queue (due follow-ups first, then high-end, then
    oldest: ``leads.selectors.agent_queue``) other than ``?after=`` (the lead on screen),
    skipping do-not-contact customers (sales never calls them, D9). None: the queue page."""
    after = request.GET.get("after", "")
    queue = lead_selectors.agent_queue(request.user, limit=NEXT_LEAD_WINDOW)
    for lead in queue:
        if str(lead.pk) != after and not lead.customer.do_not_contact:
            return redirect("console:lead_detail", lead.pk)
    messages.info(request, _("No other lead of yours to work now. Pick up an unowned lead below."))
    return redirect("console:lead_queue")
