"""S4: the tickets' part in a customer's export, erasure and retention (customers.privacy).

Registered in CxConfig.ready().
"""

from __future__ import annotations

from django.db.models import OuterRef, Q

from orderdesk.core import audit
from orderdesk.customers.privacy import PrivacyContributor
from orderdesk.cx.choices import TicketStatus
from orderdesk.cx.models import CsatSurvey, Ticket, TicketAction


def records(customer) -> dict:
    tickets = Ticket.objects.filter(Q(customer=customer) | Q(order__customer=customer))
    return {
        "tickets": tickets,
        "ticket_actions": TicketAction.objects.filter(ticket__in=tickets),
        "csat": CsatSurvey.objects.filter(ticket__in=tickets),
    }


def anonymise(records) -> dict[str, int]:
    counts = {}
    counts["tickets"] = records["tickets"].update(notes="", resolution="", escalation_reason="")
    actions = 0
    for action in records["ticket_actions"]:
        action.text = ""
        action.data = audit.scrub(action.data)
        action.save(update_fields=["text", "data"])
        actions += 1
    counts["ticket_actions"] = actions
    counts["csat"] = records["csat"].update(comment="")
    return counts


def keeps_customer(now, cutoff, keep_since) -> list:
    return [
        Ticket.objects.filter(
            Q(updated_at__gte=cutoff) | ~Q(status=TicketStatus.CLOSED), customer=OuterRef("pk")
        )
    ]


CX_PRIVACY = PrivacyContributor(
    name="cx",
    position=30,
    records=records,
    anonymise=anonymise,
    audit_labels={
        "tickets": "cx.ticket",
        "ticket_actions": "cx.ticketaction",
        "csat": "cx.csatsurvey",
    },
    keeps_customer=keeps_customer,
)
