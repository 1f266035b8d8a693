"""The telephony work inside ``orderdesk worker`` (django-tasks, queue ``telephony``).

- ``process_events``: applies stored webhook events (enqueued after the webhook commits).
- ``copy_recording_task``: copies a recording into our storage when a call ends.
- ``telephony_sweep``: the periodic chain (every ``TELEPHONY_SWEEP_SECONDS``): retries
  unmatched events, polls calls with no terminal event (``fetch_call``) and deletes
  recordings past their retention period. It enqueues its successor first
  (``core.periodic``); it is registered in ``TelephonyConfig.ready()`` and owned by
  ``orderdesk worker``, which starts it and keeps it alive (nothing starts it from a web
  request).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django_tasks import task

from orderdesk.core.context import acting_as
from orderdesk.core.periodic import PeriodicChain, prune_finished_tasks
from orderdesk.telephony import actions
from orderdesk.telephony.choices import EventOutcome
from orderdesk.telephony.conf import conf
from orderdesk.telephony.models import Call, CallEvent, SweepState
from orderdesk.telephony.providers import ProviderError

logger = logging.getLogger(__name__)

QUEUE = "telephony"


@task(queue_name=QUEUE)
def process_events(event_ids: list[int]) -> dict:
    outcomes: dict[str, int] = {}
    with acting_as(None, via="worker"):
        for pk in event_ids:
            outcome = actions.process_event(pk)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@task(queue_name=QUEUE)
def copy_recording_task(call_id: int) -> dict:
    with acting_as(None, via="worker"):
        try:
            return {"copied": actions.copy_recording(call_id)}
        except ProviderError as exc:
            # The sweep retries (a copy is attempted while the provider's link lives).
            logger.warning("recording of call %s not copied yet: %s", call_id, exc)
            return {"copied": False, "error": str(exc)[:200]}


def enqueue_events(event_ids: list[int]) -> None:
    process_events.enqueue(event_ids=event_ids)


def enqueue_recording_copy(call_id: int) -> None:
    copy_recording_task.enqueue(call_id=call_id)


def sweep_once(*, now: dt.datetime | None = None) -> dict:
    """One pass: unmatched events, stale calls, missing copies, expired recordings."""
    retried = 0
    for pk in CallEvent.objects.filter(
        outcome__in=(EventOutcome.PENDING, EventOutcome.UNMATCHED)
    ).values_list("pk", flat=True)[:500]:
        retried += actions.process_event(pk, now=now) == EventOutcome.APPLIED
    polled = actions.poll_stale_calls(now=now)
    copies = 0
    for pk in (
        Call.objects.exclude(recording_url="")
        .filter(Q(recording="") & Q(recording_deleted_at__isnull=True) & Q(ended_at__isnull=False))
        .values_list("pk", flat=True)[:50]
    ):
        try:
            copies += actions.copy_recording(pk, now=now)
        except ProviderError as exc:
            logger.warning("recording of call %s not copied: %s", pk, exc)
    deleted = actions.delete_expired_recordings(now=now)
    return {"events": retried, "polled": polled, "copied": copies, "deleted": deleted}


@task(queue_name=QUEUE)
def telephony_sweep(scheduled_for: str) -> dict:
    if not SWEEP.continue_chain(scheduled_for):
        return {"superseded": True}
    with acting_as(None, via="worker"):
        report = sweep_once()
    prune_finished_tasks(process_events, copy_recording_task, telephony_sweep)
    return report


SWEEP = PeriodicChain(
    state_model=SweepState,
    name="telephony",
    task=lambda: telephony_sweep,
    period_seconds=lambda: conf().sweep_seconds,
    label="telephony sweep",
)


def ensure_sweep(*, now: dt.datetime | None = None) -> bool:
    """Start the telephony chain, or restart it when overdue. True if it (re)started."""
    return SWEEP.ensure(now=now)
