"""KPIs over the API (SPEC §11 ``GET /api/v1/kpis?from=&to=&agent=``, SPEC §7).

Every KPI defined in ``orderdesk.kpis.definitions`` with its numerator, denominator, value and
formula text, for a range of IST days, optionally one agent, one team or one city. Supervisors
only (``kpis.view``). Bad dates are a 422 naming the field; ``from`` after ``to`` is refused.
"""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from orderdesk.accounts.permissions import Perm
from orderdesk.api.auth import acting_user
from orderdesk.api.schemas import AUTH_ERRORS, INPUT_ERRORS
from orderdesk.kpis.definitions import compute_all_rollup
from orderdesk.kpis.selectors import build_scope

router = Router(tags=["kpis"])


class KpiQuery(Schema):
    # Strings, parsed by ``build_scope`` so every surface reports bad input the same way.
    date_from: str | None = Field(
        default=None,
        alias="from",
        description="first IST day, YYYY-MM-DD (default: 29 days before 'to')",
    )
    date_to: str | None = Field(
        default=None, alias="to", description="last IST day, inclusive, YYYY-MM-DD (default: today)"
    )
    agent: str | None = Field(default=None, description="a staff user id")
    team: str | None = Field(default=None, description="a team id")
    city: str | None = Field(default=None, max_length=80, description="a served city's name")


class KpiOut(Schema):
    key: str
    label: str
    kind: str = Field(
        description="percent, ratio, seconds (an average duration, in seconds) or count"
    )
    numerator: int
    numerator_label: str
    denominator: int | None = Field(description="null for a count KPI")
    denominator_label: str | None
    value: float | None = Field(description="null when the denominator is 0")
    formula: str
    spec: str
    target: float | None
    off_target: bool


class ScopeOut(Schema):
    date_from: dt.date = Field(serialization_alias="from")
    date_to: dt.date = Field(serialization_alias="to")
    agent: int | None
    team: int | None
    city: str | None
    timezone: str = "Asia/Kolkata"


class KpisOut(Schema):
    scope: ScopeOut
    kpis: list[KpiOut]


@router.get(
    "/kpis",
    response={200: KpisOut, **AUTH_ERRORS, **INPUT_ERRORS},
    by_alias=True,
    summary="Every KPI of SPEC §7 with numerator, denominator, value and formula",
)
def kpis(request, params: Query[KpiQuery]):
    acting_user(request, Perm.KPIS_VIEW)
    scope = build_scope(
        start=params.date_from,
        end=params.date_to,
        agent=params.agent,
        team=params.team,
        city=params.city,
    )
    return {
        "scope": {
            "date_from": scope.start,
            "date_to": scope.end,
            "agent": scope.agent_id,
            "team": scope.team_id,
            "city": scope.city,
        },
        "kpis": [r.as_dict() for r in compute_all_rollup(scope)],  # roll-ups == raw
    }
