"""Benchmark: the CX SLA sweep (C2) over 100,000 open tickets on PostgreSQL.

    .venv/bin/python bench/sla_sweep.py --tickets 100000 --due-share 0.1

1. Make a scratch database (``orderdesk_bench_cx_sla`` on the server of BENCH_PG_URL /
   DATABASE_URL) and ``orderdesk migrate`` it in a subprocess.
2. In this process (``DEBUG=0``): one supervisor, one CX agent, ``--tickets / 10`` customers,
   and ``--tickets`` active tickets inserted in bulk with realistic clocks: ``--due-share``
   of them past their first-response deadline (they must breach and escalate), 10 % waiting
   on the customer (paused: never swept), the rest due later today.
3. Time ``cx.sla.sweep_sla(now)``, the job ``orderdesk sla_sweep`` and the worker's task
   run: the first run stamps the breaches and escalates every due ticket (one ``sla_breach``
   action and one audit event each); the second run over the same 100,000 finds nothing to
   do (exactly once); a third run, with every ticket's deadline passed, is the worst case
   (all of them due at once).
4. Check the results (each due ticket escalated exactly once) and print ``EXPLAIN ANALYZE``
   of the sweep's due-ticket query, then one line of JSON with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _scratch import machine, scratch_database

ORDERDESK = [sys.executable, "-m", "orderdesk.cli"]
DB_NAME = "orderdesk_bench_cx_sla"


def populate(n: int, due_share: float, now: dt.datetime) -> dict:
    from orderdesk.accounts.choices import Role
    from orderdesk.customers.models import Customer
    from orderdesk.cx.models import SlaPolicy, Ticket
    from orderdesk.testing.factories import make_user

    make_user(Role.SUPERVISOR, "bench-supervisor")
    agent = make_user(Role.CX, "bench-cx")
    n_customers = max(1, n // 10)
    Customer.objects.bulk_create(
        [Customer(name=f"Bench Customer {i}", phone=f"+9170{i:08d}") for i in range(n_customers)],
        batch_size=5000,
    )
    customer_ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    policy = SlaPolicy.in_force("complaint", "high", now)
    first, resolution = policy.first_response_minutes, policy.resolution_minutes
    n_due = int(n * due_share)
    n_waiting = n // 10
    rows = []
    counts = {"due": 0, "waiting": 0, "later": 0}
    for i in range(n):
        if i < n_due:  # opened long enough ago that the first response is overdue
            opened = now - dt.timedelta(minutes=first + 1 + i % 120)
            status, responded, paused, kind = "open", None, None, "due"
        elif i < n_due + n_waiting:
            opened = now - dt.timedelta(minutes=5 + i % 60)
            status, responded, paused, kind = "waiting_on_customer", opened, now, "waiting"
        else:
            opened = now - dt.timedelta(minutes=i % 25)
            status, responded, paused, kind = (
                ("in_progress", opened, None, "later") if i % 2 else ("open", None, None, "later")
            )
        counts[kind] += 1
        fr_due = opened + dt.timedelta(minutes=first)
        res_due = opened + dt.timedelta(minutes=resolution)
        next_due = None if paused else (fr_due if responded is None else res_due)
        rows.append(
            Ticket(
                type="complaint",
                customer_id=customer_ids[i % len(customer_ids)],
                channel="call",
                priority="high",
                status=status,
                assignee=agent if i % 3 else None,
                sla_policy=policy if policy.pk else None,
                first_response_minutes=first,
                resolution_minutes=resolution,
                first_response_due_at=fr_due,
                resolution_due_at=res_due,
                first_responded_at=responded,
                paused_at=paused,
                sla_next_due_at=next_due,
                waited_on_customer=paused is not None,
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=5000)
    return counts


def explain(now: dt.datetime) -> str:
    from django.db import connection

    from orderdesk.cx.choices import ACTIVE_STATUSES
    from orderdesk.cx.models import Ticket

    qs = (
        Ticket.objects.filter(
            sla_next_due_at__lte=now,
            status__in=[s for s in ACTIVE_STATUSES if s != "waiting_on_customer"],
        )
        .order_by("sla_next_due_at")
        .values_list("pk", flat=True)[:1000]
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql + " FOR UPDATE SKIP LOCKED", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def measure(n: int, due_share: float, batch_size: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.config.settings")
    django.setup()
    from django.db import connection
    from django.utils import timezone

    from orderdesk.cx.models import Ticket, TicketAction
    from orderdesk.cx.sla import sweep_sla

    now = timezone.now()
    started = time.perf_counter()
    counts = populate(n, due_share, now)
    populate_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    active = Ticket.objects.exclude(status__in=["resolved", "closed"]).count()

    t = time.perf_counter()
    first = sweep_sla(now=now, batch_size=batch_size)
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    second = sweep_sla(now=now, batch_size=batch_size)
    second_s = time.perf_counter() - t
    plan = explain(now + dt.timedelta(days=30))
    t = time.perf_counter()
    worst = sweep_sla(
        now=now + dt.timedelta(days=30), batch_size=batch_size
    )  # every deadline passed
    worst_s = time.perf_counter() - t

    breaches = TicketAction.objects.filter(kind="sla_breach")
    once = (
        not breaches.values("ticket_id")
        .annotate(n=django.db.models.Count("id"))
        .filter(n__gt=1)
        .exists()
    )
    assert first.escalated == counts["due"], (first, counts)
    assert second.escalated == 0 and second.examined == 0, second
    assert once, "a ticket was escalated twice"
    print(plan, file=sys.stderr)
    return {
        "benchmark": "cx_sla_sweep",
        "database": f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}",
        "tickets_active": active,
        "due_at_first_run": counts["due"],
        "waiting_paused": counts["waiting"],
        "batch_size": batch_size,
        "populate_s": round(populate_s, 1),
        "first_run": {**first.as_dict(), "wall_s": round(first_s, 3)},
        "second_run_nothing_due": {**second.as_dict(), "wall_s": round(second_s, 3)},
        "worst_case_all_due": {**worst.as_dict(), "wall_s": round(worst_s, 3)},
        "escalated_exactly_once": once,
        "date": dt.date.today().isoformat(),
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--due-share", type=float, default=0.1)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--name", default=DB_NAME, help="the scratch database's name")
    args = parser.parse_args()
    with scratch_database("postgres", args.name) as db_env:
        env = {**os.environ, **db_env, "DEBUG": "0"}
        subprocess.run([*ORDERDESK, "migrate", "-v0"], env=env, check=True)
        os.environ.update({**db_env, "DEBUG": "0"})
        result = measure(args.tickets, args.due_share, args.batch_size)
        from django.db import connections

        connections.close_all()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
