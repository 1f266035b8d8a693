"""Background jobs of the leads app (Django tasks API; run by ``orderdesk worker``).

django-tasks has no scheduler: enqueue ``mark_missed_follow_ups_task`` every few minutes
from cron / a systemd timer (``orderdesk mark_missed_follow_ups`` does the same inline).
"""

from django_tasks import task

from orderdesk.core.context import acting_as
from orderdesk.leads.actions import mark_missed_follow_ups
from orderdesk.leads.imports import run_import
from orderdesk.leads.models import ImportJob


@task()
def mark_missed_follow_ups_task() -> int:
    """D10: mark pending follow-ups missed once the policy's grace has passed."""
    with acting_as(None, via="worker"):
        return mark_missed_follow_ups()


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
