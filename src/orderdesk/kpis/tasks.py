"""The KPI roll-up refresh inside ``orderdesk worker`` (django-tasks, database backend).

A chain like the SLA sweep (``core.periodic.PeriodicChain``): each run enqueues its successor
first (``run_after`` = now + ``KPI_ROLLUP_SECONDS``, default 60), then applies the changes
since the last scan (``kpis.rollup.refresh``). ``orderdesk worker`` starts the chain
and restarts it when overdue (``core.periodic``: registered in ``KpisConfig.ready()``).
Reads also refresh before answering, so the worker only keeps that step short.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django_tasks import task

from orderdesk.core.context import acting_as
from orderdesk.core.periodic import PeriodicChain, prune_finished_tasks
from orderdesk.kpis import rollup
from orderdesk.kpis.models import RollupState


@task(queue_name="default")
def refresh_rollups_task(scheduled_for: str) -> dict:
    """One run of the roll-up refresh, after scheduling the next one."""
    if not CHAIN.continue_chain(scheduled_for):
        return {"superseded": True}
    with acting_as(None, via="worker"):
        report = rollup.refresh()
    prune_finished_tasks(refresh_rollups_task)
    return report


CHAIN = PeriodicChain(
    state_model=RollupState,
    name="rollup",
    task=lambda: refresh_rollups_task,
    period_seconds=lambda: int(getattr(settings, "KPI_ROLLUP_SECONDS", 60)),
    label="KPI roll-up refresh",
)


def ensure_rollup_refresh(*, now: dt.datetime | None = None) -> bool:
    """Start the refresh chain, or restart it when overdue. True if it (re)started."""
    return CHAIN.ensure(now=now)
