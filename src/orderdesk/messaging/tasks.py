"""The sender inside ``orderdesk worker`` (django-tasks with the database backend).

Two tasks on the ``messages`` queue:

- ``send_due_messages`` — enqueued on ``transaction.on_commit`` by
  ``enqueue_message`` (once per transaction), and for the due time of a retry
  or a held promotional message. It drains what is due for up to
  ``TASK_TIME_BUDGET_SECONDS`` and enqueues itself again if more is left, so
  one busy queue never holds a worker for long.
- ``sweep_messages`` — the periodic safety net, every ``SWEEP_SECONDS``: it
  enqueues its successor *first*, in its own transaction, then drains. So a
  worker killed mid-sweep leaves the next sweep already queued; the chain is
  never lost with a process. ``orderdesk worker`` starts the chain and restarts
  it when overdue (``core.periodic``: registered in ``MessagingConfig.ready()``); a stale chain notices it was replaced (its
  ``scheduled_for`` no longer matches ``SenderState``) and ends.

The tasks are hints: the outbox rows are the truth. A task lost with a killed
worker (django-tasks-db leaves it RUNNING forever) costs nothing but latency:
the sweep claims the rows once their lease expires.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from orderdesk.core.context import acting_as
from orderdesk.core.periodic import PeriodicChain, can_defer, prune_finished_tasks
from orderdesk.messaging import sender
from orderdesk.messaging.conf import conf
from orderdesk.messaging.models import SenderState

logger = logging.getLogger(__name__)

QUEUE = "messages"

#: Called by every message sweep (after delivery): other messaging work that needs the
#: same safety net. ``MessagingConfig.ready`` registers the WhatsApp event processing.
SWEEP_HOOKS: list = []


@task(queue_name=QUEUE)
def send_due_messages() -> dict:
    with acting_as(None, via="worker"):
        report = sender.deliver_due(time_budget=conf().task_time_budget)
    _schedule_wake_ups(report.wake_ups)
    if report.more_due:
        send_due_messages.enqueue()
    return report.as_dict()


@task(queue_name=QUEUE)
def sweep_messages(scheduled_for: str) -> dict:
    if not _continue_chain(scheduled_for):
        return {"superseded": True}
    with acting_as(None, via="worker"):
        report = sender.deliver_due(time_budget=conf().task_time_budget)
    _schedule_wake_ups(report.wake_ups)
    if report.more_due:
        send_due_messages.enqueue()
    with acting_as(None, via="worker"):
        for hook in SWEEP_HOOKS:
            hook()
    _prune_finished_tasks()
    return report.as_dict()


SWEEP = PeriodicChain(
    state_model=SenderState,
    name="sender",
    task=lambda: sweep_messages,
    period_seconds=lambda: conf().sweep_seconds,
    label="message sweep",
)


def _prune_finished_tasks() -> None:
    prune_finished_tasks(send_due_messages, sweep_messages)


def _continue_chain(scheduled_for: str) -> bool:
    """Enqueue the next sweep before this one does any work (survives SIGKILL)."""
    return SWEEP.continue_chain(scheduled_for)


def ensure_sweep(*, now: dt.datetime | None = None) -> bool:
    """Start the sweep chain, or restart it when its next run is overdue. True if it (re)started."""
    return SWEEP.ensure(now=now)


def _schedule_wake_ups(times: list[dt.datetime]) -> None:
    # One wake-up per distinct second is enough: the task drains everything due.
    if not times or not can_defer():
        return
    for at in sorted({t.replace(microsecond=0) + dt.timedelta(seconds=1) for t in times})[:20]:
        send_due_messages.using(run_after=at).enqueue()


def _already_kicked(conn) -> bool:
    return any(getattr(item[1], "_orderdesk_kick", False) for item in conn.run_on_commit)


def kick_after_commit(*, at: dt.datetime | None = None) -> None:
    """Wake the sender once this transaction commits (once per transaction, not per message).

    Nothing is enqueued if the transaction rolls back: a message that was never
    committed is never sent.
    """
    conn = transaction.get_connection()
    if at is None or at <= timezone.now():
        if conn.in_atomic_block and _already_kicked(conn):
            return

        def kick():
            send_due_messages.enqueue()

        kick._orderdesk_kick = True
    else:

        def kick():
            if can_defer():
                send_due_messages.using(run_after=at).enqueue()

    transaction.on_commit(kick, robust=True)
