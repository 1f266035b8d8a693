"""``orderdesk sla_sweep``: the C2 SLA job — inline once (by hand, the benchmark);
``orderdesk worker`` runs the periodic chain (core/periodic.py)."""

from django.core.management.base import BaseCommand

from orderdesk.core.context import acting_as
from orderdesk.cx.conf import conf
from orderdesk.cx.sla import sweep_sla


class Command(BaseCommand):
    help = (
        "Stamp SLA breaches, escalate breached tickets to a supervisor (once each) and close "
        "resolved tickets past the reopen window (C2)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, batch_size: int | None, **options):
        with acting_as(None, via="cli"):
            report = sweep_sla(batch_size=batch_size or conf().sweep_batch_size)
        self.stdout.write(
            f"{report.examined} ticket(s) past a deadline: {report.first_response_breaches} "
            f"first-response and {report.resolution_breaches} resolution breach(es), "
            f"{report.escalated} escalated, {report.closed} closed, in {report.seconds:.2f} s"
        )
