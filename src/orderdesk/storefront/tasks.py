"""The dropped-quote sweep inside ``orderdesk worker`` (django-tasks), a periodic chain.

``SWEEP`` is registered in ``StorefrontConfig.ready()`` with the periodic-job registry
(core/periodic.py): ``orderdesk worker`` starts it and keeps it alive;
``orderdesk dropped_quotes`` runs one pass by hand.
Each run enqueues its successor first, then turns the web quotes left without an order
after ``DROPPED_QUOTE_MINUTES`` into leads (``actions.convert_dropped_quotes``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django_tasks import task

from orderdesk.core.context import acting_as
from orderdesk.core.periodic import PeriodicChain, prune_finished_tasks
from orderdesk.storefront.actions import convert_dropped_quotes
from orderdesk.storefront.models import DroppedQuoteSweepState


@task(queue_name="default")
def dropped_quote_sweep_task(scheduled_for: str) -> dict:
    """One run of the dropped-quote sweep, after scheduling the next one."""
    if not SWEEP.continue_chain(scheduled_for):
        return {"superseded": True}
    with acting_as(None, via="worker"):
        counts = convert_dropped_quotes()
    prune_finished_tasks(dropped_quote_sweep_task)
    return counts


SWEEP = PeriodicChain(
    state_model=DroppedQuoteSweepState,
    name="dropped_quotes",
    task=lambda: dropped_quote_sweep_task,
    period_seconds=lambda: settings.ORDERDESK["STOREFRONT"]["DROPPED_QUOTE_SWEEP_SECONDS"],
    label="dropped-quote sweep",
)


def ensure_dropped_quote_sweep(*, now: dt.datetime | None = None) -> bool:
    """Start the chain, or restart it when overdue. True if it (re)started."""
    return SWEEP.ensure(now=now)
