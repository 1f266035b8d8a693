"""The console's side of the WhatsApp inbox (issue 19): start a lead for a number that wrote in.

The inbox itself is ``messaging.views``; a page that creates a lead belongs up here, where
the leads app may be imported. One form, one flow (``flows.whatsapp.start_lead_for_number``).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from orderdesk.accounts.permissions import Perm, has_perm, requires
from orderdesk.console.wording import said
from orderdesk.core.errors import DomainError
from orderdesk.flows.whatsapp import start_lead_for_number
from orderdesk.messaging.selectors import profile_name_of


@requires(Perm.LEADS_START)
def new_lead(request):
    """GET: the form, with the number (``?phone=``, as the inbox links it) and the name the
    number's WhatsApp profile carries. POST: the customer and the lead, then the lead's page
    (a sales agent, who owns it) or the inbox (CX and supervisors: it waits in the queue)."""
    data = request.POST if request.method == "POST" else request.GET
    phone = data.get("phone", "").strip()[:32]
    name = data.get("name", "").strip()[:120]
    if request.method == "GET" and not name and phone:
        name = profile_name_of(phone)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            lead, created = start_lead_for_number(phone=phone, name=name, agent=request.user)
        except DomainError as exc:
            status = exc.status
            for error in exc.errors:
                errors.setdefault(error.field or "form", []).append(said(error))
        else:
            if has_perm(request.user, Perm.LEADS_WORK):
                notice = (
                    _("Lead #%(lead)s started.")
                    if created
                    else _("Lead #%(lead)s already open; this is it.")
                )
                messages.success(request, notice % {"lead": lead.pk})
                return redirect("console:lead_detail", lead.pk)
            # One sentence per case, so a translation reads whole (not two joined pieces).
            notice = (
                _("Lead #%(lead)s started. It waits in the sales agents' lead queue.")
                if created
                else _("Lead #%(lead)s already open. It waits in the sales agents' lead queue.")
            )
            messages.success(request, notice % {"lead": lead.pk})
            return redirect("messaging:inbox")
    return TemplateResponse(
        request,
        "console/leads/new_from_whatsapp.html",
        {"form": {"phone": phone, "name": name}, "errors": errors},
        status=status,
    )
