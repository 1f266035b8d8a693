"""S4: what orderdesk holds on a customer, when it must forget it, and how.

Reads only (the writes are ``customers.actions.export_customer_data``,
``erase_customer`` and ``anonymise_expired_customers``):

- ``customer_records(customer)``: every row that belongs to the customer, by model;
- ``erasure_refusal(customer)``: the rule that forbids erasing them now, or None;
- ``due_for_anonymisation(now)``: the customers whose retention period has run out.

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
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from orderdesk.customers.models import Address, Customer


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


def customer_records(customer: Customer) -> dict[str, QuerySet]:
    """Every table's rows that belong to ``customer`` (the export's sections), in order."""
    from orderdesk.cx.models import CsatSurvey, Ticket, TicketAction
    from orderdesk.leads.models import ContactAttempt, FollowUp, Lead, Notification
    from orderdesk.messaging.models import Message
    from orderdesk.orders.models import AgentError, IdempotencyRecord, Order, OrderEvent

    orders = Order.objects.filter(customer=customer)
    leads = Lead.objects.filter(customer=customer)
    tickets = Ticket.objects.filter(Q(customer=customer) | Q(order__customer=customer))
    return {
        "customer": Customer.objects.filter(pk=customer.pk),
        "addresses": Address.objects.filter(customer=customer),
        "orders": orders,
        "order_events": OrderEvent.objects.filter(order__in=orders),
        "order_errors": AgentError.objects.filter(order__in=orders),
        "order_requests": IdempotencyRecord.objects.filter(order__in=orders),
        "leads": leads,
        "contacts": ContactAttempt.objects.filter(lead__in=leads),
        "follow_ups": FollowUp.objects.filter(lead__in=leads),
        "notifications": Notification.objects.filter(lead__in=leads),
        "tickets": tickets,
        "ticket_actions": TicketAction.objects.filter(ticket__in=tickets),
        "csat": CsatSurvey.objects.filter(ticket__in=tickets),
        "messages": Message.objects.filter(Q(customer=customer) | Q(order__in=orders)),
    }


def _paid_since(since: dt.datetime) -> Q:
    """Orders whose payment (the transition to paid) happened at or after ``since``."""
    from orderdesk.orders.choices import OrderStatus
    from orderdesk.orders.models import OrderEvent

    return Q(
        Exists(
            OrderEvent.objects.filter(
                order=OuterRef("pk"), to_status=OrderStatus.PAID, at__gte=since
            )
        )
    )


def erasure_refusal(customer: Customer, *, now: dt.datetime | None = None):
    """The DomainError that forbids erasing ``customer`` now, or None when erasure is allowed."""
    from orderdesk.core.errors import Conflict
    from orderdesk.orders.choices import OPEN_STATUSES
    from orderdesk.orders.models import Order

    now = now or timezone.now()
    if customer.anonymised_at is not None:
        return Conflict("This customer's personal data is already erased.", code="already_erased")
    open_order = Order.objects.filter(customer=customer, status__in=OPEN_STATUSES).first()
    if open_order is not None:
        return Conflict(
            f"Order {open_order.display_number} is still open; erase after it is completed or "
            "cancelled.",
            code="erasure_order_open",
            field="customer",
            extra={"number": open_order.number},
        )
    keep_since = now - dt.timedelta(days=conf().payment_record_days)
    paid = Order.objects.filter(customer=customer).filter(_paid_since(keep_since)).first()
    if paid is not None:
        return Conflict(
            f"Order {paid.display_number} was paid less than {conf().payment_record_days} days "
            "ago; its payment records must be kept until then.",
            code="erasure_payment_records_kept",
            field="customer",
            extra={"number": paid.number},
        )
    return None


def due_for_anonymisation(now: dt.datetime | None = None) -> QuerySet[Customer]:
    """Customers whose last activity is older than the retention period, nothing open."""
    from orderdesk.cx.choices import TicketStatus
    from orderdesk.cx.models import Ticket
    from orderdesk.leads.models import ContactAttempt, Lead
    from orderdesk.orders.choices import OPEN_STATUSES
    from orderdesk.orders.models import Order

    now = now or timezone.now()
    settings_ = conf()
    cutoff = now - dt.timedelta(days=settings_.personal_data_days)
    keep_since = now - dt.timedelta(days=settings_.payment_record_days)
    mine = {"customer": OuterRef("pk")}
    recent_or_open_order = Order.objects.filter(
        Q(updated_at__gte=cutoff) | Q(status__in=OPEN_STATUSES) | _paid_since(keep_since), **mine
    )
    recent_or_open_lead = Lead.objects.filter(
        Q(updated_at__gte=cutoff) | Q(closed_for_sales=False), **mine
    )
    recent_contact = ContactAttempt.objects.filter(lead__customer=OuterRef("pk"), at__gte=cutoff)
    recent_or_open_ticket = Ticket.objects.filter(
        Q(updated_at__gte=cutoff) | ~Q(status=TicketStatus.CLOSED), **mine
    )
    return (
        Customer.objects.filter(anonymised_at__isnull=True, updated_at__lt=cutoff)
        .exclude(Exists(recent_or_open_order))
        .exclude(Exists(recent_or_open_lead))
        .exclude(Exists(recent_contact))
        .exclude(Exists(recent_or_open_ticket))
        .order_by("updated_at", "pk")
    )
