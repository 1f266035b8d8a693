"""The supervisors' KPI pages (SPEC §7): the dashboard (every KPI with formula, numerator and
denominator, trends as charts, agent scorecards), drill-down to the records behind a figure,
CSV exports, and audits of agents' orders and calls (M8).

Thin: parse the filter (``kpis.selectors.build_scope``), read (roll-ups: ``kpis.rollup``; the
drill-down lists the raw rows, ``kpis.drilldown``), write through ``kpis.actions``, render.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from orderdesk.accounts.models import Team
from orderdesk.accounts.permissions import Perm, requires
from orderdesk.console.order_pages import order_facts
from orderdesk.console.wording import said
from orderdesk.core.bounds import parse_date
from orderdesk.core.errors import DomainError, ValidationFailed
from orderdesk.core.exports import csv_writer
from orderdesk.core.phones import mask_phone
from orderdesk.core.timeutil import IST, today_ist
from orderdesk.kpis import actions, rollup
from orderdesk.kpis.definitions import (
    KPIS,
    KPIS_BY_KEY,
    SCORECARD_KEYS,
    KpiResult,
    Scope,
    compute_all_rollup,
)
from orderdesk.kpis.drilldown import rows_for
from orderdesk.kpis.models import AgentAudit, AuditStatus
from orderdesk.kpis.rules import CHECKLISTS
from orderdesk.kpis.selectors import build_scope, scored_agents

# The trend charts: which KPIs, per IST day (or per week over long ranges).
TREND_KEYS = (
    "create_order_pct",
    "true_conversion_pct",
    "fair_conversion_pct",
    "follow_up_compliance_pct",
    "duplicate_order_rate",
)
HIGHLIGHT_KEYS = (
    "fair_conversion_pct",
    "assisted_conversion_pct",
    "follow_up_compliance_pct",
    "contacts_after_already_ordered",
)
FILTER_KEYS = ("from", "to", "team", "agent", "city")
DRILL_LIMIT = 200


def duration_text(seconds: float) -> str:
    """An average duration for people: "45 s", "4 min 05 s", "2 h 07 min"."""
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    if total < 3600:
        return f"{total // 60} min {total % 60:02d} s"
    return f"{total // 3600} h {total % 3600 // 60:02d} min"


def display_value(result: KpiResult) -> str:
    if result.value is None:
        return "—"
    if result.kpi.kind == "percent":
        return f"{result.value:.1f} %"
    if result.kpi.kind == "ratio":
        return f"{result.value:.2f}"
    if result.kpi.kind == "seconds":
        return duration_text(result.value)
    return f"{int(result.value)}"


def _row(result: KpiResult) -> dict:
    return {
        "result": result,
        "kpi": result.kpi,
        "display": display_value(result),
        "highlight": result.kpi.key in HIGHLIGHT_KEYS,
    }


def _raw_filters(request) -> dict:
    return {key: request.GET.get(key, "").strip() for key in FILTER_KEYS}


def _scope(raw: dict) -> Scope:
    return build_scope(
        start=raw["from"], end=raw["to"], agent=raw["agent"], team=raw["team"], city=raw["city"]
    )


def _query(scope: Scope, **extra) -> str:
    from urllib.parse import urlencode

    params = {"from": scope.start.isoformat(), "to": scope.end.isoformat()}
    if scope.agent_id is not None:
        params["agent"] = scope.agent_id
    if scope.team_id is not None:
        params["team"] = scope.team_id
    if scope.city:
        params["city"] = scope.city
    params.update(extra)
    return urlencode(params)


def _errors(refused: ValidationFailed) -> dict:
    errors = defaultdict(list)
    for error in refused.errors:
        errors[error.field].append(said(error))
    return dict(errors)


def scorecard_rows(scope: Scope) -> list[dict]:
    """The scorecard from the roll-ups: one query for every agent."""
    sums = rollup.measures_by_agent(scope)
    kpis = [KPIS_BY_KEY[key] for key in SCORECARD_KEYS]
    return [
        {"agent": agent, "cells": [_row(k.from_measures(sums.get(agent.pk, {}))) for k in kpis]}
        for agent in scored_agents(scope)
    ]


def trend(scope: Scope) -> dict:
    """Per-day (per-month beyond 92 days) values of the trend KPIs, for the charts: each point
    is the KPI over that day or month alone, from one roll-up query."""
    monthly = (scope.end - scope.start).days + 1 > 92
    starts, day = [], scope.start
    while day <= scope.end:
        starts.append(day)
        day = rollup._month_after(day) if monthly else day + dt.timedelta(days=1)
    periods = rollup.measures_by_period(scope, starts)
    return {
        "labels": [d.isoformat() for d in starts],
        "unit": "month" if monthly else "day",
        "series": [
            {
                "key": key,
                "label": KPIS_BY_KEY[key].label,
                "values": [KPIS_BY_KEY[key].from_measures(sums).value for sums in periods],
            }
            for key in TREND_KEYS
        ],
    }


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.KPIS_VIEW)
def kpi_dashboard(request):
    raw = _raw_filters(request)
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
        scope = _scope(raw)
    except ValidationFailed as refused:
        context["errors"] = _errors(refused)
        return TemplateResponse(request, "console/kpis/dashboard.html", context, status=422)
    context.update(
        scope=scope,
        query=_query(scope),
        kpis=[_row(r) for r in compute_all_rollup(scope)],
        scorecard=scorecard_rows(scope),
        trend=trend(scope),
    )
    return TemplateResponse(request, "console/kpis/dashboard.html", context)


def scored_agents_for_filter():
    """Every agent the scorecard can show, for the agent picker."""
    today = today_ist()
    return scored_agents(Scope(today, today))


# --- Drill-down -------------------------------------------------------------------------------


def _cells(kind: str, obj) -> dict:
    """One record as (link, columns) for the drill-down and its CSV. Phones are masked."""
    if kind == "lead":
        return {
            "link": reverse("console:lead_detail", args=[obj.pk]),
            "cols": [
                f"Lead {obj.pk}",
                obj.customer.name,
                mask_phone(obj.customer.phone),
                obj.get_status_display(),
                str(obj.owner or "—"),
            ],
        }
    if kind == "order":
        return {
            "link": reverse("console:ops_order", args=[obj.number]),
            "cols": [
                obj.number,
                obj.get_channel_display(),
                obj.get_status_display(),
                str(obj.created_by or "—"),
                obj.created_at.astimezone(IST).strftime("%Y-%m-%d %H:%M"),
                mask_phone(obj.customer.phone),
            ],
        }
    if kind == "contact":
        return {
            "link": reverse("console:lead_detail", args=[obj.lead_id]),
            "cols": [
                f"Lead {obj.lead_id}",
                str(obj.agent or "system"),
                obj.disposition.shown_label,
                obj.at.astimezone(IST).strftime("%Y-%m-%d %H:%M"),
                mask_phone(obj.lead.customer.phone),
            ],
        }
    if kind == "ticket":
        return {
            "link": reverse("console:cx_ticket", args=[obj.pk]),
            "cols": [
                f"Ticket {obj.pk}",
                obj.get_type_display(),
                obj.get_status_display(),
                str(obj.assignee or "—"),
                mask_phone(obj.customer.phone),
            ],
        }
    if kind == "survey":
        return {
            "link": reverse("console:cx_ticket", args=[obj.ticket_id]),
            "cols": [f"Ticket {obj.ticket_id}", str(obj.score), str(obj.agent or "—")],
        }
    if kind == "feedback":  # issue 15, 12: an answer to the pickup feedback request
        return {
            "link": reverse("console:ops_order", args=[obj.order.number]),
            "cols": [obj.order.number, str(obj.score), str(obj.order.created_by or "—")],
        }
    if kind == "event":
        return {
            "link": reverse("console:ops_order", args=[obj.order.number]),
            "cols": [
                obj.order.number,
                obj.to_status,
                obj.at.astimezone(IST).strftime("%Y-%m-%d %H:%M"),
            ],
        }
    if kind == "error":
        return {
            "link": reverse("console:ops_order", args=[obj.order.number]),
            "cols": [obj.order.number, str(obj.agent), obj.get_kind_display()],
        }
    if kind == "duplicate":
        return {
            "link": reverse("console:ops_order", args=[obj.existing_order.number]),
            "cols": [
                "refused duplicate of " + obj.existing_order.number,
                str(obj.actor or "—"),
                mask_phone(obj.customer.phone),
            ],
        }
    if kind == "call":
        return {
            "link": "",
            "cols": [
                f"Call {obj.pk}",
                obj.get_direction_display(),
                obj.get_status_display(),
                str(obj.agent or "—"),
                obj.created_at.astimezone(IST).strftime("%Y-%m-%d %H:%M"),
                f"{obj.talk_seconds} s" if obj.talk_seconds is not None else "—",
                mask_phone(obj.customer_number),
            ],
        }
    if kind == "callback":
        return {
            "link": "",
            "cols": [
                f"Missed call {obj.call_id}",
                str(obj.done_call.agent if obj.done_call and obj.done_call.agent else "—"),
                obj.call.ended_at.astimezone(IST).strftime("%Y-%m-%d %H:%M"),
                obj.done_at.astimezone(IST).strftime("%Y-%m-%d %H:%M"),
                mask_phone(obj.call.from_number),
            ],
        }
    return {"link": "", "cols": [str(obj), obj.team.name if obj.team else "—"]}  # agent


def _drill_sections(kpi, scope, limit: int | None):
    sections = []
    for part, label, fn in (
        ("numerator", kpi.numerator_label, kpi.numerator),
        ("denominator", kpi.denominator_label, kpi.denominator),
    ):
        if fn is None:
            continue
        groups = []
        for kind, qs in rows_for(fn.__name__, scope):
            total = qs.count()
            items = qs[:limit] if limit else qs.iterator()
            groups.append({"kind": kind, "total": total, "rows": [_cells(kind, o) for o in items]})
        sections.append({"part": part, "label": label, "groups": groups})
    return sections


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.KPIS_VIEW)
def kpi_drill(request, key: str):
    kpi = KPIS_BY_KEY.get(key)
    if kpi is None:
        raise Http404("No such KPI")
    try:
        scope = _scope(_raw_filters(request))
    except ValidationFailed as refused:
        return TemplateResponse(
            request, "console/kpis/drill.html", {"kpi": kpi, "errors": _errors(refused)}, status=422
        )
    result = kpi.compute(scope)  # the raw reference, beside its rows
    context = {
        "kpi": kpi,
        "scope": scope,
        "query": _query(scope),
        "result": result,
        "display": display_value(result),
        "sections": _drill_sections(kpi, scope, DRILL_LIMIT),
        "limit": DRILL_LIMIT,
    }
    return TemplateResponse(request, "console/kpis/drill.html", context)


# --- Exports ----------------------------------------------------------------------------------


def _csv_response(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv_writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.KPIS_VIEW)
def kpi_export(request, table: str):
    """CSV of the KPI table, the scorecard, or one KPI's drill-down (``?kpi=``). Audited."""
    try:
        scope = _scope(_raw_filters(request))
    except ValidationFailed as refused:
        return HttpResponse(str(refused), status=422, content_type="text/plain")
    if table == "kpis":
        header = ["key", "kpi", "value", "numerator", "denominator", "formula", "spec"]
        rows = [
            [r.kpi.key, r.kpi.label, r.value, r.numerator, r.denominator, r.kpi.formula, r.kpi.spec]
            for r in compute_all_rollup(scope)
        ]
    elif table == "scorecard":
        keys = list(SCORECARD_KEYS)
        header = ["agent", "team"] + [f"{k} {p}" for k in keys for p in ("value", "num", "den")]
        rows = []
        for row in scorecard_rows(scope):
            cells = []
            for cell in row["cells"]:
                r = cell["result"]
                cells += [r.value, r.numerator, r.denominator]
            rows.append(
                [row["agent"].username, row["agent"].team.name if row["agent"].team else "", *cells]
            )
    elif table == "drill":
        kpi = KPIS_BY_KEY.get(request.GET.get("kpi", ""))
        if kpi is None:
            raise Http404("No such KPI")
        header = ["part", "kind", "record", "details"]
        rows = []
        for section in _drill_sections(kpi, scope, None):
            for group in section["groups"]:
                for cells in group["rows"]:
                    rows.append(
                        [
                            section["part"],
                            group["kind"],
                            cells["cols"][0],
                            " | ".join(cells["cols"][1:]),
                        ]
                    )
    else:
        raise Http404("No such table")
    actions.record_export(
        user=request.user,
        table=table if table != "drill" else f"drill:{kpi.key}",
        scope=scope.__dict__ | {"start": scope.start.isoformat(), "end": scope.end.isoformat()},
        rows=len(rows),
    )
    return _csv_response(f"kpis-{table}-{scope.start}-{scope.end}.csv", header, rows)


