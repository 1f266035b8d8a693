"""S4: the webhooks' part in a customer's export and erasure (customers.privacy).

Registered in WebhooksConfig.ready(). A delivery's body names the customer (masked, or in
full for an endpoint allowed personal data). Erasure replaces the body with the event's
id and type only, and a delivery not yet sent is failed (``erased``): nothing about an
erased customer leaves orderdesk afterwards. The rows stay (the console's history).
"""

from __future__ import annotations

from django.db.models import F, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from orderdesk.customers.privacy import PrivacyContributor
from orderdesk.webhooks.choices import DeliveryStatus
from orderdesk.webhooks.models import Attempt, Delivery


def records(customer) -> dict:
    return {"webhook_deliveries": Delivery.objects.filter(customer=customer)}


def anonymise(records) -> dict[str, int]:
    rows = records["webhook_deliveries"]
    # a receiver's answer can echo the body: the errors go with it
    Attempt.objects.filter(delivery__in=rows).update(error="")
    rows.update(last_error="")
    rows.filter(status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.FAILED,
        failed_at=timezone.now(),
        last_error="not sent: the customer's data was erased",
        claim_token="",
        claimed_until=None,
    )
    # one UPDATE: the body keeps only the event's id and type (both plain tokens we made)
    count = rows.update(
        body=Concat(
            Value('{"id": "'),
            F("event_id"),
            Value('", "type": "'),
            F("event_type"),
            Value('", "erased": true}'),
            output_field=TextField(),
        )
    )
    return {"webhook_deliveries": count}


WEBHOOKS_PRIVACY = PrivacyContributor(
    name="webhooks",
    position=70,
    records=records,
    anonymise=anonymise,
    audit_labels={"webhook_deliveries": "webhooks.delivery"},
)
