"""``orderdesk send_messages``: a standalone sender loop (the worker runs the same code as tasks).

    orderdesk send_messages            # loop: deliver what is due, sleep --interval, repeat
    orderdesk send_messages --once     # deliver everything due now, then exit

Any number of these and of ``orderdesk worker`` processes may run at once: rows
are claimed with leases (see ``orderdesk.messaging.sender``). SIGTERM/SIGINT stop
after the message in hand; SIGKILL loses nothing (the lease expires).
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from orderdesk.core.context import acting_as
from orderdesk.messaging import sender


class Command(BaseCommand):
    help = "Deliver due messages from the outbox (a loop, or --once)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="deliver what is due, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")

    def handle(self, *, once: bool, interval: float, verbosity: int, **options):
        self.running = True

        def stop(signum, frame):
            self.running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        with acting_as(None, via="worker"):
            while self.running:
                close_old_connections()
                report = sender.deliver_due(should_stop=lambda: not self.running)
                if verbosity > 1 or (verbosity and report.claimed):
                    self.stdout.write(str(report.as_dict()))
                if once:
                    return
                if not report.more_due and self.running:
                    time.sleep(interval)
