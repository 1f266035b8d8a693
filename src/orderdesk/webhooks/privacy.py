"""S4: the webhooks' part in a customer's export and erasure (customers.privacy).

Registered in WebhooksConfig.ready(). A delivery's body names the customer (masked, or in
full for an endpoint allowed personal data). Erasure replaces the body with the event's
id and type only, and a delivery not yet sent is failed (``erased``): nothing about an
erased customer leaves orderdesk afterwards. The rows stay (the console's history).
"""

from __future__ import annotations

import json

from django.utils import timezone

from orderdesk.customers.privacy import PrivacyContributor
from orderdesk.webhooks.choices import DeliveryStatus
from orderdesk.webhooks.models import Delivery


def records(customer) -> dict:
    return {"webhook_deliveries": Delivery.objects.filter(customer=customer)}


def anonymise(records) -> dict[str, int]:
    rows = records["webhook_deliveries"]
    rows.filter(status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.FAILED,
        failed_at=timezone.now(),
        last_error="not sent: the customer's data was erased",
        claim_token="",
        claimed_until=None,
    )
    count = 0
    for pk, event_id, event_type in rows.values_list("pk", "event_id", "event_type"):
        body = json.dumps({"id": event_id, "type": event_type, "erased": True})
        count += Delivery.objects.filter(pk=pk).update(body=body)
    return {"webhook_deliveries": count}


WEBHOOKS_PRIVACY = PrivacyContributor(
    name="webhooks",
    position=70,
    records=records,
    anonymise=anonymise,
    audit_labels={"webhook_deliveries": "webhooks.delivery"},
)
