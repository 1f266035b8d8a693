"""Demo leads and contact history, and the bulk contact load (``orderdesk seed --contacts N``).

The demo step hands the demo customers to ``leads.seeding.seed_leads``, which works them
through the real actions (every rule applies; each write is audited as the demo agent's
action, because that is what the rows stand for). The bulk load hands the other customers
to ``leads.seeding.seed_leads_bulk`` in chunks.

Both are idempotent: the demo step skips customers that already have a lead; the bulk
load makes sure N contact attempts exist (a re-run adds only what is missing).
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from tqdm import tqdm

from orderdesk.accounts.choices import Role
from orderdesk.accounts.models import User
from orderdesk.catalog.models import Variant
from orderdesk.customers.models import Customer
from orderdesk.flows.contacts import D6_LOOKUP
from orderdesk.leads.models import ContactAttempt, Lead
from orderdesk.leads.seeding import (
    DEFAULT_TRIES,
    ensure_default_settings,
    seed_leads,
    seed_leads_bulk,
)
from orderdesk.seed.people import DEMO_CUSTOMERS

LEADS_SEED = 20240616
# Customers handed to one ``seed_leads_bulk`` call: it asks "which of these have a lead?"
# with an IN list, which must stay under SQLite's parameter cap.
BULK_CHUNK = 20_000


def sales_agents() -> list[User]:
    """The demo's sales agents (demo-sales first), active ones only."""
    return list(User.objects.filter(role=Role.SALES, is_active=True).order_by("username"))


def seed_demo_leads(stats: dict) -> None:
    """Demo step: leads for the demo customers (the first ``DEMO_CUSTOMERS`` made), worked by
    the sales agents: new, unanswered, Will Place Order with follow-ups due today and tomorrow,
    a missed one, Waiting for Quote, Already Placed an Order (D6), Not Interested."""
    ensure_default_settings()
    agents = sales_agents()
    customers = list(Customer.objects.order_by("pk")[:DEMO_CUSTOMERS])
    variants = list(
        Variant.objects.filter(active=True, model__active=True)
        .select_related("model")
        .order_by("model__high_end", "pk")[:40]
    )
    if agents and customers:
        seed_leads(
            customers, agents, rng=random.Random(LEADS_SEED), variants=variants, d6=D6_LOOKUP
        )
    stats["leads"] = Lead.objects.count()
    stats["contacts"] = ContactAttempt.objects.count()


@dataclass
class BulkResult:
    requested: int
    existing: int
    leads: int
    contacts: int
    follow_ups: int
    seconds: float

    @property
    def contacts_per_second(self) -> float:
        return self.contacts / self.seconds if self.seconds else 0.0


def tries_for(contacts_per_lead: float) -> tuple[int, ...]:
    """The not-connected tries before a lead's final contact, shifted up when the customers
    available are too few for the contacts asked (``seed_leads_bulk`` gives one lead per
    customer). 10% headroom, so the last chunk is not short."""
    mean = sum(DEFAULT_TRIES) / len(DEFAULT_TRIES) + 1
    shift = max(0, math.ceil(contacts_per_lead * 1.1 - mean))
    return tuple(t + shift for t in DEFAULT_TRIES)


def seed_contacts_bulk(
    total: int, *, batch_size: int = 10_000, progress: bool = True
) -> BulkResult:
    """Make sure ``total`` contact attempts exist (demo ones included), adding leads with
    their contact history for customers who have none, by the sales agents.

    1. Count what exists; stop if there is enough.
    2. Pick the customers without a lead (ids only), and how many tries per lead are needed.
    3. Hand them to ``seed_leads_bulk`` ``BULK_CHUNK`` at a time until enough contacts exist.
    """
    started = time.perf_counter()
    ensure_default_settings()
    existing = ContactAttempt.objects.count()
    made = {"leads": 0, "contacts": 0, "follow_ups": 0}
    missing = total - existing
    if missing > 0:
        agent_ids = [a.pk for a in sales_agents()]
        if not agent_ids:
            raise ValueError("No sales agents: run the demo steps first.")
        free = list(
            Customer.objects.filter(~Exists(Lead.objects.filter(customer_id=OuterRef("pk"))))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        tries = tries_for(missing / max(1, len(free)))
        rng = random.Random(LEADS_SEED + existing)
        bar = tqdm(
            total=missing, unit="contact", unit_scale=True, disable=not progress, smoothing=0.1
        )
        for start in range(0, len(free), BULK_CHUNK):
            left = missing - made["contacts"]
            if left <= 0:
                break
            result = seed_leads_bulk(
                left,
                customer_ids=free[start : start + BULK_CHUNK],
                agent_ids=agent_ids,
                rng=rng,
                batch_size=batch_size,
                tries=tries,
                progress=bar.update,
            )
            for key in made:
                made[key] += result[key]
        bar.close()
    return BulkResult(
        total,
        existing,
        made["leads"],
        made["contacts"],
        made["follow_ups"],
        time.perf_counter() - started,
    )
