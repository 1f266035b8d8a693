"""``orderdesk mark_missed_follow_ups``: the D10 job, one pass by hand (``orderdesk worker``
runs it periodically: ``leads.tasks``)."""

from django.core.management.base import BaseCommand

from orderdesk.core.context import acting_as
from orderdesk.leads.actions import mark_missed_follow_ups
from orderdesk.leads.tasks import mark_missed_follow_ups_task


class Command(BaseCommand):
    help = "Mark pending follow-ups missed once the contact policy's grace has passed (D10)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="enqueue the task for the worker instead"
        )

    def handle(self, *args, enqueue: bool, **options):
        if enqueue:
            result = mark_missed_follow_ups_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        with acting_as(None, via="cli"):
            count = mark_missed_follow_ups()
        self.stdout.write(f"{count} follow-up(s) marked missed")
