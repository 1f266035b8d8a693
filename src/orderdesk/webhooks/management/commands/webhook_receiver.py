"""``orderdesk webhook_receiver --secret whsec_… [--port 8025]``: the demo's receiver."""

from django.core.management.base import BaseCommand

from orderdesk.webhooks.conf import conf
from orderdesk.webhooks.receiver import Receiver


class Command(BaseCommand):
    help = "Serve a reference webhook receiver that verifies signatures (demo and tests)."

    def add_arguments(self, parser):
        parser.add_argument("--secret", required=True, help="the endpoint's signing secret")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8025)

    def handle(self, *args, secret: str, host: str, port: int, **options):
        receiver = Receiver(secret, tolerance=conf().tolerance_seconds)
        self.stdout.write(f"webhook receiver on http://{host}:{port}/hooks")
        receiver.serve_forever(host, port)
