"""S4: the outbox's part in a customer's export and erasure (customers.privacy).

Registered in MessagingConfig.ready(). A message belongs to the customer directly or
through one of their orders (``order`` is a lazy foreign key: no import of orders).
"""

from __future__ import annotations

from django.db.models import Q

from orderdesk.customers.privacy import PrivacyContributor
from orderdesk.messaging.models import Message


def records(customer) -> dict:
    return {"messages": Message.objects.filter(Q(customer=customer) | Q(order__customer=customer))}


def anonymise(records) -> dict[str, int]:
    return {
        "messages": records["messages"].update(recipient="", subject="", body="", last_error="")
    }


MESSAGING_PRIVACY = PrivacyContributor(
    name="messaging",
    position=40,
    records=records,
    anonymise=anonymise,
    audit_labels={"messages": "messaging.message"},
)
