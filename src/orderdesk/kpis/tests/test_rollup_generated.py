"""Roll-ups equal the raw computation on a randomised (seeded) generated world, for every KPI
and many scopes — on SQLite and on PostgreSQL (run with DATABASE_URL). Then the world changes
(orders complete, a ticket breaches, a lead closes, a team moves) and, after ``refresh()``,
the roll-ups still equal raw."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from orderdesk.accounts.models import Team, User
from orderdesk.kpis import rollup
from orderdesk.kpis.definitions import Scope, compute_all, compute_all_rollup
from orderdesk.kpis.generate import Sizes, generate

pytestmark = pytest.mark.django_db

END = dt.date(2026, 11, 30)


def figures(results):
    return {r.kpi.key: (r.numerator, r.denominator) for r in results}


def scopes(rng):
    teams = list(Team.objects.filter(name__startswith="Gen team").values_list("pk", flat=True))
    agents = list(User.objects.filter(username__startswith="gen-").values_list("pk", flat=True))
    out = [
        Scope(END - dt.timedelta(days=59), END),
        Scope(END, END),
        Scope(dt.date(2026, 11, 1), END),  # one whole month: the monthly rows
        Scope(dt.date(2026, 10, 15), END),  # days, then a whole month
        Scope(dt.date(2026, 10, 1), dt.date(2026, 11, 3), city="genpur"),  # month, then days
    ]
    for _ in range(10):
        a = END - dt.timedelta(days=rng.randrange(60))
        b = min(END, a + dt.timedelta(days=rng.randrange(1, 30)))
        out.append(
            Scope(
                a,
                b,
                agent_id=rng.choice([None, None, *agents]),
                team_id=rng.choice([None, None, *teams]),
                city=rng.choice([None, None, "genpur", "KPIABAD", "Nowhere"]),
            )
        )
    return out


def assert_equal(rng):
    for scope in scopes(rng):
        raw = figures(compute_all(scope))
        assert figures(compute_all_rollup(scope, refresh=False)) == raw, scope
    # the whole floor over the whole range has something to compare
    assert raw is not None


def test_rollup_equals_raw_on_generated_world_and_after_changes(catalog):
    from orderdesk.cx.models import Ticket
    from orderdesk.leads.models import Lead
    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.orders.models import Order

    ensure_default_settings()
    counts = generate(Sizes(contacts=3000, days=60, end=END, seed=11))
    assert counts["contacts"] >= 3000
    rollup.rebuild()
    rng = random.Random(5)
    whole = Scope(END - dt.timedelta(days=59), END)
    base = figures(compute_all(whole))
    assert all(den for key, (num, den) in base.items() if key != "contacts_after_already_ordered")
    assert_equal(rng)

    # Later state changes earlier days: orders complete, get marked duplicate; a ticket breaches;
    # a lead is closed as already ordered; an agent moves team.
    for order in Order.objects.exclude(status="completed").order_by("pk")[:40]:
        order.status = "completed"
        order.save(update_fields=["status", "updated_at"])
    first, second = Order.objects.order_by("pk")[:2]
    second.duplicate_of = first
    second.save(update_fields=["duplicate_of", "updated_at"])
    from django.utils import timezone

    Ticket.objects.filter(pk__in=Ticket.objects.order_by("pk").values("pk")[:5]).update(
        resolution_breached_at=timezone.now()
    )
    lead = Lead.objects.filter(closed_for_sales=False).order_by("pk").first()
    lead.status, lead.closed_for_sales = "already_ordered", True
    lead.closed_reason, lead.closed_at = "already_ordered", whole.since
    lead.save()
    mover = User.objects.filter(username__startswith="gen-", team__isnull=False).first()
    from orderdesk.core import audit

    mover.team = Team.objects.filter(name__startswith="Gen team").exclude(pk=mover.team_id).first()
    mover.save(update_fields=["team"])
    audit.record("user.change_team", mover, after={"team": mover.team_id})

    rollup.refresh()
    assert figures(compute_all(whole)) != base  # the changes moved the figures
    assert_equal(rng)


def test_trend_points_equal_raw_for_each_period(catalog):
    """Each chart point (a day, a week, or a calendar month) is the KPI over that period alone."""
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()
    generate(Sizes(contacts=1500, days=45, end=END, seed=3))
    rollup.rebuild()
    scope = Scope(dt.date(2026, 10, 20), END)
    # weekly periods (daily rows), then a partial and a whole month (monthly rows)
    weekly = [scope.start + dt.timedelta(days=7 * i) for i in range(3)]
    for starts in (weekly, [scope.start, dt.date(2026, 11, 1)]):
        check_periods(scope, starts)


def check_periods(scope, starts):
    periods = rollup.measures_by_period(scope, starts)
    ends = [s - dt.timedelta(days=1) for s in starts[1:]] + [scope.end]
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        raw = figures(compute_all(Scope(start, end)))
        from orderdesk.kpis.definitions import KPIS

        assert {
            k.key: (r.numerator, r.denominator) for k in KPIS for r in [k.from_measures(periods[i])]
        } == raw
