"""Benchmark: the supervisors' KPI dashboard at 50,000 and 5,000,000 contact attempts
(PostgreSQL), read from the daily roll-ups (issue 8).

    .venv/bin/python bench/kpi_dashboard.py --contacts 50000
    .venv/bin/python bench/kpi_dashboard.py --contacts 1000000 --replicate 5   # 5,000,000

1. A scratch database (``wt_kpi_bench_dash`` on BENCH_PG_URL / DATABASE_URL; ``--reuse NAME``
   takes an existing one as it is), migrated; ``kpis.generate`` writes a seeded world of
   ``--contacts`` contact attempts over 365 IST days (COPY), then ``kpis.rollup.rebuild()``.
2. ``--replicate K``: the world is copied K-1 more times in SQL (new ids, same agents, days
   and cities), so there are K x the contacts, leads, orders, tickets. Each copy contributes
   exactly the same facts as the original, so the roll-up of the K-fold world is the
   original's with every bucket's ``n`` times K, and each source's facts copied under the new
   ids (done in SQL; ``--verify`` then checks roll-up == raw on a few scopes of the big world).
   Used because generating and rolling up 5M rows in Python takes about an hour on this
   shared 2-core machine; the bucket table therefore has the 1M world's cardinality.
3. Time ``GET /console/kpis/`` (full middleware and template: every KPI, the trend charts'
   data, the scorecard; read-path refresh scan included) through ``django.test.Client``
   signed in as a supervisor, for the last 7, 30 and 365 days; p50 / p95 / max ms over
   ``--runs`` runs after 3 warm-ups. One JSON line per scope.

``--keep`` leaves the database; by default it is dropped at the end.

``--baseline-contacts B`` first runs this script with ``--contacts B`` (no replication,
database ``<name>_base``) in a subprocess, then prints the P4 figure line
(bench/_figure.py): for each range the p50 at this size over the p50 at B; the figure is the
worst range's (target <= 1.5 for every range).
"""

# ruff: noqa: S608 (SQL built from model table and column names only)
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _figure import emit
from _scratch import DEFAULT_PG_SERVER, _with_db, create_database, machine

END = dt.date(2026, 11, 30)
REPLICATED = [  # (app_label.Model, unique text columns rewritten per copy)
    ("customers.Customer", ("phone",)),
    ("customers.Address", ()),
    ("leads.Lead", ("order_number",)),
    ("leads.ContactAttempt", ("order_number",)),
    ("orders.Order", ("number", "guard_key")),
    ("orders.OrderEvent", ()),
    ("cx.Ticket", ("order_number",)),
    ("cx.CsatSurvey", ("nonce", "reply_code")),
    ("orders.AgentError", ()),
    ("orders.DuplicateAttempt", ()),
]
SOURCE_OF = {
    "lead": "leads.Lead",
    "order": "orders.Order",
    "ticket": "cx.Ticket",
    "survey": "cx.CsatSurvey",
    "error": "orders.AgentError",
    "duplicate": "orders.DuplicateAttempt",
}


def timed(fn, runs: int) -> dict:
    for _ in range(3):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 1),
        "max_ms": round(samples[-1], 1),
        "runs": runs,
    }


def replicate(copies: int) -> dict:
    """Copy the generated world ``copies - 1`` more times (see the module docstring)."""
    from django.apps import apps
    from django.db import connection, transaction

    models = {label: apps.get_model(label) for label, _ in REPLICATED}
    with connection.cursor() as cursor:
        offsets = {}
        for label, model in models.items():
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
            offsets[label] = cursor.fetchone()[0]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        assert copies <= 26, "one letter per copy"
        for k in range(1, copies):
            for label, unique in REPLICATED:
                model = models[label]
                cols, exprs = [], []
                for f in model._meta.concrete_fields:
                    cols.append(f.column)
                    target = (
                        f.related_model._meta.label if f.is_relation and f.related_model else None
                    )
                    if f.primary_key:
                        exprs.append(f"{f.column} + {k * offsets[label]}")
                    elif target in offsets:
                        exprs.append(f"{f.column} + {k * offsets[target]}")
                    elif f.name in ("guard_key", "nonce"):  # roomy columns: append the copy
                        exprs.append(
                            f"CASE WHEN {f.column} = '' THEN '' ELSE {f.column} || '~{k}' END"
                        )
                    elif f.name in unique:  # one letter per copy replaces the first two
                        exprs.append(
                            f"CASE WHEN {f.column} = '' THEN '' "
                            f"ELSE '{chr(64 + k)}' || substr({f.column}, 3) END"
                        )
                    else:
                        exprs.append(f.column)
                table = model._meta.db_table
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {table} "
                    f"WHERE id <= {offsets[label]}"
                )
            for kind, label in SOURCE_OF.items():
                cursor.execute(
                    "INSERT INTO kpis_rollupsource (key, facts) SELECT "
                    f"'{kind}:' || (split_part(key, ':', 2)::bigint + {k * offsets[label]}), facts "
                    f"FROM kpis_rollupsource WHERE key LIKE '{kind}:%%' "
                    f"AND split_part(key, ':', 2)::bigint <= {offsets[label]}"
                )
        cursor.execute(f"UPDATE kpis_rollupbucket SET n = n * {copies}")
        for model in models.values():
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
        from django.utils import timezone

        from orderdesk.kpis.models import RollupState
        from orderdesk.kpis.rollup import _marks

        state = RollupState.objects.select_for_update().get(name="rollup")
        _marks(state)
        state.scanned_until = timezone.now()
        state.save()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"replicate_seconds": round(time.perf_counter() - started, 1), "copies": copies}


