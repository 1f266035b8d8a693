"""S4: the retention job inside ``orderdesk worker`` (django-tasks), a daily periodic chain.

Like the SLA sweep (``cx.tasks``): each run enqueues its successor first
(``run_after`` = now + ``RETENTION_SWEEP_SECONDS``), then anonymises one batch of
customers past the retention period. ``orderdesk worker`` starts the chain and
keeps it alive (``core.periodic``: registered in ``CustomersConfig.ready()``);
``orderdesk retention`` runs one pass by hand.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from orderdesk.core.context import acting_as
from orderdesk.core.periodic import PeriodicChain, prune_finished_tasks
from orderdesk.customers.actions import anonymise_expired_customers
from orderdesk.customers.models import RetentionState
from orderdesk.customers.privacy import conf


@task(queue_name="default")
def retention_sweep_task(scheduled_for: str) -> dict:
    """S4: one run of the retention job, after scheduling the next one."""
    if not SWEEP.continue_chain(scheduled_for):
        return {"superseded": True}
    with acting_as(None, via="worker"):
        anonymised = anonymise_expired_customers()
    prune_finished_tasks(retention_sweep_task)
    return {"anonymised": anonymised}


SWEEP = PeriodicChain(
    state_model=RetentionState,
    name="retention",
    task=lambda: retention_sweep_task,
    period_seconds=lambda: conf().sweep_seconds,
    label="retention sweep",
)


def ensure_retention_sweep(*, now: dt.datetime | None = None) -> bool:
    """Start the retention chain, or restart it when overdue. True if it (re)started."""
    return SWEEP.ensure(now=now)
