"""Benchmark: the lead queue and the lead page for a busy agent, at scale, on PostgreSQL.

    .venv/bin/python bench/leads_queue.py --customers 1000000 --contacts 5000000
    .venv/bin/python bench/leads_queue.py --customers 10000 --contacts 50000

1. Make a scratch database (``orderdesk_bench_leads`` on the server of BENCH_PG_URL /
   DATABASE_URL), ``orderdesk migrate``, then time
   ``orderdesk seed --customers N --contacts M`` in a subprocess.
2. In this process, pointed at that database (``DEBUG=0``): pick the busy agent (the sales
   agent with the most open leads) and, of their leads, the one with the most contacts.
3. Time, over ``--runs`` runs after 5 warm-up runs: ``leads.selectors.lead_queue`` (the
   50 rows evaluated, with their customer and device), ``agent_queue`` (the same queue as
   three index range scans; what the console uses), ``unowned_leads``,
   ``due_follow_ups``, ``find_leads`` by phone, and ``GET /console/leads/<id>/`` (the lead
   page, full middleware and template, through ``django.test.Client`` signed in as the
   agent). p50 / p95 / max ms.
4. Print ``EXPLAIN (ANALYZE, BUFFERS)`` of the queue query and of the lead page's contact
   list, then one line of JSON with the figures.

``--keep`` leaves the database in place; ``--reuse`` skips step 1 and uses it as it is.

``--baseline-customers B --baseline-contacts C`` first runs this script at that small size
in a subprocess (database ``<name>_base``; ``--keep`` / ``--reuse`` apply to it too), then
prints the P3 figure line (bench/_figure.py): the queue page's p95 at the big size over
its p95 at the small one (target <= 1.5).
"""

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
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _figure import emit
from _scratch import DEFAULT_PG_SERVER, create_database, machine, scratch_database

ORDERDESK = [sys.executable, "-m", "orderdesk.cli"]
DB_NAME = "orderdesk_bench_leads"


def timed(fn, runs: int) -> dict:
    for _ in range(5):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
        "max_ms": round(samples[-1], 2),
        "runs": runs,
    }


