"""``orderdesk telephony_simulator --port 8159``: our Exotel-speaking provider for the demo."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from orderdesk.telephony.actions import webhook_url as our_webhook
from orderdesk.telephony.simulator import SimulatorServer


class Command(BaseCommand):
    help = "Serve the telephony simulator (Exotel's Connect API; posts callbacks to orderdesk)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8159)
        parser.add_argument(
            "--speed", type=float, default=1.0, help="play calls this many times faster"
        )
        parser.add_argument(
            "--webhook-url",
            default="",
            help="where inbound calls (POST /simulate/inbound) post their callbacks; by default "
            "this orderdesk's simulator webhook (TELEPHONY_PUBLIC_URL and the secret)",
        )

    def handle(self, *args, host, port, speed, webhook_url, **options):
        server = SimulatorServer(
            (host, port), speed=speed, webhook_url=webhook_url or our_webhook("simulator")
        )
        self.stdout.write(f"telephony simulator on {server.base_url} (speed x{speed})")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
