"""Every write on CX tickets (SPEC §6 C1-C3, M9, D6): atomic, audited, called by the console,
the API, the worker and the seed alike. One module per noun:

- ``opening``: open a ticket (type, priority, channel; M9 needs the order; C2 clocks);
- ``steps``: C1 Listen/Apologise/Act and ``record_action``, the one entry point for a step;
  ``record_act``, an Act whose effect another domain carries out (M9, from ``flows``);
- ``status``: the order status update sent to the customer (service guidelines §4.6);
- ``escalation``: C2 waiting on the customer, resuming, escalating by hand;
- ``resolution``: resolve, reopen, note, follow up, assign (C1/C3);
- ``order_not_found``: D6, CX's finding (the lead's settlement is passed in by ``flows``);
- ``csat``: C3 survey links, reply codes and answers;
- ``_blocks``: the package's building blocks (lock, the one status move, the action row).

The SLA sweep and the closing of resolved tickets are ``cx.sla``; the reads (the facts CX
reads out, the supervisor an escalation goes to) are ``cx.selectors``. The workflows that
reach into orders and leads (M9 cancellation / price acceptance, D6's settlement of the
lead) are ``flows.disputes`` and ``flows.order_not_found``, reached by the doors through
``flows.tickets.record_ticket_action``.

A refusal raises a ``DomainError`` before anything is written (or inside the transaction,
which then rolls back): a refused step changes nothing.

This package re-exports the public names so that ``from orderdesk.cx.actions import X``
keeps working for the tests; product code imports from the specific module.
"""

from orderdesk.cx.actions._blocks import StepResult
from orderdesk.cx.actions.csat import (
    CSAT_SALT,
    answer_csat,
    answer_csat_by_reply,
    answer_csat_by_token,
    csat_token,
    csat_url,
    survey_for_token,
)
from orderdesk.cx.actions.escalation import escalate_ticket, resume_ticket, wait_on_customer
from orderdesk.cx.actions.opening import open_ticket
from orderdesk.cx.actions.order_not_found import act_on_order_not_found
from orderdesk.cx.actions.resolution import (
    add_note,
    assign_ticket,
    record_follow_up,
    reopen_ticket,
    resolve_ticket,
)
from orderdesk.cx.actions.status import send_order_status_update
from orderdesk.cx.actions.steps import FLOW_OUTCOMES, record_act, record_action
from orderdesk.cx.selectors import order_status_facts, price_dispute_facts
from orderdesk.cx.sla import SweepReport, close_resolved_tickets, sweep_sla

__all__ = [
    "CSAT_SALT",
    "FLOW_OUTCOMES",
    "StepResult",
    "SweepReport",
    "act_on_order_not_found",
    "add_note",
    "answer_csat",
    "answer_csat_by_reply",
    "answer_csat_by_token",
    "assign_ticket",
    "close_resolved_tickets",
    "csat_token",
    "csat_url",
    "escalate_ticket",
    "open_ticket",
    "order_status_facts",
    "price_dispute_facts",
    "record_act",
    "record_action",
    "record_follow_up",
    "reopen_ticket",
    "resolve_ticket",
    "resume_ticket",
    "send_order_status_update",
    "survey_for_token",
    "sweep_sla",
    "wait_on_customer",
]
