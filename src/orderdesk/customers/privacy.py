"""S4: what orderdesk holds on a customer, when it must forget it, and how.

Reads only (the writes are ``customers.actions.export_customer_data``,
``erase_customer`` and ``anonymise_expired_customers``):

- ``customer_records(customer)``: every row that belongs to the customer, by model;
- ``erasure_refusal(customer)``: the rule that forbids erasing them now, or None;
- ``due_for_anonymisation(now)``: the customers whose retention period has run out.

The other apps' tables are above ``customers`` in the layers (docs/architecture.md), so
this module does not import them: each app that holds a customer's rows registers a
``PrivacyContributor`` from its ``AppConfig.ready()`` (orders, leads, cx, messaging), and
the functions here ask every contributor in ``position`` order.

Decisions (docs/security.md, docs/decisions.md):

- **Last activity** is the latest change to the customer, their orders, leads, tickets
  and contact attempts (``updated_at`` / the contact's time). A customer is due when
  that is older than ``RETENTION["PERSONAL_DATA_DAYS"]`` and nothing of theirs is open
  (an open order, a lead still open for sales, a ticket not yet closed).
- **Payment records** of a paid order are kept ``RETENTION["PAYMENT_RECORD_DAYS"]``
  after payment (Indian books of account: 8 years). While any order's payment is that
  recent, neither erasure nor the retention job touches the customer.
- **Erasure is anonymisation**, not deletion: orders, events, contacts and tickets stay
  (they are the KPIs' raw rows and other people's work), with the personal data gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, QuerySet
from django.utils import timezone

from orderdesk.core.errors import Conflict, DomainError
from orderdesk.customers.models import Address, Customer

ANONYMISED_NAME = "Anonymised customer"
ANONYMISED = "anonymised"


@dataclass(frozen=True)
class RetentionSettings:
    personal_data_days: int
    payment_record_days: int
    sweep_seconds: int
    batch_size: int


def conf() -> RetentionSettings:
    raw = settings.ORDERDESK.get("RETENTION", {})
    return RetentionSettings(
        personal_data_days=int(raw.get("PERSONAL_DATA_DAYS", 3 * 365)),
        payment_record_days=int(raw.get("PAYMENT_RECORD_DAYS", 8 * 365)),
        sweep_seconds=int(raw.get("SWEEP_SECONDS", 24 * 60 * 60)),
        batch_size=int(raw.get("BATCH_SIZE", 200)),
    )


@dataclass(frozen=True)
class PrivacyContributor:
    """One app's part in S4: its rows of a customer, how to forget them, what keeps them.

    - ``records(customer)``: the app's sections of the export, by name, in order;
    - ``anonymise(records)``: blank the personal data in those sections (``records`` holds
      every app's sections); returns row counts by section;
    - ``personal_words(records)``: personal values to scrub from the audit trail;
    - ``audit_labels``: section name -> the ``AuditEvent.object_type`` of its rows;
    - ``keeps_customer(now, cutoff, keep_since)``: querysets correlated on the customer
      (``OuterRef("pk")``) whose existence keeps the customer from the retention job;
    - ``erasure_refusal(customer, now)``: the DomainError that forbids erasure, or None.
    """

    name: str
    position: int
    records: Callable[[Customer], dict[str, QuerySet]]
    anonymise: Callable[[dict[str, QuerySet]], dict[str, int]] = lambda records: {}
    personal_words: Callable[[dict[str, QuerySet]], list[str]] = lambda records: []
    audit_labels: dict[str, str] = field(default_factory=dict)
    keeps_customer: Callable[..., list[QuerySet]] = lambda now, cutoff, keep_since: []
    erasure_refusal: Callable[..., DomainError | None] = lambda customer, now: None


_CONTRIBUTORS: dict[str, PrivacyContributor] = {}


def register_privacy_contributor(contributor: PrivacyContributor) -> None:
    """Add (or replace, by name) an app's part in export, erasure and retention."""
    _CONTRIBUTORS[contributor.name] = contributor


def contributors() -> list[PrivacyContributor]:
    return sorted(_CONTRIBUTORS.values(), key=lambda c: (c.position, c.name))


def customer_records(customer: Customer) -> dict[str, QuerySet]:
    """Every table's rows that belong to ``customer`` (the export's sections), in order."""
    records: dict[str, QuerySet] = {
        "customer": Customer.objects.filter(pk=customer.pk),
        "addresses": Address.objects.filter(customer=customer),
    }
    for contributor in contributors():
        records.update(contributor.records(customer))
    return records


def erasure_refusal(customer: Customer, *, now: dt.datetime | None = None):
    """The DomainError that forbids erasing ``customer`` now, or None when erasure is allowed."""
    now = now or timezone.now()
    if customer.anonymised_at is not None:
        return Conflict("This customer's personal data is already erased.", code="already_erased")
    for contributor in contributors():
        refusal = contributor.erasure_refusal(customer, now)
        if refusal is not None:
            return refusal
    return None


def due_for_anonymisation(now: dt.datetime | None = None) -> QuerySet[Customer]:
    """Customers whose last activity is older than the retention period, nothing open."""
    now = now or timezone.now()
    settings_ = conf()
    cutoff = now - dt.timedelta(days=settings_.personal_data_days)
    keep_since = now - dt.timedelta(days=settings_.payment_record_days)
    due = Customer.objects.filter(anonymised_at__isnull=True, updated_at__lt=cutoff)
    for contributor in contributors():
        for keeper in contributor.keeps_customer(now, cutoff, keep_since):
            due = due.exclude(Exists(keeper))
    return due.order_by("updated_at", "pk")
