"""``orderdesk telephony_sweep``: one pass of the telephony sweep (stale calls, unmatched
events, recording copies and retention), here; ``orderdesk worker`` runs the periodic chain
(core/periodic.py)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from orderdesk.core.context import acting_as
from orderdesk.telephony import tasks


class Command(BaseCommand):
    help = "Run the telephony sweep once (the worker runs it periodically by itself)."

    def handle(self, *args, **options):
        with acting_as(None, via="cli"):
            self.stdout.write(json.dumps(tasks.sweep_once()))
