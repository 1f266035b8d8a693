"""``orderdesk export_leads --as USER [--from --to --status --team --agent] [--out FILE]``:
the console's lead export (masked, audited) as a command."""

from django.core.management.base import BaseCommand

from orderdesk.accounts.exports import run_export_command
from orderdesk.core.exports import add_export_arguments
from orderdesk.leads import exports


class Command(BaseCommand):
    help = "Export leads as CSV (phones masked; audited)."

    def add_arguments(self, parser):
        add_export_arguments(parser)

    def handle(self, *args, **options):
        run_export_command(
            self, "leads", exports, exports.leads_for_export, exports.lead_rows, options
        )
