"""S2 (issue 21, finding 3): "Show full number" is for a customer the user is working.

The probe revealed 50 other agents' customers in 3 seconds. A reveal is now allowed only
where the user's own work names the customer — which is why this lives in ``flows``: the
answer reads leads, orders and tickets.

- sales: a lead of the customer the agent owns, or an order the agent created;
- CX: a ticket of the customer assigned to the agent;
- ops: an order of the customer still in progress (ops work every open order);
- supervisor: any customer, with a written reason (kept in the audit event);
- vendor (API client, issue 15 item 10): the customer of an open order assigned to the
  vendor: masked until the assignment, revealed on request to reach the customer at pickup.

Refused: 403 ``not_working_customer`` (nothing written). Every reveal is audited
(``customer.reveal_phone``, with the work that justified it). The per-user rate limit and
the burst alert are the console view's (``core.throttle``), ``record_reveal_burst`` here.
"""

from __future__ import annotations

import logging

from django.db import transaction

from orderdesk.accounts.choices import Role
from orderdesk.core import audit, metrics
from orderdesk.core.errors import Forbidden, NotFound, ValidationFailed
from orderdesk.customers.models import Customer
from orderdesk.cx.models import Ticket, TicketAction
from orderdesk.leads.models import ContactAttempt, Lead
from orderdesk.orders.choices import CLOSED_STATUSES
from orderdesk.orders.models import Order, OrderEvent

logger = logging.getLogger(__name__)

MIN_SUPERVISOR_REASON = 10


def work_naming(customer: Customer, user) -> str | None:
    """What the user is working for this customer ("lead 12", "ticket 4", "order ..."),
    or None when nothing of theirs names the customer."""
    if user.role == Role.SALES:
        lead = Lead.objects.filter(customer=customer, owner=user).values_list("pk", flat=True)
        if lead.first() is not None:
            return f"lead {lead.first()}"
        order = Order.objects.filter(customer=customer, created_by=user).first()
        return f"order {order.number}" if order else None
    if user.role == Role.CX:
        ticket = Ticket.objects.filter(customer=customer, assignee=user).first()
        return f"ticket {ticket.pk}" if ticket else None
    if user.role == Role.OPS:
        order = Order.objects.filter(customer=customer).exclude(status__in=CLOSED_STATUSES).first()
        return f"order {order.number}" if order else None
    if user.role == Role.VENDOR and user.vendor_id:
        order = (
            Order.objects.filter(customer=customer, vendor_id=user.vendor_id)
            .exclude(status__in=CLOSED_STATUSES)
            .first()
        )
        return f"order {order.number}" if order else None
    return None


def _work_or_refuse(customer: Customer, actor, purpose: str, *, what: str) -> str:
    """The work that lets ``actor`` see ``customer``'s full contact details, or raise."""
    if actor.role == Role.SUPERVISOR:
        if len(purpose) < MIN_SUPERVISOR_REASON:
            raise ValidationFailed(
                f"Say why you need the full {what} (at least 10 characters).",
                code="reason_required",
                field="purpose",
            )
        work = "supervisor"
    else:
        work = work_naming(customer, actor)
        if work is None:
            raise Forbidden(
                f"You can see the full {what} only of a customer whose lead, ticket or order "
                "you are working.",
                code="not_working_customer",
                field="customer",
            )
    return work


@transaction.atomic
def reveal_customer_phone(customer: Customer, *, actor, purpose: str = "") -> str:
    """The full phone number, for a customer ``actor`` is working; audited. Refusals
    (403 ``not_working_customer``, 422 ``reason_required``) write nothing."""
    purpose = (purpose or "").strip()
    work = _work_or_refuse(customer, actor, purpose, what="number")
    audit.record(
        "customer.reveal_phone",
        customer,
        after={"field": "phone", "purpose": purpose[:200], "work": work},
        actor=actor,
    )
    return customer.phone


# Issue 21, 7: free text shown masked in the staff's lists, the full text behind the same
# audited reveal. Each kind: the model, its text field, and how to reach the customer.
TEXT_KINDS: dict[str, tuple] = {
    "order_event": (OrderEvent, "note", "order__customer"),
    "contact_notes": (ContactAttempt, "notes", "lead__customer"),
    "contact_words": (ContactAttempt, "customer_words", "lead__customer"),
    "ticket_notes": (Ticket, "notes", "customer"),
    "ticket_action": (TicketAction, "text", "ticket__customer"),
}


@transaction.atomic
def reveal_free_text(kind: str, pk: int, *, actor, purpose: str = "") -> str:
    """The full text of a note (``TEXT_KINDS``) whose customer ``actor`` is working, by the
    phone reveal's rule (supervisors with a reason); audited as ``<model>.reveal_text`` with
    the field and the work, never the text. Refusals (404, 403, 422) write nothing."""
    if kind not in TEXT_KINDS:
        raise NotFound("No such text.", code="not_found", field="kind")
    model, field, to_customer = TEXT_KINDS[kind]
    record = model.objects.select_related(to_customer).filter(pk=pk).first()
    if record is None:
        raise NotFound("No such text.", code="not_found", field="kind")
    customer = record
    for step in to_customer.split("__"):
        customer = getattr(customer, step)
    purpose = (purpose or "").strip()
    work = _work_or_refuse(customer, actor, purpose, what="text")
    audit.record(
        f"{model._meta.model_name}.reveal_text",
        record,
        after={"field": field, "purpose": purpose[:200], "work": work, "customer": customer.pk},
        actor=actor,
    )
    return getattr(record, field)


def record_reveal_burst(actor, *, customer_id: int) -> None:
    """A user went over the reveal limit: log, count and audit it, for the supervisor."""
    logger.warning("phone reveal burst by %s (customer %s)", actor.get_username(), customer_id)
    metrics.PHONE_REVEAL_BURSTS.inc()
    with transaction.atomic():
        audit.record(
            "customer.reveal_phone_burst",
            actor,
            after={"customer": customer_id},
            actor=actor,
        )
