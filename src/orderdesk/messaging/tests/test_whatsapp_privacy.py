"""S4 (issue 19): a customer's export holds what they wrote us on WhatsApp and their consent
ledger; erasure blanks both and keeps the rows."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from orderdesk.core.models import AuditEvent
from orderdesk.customers.actions import erase_customer, export_customer_data
from orderdesk.messaging.actions import record_whatsapp_consent
from orderdesk.messaging.choices import ConsentSource
from orderdesk.messaging.models import InboundMessage, WhatsAppConsent


def _wrote(phone, text, *, customer=None, name="", minutes_ago=5):
    return InboundMessage.objects.create(
        provider_message_id=f"wamid.HBgM{InboundMessage.objects.count():08d}",
        from_phone=phone,
        customer=customer,
        profile_name=name,
        body=text,
        received_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def test_s4_the_export_holds_the_customers_whatsapp_messages_and_consent_ledger(
    customer, cast, messaging_conf
):
    messaging_conf(WHATSAPP_PROVIDER="file", SMS_PROVIDER="file")
    asha = customer()
    linked = _wrote(asha.phone, "Is my pickup today?", customer=asha, minutes_ago=10)
    # Written before the number was known to be Asha's: still hers (the same phone).
    unlinked = _wrote(asha.phone, "Hi, I want to sell my phone", name="Asha", minutes_ago=60)
    _wrote("+919812300000", "Someone else entirely")
    record_whatsapp_consent(
        asha, opted_in=True, source=ConsentSource.AGENT, evidence="said yes on the call"
    )

    document = export_customer_data(asha, actor=cast["admin"])

    inbound = {row["id"]: row for row in document["whatsapp_inbound"]}
    assert set(inbound) == {linked.pk, unlinked.pk}
    assert inbound[unlinked.pk]["body"] == "Hi, I want to sell my phone"
    assert inbound[unlinked.pk]["profile_name"] == "Asha"
    assert [(r["opted_in"], r["evidence"]) for r in document["whatsapp_consents"]] == [
        (True, "said yes on the call")
    ]
    json.dumps(document)
    counts = AuditEvent.objects.get(action="customer.export").after["sections"]
    assert (counts["whatsapp_inbound"], counts["whatsapp_consents"]) == (2, 1)


def test_s4_erasure_blanks_the_whatsapp_rows_the_export_held_and_keeps_them(
    customer, messaging_conf
):
    messaging_conf(WHATSAPP_PROVIDER="file", SMS_PROVIDER="file")
    asha = customer()
    _wrote(asha.phone, "My flat is 14B", name="Asha Rao")
    record_whatsapp_consent(asha, opted_in=True, source=ConsentSource.AGENT, evidence="yes")
    consent_event = AuditEvent.objects.get(action="whatsapp.opt_in")

    erase_customer(asha)
    asha.refresh_from_db()

    document = export_customer_data(asha)
    assert [(r["body"], r["profile_name"]) for r in document["whatsapp_inbound"]] == [("", "")]
    assert [r["evidence"] for r in document["whatsapp_consents"]] == [""]
    assert InboundMessage.objects.count() == 1 and WhatsAppConsent.objects.count() == 1
    dumped = json.dumps(document, ensure_ascii=False)
    assert "14B" not in dumped and "9876543210" not in dumped and "Asha Rao" not in dumped
    # The ledger's audit event is in the redaction's scope and keeps its action.
    consent_event.refresh_from_db()
    assert consent_event.action == "whatsapp.opt_in"
