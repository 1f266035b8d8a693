"""S4: the leads' part in a customer's export, erasure and retention (customers.privacy).

Registered in LeadsConfig.ready().
"""

from __future__ import annotations

from django.db.models import OuterRef, Q

from orderdesk.customers.privacy import ANONYMISED, PrivacyContributor
from orderdesk.leads.models import ContactAttempt, FollowUp, Lead, Notification


def records(customer) -> dict:
    leads = Lead.objects.filter(customer=customer)
    return {
        "leads": leads,
        "contacts": ContactAttempt.objects.filter(lead__in=leads),
        "follow_ups": FollowUp.objects.filter(lead__in=leads),
        "notifications": Notification.objects.filter(lead__in=leads),
    }


def anonymise(records) -> dict[str, int]:
    return {
        "contacts": records["contacts"].update(notes="", customer_words=""),
        "notifications": records["notifications"].update(message=ANONYMISED),
    }


def keeps_customer(now, cutoff, keep_since) -> list:
    return [
        Lead.objects.filter(
            Q(updated_at__gte=cutoff) | Q(closed_for_sales=False), customer=OuterRef("pk")
        ),
        ContactAttempt.objects.filter(lead__customer=OuterRef("pk"), at__gte=cutoff),
    ]


LEADS_PRIVACY = PrivacyContributor(
    name="leads",
    position=20,
    records=records,
    anonymise=anonymise,
    audit_labels={
        "leads": "leads.lead",
        "contacts": "leads.contactattempt",
        "follow_ups": "leads.followup",
    },
    keeps_customer=keeps_customer,
)
