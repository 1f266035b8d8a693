"""S4: the outbox's and WhatsApp's part in a customer's export and erasure (customers.privacy).

Registered in MessagingConfig.ready(). A message belongs to the customer directly or
through one of their orders (``order`` is a lazy foreign key: no import of orders).

WhatsApp (issue 19): the export holds what the customer wrote us (``whatsapp_inbound``:
linked to them, or sent from their number before it was linked) and the consent ledger
(``whatsapp_consents``). Erasure blanks both through the erasure hook
``messaging.actions.erase_whatsapp_data`` (it also clears the raw webhook bodies, which
the export does not hold: they are transport, deleted after
``WHATSAPP_EVENT_RETENTION_DAYS``). Their rows stay, as every other table's rows do.
"""

from __future__ import annotations

from django.db.models import Q

from orderdesk.customers.privacy import PrivacyContributor
from orderdesk.messaging.models import InboundMessage, Message, WhatsAppConsent


def records(customer) -> dict:
    return {
        "messages": Message.objects.filter(Q(customer=customer) | Q(order__customer=customer)),
        "whatsapp_inbound": InboundMessage.objects.filter(
            Q(customer=customer) | Q(from_phone=customer.phone)
        ),
        "whatsapp_consents": WhatsAppConsent.objects.filter(customer=customer),
    }


def anonymise(records) -> dict[str, int]:
    # The WhatsApp sections are blanked by the erasure hook (erase_whatsapp_data), which
    # needs the customer's phone before the customer's row loses it.
    return {
        "messages": records["messages"].update(recipient="", subject="", body="", last_error="")
    }


def personal_words(records) -> list[str]:
    """The WhatsApp profile names the customer's messages carried (scrubbed from the trail)."""
    return sorted(
        {
            name
            for name in records["whatsapp_inbound"].values_list("profile_name", flat=True)
            if name.strip()
        }
    )


MESSAGING_PRIVACY = PrivacyContributor(
    name="messaging",
    position=40,
    records=records,
    anonymise=anonymise,
    personal_words=personal_words,
    audit_labels={
        "messages": "messaging.message",
        "whatsapp_consents": "messaging.whatsappconsent",
    },
)
