"""Background jobs of the leads app (Django tasks API; run by ``orderdesk worker``).

``mark_missed_follow_ups_task`` is D10's periodic job: a chain (``core.periodic``) that runs
every ``MISSED_FOLLOW_UPS_SECONDS`` (default 300), registered in ``LeadsConfig.ready()`` and
kept alive by the worker. ``orderdesk mark_missed_follow_ups`` runs one pass by hand.
"""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from orderdesk.core.context import acting_as
from orderdesk.core.models import PeriodicJobState
from orderdesk.core.periodic import PeriodicChain, prune_finished_tasks
from orderdesk.leads.actions import mark_missed_follow_ups
from orderdesk.leads.imports import run_import
from orderdesk.leads.models import ImportJob


@task()
def mark_missed_follow_ups_task(scheduled_for: str | None = None) -> int:
    """D10: mark pending follow-ups missed once the policy's grace has passed. With
    ``scheduled_for`` it is a run of the chain (the next run is enqueued first)."""
    if scheduled_for is not None and not MISSED_FOLLOW_UPS.continue_chain(scheduled_for):
        return 0  # another chain has taken over
    with acting_as(None, via="worker"):
        count = mark_missed_follow_ups()
    prune_finished_tasks(mark_missed_follow_ups_task)
    return count


MISSED_FOLLOW_UPS = PeriodicChain(
    state_model=PeriodicJobState,
    name="missed_follow_ups",
    task=lambda: mark_missed_follow_ups_task,
    period_seconds=lambda: int(getattr(settings, "MISSED_FOLLOW_UPS_SECONDS", 300)),
    label="D10 missed follow-ups",
)


@task(queue_name="imports")
def import_leads_task(job_id: int) -> dict:
    """Run a lead import uploaded in the console (``leads.imports.run_import``), audited as the
    person who uploaded it, through the worker."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with acting_as(job.created_by, via="worker"):
        job = run_import(job)
    return {
        "status": job.status,
        "created": job.created_count,
        "matched": job.matched_count,
        "rejected": job.rejected_count,
    }
