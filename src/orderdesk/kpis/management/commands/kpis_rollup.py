"""``orderdesk kpis_rollup``: build, refresh or verify the KPI roll-ups (docs/kpis.md).

    orderdesk kpis_rollup --rebuild              # derive every bucket from the raw rows
    orderdesk kpis_rollup --refresh              # apply the changes since the last scan
    orderdesk kpis_rollup --verify               # every KPI, several scopes: roll-up == raw?
    orderdesk kpis_rollup --generate 1000000     # load a seeded world first (scratch DB only!)

``--verify`` prints one JSON line per scope (both timings) and exits 1 on any difference.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time

from django.core.management.base import BaseCommand, CommandError

from orderdesk.accounts.models import Team, User
from orderdesk.kpis import rollup
from orderdesk.kpis.definitions import Scope, compute_all, compute_all_rollup
from orderdesk.kpis.generate import Sizes, generate
from orderdesk.leads.seeding import ensure_default_settings


def verify_scopes(end: dt.date, days: int, *, seed: int = 1, count: int = 8) -> list[Scope]:
    """Scopes to compare: the floor over the last week, a team over 30 days, an agent over 60,
    a city over 14, then random ranges of up to three weeks with random agent/team/city. (The
    raw reference needs minutes for a year at 1M contacts; the roll-up needs milliseconds.)"""
    rng = random.Random(seed)
    teams = list(Team.objects.values_list("pk", flat=True))
    agents = list(User.objects.filter(role__in=["sales", "cx"]).values_list("pk", flat=True))
    first = end - dt.timedelta(days=days - 1)

    def back(n):
        return max(first, end - dt.timedelta(days=n - 1))

    out = [Scope(back(7), end)]
    if teams:
        out.append(Scope(back(30), end, team_id=rng.choice(teams)))
    if agents:
        out.append(Scope(back(60), end, agent_id=rng.choice(agents)))
    out.append(Scope(back(14), end, city="Genpur"))
    while len(out) < count:
        a = first + dt.timedelta(days=rng.randrange(days))
        b = min(end, a + dt.timedelta(days=rng.randrange(21)))
        out.append(
            Scope(
                a,
                b,
                agent_id=rng.choice([None, *agents[:5]]),
                team_id=rng.choice([None, *teams[:3]]),
                city=rng.choice([None, "kpiabad"]),
            )
        )
    return out


class Command(BaseCommand):
    help = "Build, refresh or verify the KPI daily roll-ups."

    def add_arguments(self, parser):
        parser.add_argument("--generate", type=int, metavar="CONTACTS")
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--end", default="2026-11-30")
        parser.add_argument("--seed", type=int, default=8)
        parser.add_argument("--rebuild", action="store_true")
        parser.add_argument("--refresh", action="store_true")
        parser.add_argument("--verify", action="store_true")
        parser.add_argument("--scopes", type=int, default=8)

    def emit(self, **data):
        self.stdout.write(json.dumps(data, default=str))

    def handle(self, *args, **opts):
        end = dt.date.fromisoformat(opts["end"])
        if opts["generate"]:
            ensure_default_settings()
            t = time.perf_counter()
            counts = generate(
                Sizes(opts["generate"], days=opts["days"], end=end, seed=opts["seed"])
            )
            self.emit(step="generate", seconds=round(time.perf_counter() - t, 1), **counts)
        if opts["rebuild"] or opts["generate"]:
            t = time.perf_counter()
            stats = rollup.rebuild()
            self.emit(step="rebuild", seconds=round(time.perf_counter() - t, 1), **stats)
        if opts["refresh"]:
            t = time.perf_counter()
            stats = rollup.refresh()
            self.emit(step="refresh", seconds=round(time.perf_counter() - t, 2), **stats)
        if opts["verify"]:
            bad = 0
            for scope in verify_scopes(end, opts["days"], count=opts["scopes"]):
                t = time.perf_counter()
                raw = {r.kpi.key: (r.numerator, r.denominator) for r in compute_all(scope)}
                raw_s = time.perf_counter() - t
                t = time.perf_counter()
                rolled = {
                    r.kpi.key: (r.numerator, r.denominator)
                    for r in compute_all_rollup(scope, refresh=False)
                }
                roll_s = time.perf_counter() - t
                diff = {k: (raw[k], rolled[k]) for k in raw if raw[k] != rolled[k]}
                bad += bool(diff)
                self.emit(
                    step="verify",
                    scope=scope.__dict__,
                    equal=not diff,
                    kpis=len(raw),
                    raw_seconds=round(raw_s, 3),
                    rollup_seconds=round(roll_s, 4),
                    differences=diff,
                    sample={k: raw[k] for k in ("create_order_pct", "true_conversion_pct")},
                )
            if bad:
                raise CommandError(f"{bad} scope(s) differ between roll-up and raw")
