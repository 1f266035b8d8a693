"""``orderdesk seed``: load the demo data, and optionally a large customer base.

``orderdesk seed`` loads the demo (catalog, questionnaires, service areas,
vendors, slots, teams, the SPEC §10 demo users with password ``demo``, ~200
customers). It is idempotent: run it again to top up pickup slots for the
coming days; nothing is duplicated.

``orderdesk seed --customers N`` also makes sure the first N generated customers
exist (see ``orderdesk.seed.scale``), with bulk inserts and a progress bar.
``--contacts N`` then makes sure N contact attempts exist, on leads of customers
who have none (see ``orderdesk.seed.leads``), also in bulk with a progress bar.

Audit: seeding is a bulk system load, not a person's action, so it writes no
audit event per seeded row (a million rows would bury the trail and add nothing
a reviewer needs). It writes ONE event, ``seed.run``, on the demo admin user,
with the counts of the run, so the trail shows when demo data was loaded. The
demo leads are the exception: they are worked through the leads actions, which
audit each call as the demo agent's (``orderdesk.seed.leads``); the bulk contact
load writes none.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from orderdesk.accounts.models import User
from orderdesk.core import audit
from orderdesk.core.context import acting_as
from orderdesk.seed.demo import run_demo_steps
from orderdesk.seed.leads import seed_contacts_bulk
from orderdesk.seed.scale import seed_scale


class Command(BaseCommand):
    help = "Load demo data (idempotent); --customers N adds a large generated customer base."

    def add_arguments(self, parser):
        parser.add_argument(
            "--customers",
            type=int,
            default=0,
            help="Also make sure N generated customers exist (bulk insert, e.g. 1000000).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=10_000,
            help="Customers per transaction (default 10000).",
        )
        parser.add_argument(
            "--contacts",
            type=int,
            default=0,
            help="Also make sure N contact attempts exist, on generated leads (e.g. 5000000).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(
        self,
        *args,
        customers: int,
        batch_size: int,
        no_progress: bool,
        verbosity: int,
        contacts: int = 0,
        **options,
    ):
        if customers < 0 or contacts < 0:
            raise CommandError("--customers and --contacts must be 0 or more.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        with acting_as(None, via="cli"):
            stats = run_demo_steps()
            scale = None
            if customers:
                scale = seed_scale(
                    customers, batch_size=batch_size, progress=verbosity > 0 and not no_progress
                )
                stats["customers"] = stats["customers"] + scale.customers
                stats["addresses"] = stats["addresses"] + scale.addresses
            bulk = None
            if contacts:
                bulk = seed_contacts_bulk(
                    contacts, batch_size=batch_size, progress=verbosity > 0 and not no_progress
                )
                stats["leads"] = stats["leads"] + bulk.leads
                stats["contacts"] = stats["contacts"] + bulk.contacts
            with transaction.atomic():
                admin = User.objects.get(username="demo-admin")
                after = dict(stats)
                if scale:
                    after["generated_customers_created"] = scale.customers
                audit.record("seed.run", admin, after=after)
        if verbosity > 0:
            self.stdout.write(
                "Demo data: " + ", ".join(f"{value} {name}" for name, value in stats.items())
            )
            if scale:
                self.stdout.write(
                    f"Generated customers: {scale.customers} created, {scale.skipped} already there, "
                    f"{scale.addresses} addresses in {scale.seconds:.1f} s "
                    f"({scale.customers_per_second:,.0f} customers/s, {scale.rows_per_second:,.0f} rows/s)"
                )
                self.stdout.write(
                    "SEED_RESULT "
                    + json.dumps(
                        {
                            "requested": scale.requested,
                            "customers_created": scale.customers,
                            "addresses_created": scale.addresses,
                            "skipped_existing": scale.skipped,
                            "seconds": round(scale.seconds, 2),
                            "customers_per_second": round(scale.customers_per_second),
                            "rows_per_second": round(scale.rows_per_second),
                        }
                    )
                )
            if bulk:
                self.stdout.write(
                    f"Contact attempts: {bulk.contacts} created on {bulk.leads} new leads "
                    f"({bulk.follow_ups} follow-ups), {bulk.existing} already there, in "
                    f"{bulk.seconds:.1f} s ({bulk.contacts_per_second:,.0f} contacts/s)"
                )
