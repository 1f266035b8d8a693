"""``orderdesk telephony_sweep``: one pass of the telephony sweep (stale calls, unmatched
events, recording copies and retention); ``--schedule`` starts the worker's chain."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from orderdesk.core.context import acting_as


class Command(BaseCommand):
    help = "Run the telephony sweep once, or (--schedule) start its periodic chain in the worker."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true")

    def handle(self, *args, schedule, **options):
        from orderdesk.telephony import tasks

        if schedule:
            self.stdout.write(json.dumps({"started": tasks.ensure_sweep()}))
            return
        with acting_as(None, via="cli"):
            self.stdout.write(json.dumps(tasks.sweep_once()))