def add_monthly_rows() -> int:
    """For a database rolled up before the monthly grain existed: derive the monthly rows from
    the daily ones in SQL (the same mapping as ``kpis.rollup._grains``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM kpis_rollupbucket WHERE grain = 'm'")
        if cursor.fetchone()[0]:
            return 0
        cursor.execute(
            "INSERT INTO kpis_rollupbucket "
            "(grain, measure, level, agent_id, team_id, city, day, prev_day, n) "
            "SELECT 'm', measure, level, agent_id, team_id, city, m, "
            "CASE WHEN prev_day < m THEN prev_day ELSE m END, SUM(n) FROM "
            "(SELECT *, date_trunc('month', day)::date AS m FROM kpis_rollupbucket "
            "WHERE grain = 'd') d GROUP BY measure, level, agent_id, team_id, city, m, 8"
        )
        return cursor.rowcount


def small_size(args) -> dict:
    """P4's baseline: this script at ``--baseline-contacts`` in a subprocess; range -> row."""
    small = subprocess.run(
        [sys.executable, __file__, "--contacts", str(args.baseline_contacts),
         "--runs", str(args.runs), "--name", args.name + "_base"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    baseline = {}
    for line in small.stdout.splitlines():
        row = json.loads(line) if line.startswith("{") else {}
        if "range_days" in row:
            baseline[row["range_days"]] = row
    print("baseline size: " + json.dumps(baseline), flush=True)
    return baseline


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=50000)
    parser.add_argument("--replicate", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", metavar="DATABASE")
    parser.add_argument("--name", default="wt_kpi_bench_dash", help="scratch database name")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--verify", type=int, default=0, metavar="SCOPES")
    parser.add_argument("--baseline-contacts", type=int, default=0, help="P4: the small size")
    args = parser.parse_args()
    baseline = small_size(args) if args.baseline_contacts else {}

    import psycopg

    server = os.environ.get("BENCH_PG_URL") or os.environ.get("DATABASE_URL") or DEFAULT_PG_SERVER
    name = args.reuse or os.environ.get("BENCH_DB_PREFIX", "") + args.name
    admin = _with_db(server, "postgres")
    if not args.reuse:
        with psycopg.connect(admin, autocommit=True) as conn:
            create_database(conn, name)
    os.environ["DATABASE_URL"] = _with_db(server, name)
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from orderdesk.accounts.models import User
    from orderdesk.kpis import rollup
    from orderdesk.leads.models import ContactAttempt

    report: dict = {"machine": machine(), "date": dt.date.today().isoformat(), "database": name}
    try:
        if not args.reuse:
            call_command("migrate", verbosity=0)
            from orderdesk.kpis.generate import Sizes, generate
            from orderdesk.leads.seeding import ensure_default_settings

            ensure_default_settings()
            t = time.perf_counter()
            report["generated"] = generate(Sizes(args.contacts, days=365, end=END))
            report["generate_seconds"] = round(time.perf_counter() - t, 1)
            t = time.perf_counter()
            report["rebuild"] = rollup.rebuild()
            report["rebuild_seconds"] = round(time.perf_counter() - t, 1)
        else:
            call_command("migrate", verbosity=0)
            report["monthly_rows_added"] = add_monthly_rows()
        if args.replicate > 1:
            report.update(replicate(args.replicate))
        from orderdesk.kpis.models import RollupBucket

        report["contacts"] = ContactAttempt.objects.count()
        report["buckets"] = RollupBucket.objects.count()
        print(json.dumps(report))

        setup_test_environment()
        supervisor = User.objects.filter(role="supervisor").first()
        client = Client()
        client.force_login(supervisor)
        timings = {}
        for days in (7, 30, 365):
            url = f"/console/kpis/?from={END - dt.timedelta(days=days - 1)}&to={END}"

            def get(url=url):
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            timings[days] = timed(get, args.runs)
            print(
                json.dumps(
                    {
                        "contacts": report["contacts"],
                        "buckets": report["buckets"],
                        "range_days": days,
                        "dashboard": timings[days],
                    }
                )
            )
        if baseline:
            ratios = {
                d: timings[d]["p50_ms"] / max(baseline[d]["dashboard"]["p50_ms"], 0.001)
                for d in timings
            }
            worst = max(ratios, key=ratios.get)
            emit(
                "P4",
                "KPI dashboard (GET /console/kpis/) p50 ms at the big size vs the small size, "
                "worst of the 7/30/365-day ranges",
                timings[worst]["p50_ms"],
                baseline[worst]["dashboard"]["p50_ms"],
                1.5,
                {"big_contacts": report["contacts"],
                 "small_contacts": baseline[worst]["contacts"], "runs": args.runs},
                better="lower",
                unit="ms (p50)",
                ratio=ratios[worst],
                worst_range_days=worst,
                ratio_by_range={str(d): round(r, 3) for d, r in ratios.items()},
            )  # fmt: skip
        if args.verify:  # after the timings: the raw reference is slow at this size
            call_command(
                "kpis_rollup", verify=True, scopes=args.verify, end=END.isoformat(), days=365
            )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
