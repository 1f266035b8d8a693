"""The webhook sender inside ``orderdesk worker``, on messaging's ``messages`` queue.

- ``deliver_webhooks``: the wake-up, enqueued once per transaction on commit by every
  write that queues a delivery (an event, a replay, a resume) and for a retry's due time.
  It drains for up to ``TASK_TIME_BUDGET_SECONDS`` and enqueues itself again if more is due.
- ``sweep_webhooks``: registered in messaging's ``SWEEP_HOOKS`` (``WebhooksConfig.ready``),
  so the message sweep's periodic chain (every ``MESSAGING_SWEEP_SECONDS``, restarted by
  ``orderdesk worker``) is the webhooks' safety net too: a wake-up lost with a killed
  worker costs latency, never an event; the rows are the truth.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django_tasks import task

from orderdesk.core.context import acting_as
from orderdesk.core.periodic import can_defer, prune_finished_tasks
from orderdesk.messaging.tasks import QUEUE
from orderdesk.webhooks import sender
from orderdesk.webhooks.conf import conf


def _drain() -> dict:
    with acting_as(None, via="worker"):
        report = sender.deliver_due(time_budget=conf().task_time_budget)
    _schedule_wake_ups(report.wake_ups)
    if report.more_due:
        deliver_webhooks.enqueue()
    return report.as_dict()


@task(queue_name=QUEUE)
def deliver_webhooks() -> dict:
    return _drain()


def sweep_webhooks() -> None:
    """The message sweep's hook: drain what is due (retries whose wake-up was lost)."""
    _drain()
    prune_finished_tasks(deliver_webhooks)


def _schedule_wake_ups(times: list[dt.datetime]) -> None:
    if not times or not can_defer():
        return
    for at in sorted({t.replace(microsecond=0) + dt.timedelta(seconds=1) for t in times})[:20]:
        deliver_webhooks.using(run_after=at).enqueue()


def kick_after_commit() -> None:
    """Wake the sender once this transaction commits (once per transaction)."""
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(
        getattr(item[1], "_orderdesk_webhooks_kick", False) for item in conn.run_on_commit
    ):
        return

    def kick():
        deliver_webhooks.enqueue()

    kick._orderdesk_webhooks_kick = True
    transaction.on_commit(kick, robust=True)
