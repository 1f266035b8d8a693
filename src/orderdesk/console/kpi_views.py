"""The supervisors' KPI dashboard (SPEC §7): every KPI with its formula, numerator and
denominator, and the per-agent scorecard, filtered by IST date range, team, agent and city.

Thin: parse the filter (``kpis.selectors.build_scope``), compute (``kpis.definitions``), render.
"""

from __future__ import annotations

from collections import defaultdict

from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from orderdesk.accounts.models import Team
from orderdesk.accounts.permissions import Perm, requires
from orderdesk.core.errors import ValidationFailed
from orderdesk.core.timeutil import today_ist
from orderdesk.kpis.definitions import KPIS_BY_KEY, SCORECARD_KEYS, KpiResult, Scope, compute_all
from orderdesk.kpis.selectors import build_scope, scorecard, scored_agents


def display_value(result: KpiResult) -> str:
    if result.value is None:
        return "—"
    if result.kpi.kind == "percent":
        return f"{result.value:.1f} %"
    if result.kpi.kind == "ratio":
        return f"{result.value:.2f}"
    return f"{int(result.value)}"


def _row(result: KpiResult) -> dict:
    return {"result": result, "kpi": result.kpi, "display": display_value(result)}


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.KPIS_VIEW)
def kpi_dashboard(request):
    raw = {key: request.GET.get(key, "").strip() for key in ("from", "to", "team", "agent", "city")}
    context = {
        "filters": raw,
        "teams": Team.objects.order_by("name"),
        "agents": scored_agents_for_filter(),
        "errors": {},
        "kpis": [],
        "scorecard": [],
        "scorecard_columns": [KPIS_BY_KEY[key] for key in SCORECARD_KEYS],
    }
    try:
        scope = build_scope(
            start=raw["from"], end=raw["to"], agent=raw["agent"], team=raw["team"], city=raw["city"]
        )
    except ValidationFailed as refused:
        errors = defaultdict(list)
        for error in refused.errors:
            errors[error.field].append(error.message)
        context["errors"] = dict(errors)
        return TemplateResponse(request, "console/kpis/dashboard.html", context, status=422)
    context.update(
        scope=scope,
        kpis=[_row(r) for r in compute_all(scope)],
        scorecard=[
            {"agent": row.agent, "cells": [_row(r) for r in row.results]}
            for row in scorecard(scope)
        ],
    )
    return TemplateResponse(request, "console/kpis/dashboard.html", context)


def scored_agents_for_filter():
    """Every agent the scorecard can show, for the agent picker."""
    today = today_ist()
    return scored_agents(Scope(today, today))
