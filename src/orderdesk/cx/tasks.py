"""The SLA sweep inside ``orderdesk worker`` (django-tasks, database backend) — C2.

``sweep_sla_task`` is a chain like messaging's ``sweep_messages``: each run enqueues its
successor *first* (``run_after`` = now + ``CX_SLA_SWEEP_SECONDS``), in its own transaction,
then sweeps — so a worker killed mid-sweep leaves the next run already queued.
``ensure_sla_sweep()`` starts the chain and restarts it when overdue (called after every
``open_ticket`` commit and by ``orderdesk sla_sweep --schedule``); a stale chain notices
that ``SlaSweepState.next_sweep_at`` no longer matches its ``scheduled_for`` and ends, so
duplicate chains collapse into one. The sweep itself is safe to run from any number of
processes at once (row locks with SKIP LOCKED, conditional UPDATEs).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task, task_backends

from orderdesk.core.context import acting_as
from orderdesk.cx.conf import conf
from orderdesk.cx.models import SlaSweepState

logger = logging.getLogger(__name__)

QUEUE = "default"


def _can_defer() -> bool:
    return getattr(task_backends["default"], "supports_defer", False)


@task(queue_name=QUEUE)
def sweep_sla_task(scheduled_for: str) -> dict:
    """C2: one run of the SLA sweep, after scheduling the next one."""
    from orderdesk.cx.actions import sweep_sla

    if not _continue_chain(scheduled_for):
        return {"superseded": True}
    settings = conf()
    with acting_as(None, via="worker"):
        report = sweep_sla(
            batch_size=settings.sweep_batch_size, time_budget=settings.sweep_time_budget
        )
    SlaSweepState.objects.filter(name="sla").update(last_report=report.as_dict())
    _prune_finished_tasks()
    return report.as_dict()


def _continue_chain(scheduled_for: str) -> bool:
    now = timezone.now()
    with transaction.atomic():
        state, _ = SlaSweepState.objects.select_for_update().get_or_create(name="sla")
        if state.next_sweep_at and state.next_sweep_at.isoformat() != scheduled_for:
            return False  # another chain has taken over
        nxt = now + dt.timedelta(seconds=conf().sweep_seconds)
        state.next_sweep_at = nxt
        state.last_sweep_at = now
        state.save()
        if _can_defer():
            sweep_sla_task.using(run_after=nxt).enqueue(scheduled_for=nxt.isoformat())
    return True


def ensure_sla_sweep(*, now: dt.datetime | None = None) -> bool:
    """Start the SLA sweep chain, or restart it when overdue. True if it (re)started."""
    if not _can_defer():
        return False
    now = now or timezone.now()
    grace = dt.timedelta(seconds=conf().sweep_seconds * 2 + 60)
    state = SlaSweepState.objects.filter(name="sla").first()
    if state and state.next_sweep_at and state.next_sweep_at > now - grace:
        return False  # cheap path: a sweep is scheduled and not overdue
    with transaction.atomic():
        state, _ = SlaSweepState.objects.select_for_update().get_or_create(name="sla")
        if state.next_sweep_at and state.next_sweep_at > now - grace:
            return False
        state.next_sweep_at = now
        state.save()
        sweep_sla_task.enqueue(scheduled_for=now.isoformat())
    logger.info("SLA sweep (re)started")
    return True


def _prune_finished_tasks() -> None:
    """The chain leaves one finished task row per run: keep a day of them, no more."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another tasks backend keeps its own results
        return
    DBTaskResult.objects.filter(
        task_path=sweep_sla_task.module_path,
        status="SUCCESSFUL",
        finished_at__lt=timezone.now() - dt.timedelta(days=1),
    ).delete()
