"""Demo data for orderdesk: ``orderdesk seed`` (SPEC §10).

The demo is built by a list of steps, one per domain, run in order inside one
transaction. Each step is a function ``step(stats: dict) -> None`` that

- writes with ``get_or_create`` / ``update_or_create`` keyed on natural keys
  (a username, a pincode, a brand and model name…), so a second run changes
  nothing and never fails;
- puts the counts worth showing into ``stats`` (``stats["models"] = …``).

To add a domain (leads, orders, tickets…): write ``seed/<domain>.py`` with a
``seed_<domain>(stats)`` function and append it to ``DEMO_STEPS`` after the
steps whose rows it needs (orders need customers, users and slots). Bulk
volume belongs in ``seed/scale.py``, not in a demo step.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from orderdesk.seed.areas import seed_areas
from orderdesk.seed.catalog import seed_catalog
from orderdesk.seed.leads import seed_demo_leads
from orderdesk.seed.orders_and_tickets import seed_demo_orders_and_tickets
from orderdesk.seed.people import seed_customers, seed_teams_and_users

Step = Callable[[dict], None]

DEMO_STEPS: list[Step] = [
    seed_catalog,
    seed_areas,
    seed_teams_and_users,
    seed_customers,
    seed_demo_leads,  # leads and contact history, through the leads actions (audited)
    seed_demo_orders_and_tickets,  # orders in every state and CX tickets, through the actions
]


@transaction.atomic
def run_demo_steps(steps: list[Step] | None = None) -> dict:
    """Run every demo step (or ``steps``) and return the counts they reported."""
    stats: dict = {}
    for step in DEMO_STEPS if steps is None else steps:
        step(stats)
    return stats
