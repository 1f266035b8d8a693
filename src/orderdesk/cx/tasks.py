"""The SLA sweep inside ``orderdesk worker`` (django-tasks, database backend) — C2.

``sweep_sla_task`` is a chain like messaging's ``sweep_messages``: each run enqueues its
successor *first* (``run_after`` = now + ``CX_SLA_SWEEP_SECONDS``), in its own transaction,
then sweeps — so a worker killed mid-sweep leaves the next run already queued.
``orderdesk worker`` starts the chain and restarts it when overdue (``core.periodic``:
registered in ``CxConfig.ready()``; nothing else starts it); a stale chain notices
that ``SlaSweepState.next_sweep_at`` no longer matches its ``scheduled_for`` and ends, so
duplicate chains collapse into one. The sweep itself is safe to run from any number of
processes at once (row locks with SKIP LOCKED, conditional UPDATEs).
"""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from orderdesk.core.context import acting_as
from orderdesk.core.periodic import PeriodicChain, prune_finished_tasks
from orderdesk.cx.conf import conf
from orderdesk.cx.models import SlaSweepState
from orderdesk.cx.sla import sweep_sla

logger = logging.getLogger(__name__)

QUEUE = "default"


@task(queue_name=QUEUE)
def sweep_sla_task(scheduled_for: str) -> dict:
    """C2: one run of the SLA sweep, after scheduling the next one."""
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


SWEEP = PeriodicChain(
    state_model=SlaSweepState,
    name="sla",
    task=lambda: sweep_sla_task,
    period_seconds=lambda: conf().sweep_seconds,
    label="SLA sweep",
)


def _continue_chain(scheduled_for: str) -> bool:
    return SWEEP.continue_chain(scheduled_for)


def ensure_sla_sweep(*, now: dt.datetime | None = None) -> bool:
    """Start the SLA sweep chain, or restart it when overdue. True if it (re)started."""
    return SWEEP.ensure(now=now)


def _prune_finished_tasks() -> None:
    prune_finished_tasks(sweep_sla_task)