def seed(env: dict, customers: int, contacts: int) -> float:
    subprocess.run([*ORDERDESK, "migrate", "-v0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [*ORDERDESK, "seed", "--customers", str(customers), "--contacts", str(contacts)],
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def measure(runs: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.config.settings")
    django.setup()
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.utils import timezone

    from orderdesk.accounts.models import User
    from orderdesk.customers.models import Customer
    from orderdesk.leads import selectors
    from orderdesk.leads.models import ContactAttempt, FollowUp, Lead

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    agent = (
        User.objects.filter(role="sales")
        .annotate(open_leads=Count("leads", filter=Q(leads__closed_for_sales=False)))
        .order_by("-open_leads")
        .first()
    )
    lead = (
        Lead.objects.filter(owner=agent, closed_for_sales=False)
        .annotate(n=Count("contacts"))
        .order_by("-n", "pk")
        .first()
    )
    phone = lead.customer.phone
    client = Client()
    client.force_login(agent)
    url = f"/console/leads/{lead.pk}/"
    assert client.get(url).status_code == 200
    assert client.get("/console/leads/").status_code == 200
    now = timezone.now()

    figures = {
        "rows": {
            "customers": Customer.objects.count(),
            "leads": Lead.objects.count(),
            "contacts": ContactAttempt.objects.count(),
            "follow_ups": FollowUp.objects.count(),
            "agent_open_leads": agent.open_leads,
            "agent_leads": Lead.objects.filter(owner=agent).count(),
            "lead_contacts": lead.n,
        },
        "lead_queue": timed(lambda: list(selectors.lead_queue(agent, now=now)), runs),
        "agent_queue": timed(lambda: selectors.agent_queue(agent, now=now), runs),
        "unowned_leads": timed(lambda: list(selectors.unowned_leads()), runs),
        "due_follow_ups": timed(lambda: list(selectors.due_follow_ups(agent, now=now)), runs),
        "find_leads_by_phone": timed(lambda: list(selectors.find_leads(phone)), runs),
        "lead_page_get": timed(lambda: client.get(url), runs),
        "queue_page_get": timed(lambda: client.get("/console/leads/"), runs),
    }
    queue_plan = selectors.lead_queue(agent, now=now).explain(analyze=True, buffers=True)
    contacts_plan = (
        lead.contacts.select_related("agent", "disposition")
        .order_by("-at", "-id")[:100]
        .explain(analyze=True, buffers=True)
    )
    base = Lead.objects.filter(owner=agent, closed_for_sales=False)
    by_follow_up = ("next_follow_up_at", "-priority", "created_at")
    agent_plans = {
        "due": base.filter(next_follow_up_at__lte=now).order_by(*by_follow_up)[:50],
        "later": base.filter(next_follow_up_at__gt=now).order_by(*by_follow_up)[:50],
        "rest": base.filter(next_follow_up_at__isnull=True).order_by("-priority", "created_at")[
            :50
        ],
    }
    for name, qs in agent_plans.items():
        plan = qs.explain(analyze=True, buffers=True)
        print(f"EXPLAIN agent_queue ({name}):\n{plan}\n")
    print("EXPLAIN lead_queue:\n" + queue_plan + "\n")
    print("EXPLAIN lead page contacts:\n" + contacts_plan + "\n")
    figures["plans"] = {"lead_queue": queue_plan, "lead_contacts": contacts_plan}
    return figures


def _database_url(name: str) -> str:
    server = os.environ.get("BENCH_PG_URL") or os.environ.get("DATABASE_URL") or DEFAULT_PG_SERVER
    return urlunsplit(urlsplit(server)._replace(path="/" + name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is")
    parser.add_argument("--name", default=DB_NAME, help="the scratch database's name")
    parser.add_argument("--baseline-customers", type=int, help="P3: the small size's customers")
    parser.add_argument("--baseline-contacts", type=int, help="P3: the small size's contacts")
    args = parser.parse_args()

    baseline = None
    if args.baseline_customers is not None:
        flags = [f"--{k}" for k in ("keep", "reuse") if getattr(args, k)]
        small = subprocess.run(
            [sys.executable, __file__, "--customers", str(args.baseline_customers),
             "--contacts", str(args.baseline_contacts or args.baseline_customers * 5),
             "--runs", str(args.runs), "--name", args.name + "_base", *flags],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        [line] = [x for x in small.stdout.splitlines() if x.startswith("BENCH_RESULT ")]
        baseline = json.loads(line.removeprefix("BENCH_RESULT "))
        print("baseline size: " + line, flush=True)

    seed_seconds = None
    if args.reuse or args.keep:
        url = _database_url(args.name)
        if args.reuse:  # bring a kept database up to the code's migrations (new indexes)
            env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
            subprocess.run([*ORDERDESK, "migrate", "-v0"], env=env, check=True)
        else:
            import psycopg

            with psycopg.connect(_database_url("postgres"), autocommit=True) as conn:
                create_database(conn, args.name)
            env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
            seed_seconds = seed(env, args.customers, args.contacts)
        os.environ.update({"DATABASE_URL": url, "DEBUG": "0"})
        figures = measure(args.runs)
    else:
        with scratch_database("postgres", args.name) as db_env:
            env = {**os.environ, **db_env, "DEBUG": "0"}
            seed_seconds = seed(env, args.customers, args.contacts)
            os.environ.update({**db_env, "DEBUG": "0"})
            figures = measure(args.runs)
    print(
        "BENCH_RESULT "
        + json.dumps(
            {
                "bench": "leads_queue",
                "database": "postgres",
                "customers_requested": args.customers,
                "contacts_requested": args.contacts,
                "seed_seconds": round(seed_seconds, 1) if seed_seconds else None,
                **{k: v for k, v in figures.items() if k != "plans"},
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": machine(),
            }
        )
    )
    if baseline is not None:
        emit(
            "P3",
            "lead queue page (GET /console/leads/) p95 ms at the big size vs the small size",
            figures["queue_page_get"]["p95_ms"],
            baseline["queue_page_get"]["p95_ms"],
            1.5,
            {"big": [args.customers, args.contacts],
             "small": [args.baseline_customers, baseline["contacts_requested"]],
             "runs": args.runs},
            better="lower",
            unit="ms (p95)",
            lead_page_p95_ms=[figures["lead_page_get"]["p95_ms"],
                              baseline["lead_page_get"]["p95_ms"]],
        )  # fmt: skip


if __name__ == "__main__":
    main()
