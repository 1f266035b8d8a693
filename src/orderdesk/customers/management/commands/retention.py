"""``orderdesk retention``: the S4 job — anonymise customers past the retention period, once,
here (by hand); ``orderdesk worker`` runs the daily chain (core/periodic.py);
``--dry-run`` only counts who is due."""

from django.core.management.base import BaseCommand

from orderdesk.core.context import acting_as
from orderdesk.customers.actions import anonymise_expired_customers
from orderdesk.customers.privacy import conf, due_for_anonymisation


class Command(BaseCommand):
    help = "Anonymise the personal data of customers past the retention period (S4)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count who is due, change nothing"
        )
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, dry_run: bool, batch_size: int | None, **options):

        days = conf().personal_data_days
        if dry_run:
            due = due_for_anonymisation().count()
            self.stdout.write(f"{due} customer(s) inactive for more than {days} days are due")
            return
        with acting_as(None, via="cli"):
            done = anonymise_expired_customers(batch_size=batch_size)
        self.stdout.write(f"{done} customer(s) inactive for more than {days} days anonymised")
