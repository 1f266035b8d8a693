"""``orderdesk dropped_quotes``: turn web quotes left without an order into leads, once,
here (by hand); ``orderdesk worker`` runs the periodic job (core/periodic.py)."""

from django.core.management.base import BaseCommand

from orderdesk.core.context import acting_as
from orderdesk.storefront.actions import convert_dropped_quotes


class Command(BaseCommand):
    help = "Turn verified web quotes with no order after the configured time into web_quote leads."

    def handle(self, *args, **options):
        with acting_as(None, via="cli"):
            counts = convert_dropped_quotes()
        self.stdout.write(
            f"{counts['lead']} lead(s) made, {counts['ordered']} ordered meanwhile, "
            f"{counts['skipped']} not followed up (do-not-contact)"
        )
