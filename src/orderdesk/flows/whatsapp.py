"""A lead from a WhatsApp number we do not know yet (customers, leads; issue 19).

The CX inbox offers it beside *Open a ticket* and *Start an order*: the customer (found or
created by the number) and the lead are made in one atomic block through their own
actions, so a refusal (a bad number, a missing name) leaves no customer row behind.
"""

from __future__ import annotations

from django.db import transaction

from orderdesk.accounts.permissions import Perm, has_perm, require
from orderdesk.customers.actions import get_or_create_customer
from orderdesk.leads.actions import create_lead
from orderdesk.leads.choices import LeadSource
from orderdesk.leads.models import Lead

#: The number wrote to us first: of the lead sources, the customer asking to be contacted.
WHATSAPP_LEAD_SOURCE = LeadSource.CALLBACK_REQUEST


@transaction.atomic
def start_lead_for_number(*, phone: str, name: str, agent) -> tuple[Lead, bool]:
    """The lead for the person who wrote from ``phone``: ``(lead, created)``.

    1. ``agent`` must hold ``LEADS_START`` (sales, CX, supervisors).
    2. The customer by phone, created with ``name`` if new (``get_or_create_customer``:
       the number normalised, ``invalid_phone`` / ``required`` refusals).
    3. ``leads.actions.create_lead`` with source ``callback_request``: an open lead of the
       customer's without a device is reused. A sales agent owns the lead they start; a
       CX agent's or supervisor's lead is unowned, so it waits in the sales agents' queue.
    """
    require(agent, Perm.LEADS_START)
    customer, _ = get_or_create_customer(name=name, phone=phone)
    owner = agent if has_perm(agent, Perm.LEADS_WORK) else None
    return create_lead(customer=customer, source=WHATSAPP_LEAD_SOURCE, owner=owner, actor=agent)
