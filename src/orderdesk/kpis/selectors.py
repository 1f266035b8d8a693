"""Reads for the KPI surfaces: the scope from request input, every KPI, the agent scorecard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from orderdesk.accounts.choices import Role
from orderdesk.accounts.models import Team, User
from orderdesk.core.bounds import MAX_DATE, MIN_DATE, parse_date, parse_id
from orderdesk.core.errors import FieldError, ValidationFailed
from orderdesk.core.timeutil import today_ist
from orderdesk.kpis.definitions import KPIS_BY_KEY, SCORECARD_KEYS, KpiResult, Scope
from orderdesk.kpis.models import AgentAudit, AuditStatus
from orderdesk.kpis.rules import CHECKLISTS, ChecklistItem
from orderdesk.orders.models import AgentError
from orderdesk.orders.rules import agent_is_restricted
from orderdesk.orders.selectors import agent_error_count

DEFAULT_DAYS = 30
MAX_DAYS = 731  # two years; the roll-ups answer a year about as fast as a week

# Who appears on the scorecard: the people whose work the KPIs attribute.
SCORED_ROLES = (Role.SALES, Role.CX)


def _date(value, field: str, errors: list[FieldError]) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return parse_date(value)
    except ValueError:
        errors.append(
            FieldError(
                field,
                "not_a_date",
                f"'{value}' is not a date (YYYY-MM-DD) between {MIN_DATE.year} and "
                f"{MAX_DATE.year}.",
            )
        )
        return None


def _id(value, field: str, errors: list[FieldError]) -> int | None:
    if value in (None, ""):
        return None
    try:
        return parse_id(value)
    except (TypeError, ValueError):
        errors.append(FieldError(field, "not_an_integer", f"'{value}' is not an id."))
        return None


def build_scope(*, start=None, end=None, agent=None, team=None, city=None) -> Scope:
    """The scope from user input (strings or parsed values); every problem is reported at once
    as a 422 naming its field. Defaults: the last 30 IST days up to today."""
    errors: list[FieldError] = []
    start_day = _date(start, "from", errors)
    end_day = _date(end, "to", errors)
    agent_id = _id(agent, "agent", errors)
    team_id = _id(team, "team", errors)
    if (
        agent_id is not None
        and not User.objects.filter(pk=agent_id, role__in=Role.staff_roles()).exists()
    ):
        errors.append(FieldError("agent", "unknown_agent", f"No staff member has id {agent_id}."))
    if team_id is not None and not Team.objects.filter(pk=team_id).exists():
        errors.append(FieldError("team", "unknown_team", f"No team has id {team_id}."))
    if errors:
        raise ValidationFailed.collect(errors, f"{errors[0].field}: {errors[0].message}")
    end_day = end_day or today_ist()
    start_day = start_day or end_day - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start_day > end_day:
        raise ValidationFailed(
            f"'from' ({start_day}) is after 'to' ({end_day}).", code="range_reversed", field="from"
        )
    if (end_day - start_day).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            f"The range may cover at most {MAX_DAYS} days.", code="range_too_long", field="to"
        )
    return Scope(start_day, end_day, agent_id, team_id, (city or "").strip() or None)


@dataclass
class ScorecardRow:
    agent: User
    results: list[KpiResult]


def scored_agents(scope: Scope):
    qs = User.objects.filter(role__in=SCORED_ROLES, is_active=True).select_related("team")
    if scope.agent_id is not None:
        qs = User.objects.filter(pk=scope.agent_id).select_related("team")
    if scope.team_id is not None:
        qs = qs.filter(team_id=scope.team_id)
    return qs.order_by("team__name", "username")


def scorecard(scope: Scope) -> list[ScorecardRow]:
    """One row per agent with the scorecard KPIs. A handful of aggregate queries per agent:
    fine for a floor of tens of agents; the roll-ups are meant to replace it at scale."""
    kpis = [KPIS_BY_KEY[key] for key in SCORECARD_KEYS]
    rows = []
    for agent in scored_agents(scope):
        agent_scope = scope.with_agent(agent.pk)
        rows.append(ScorecardRow(agent, [kpi.compute(agent_scope) for kpi in kpis]))
    return rows


# --- An agent's own work (issue 15 item 14; 004: coaching and feedback) -----------------------


@dataclass
class AuditView:
    """A scored audit as the audited agent reads it: the score, each checklist item and whether
    it passed, the auditor's notes."""

    audit: AgentAudit
    items: list[tuple[ChecklistItem, bool | None]]


@dataclass
class MyWork:
    agent: User
    scope: Scope
    results: list[KpiResult]
    audits: list[AuditView]
    errors: list[AgentError]
    error_count: int  # M8: errors in the window since the last restoration
    restricted: bool


def own_work(agent: User, scope: Scope, *, limit: int = 50) -> MyWork:
    """``agent``'s own scorecard over ``scope`` (the scorecard KPIs computed raw, exactly as
    ``scorecard`` does, scoped to this agent whatever ``scope.agent_id`` says), their scored
    audits and the M8 errors recorded against them. Never anyone else's: every read is
    filtered by ``agent``. Audits still to score are not shown (the agent would learn which
    of their orders or calls is being checked)."""
    own = scope.with_agent(agent.pk)
    results = [KPIS_BY_KEY[key].compute(own) for key in SCORECARD_KEYS]
    audits = (
        AgentAudit.objects.filter(agent=agent, status=AuditStatus.SCORED)
        .select_related("order", "contact__lead", "scored_by")
        .order_by("-scored_at", "-pk")[:limit]
    )
    views = [
        AuditView(a, [(item, a.answers.get(item.key)) for item in CHECKLISTS[a.subject]])
        for a in audits
    ]
    errors = list(
        AgentError.objects.filter(agent=agent).select_related("order").order_by("-at")[:limit]
    )
    count = agent_error_count(agent)
    threshold = settings.ORDERDESK["AGENT_ERROR_THRESHOLD"]
    return MyWork(agent, own, results, views, errors, count, agent_is_restricted(count, threshold))
