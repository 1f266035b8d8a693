"""Periodic jobs have one owner: ``orderdesk worker`` (core/periodic.py).

Every periodic job is registered in one registry; a fresh worker on a fresh database starts
and runs each of them, re-enqueues a job whose chain died, and nothing else (no web request,
no management command flag) starts a chain."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django_tasks_db.models import DBTaskResult

from orderdesk.core import periodic
from orderdesk.core.management.commands.worker import PeriodicKeeper
from orderdesk.testing.factories import make_customer

EXPECTED_JOBS = {
    "sender",
    "sla",
    "rollup",
    "retention",
    "missed_follow_ups",
    "telephony",
    "dropped_quotes",
}
T0 = dt.datetime(2026, 11, 20, 5, 30, tzinfo=dt.UTC)


def orderdesk(*args: str, env: dict, log: Path) -> None:
    command = [str(Path(sys.executable).with_name("orderdesk")), *args]
    with log.open("a") as out:
        done = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=300)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{log.read_text()[-4000:]}"


def test_every_periodic_job_is_registered_once_by_its_app():
    jobs = periodic.registered()
    assert set(jobs) == EXPECTED_JOBS
    task_paths = {job.task().module_path for job in jobs.values()}
    assert task_paths == {
        "orderdesk.messaging.tasks.sweep_messages",
        "orderdesk.cx.tasks.sweep_sla_task",
        "orderdesk.kpis.tasks.refresh_rollups_task",
        "orderdesk.customers.tasks.retention_sweep_task",
        "orderdesk.leads.tasks.mark_missed_follow_ups_task",
        "orderdesk.telephony.tasks.telephony_sweep",
        "orderdesk.storefront.tasks.dropped_quote_sweep_task",
    }


def test_a_second_job_under_a_taken_name_is_refused():
    taken = periodic.registered()["sla"]
    impostor = periodic.PeriodicChain(
        state_model=taken.state_model,
        name="sla",
        task=taken.task,
        period_seconds=taken.period_seconds,
        label="another SLA sweep",
    )
    with pytest.raises(ImproperlyConfigured, match="two periodic jobs named 'sla'"):
        periodic.register(impostor)
    assert periodic.registered()["sla"] is taken
    assert periodic.register(taken) is taken  # the same chain again: harmless


def test_a_fresh_worker_on_a_fresh_database_runs_every_registered_job(tmp_path):
    """A real ``orderdesk worker --batch`` process on a new, migrated SQLite file: at start-up
    it ensures every registered job, runs each job's first run (which enqueues its successor),
    and exits once only future runs are left."""
    database = tmp_path / "fresh.sqlite3"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": "",
        "SQLITE_PATH": str(database),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }
    orderdesk("migrate", "--noinput", env=env, log=log)
    orderdesk("worker", "--batch", "--no-reload", "--no-startup-delay", env=env, log=log)

    paths = {name: job.task().module_path for name, job in periodic.registered().items()}
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT task_path, status, run_after FROM django_tasks_database_dbtaskresult"
        ).fetchall()
    for name, path in paths.items():
        runs = [(status, run_after) for task_path, status, run_after in rows if task_path == path]
        statuses = sorted(status for status, _ in runs)
        # the first run, done; its successor, queued for later by the run itself
        assert statuses == ["READY", "SUCCESSFUL"], f"{name}: {runs}\n{log.read_text()[-4000:]}"
    assert len(rows) == 2 * len(paths), rows


@pytest.mark.django_db
def test_the_worker_restarts_a_chain_that_died_and_leaves_a_live_one_alone():
    with time_machine.travel(T0, tick=False):
        started = periodic.ensure_all()
    assert started == dict.fromkeys(EXPECTED_JOBS, True)
    first = DBTaskResult.objects.count()
    assert first == len(EXPECTED_JOBS)

    with time_machine.travel(T0 + dt.timedelta(seconds=10), tick=False):
        assert PeriodicKeeper(every=60).check() == []  # every chain is alive
    assert DBTaskResult.objects.count() == first

    # The runs were lost (a worker killed, its task rows gone): the next runs are overdue.
    DBTaskResult.objects.all().delete()
    with time_machine.travel(T0 + dt.timedelta(days=3), tick=False):
        assert sorted(PeriodicKeeper(every=60).check()) == sorted(EXPECTED_JOBS)
    restarted = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert restarted == sorted(job.task().module_path for job in periodic.registered().values())


@pytest.mark.django_db
def test_opening_a_ticket_or_reading_the_kpi_dashboard_starts_no_chain(
    cast, catalog, client, django_capture_on_commit_callbacks
):
    from orderdesk.cx.actions import open_ticket

    customer = make_customer()
    with django_capture_on_commit_callbacks(execute=True):
        open_ticket(type="complaint", customer=customer, created_by=cast["cx"], notes="Late")
    client.force_login(cast["supervisor"])
    response = client.get("/console/kpis/")
    assert response.status_code == 200
    assert not DBTaskResult.objects.filter(
        task_path__in=[job.task().module_path for job in periodic.registered().values()]
    ).exists()
