"""M8 accountability in the console: errors recorded against agents, restrictions, restoration."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from orderdesk.accounts.choices import Role
from orderdesk.accounts.models import User
from orderdesk.accounts.permissions import Perm, has_perm, requires
from orderdesk.console.kpi_views import display_value
from orderdesk.console.wording import said
from orderdesk.core.errors import DomainError, ValidationFailed
from orderdesk.kpis.selectors import build_scope, own_work
from orderdesk.orders.actions import (
    check_may_record_agent_error,
    record_agent_error,
    restore_agent,
)
from orderdesk.orders.models import AgentError
from orderdesk.orders.selectors import agent_standing, order_with_details, recent_agent_errors


def _may_record_errors(user) -> bool:
    """The action's own rule (ops at pickup, supervisors in audits: M8), asked up front so
    the page itself is refused to anyone else."""
    try:
        check_may_record_agent_error(user)
    except DomainError:
        return False
    return True


@requires(Perm.CONSOLE)
def agent_errors(request):
    """Record an error against the agent who created an order; supervisors also see standings."""
    if not _may_record_errors(request.user):
        return TemplateResponse(
            request, "console/forbidden.html", {"permission": Perm.AUDITS_RUN.value}, status=403
        )
    errors: dict[str, str] = {}
    form = {"number": "", "kind": "", "notes": ""}
    status = 200
    if request.method == "POST":
        form = {k: (request.POST.get(k) or "").strip() for k in form}
        order = order_with_details(form["number"])
        if order is None:
            errors["number"] = f"No order {form['number']!r}."
        else:
            try:
                error = record_agent_error(
                    order=order, kind=form["kind"], notes=form["notes"], recorded_by=request.user
                )
            except DomainError as exc:
                for e in exc.errors:
                    errors[e.field or "form"] = said(e)
            else:
                messages.success(
                    request,
                    _("Recorded “%(kind)s” against %(agent)s on %(order)s.")
                    % {
                        "kind": error.get_kind_display(),
                        "agent": error.agent,
                        "order": order.display_number,
                    },
                )
                return redirect("console:agent_errors")
        status = 422
    agents = User.objects.filter(role__in=[Role.SALES, Role.CX], is_active=True).order_by(
        "username"
    )
    context = {
        "form": form,
        "errors": errors,
        "kinds": AgentError.Kind.choices,
        "recent": recent_agent_errors(),
        "standings": agent_standing(agents) if has_perm(request.user, Perm.AGENTS_MANAGE) else None,
        "threshold": settings.ORDERDESK["AGENT_ERROR_THRESHOLD"],
        "window": settings.ORDERDESK["AGENT_ERROR_WINDOW_DAYS"],
    }
    return TemplateResponse(request, "console/agents/errors.html", context, status=status)


@requires(Perm.CONSOLE)
@requires(Perm.AGENTS_MANAGE)
def restore(request, agent_id: int):
    """A supervisor restores manual creation after retraining, with a reason (POST only)."""
    agent = get_object_or_404(User, pk=agent_id, role__in=[Role.SALES, Role.CX])
    if request.method != "POST":
        return redirect("console:agent_errors")
    try:
        restore_agent(agent=agent, restored_by=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, _("Not restored: %(reason)s") % {"reason": said(exc)})
    else:
        messages.success(
            request, _("Manual order creation restored for %(agent)s.") % {"agent": agent}
        )
    return redirect("console:agent_errors")


@requires(Perm.CONSOLE)
@requires(Perm.OWN_WORK)
def my_work(request):
    """Issue 15 (14), SOP 004 coaching and feedback: the signed-in agent's own scorecard over a
    date range, their scored audits and the M8 errors recorded against them. The agent is
    always ``request.user``: no parameter names another agent."""
    raw = {key: request.GET.get(key, "").strip() for key in ("from", "to")}
    errors: dict[str, list[str]] = {}
    status = 200
    try:
        scope = build_scope(start=raw["from"], end=raw["to"])
    except ValidationFailed as refused:
        for e in refused.errors:
            errors.setdefault(e.field or "from", []).append(said(e))
        scope = build_scope()
        status = 422
    work = own_work(request.user, scope)
    context = {
        "work": work,
        "cells": [{"result": r, "display": display_value(r)} for r in work.results],
        "form": raw,
        "errors": errors,
        "threshold": settings.ORDERDESK["AGENT_ERROR_THRESHOLD"],
        "window": settings.ORDERDESK["AGENT_ERROR_WINDOW_DAYS"],
    }
    return TemplateResponse(request, "console/agents/my_work.html", context, status=status)
