"""``orderdesk whatsapp_simulator``: play the customer's side of WhatsApp for the demo.

    MESSAGING_WHATSAPP_PROVIDER=cloud WHATSAPP_CLOUD_BASE_URL=http://127.0.0.1:8171 \\
    WHATSAPP_PHONE_NUMBER_ID=SIM WHATSAPP_ACCESS_TOKEN=sim-token \\
    WHATSAPP_APP_SECRET=sim-secret WHATSAPP_VERIFY_TOKEN=sim-verify orderdesk serve   # and the worker

    orderdesk whatsapp_simulator --port 8171 --webhook http://127.0.0.1:8000/webhooks/whatsapp/ \\
        --receipts-every 2 --fail 919800000000

It serves a fake Graph API (records sends, answers like the Cloud API) and POSTs
signed receipts and customer messages to orderdesk's webhook. Its settings come
from the same MESSAGING settings orderdesk reads (app secret, token, phone-number id),
so the two agree; see docs/whatsapp.md. Then, for example:

    curl -X POST localhost:8171/_sim/inbound -d '{"from":"+919812345678","text":"Hi, pickup?"}'
    curl localhost:8171/_sim/sent
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from orderdesk.messaging.conf import conf
from orderdesk.messaging.simulator import Simulator, http_poster, serve


class Command(BaseCommand):
    help = "Serve a fake WhatsApp Cloud API that posts signed webhooks to orderdesk (demo, tests)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8171)
        parser.add_argument(
            "--webhook",
            default="http://127.0.0.1:8000/webhooks/whatsapp/",
            help="orderdesk's webhook URL",
        )
        parser.add_argument(
            "--receipts-every",
            type=float,
            default=None,
            help="seconds between sent/delivered/read receipts for each send (default: on request)",
        )
        parser.add_argument(
            "--fail",
            action="append",
            default=[],
            help="a number (digits, no +) whose messages fail with 131026; repeatable",
        )

    def handle(self, *args, **options):
        c = conf()
        if not c.whatsapp_app_secret:
            raise CommandError("Set WHATSAPP_APP_SECRET: the simulator signs webhooks with it.")
        sim = Simulator(
            app_secret=c.whatsapp_app_secret,
            access_token=c.whatsapp_access_token or "sim-token",
            phone_number_id=c.whatsapp_phone_number_id or "SIM",
            post=http_poster(options["webhook"]),
            receipt_delay=options["receipts_every"],
            fail_numbers=frozenset(n.lstrip("+") for n in options["fail"]),
        )
        server = serve(sim, options["host"], options["port"])
        host, port = server.server_address[:2]
        self.stdout.write(
            f"WhatsApp simulator on http://{host}:{port} "
            f"(Graph API /{c.whatsapp_api_version}/{sim.phone_number_id}/messages), "
            f"webhooks to {options['webhook']}"
        )
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        stop.wait()
        server.shutdown()
        server.server_close()
        self.stdout.write(f"stopped after {len(sim.sent)} sends, {len(sim.webhooks)} webhooks")
