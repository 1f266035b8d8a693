"""S4 (issue 19): the web visitor's one-time codes and quotes are in the customer's export,
without the code's hash; erasure leaves them holding nothing personal; a pending web quote
keeps the customer from the retention job."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from orderdesk.core.models import AuditEvent
from orderdesk.customers.actions import erase_customer, export_customer_data
from orderdesk.customers.models import Customer
from orderdesk.customers.privacy import due_for_anonymisation
from orderdesk.storefront.models import PhoneVerification, WebQuote, WebQuoteOutcome
from orderdesk.storefront.tests.helpers import quote_and_verify

pytestmark = pytest.mark.django_db


def test_s4_the_export_holds_the_web_codes_and_quotes_without_the_codes_secret(
    client, catalog, sent_code, cast
):
    quote_and_verify(client, catalog, sent_code)
    customer = Customer.objects.get(phone="+919812345678")
    verification = PhoneVerification.objects.get()
    web_quote = WebQuote.objects.get()

    document = export_customer_data(customer, actor=cast["admin"])

    [code] = document["web_phone_codes"]
    assert code["id"] == verification.pk and code["verified_at"] is not None
    assert "code_hash" not in code and "salt" not in code
    assert verification.code_hash not in json.dumps(document)
    # (The plain code is only in the SMS itself, which the export's "messages" holds.)
    assert sent_code[-1] not in json.dumps(document["web_phone_codes"])
    [row] = document["web_quotes"]
    assert (row["id"], row["outcome"], row["quote_id"]) == (
        web_quote.pk,
        "pending",
        str(web_quote.quote_id),
    )
    [estimate] = document["web_quote_estimates"]
    assert estimate["id"] == str(web_quote.quote_id) and estimate["estimated_price"] == 45000
    assert estimate["answers"] == {"screen": "scratched", "body": "good"}
    sections = AuditEvent.objects.get(action="customer.export").after["sections"]
    assert (sections["web_phone_codes"], sections["web_quotes"]) == (1, 1)


def test_s4_erasure_of_a_web_visitor_keeps_the_rows_and_leaves_nothing_personal(
    client, catalog, sent_code
):
    quote_and_verify(client, catalog, sent_code)
    customer = Customer.objects.get(phone="+919812345678")
    WebQuote.objects.update(outcome=WebQuoteOutcome.LEAD)  # settled by the sweep

    erase_customer(customer)
    customer.refresh_from_db()

    document = export_customer_data(customer)
    assert len(document["web_phone_codes"]) == 1 and len(document["web_quotes"]) == 1
    dumped = json.dumps(document, ensure_ascii=False)
    assert "9812345678" not in dumped and "Asha Rao" not in dumped
    # The storefront's audit events are in the redaction's scope; none names the customer.
    for event in AuditEvent.objects.filter(action__startswith="storefront."):
        assert "Asha" not in json.dumps([event.object_repr, event.before, event.after])


def test_s4_a_pending_web_quote_keeps_the_customer_from_the_retention_job(
    client, catalog, sent_code, settings
):
    quote_and_verify(client, catalog, sent_code)
    customer = Customer.objects.get(phone="+919812345678")
    later = timezone.now() + dt.timedelta(days=5 * 365)
    assert customer not in due_for_anonymisation(later)

    WebQuote.objects.update(outcome=WebQuoteOutcome.SKIPPED)
    assert customer in due_for_anonymisation(later)
