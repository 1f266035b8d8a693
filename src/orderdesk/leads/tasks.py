"""Background jobs of the leads app (Django tasks API; run by ``orderdesk worker``).

django-tasks has no scheduler: enqueue ``mark_missed_follow_ups_task`` every few minutes
from cron / a systemd timer (``orderdesk mark_missed_follow_ups`` does the same inline).
"""

from django_tasks import task

from orderdesk.core.context import acting_as
from orderdesk.leads.actions import mark_missed_follow_ups


@task()
def mark_missed_follow_ups_task() -> int:
    """D10: mark pending follow-ups missed once the policy's grace has passed."""
    with acting_as(None, via="worker"):
        return mark_missed_follow_ups()
