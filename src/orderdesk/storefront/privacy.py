"""S4: the storefront's part in a customer's export, erasure and retention (customers.privacy).

Registered in StorefrontConfig.ready(). The web visitor's rows:

- ``web_phone_codes`` (``PhoneVerification``): when a one-time code was sent, when it
  expired, how many wrong tries, when it was verified. The code itself was never kept,
  and the export leaves out its salted hash and salt (``_without_secrets``): they are
  the check's secret, not the customer's data.
- ``web_quotes`` (``WebQuote``): the verified estimate and what became of it (order,
  lead, not followed up).
- ``web_quote_estimates``: the catalogue quotes those rows name (device, answers, price).

None of them holds a name, a phone or words of the customer (the phone is the
customer's own row, erased there), so erasure changes no column here; their audit
events are in the redaction's scope (``audit_labels``). A web quote still ``pending``
(the dropped-quote sweep has not settled it yet) keeps the customer from the retention
job, as an open lead does.
"""

from __future__ import annotations

from django.db.models import OuterRef

from orderdesk.customers.privacy import PrivacyContributor
from orderdesk.storefront.domains import Quote
from orderdesk.storefront.models import PhoneVerification, WebQuote, WebQuoteOutcome

#: Columns of PhoneVerification the export leaves out (the check's secret, not personal data).
SECRET_COLUMNS = ("code_hash", "salt")


def records(customer) -> dict:
    web_quotes = WebQuote.objects.filter(customer=customer)
    return {
        "web_phone_codes": PhoneVerification.objects.filter(customer=customer).defer(
            *SECRET_COLUMNS
        ),
        "web_quotes": web_quotes,
        "web_quote_estimates": Quote.objects.filter(pk__in=web_quotes.values("quote_id")),
    }


def keeps_customer(now, cutoff, keep_since) -> list:
    return [WebQuote.objects.filter(customer=OuterRef("pk"), outcome=WebQuoteOutcome.PENDING)]


STOREFRONT_PRIVACY = PrivacyContributor(
    name="storefront",
    position=60,
    records=records,
    audit_labels={
        "web_phone_codes": "storefront.phoneverification",
        "web_quotes": "storefront.webquote",
    },
    keeps_customer=keeps_customer,
)
