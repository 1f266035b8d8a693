"""``orderdesk dropped_quotes``: turn web quotes left without an order into leads, once,
here (cron, by hand); ``--schedule`` starts the worker's chain instead."""

from django.core.management.base import BaseCommand

from orderdesk.core.context import acting_as


class Command(BaseCommand):
    help = "Turn verified web quotes with no order after the configured time into web_quote leads."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="start the worker's chain")

    def handle(self, *args, schedule: bool, **options):
        if schedule:
            from orderdesk.storefront.tasks import ensure_dropped_quote_sweep

            started = ensure_dropped_quote_sweep()
            self.stdout.write(
                "dropped-quote chain " + ("started" if started else "already running")
            )
            return
        from orderdesk.storefront.actions import convert_dropped_quotes

        with acting_as(None, via="cli"):
            counts = convert_dropped_quotes()
        self.stdout.write(
            f"{counts['lead']} lead(s) made, {counts['ordered']} ordered meanwhile, "
            f"{counts['skipped']} not followed up (do-not-contact)"
        )
