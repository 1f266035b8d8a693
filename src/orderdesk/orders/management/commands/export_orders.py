"""``orderdesk export_orders --as USER [--from --to --status --team --agent] [--out FILE]``:
the console's order export (phones and payment details masked, audited) as a command."""

from django.core.management.base import BaseCommand

from orderdesk.accounts.exports import run_export_command
from orderdesk.core.exports import add_export_arguments
from orderdesk.orders import exports


class Command(BaseCommand):
    help = "Export orders as CSV (phones and payment details masked; audited)."

    def add_arguments(self, parser):
        add_export_arguments(parser)

    def handle(self, *args, **options):
        run_export_command(
            self, "orders", exports, exports.orders_for_export, exports.order_rows, options
        )