# --- Audits -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(Perm.CONSOLE)
@requires(Perm.AUDITS_RUN)
def audit_list(request):
    """Open and scored audits; POST draws a new weighted sample."""
    errors: dict = {}
    status = 200
    form = {
        "subject": "order",
        "size": "5",
        "from": (today_ist() - dt.timedelta(days=29)).isoformat(),
        "to": today_ist().isoformat(),
    }
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            since, until = parse_date(form["from"]), parse_date(form["to"])
        except ValueError:
            errors = {"from": ["Give the range as YYYY-MM-DD."]}
        else:
            try:
                size = int(form["size"] or 0)
            except ValueError:
                size = 0
            try:
                drawn = actions.draw_audit_sample(
                    subject=form["subject"],
                    size=size,
                    drawn_by=request.user,
                    since=since,
                    until=until,
                )
            except DomainError as refused:
                errors = {getattr(refused, "field", "") or "size": [str(refused)]}
            else:
                return redirect(reverse("console:kpi_audits") + f"?drawn={len(drawn)}")
        status = 422
    audits = AgentAudit.objects.select_related(
        "agent", "order", "contact__lead", "scored_by"
    ).order_by("status", "-drawn_at")[:200]
    return TemplateResponse(
        request,
        "console/kpis/audits.html",
        {"audits": audits, "form": form, "errors": errors, "drawn": request.GET.get("drawn")},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@requires(Perm.CONSOLE)
@requires(Perm.AUDITS_RUN)
def audit_page(request, audit_id: int):
    a = (
        AgentAudit.objects.select_related("agent", "order__customer", "contact__lead__customer")
        .filter(pk=audit_id)
        .first()
    )
    if a is None:
        raise Http404("No such audit")
    items = CHECKLISTS[a.subject]
    errors: dict = {}
    status = 200
    if request.method == "POST":
        answers = {}
        for item in items:
            value = request.POST.get(item.key)
            if value in ("pass", "fail"):
                answers[item.key] = value == "pass"
        try:
            actions.score_audit(
                audit_id=a.pk,
                answers=answers,
                notes=request.POST.get("notes", ""),
                scored_by=request.user,
            )
        except DomainError as refused:
            errors = {getattr(refused, "field", "") or "audit": [str(refused)]}
            status = 422
        else:
            return redirect("console:kpi_audit", audit_id=a.pk)
    recorded = a.order.agent_errors.order_by("-at") if a.order_id else []
    return TemplateResponse(
        request,
        "console/kpis/audit.html",
        {
            **(order_facts(a.order) if a.order_id else {}),  # the audited order, read here
            "audit": a,
            "items": items,
            "errors": errors,
            "recorded": recorded,
            "phone": mask_phone(
                (a.order.customer if a.order_id else a.contact.lead.customer).phone
            ),
        },
        status=status,
    )


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.AUDITS_RUN)
def audit_export(request):
    """CSV of every audit: subject, agent, weight, score, each checklist answer. Audited."""
    header = [
        "audit",
        "subject",
        "record",
        "customer phone",
        "agent",
        "weight",
        "why",
        "status",
        "score",
        "scored by",
        "scored at",
        "answers",
        "notes",
    ]
    rows = []
    for a in AgentAudit.objects.select_related(
        "agent", "order__customer", "contact__lead__customer", "scored_by"
    ).order_by("pk"):
        customer = a.order.customer if a.order_id else a.contact.lead.customer
        rows.append(
            [
                a.pk,
                a.subject,
                a.order.number if a.order_id else f"contact {a.contact_id}",
                mask_phone(customer.phone),
                a.agent.username,
                a.weight,
                a.weight_reasons,
                a.status,
                a.score if a.score is not None else "",
                a.scored_by.username if a.scored_by else "",
                a.scored_at.astimezone(IST).isoformat() if a.scored_at else "",
                ";".join(f"{k}={'pass' if v else 'fail'}" for k, v in a.answers.items()),
                a.notes,
            ]
        )
    actions.record_export(user=request.user, table="audits", scope={}, rows=len(rows))
    return _csv_response("kpi-audits.csv", header, rows)


AUDIT_STATUS = AuditStatus  # for templates
ALL_KPIS = KPIS
