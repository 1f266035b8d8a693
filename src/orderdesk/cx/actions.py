"""Every write on CX tickets (SPEC §6 C1-C3, M9, D6): atomic, audited, called by the console,
the API, the worker and the seed alike.

A refusal raises a ``DomainError`` before anything is written (or inside the transaction,
which then rolls back): a refused step changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
from dataclasses import dataclass, field

from django.core import signing
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from orderdesk.accounts.choices import Role
from orderdesk.accounts.permissions import Perm, has_perm
from orderdesk.core import audit
from orderdesk.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orderdesk.cx import rules
from orderdesk.cx.choices import (
    ACTIVE_STATUSES,
    API_ACTION_KINDS,
    ActionKind,
    ActOutcome,
    EscalationKind,
    FollowUpOutcome,
    TicketChannel,
    TicketPriority,
    TicketStatus,
    TicketType,
)
from orderdesk.cx.models import CsatSurvey, SlaPolicy, Ticket, TicketAction
from orderdesk.orders.selectors import order_by_number

logger = logging.getLogger(__name__)

S = TicketStatus
K = ActionKind
CSAT_SALT = "orderdesk.cx.csat"


def _person(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _view(ticket: Ticket) -> dict:
    return {
        "type": ticket.type,
        "status": ticket.status,
        "priority": ticket.priority,
        "customer": ticket.customer_id,
        "lead": ticket.lead_id,
        "order_number": ticket.order_number,
        "assignee": ticket.assignee_id,
        "escalated_to": ticket.escalated_to_id,
    }


# --- opening a ticket --------------------------------------------------------------------


@transaction.atomic
def open_ticket(
    *,
    type: str,
    customer,
    lead=None,
    order=None,
    order_number: str = "",
    notes: str = "",
    created_by=None,
    channel: str | None = None,
    priority: str | None = None,
    assignee=None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Open a CX case. ``type`` is one of ``TicketType`` (SPEC §11 ticket types).

    1. Check the type, priority and channel keys; M9: a price dispute needs the order.
    2. Link the order: ``order`` or, except for D6 (where the number is the customer's
       claim, not a found order), the order ``order_number`` names; it must be the customer's.
    3. C2: take the SLA policy in force for (type, priority) and set both due times.
    4. Audit; make sure the worker's SLA sweep is running (after commit).
    """
    now = now or timezone.now()
    if type not in TicketType.values:
        raise ValidationFailed(
            f"Unknown ticket type {type!r}.", code="ticket_type_unknown", field="type"
        )
    priority = priority or rules.DEFAULT_PRIORITY[type]
    if priority not in TicketPriority.values:
        raise ValidationFailed(
            f"Unknown priority {priority!r} ({', '.join(TicketPriority.values)}).",
            code="priority_unknown",
            field="priority",
        )
    if channel is None:
        channel = TicketChannel.AGENT if lead is not None else TicketChannel.CALL
    if channel not in TicketChannel.values:
        raise ValidationFailed(
            f"Unknown channel {channel!r}.", code="channel_unknown", field="channel"
        )
    order_number = (order_number or "").strip()
    if order is None and order_number and type != TicketType.ORDER_NOT_FOUND:
        order = order_by_number(order_number, field="order_number")
    if order is not None and order.customer_id != customer.pk:
        raise ValidationFailed(
            "That order belongs to another customer.",
            code="order_customer_mismatch",
            field="order_number",
        )
    if type == TicketType.PRICE_DISPUTE and order is None:
        raise ValidationFailed(
            "A price dispute is about an order: give its order number (M9).",
            code="order_required",
            field="order_number",
        )
    policy = SlaPolicy.in_force(type, priority, now)
    ticket = Ticket(
        type=type,
        customer=customer,
        lead=lead,
        order=order,
        order_number=(order.number if order is not None else order_number)[:20],
        notes=notes or "",
        created_by=_person(created_by),
        channel=channel,
        priority=priority,
        assignee=assignee if _is_cx(assignee) else None,
        sla_policy=policy if policy.pk else None,
        first_response_minutes=policy.first_response_minutes,
        resolution_minutes=policy.resolution_minutes,
        first_response_due_at=now + dt.timedelta(minutes=policy.first_response_minutes),
        resolution_due_at=now + dt.timedelta(minutes=policy.resolution_minutes),
    )
    ticket.sla_next_due_at = ticket.first_response_due_at
    ticket.save()
    if now != ticket.created_at:
        Ticket.objects.filter(pk=ticket.pk).update(created_at=now)
        ticket.created_at = now
    audit.record(
        "ticket.open",
        ticket,
        after={
            **_view(ticket),
            "sla_policy": policy.pk,
            "resolution_due_at": ticket.resolution_due_at,
        },
        actor=created_by,
    )
    return ticket


# --- who may work a ticket ----------------------------------------------------------------


def _is_cx(user) -> bool:
    return _person(user) is not None and has_perm(user, Perm.TICKETS_WORK)


def _is_supervisor(user) -> bool:
    return _person(user) is not None and has_perm(user, Perm.ESCALATIONS)


def _check_may_work(ticket: Ticket, actor, kind: str) -> None:
    """S1: CX agents work tickets; supervisors work the escalated ones (and reopen/resolve
    what they escalated-to). ``actor`` None is the system (the sweep)."""
    if actor is None:
        return
    if _is_cx(actor):
        return
    if _is_supervisor(actor) and (
        ticket.status == S.ESCALATED or ticket.escalated_to_id == actor.pk or kind == K.NOTE
    ):
        return
    raise Forbidden(
        "Only CX agents work tickets; supervisors work the ones escalated to them.",
        code="forbidden",
        field="kind",
    )


# --- the building blocks -----------------------------------------------------------------


def _lock(ticket: Ticket | int) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    try:
        return (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("customer", "order", "lead", "assignee")
            .get(pk=pk)
        )
    except Ticket.DoesNotExist:
        raise NotFound(f"Ticket {pk} does not exist.", code="ticket_unknown") from None


def _move(ticket: Ticket, to: str) -> str:
    """The one place a ticket's status changes (besides the sweep's bulk UPDATEs, which apply
    the same table). Returns the status it came from."""
    frm = ticket.status
    if frm == to:
        return frm
    if not rules.can_move(frm, to):
        raise Conflict(
            f"A ticket cannot go from {frm} to {to}.",
            code="illegal_ticket_transition",
            field="kind",
            extra={"from": frm, "to": to},
        )
    ticket.status = to
    return frm


def _record(
    ticket: Ticket,
    kind: str,
    actor,
    *,
    text: str = "",
    outcome: str = "",
    frm: str = "",
    data: dict | None = None,
    now: dt.datetime,
) -> TicketAction:
    return TicketAction.objects.create(
        ticket=ticket,
        kind=kind,
        outcome=outcome or "",
        text=(text or "").strip(),
        actor=_person(actor),
        at=now,
        round=ticket.round,
        from_status=frm if frm != ticket.status else "",
        to_status=ticket.status if frm != ticket.status else "",
        data=data or {},
    )


def _refresh_next_due(ticket: Ticket) -> None:
    ticket.sla_next_due_at = rules.next_sla_due(
        status=ticket.status,
        first_responded_at=ticket.first_responded_at,
        first_response_due_at=ticket.first_response_due_at,
        first_response_breached_at=ticket.first_response_breached_at,
        resolution_due_at=ticket.resolution_due_at,
        resolution_breached_at=ticket.resolution_breached_at,
    )


def _end_pause(ticket: Ticket, now: dt.datetime) -> int:
    """C2: the clock ran out of the pause: push the pending deadlines on by its length."""
    if ticket.paused_at is None:
        return 0
    paused = max(0, int((now - ticket.paused_at).total_seconds()))
    delta = dt.timedelta(seconds=paused)
    if ticket.first_responded_at is None and ticket.first_response_due_at:
        ticket.first_response_due_at += delta
    if ticket.resolution_breached_at is None and ticket.resolution_due_at:
        ticket.resolution_due_at += delta
    ticket.paused_seconds += paused
    ticket.paused_at = None
    return paused


def _steps_this_round(ticket: Ticket) -> set[str]:
    return set(
        TicketAction.objects.filter(
            ticket=ticket, round=ticket.round, kind__in=[K.LISTEN, K.APOLOGISE, K.ACT]
        ).values_list("kind", flat=True)
    )


def _take(ticket: Ticket, actor, now) -> None:
    """The first CX agent to work an unassigned ticket takes it."""
    if ticket.assignee_id is None and _is_cx(actor) and getattr(actor, "role", None) == Role.CX:
        ticket.assignee = actor
        _record(ticket, K.ASSIGN, actor, text=f"Taken by {actor.get_username()}.", now=now)


def _save(ticket: Ticket, before: dict, actor, action: str, **extra) -> None:
    _refresh_next_due(ticket)
    ticket.save()
    audit.record(
        f"ticket.{action}", ticket, before=before, after={**_view(ticket), **extra}, actor=actor
    )


# --- C1: the steps, and everything else on one entry point ---------------------------------


@dataclass
class StepResult:
    ticket: Ticket
    action: TicketAction
    messages: list = field(default_factory=list)


def record_action(
    ticket: Ticket | int,
    *,
    kind: str,
    actor,
    text: str = "",
    outcome: str = "",
    order_number: str = "",
    now: dt.datetime | None = None,
) -> StepResult:
    """One step on a ticket, as the API's ``POST /tickets/{id}/actions`` and the console send it.

    ``kind``: listen | apologise | act | escalate | resolve | reopen (SPEC §11) and wait |
    resume | note | follow_up. ``outcome``: for an Act, what the system carries out
    (``ActOutcome``: M9 customer_accepts / cancel_order, D6 link_order / no_order,
    status_update); for a follow-up, ``FollowUpOutcome``. ``order_number``: D6 link_order.
    """
    if kind not in API_ACTION_KINDS:
        raise ValidationFailed(
            f"Unknown step {kind!r} ({', '.join(API_ACTION_KINDS)}).",
            code="action_kind_unknown",
            field="kind",
        )
    now = now or timezone.now()
    if kind in (K.LISTEN, K.APOLOGISE, K.ACT):
        return _c1_step(
            ticket,
            kind=kind,
            actor=actor,
            text=text,
            outcome=outcome,
            order_number=order_number,
            now=now,
        )
    if outcome and kind != K.FOLLOW_UP:
        raise ValidationFailed(
            "Only an Act or a follow-up carries an outcome.",
            code="outcome_not_allowed",
            field="outcome",
        )
    handler = {
        K.ESCALATE: escalate_ticket,
        K.RESOLVE: resolve_ticket,
        K.REOPEN: reopen_ticket,
        K.WAIT: wait_on_customer,
        K.RESUME: resume_ticket,
        K.NOTE: add_note,
    }.get(kind)
    if handler is not None:
        return handler(ticket, actor=actor, text=text, now=now)
    return record_follow_up(ticket, actor=actor, text=text, outcome=outcome, now=now)


def _c1_step(ticket, *, kind, actor, text, outcome, order_number, now) -> StepResult:
    if outcome and kind != K.ACT:
        raise ValidationFailed(
            "Only an Act carries an outcome.", code="outcome_not_allowed", field="outcome"
        )
    if outcome and outcome not in ActOutcome.values:
        raise ValidationFailed(
            f"Unknown outcome {outcome!r} ({', '.join(ActOutcome.values)}).",
            code="outcome_unknown",
            field="outcome",
        )
    if outcome in (ActOutcome.LINK_ORDER, ActOutcome.NO_ORDER):
        return _d6_act(
            ticket, actor=actor, text=text, outcome=outcome, order_number=order_number, now=now
        )
    with transaction.atomic():
        ticket = _lock(ticket)
        _check_may_work(ticket, actor, kind)
        _require_active(ticket)
        refusal = rules.step_refusal(
            kind, ticket_type=ticket.type, steps_since_reopen=_steps_this_round(ticket), text=text
        )
        if refusal:
            raise ValidationFailed(refusal.message, code=refusal.code, field=refusal.field)
        if outcome:
            _check_outcome(ticket, outcome)
        before = _view(ticket)
        _take(ticket, actor, now)
        frm = ticket.status
        if ticket.status == S.WAITING_ON_CUSTOMER:
            _end_pause(ticket, now)  # the customer is back: the clock runs again
        if ticket.status in (S.OPEN, S.REOPENED, S.WAITING_ON_CUSTOMER):
            _move(ticket, S.IN_PROGRESS)
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
        data: dict = {}
        messages: list = []
        if outcome == ActOutcome.CANCEL_ORDER:
            data = _m9_cancel(ticket, actor, text)
        elif outcome == ActOutcome.CUSTOMER_ACCEPTS:
            data = _m9_accept(ticket, actor, text)
        elif outcome == ActOutcome.STATUS_UPDATE:
            messages = send_order_status_update(ticket.order, actor=actor, ticket=ticket, now=now)
            data = {"messages": [m.pk for m in messages]}
        action = _record(
            ticket, kind, actor, text=text, outcome=outcome, frm=frm, data=data, now=now
        )
        _save(ticket, before, actor, kind, outcome=outcome or None)
    return StepResult(ticket, action, messages)


def _require_active(ticket: Ticket) -> None:
    if ticket.status not in ACTIVE_STATUSES:
        raise Conflict(
            f"Ticket {ticket.number} is {ticket.get_status_display().lower()}: reopen it first"
            + (
                " (a closed ticket cannot be reopened: open a new one)."
                if ticket.status == S.CLOSED
                else "."
            ),
            code="ticket_not_active",
            field="kind",
            extra={"ticket_status": ticket.status},
        )


def _check_outcome(ticket: Ticket, outcome: str) -> None:
    allowed = rules.act_outcomes_for(ticket.type, has_order=ticket.order_id is not None)
    if outcome not in allowed:
        raise ValidationFailed(
            f"'{ActOutcome(outcome).label}' does not apply to this ticket"
            + (f" (it can: {', '.join(allowed)})." if allowed else "."),
            code="outcome_not_allowed",
            field="outcome",
        )


# --- M9: price disputes ---------------------------------------------------------------------


def _m9_cancel(ticket: Ticket, actor, text: str) -> dict:
    """M9: cancel the disputed order through the order's lifecycle (its table, its lock, its
    history and the customer's cancellation message), reason ``price_not_accepted``: no penalty."""
    from orderdesk.orders import lifecycle
    from orderdesk.orders.transitions import CancellationReason

    order = lifecycle.transition(
        ticket.order,
        "cancelled",
        actor=actor,
        reason=CancellationReason.PRICE_NOT_ACCEPTED,
        notes=f"{ticket.number} (price dispute): {text}"[:500],
    )
    ticket.order = order
    return {"order": order.number, "order_status": order.status, "penalty": 0}


def _m9_accept(ticket: Ticket, actor, text: str) -> dict:
    """M9/O4: the customer accepts the price. After an inspection at a price that differs from
    the estimate, the acceptance is recorded on the order too (``accept_final_price``)."""
    from orderdesk.orders import lifecycle
    from orderdesk.orders.transitions import price_needs_acceptance

    order = ticket.order
    if (
        order.status == "inspected"
        and price_needs_acceptance(order.estimated_price, order.final_price)
        and not lifecycle.price_accepted(order)
    ):
        lifecycle.accept_final_price(order, actor=actor, notes=f"{ticket.number}: {text}"[:500])
        return {"order": order.number, "final_price_accepted": order.final_price}
    return {"order": order.number, "price_explained": True}


def _condition_in_words(order) -> str:
    """The order's condition answers as the questionnaire words them ("Does it power on? No;
    Screen: Heavy scratches"), in the questionnaire's order, never the raw keys read aloud
    (issue 18). An answer the questionnaire no longer holds is left out."""
    from orderdesk.catalog.models import ConditionOption

    answers = order.answers or {}
    options = ConditionOption.objects.filter(
        question__device_type_id=order.device_model.device_type_id,
        question__key__in=answers.keys(),
    ).select_related("question")
    worded = sorted(
        (o.question.position, o.question.key, o.question.text, o.label)
        for o in options
        if answers.get(o.question.key) == o.key
    )
    return "; ".join(
        f"{text} {label}" if text.rstrip().endswith("?") else f"{text}: {label}"
        for _, _, text, label in worded
    )


def price_dispute_facts(order) -> dict:
    """M9: what the dispute panel shows — the price confirmation, the consent statement, the
    condition recorded, the inspected price, and the notes of the calls behind the order."""
    from orderdesk.core.money import format_inr
    from orderdesk.orders.models import OrderEvent

    condition = _condition_in_words(order) or "as described"
    calls = []
    if order.source_lead_id:
        calls = list(
            order.source_lead.contacts.filter(recorded_by_system=False)
            .select_related("agent", "disposition")
            .order_by("at")
        )
    created = OrderEvent.objects.filter(order=order, kind="created").first()
    if order.consent_at:
        confirmation = (
            f"When the order was placed on {timezone.localtime(order.consent_at):%d %b %Y at %H:%M}, "
            f"you agreed to the estimate of {format_inr(order.estimated_price)} with the words "
            f"“{order.consent_statement}”."
        )
    else:
        confirmation = (
            f"You placed the order yourself in the {order.get_channel_display().lower()} at the "
            f"estimate of {format_inr(order.estimated_price)}."
        )
    return {
        "estimated_price": order.estimated_price,
        "final_price": order.final_price,
        "price_confirmed_at": order.price_confirmed_at,
        "consent_statement": order.consent_statement,
        "consent_at": order.consent_at,
        "created_by": order.created_by,
        "condition": condition,
        "calls": calls,
        "created_note": created.note if created else "",
        "script": rules.PRICE_DISPUTE_SCRIPT.format(condition=condition, confirmation=confirmation),
    }


# --- order status inquiry -----------------------------------------------------------------


def order_status_facts(order) -> dict:
    """What CX tells a customer who asks where their order is: status, slot and vendor."""
    from orderdesk.orders.choices import OrderStatus

    slot = order.slot
    slot_text = f"{slot.date:%d %b %Y}, {slot.window}" if slot else "not booked yet"
    vendor = order.vendor.name if order.vendor_id else "to be assigned"
    if order.status == OrderStatus.CANCELLED:  # issue 18: no "slot not booked yet" here
        slot_line, vendor_line = "There will be no pickup.", ""
    elif order.status in (OrderStatus.INSPECTED, OrderStatus.PAID, OrderStatus.COMPLETED):
        slot_line = "Our pickup partner has collected the device."
        vendor_line = f"Pickup partner: {vendor}." if order.vendor_id else ""
    else:
        slot_line = f"Pickup: {slot_text}." if slot else "The pickup slot is not booked yet."
        vendor_line = (
            f"Pickup partner: {vendor}."
            if order.vendor_id
            else "A pickup partner will be assigned."
        )
    script = rules.STATUS_SCRIPT.format(
        number=order.display_number,
        status=order.get_status_display().lower(),
        slot=slot_line,
        vendor=vendor_line,
    )
    return {
        "order_status": order.get_status_display(),
        "pickup_slot": slot_text,
        "vendor_name": vendor,
        "script": " ".join(script.split()),  # no double space where a line is left out
    }


@transaction.atomic
def send_order_status_update(order, *, actor, ticket: Ticket | None = None, now=None) -> list:
    """Service guidelines §4.6: send the customer the order's status, slot and vendor.

    Once per order, per set of facts, per IST day (the dedupe key): a double click or a second
    agent sends nothing twice; a change of status, slot or vendor is a new update.
    """
    from orderdesk.core.timeutil import today_ist
    from orderdesk.messaging.actions import enqueue_message

    if order is None:
        raise ValidationFailed(
            "This ticket has no order to give an update on.",
            code="order_required",
            field="order_number",
        )
    if ticket is None and not (_is_cx(actor) or actor is None):
        raise Forbidden("Only CX agents send order updates.", code="forbidden")
    facts = order_status_facts(order)
    key = (
        f"order:{order.number}:status-update:{order.status}:{order.slot_id or 0}:"
        f"{order.vendor_id or 0}:{today_ist():%Y%m%d}"
    )
    messages = enqueue_message(
        customer=order.customer,
        kind="order_status_update",
        context={
            "order_number": order.display_number,  # as read out on the phone (M7)
            **{k: facts[k] for k in ("order_status", "pickup_slot", "vendor_name")},
        },
        order=order,
        dedupe_key=key,
    )
    audit.record(
        "order.status_update_sent",
        order,
        after={
            "ticket": ticket.pk if ticket else None,
            "messages": [m.pk for m in messages],
            **{k: facts[k] for k in ("order_status", "pickup_slot", "vendor_name")},
        },
        actor=actor,
    )
    return messages


# --- C2: waiting, escalation -----------------------------------------------------------------


@transaction.atomic
def wait_on_customer(ticket, *, actor, text: str, now=None) -> StepResult:
    """C2: we asked the customer for something; the SLA clock pauses until they reply."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    _check_may_work(ticket, actor, K.WAIT)
    _require_active(ticket)
    if rules.trivial_text(text):
        raise ValidationFailed(
            "Say what you asked the customer for (a few words at least).",
            code="text_required",
            field="text",
        )
    before = _view(ticket)
    _take(ticket, actor, now)
    frm = _move(ticket, S.WAITING_ON_CUSTOMER)
    ticket.paused_at = now
    ticket.waited_on_customer = True
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
    action = _record(ticket, K.WAIT, actor, text=text, frm=frm, now=now)
    _save(ticket, before, actor, "wait")
    return StepResult(ticket, action)


@transaction.atomic
def resume_ticket(ticket, *, actor, text: str = "", now=None) -> StepResult:
    """C2: the customer replied; the clock runs again and the deadlines move on by the pause."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    _check_may_work(ticket, actor, K.RESUME)
    if ticket.status != S.WAITING_ON_CUSTOMER:
        raise Conflict(
            "This ticket is not waiting on the customer.", code="ticket_not_waiting", field="kind"
        )
    before = _view(ticket)
    paused = _end_pause(ticket, now)
    frm = _move(ticket, S.IN_PROGRESS)
    action = _record(
        ticket, K.RESUME, actor, text=text, frm=frm, data={"paused_seconds": paused}, now=now
    )
    _save(ticket, before, actor, "resume", paused_seconds=paused)
    return StepResult(ticket, action)


def _supervisor_for(ticket: Ticket):
    """The supervisor who gets an escalation: the assignee's team supervisor, else the active
    supervisor with the fewest escalated tickets."""
    from django.db.models import Count

    from orderdesk.accounts.models import User

    team = getattr(ticket.assignee, "team", None) if ticket.assignee_id else None
    if team is not None and team.supervisor_id and team.supervisor.is_active:
        return team.supervisor
    return (
        User.objects.filter(role=Role.SUPERVISOR, is_active=True)
        .annotate(
            load=Count("tickets_escalated_to", filter=Q(tickets_escalated_to__status=S.ESCALATED))
        )
        .order_by("load", "pk")
        .first()
    )


@transaction.atomic
def escalate_ticket(ticket, *, actor, text: str, now=None) -> StepResult:
    """C2: an agent escalates to a supervisor by hand, with a reason. Once per ticket: an
    escalated ticket (by hand or by the SLA sweep) is with a supervisor already."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    _check_may_work(ticket, actor, K.ESCALATE)
    _require_active(ticket)
    if rules.trivial_text(text):
        raise ValidationFailed(
            "Escalation needs a reason: say why you cannot resolve it (C2).",
            code="escalation_reason_required",
            field="text",
        )
    if ticket.escalated_at is not None:
        raise Conflict(
            f"This ticket was already escalated ({ticket.get_escalation_kind_display().lower()}) "
            f"to {ticket.escalated_to or 'the supervisors'}.",
            code="already_escalated",
            field="kind",
        )
    before = _view(ticket)
    _take(ticket, actor, now)
    if ticket.status == S.WAITING_ON_CUSTOMER:
        _end_pause(ticket, now)
    frm = _move(ticket, S.ESCALATED)
    ticket.escalated_at = now
    ticket.escalation_kind = EscalationKind.MANUAL
    ticket.escalation_reason = text.strip()[:500]
    ticket.escalated_to = _supervisor_for(ticket)
    action = _record(
        ticket,
        K.ESCALATE,
        actor,
        text=text,
        frm=frm,
        data={"escalated_to": ticket.escalated_to_id, "kind": EscalationKind.MANUAL},
        now=now,
    )
    _save(ticket, before, actor, "escalate", reason=ticket.escalation_reason)
    return StepResult(ticket, action)


# --- C1/C3: resolve, reopen, follow up -------------------------------------------------------


@transaction.atomic
def resolve_ticket(ticket, *, actor, text: str, now=None) -> StepResult:
    """C1/C3: resolve — only with an Act recorded in this round.

    1. Lock; check the role, that it is active, that an Act was recorded (C1).
    2. Stop the clocks; set FCR (C3: first contact, never reopened, escalated or waited on).
    3. The follow-up the type calls for (C3), due after ``rules.FOLLOW_UP_AFTER``.
    4. Tell the customer (``ticket_resolved``) and, the first time only, send the CSAT
       survey with its link and reply code (``csat_survey``), in this transaction (N1).
    """
    now = now or timezone.now()
    ticket = _lock(ticket)
    _check_may_work(ticket, actor, K.RESOLVE)
    _require_active(ticket)
    refusal = rules.step_refusal(
        K.RESOLVE, ticket_type=ticket.type, steps_since_reopen=_steps_this_round(ticket), text=text
    )
    if refusal:
        raise ValidationFailed(refusal.message, code=refusal.code, field=refusal.field)
    return _resolve(ticket, actor=actor, text=text, now=now)


def _resolve(ticket: Ticket, *, actor, text: str, now) -> StepResult:
    """Resolve a locked, checked ticket. Call inside the transaction holding its row lock."""
    before = _view(ticket)
    _take(ticket, actor, now)
    if ticket.status == S.WAITING_ON_CUSTOMER:
        _end_pause(ticket, now)
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
    frm = _move(ticket, S.RESOLVED)
    ticket.resolved_at = now
    ticket.resolved_by = _person(actor)
    ticket.resolution = text.strip()
    ticket.fcr = rules.fcr(
        was_reopened=ticket.reopened_count > 0,
        was_escalated=ticket.escalated_at is not None,
        waited_on_customer=ticket.waited_on_customer,
    )
    after = rules.FOLLOW_UP_AFTER.get(ticket.type)
    ticket.follow_up_due_at = now + after if after else None
    ticket.follow_up_done_at = None
    ticket.follow_up_outcome = ""
    action = _record(
        ticket, K.RESOLVE, actor, text=text, frm=frm, data={"fcr": ticket.fcr}, now=now
    )
    _save(ticket, before, actor, "resolve", fcr=ticket.fcr)
    messages = _notify_resolved(ticket, now=now)
    return StepResult(ticket, action, messages)


def _notify_resolved(ticket: Ticket, *, now) -> list:
    from orderdesk.messaging.actions import enqueue_message

    messages = enqueue_message(
        customer=ticket.customer,
        kind="ticket_resolved",
        context={"ticket_number": ticket.number},
        order=ticket.order,
        dedupe_key=f"ticket:{ticket.pk}:resolved:{ticket.round}",
    )
    if not CsatSurvey.objects.filter(ticket=ticket).exists():
        survey = CsatSurvey.objects.create(
            ticket=ticket,
            nonce=secrets.token_urlsafe(12),
            reply_code=_fresh_reply_code(),
            sent_at=now,
            expires_at=now + rules.CSAT_VALID_FOR,
        )
        messages += enqueue_message(
            customer=ticket.customer,
            kind="csat_survey",
            context={
                "ticket_number": ticket.number,
                "survey_url": csat_url(survey),
                "reply_code": survey.reply_code,
            },
            order=ticket.order,
            dedupe_key=f"ticket:{ticket.pk}:csat",
        )
    return messages


def _fresh_reply_code() -> str:
    for _ in range(10):
        code = "".join(
            secrets.choice(rules.REPLY_CODE_ALPHABET) for _ in range(rules.REPLY_CODE_LENGTH)
        )
        if not CsatSurvey.objects.filter(reply_code=code).exists():
            return code
    raise Conflict("Could not allot a survey reply code; try again.", code="reply_code_exhausted")


@transaction.atomic
def reopen_ticket(ticket, *, actor, text: str, now=None) -> StepResult:
    """C3: the fix did not hold. Only a resolved ticket reopens (a closed one is final: a new
    request is a new ticket). It no longer counts for FCR; a new round of C1 begins, and the
    resolution clock starts again from now (the first response was already given)."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    _check_may_work(ticket, actor, K.REOPEN)
    if ticket.status != S.RESOLVED:
        raise Conflict(
            "Only a resolved ticket can be reopened"
            + (": this one is closed, open a new ticket." if ticket.status == S.CLOSED else "."),
            code="ticket_not_resolved",
            field="kind",
            extra={"ticket_status": ticket.status},
        )
    if rules.trivial_text(text):
        raise ValidationFailed(
            "Say why the ticket is reopened (what is still wrong).",
            code="text_required",
            field="text",
        )
    before = _view(ticket)
    frm = _move(ticket, S.REOPENED)
    ticket.round += 1
    ticket.reopened_count += 1
    ticket.fcr = False
    ticket.resolution_due_at = now + dt.timedelta(minutes=ticket.resolution_minutes or 24 * 60)
    ticket.resolution_breached_at = None
    ticket.follow_up_due_at = None
    action = _record(ticket, K.REOPEN, actor, text=text, frm=frm, now=now)
    _save(ticket, before, actor, "reopen")
    return StepResult(ticket, action)


@transaction.atomic
def add_note(ticket, *, actor, text: str, now=None) -> StepResult:
    now = now or timezone.now()
    ticket = _lock(ticket)
    _check_may_work(ticket, actor, K.NOTE)
    if not (text or "").strip():
        raise ValidationFailed("Write the note.", code="text_required", field="text")
    action = _record(ticket, K.NOTE, actor, text=text, now=now)
    audit.record("ticket.note", ticket, after={"note": text.strip()[:500]}, actor=actor)
    return StepResult(ticket, action)


@transaction.atomic
def record_follow_up(ticket, *, actor, text: str, outcome: str, now=None) -> StepResult:
    """C3: the post-resolution contact the ticket type calls for. ``not_fixed`` reopens."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    _check_may_work(ticket, actor, K.FOLLOW_UP)
    if outcome not in FollowUpOutcome.values:
        raise ValidationFailed(
            f"Say how the follow-up went ({', '.join(FollowUpOutcome.values)}).",
            code="outcome_unknown",
            field="outcome",
        )
    if ticket.status != S.RESOLVED or ticket.follow_up_due_at is None or ticket.follow_up_done_at:
        raise Conflict(
            "No follow-up is owed on this ticket.", code="follow_up_not_due", field="kind"
        )
    before = _view(ticket)
    ticket.follow_up_done_at = now
    ticket.follow_up_outcome = outcome
    action = _record(
        ticket, K.FOLLOW_UP, actor, text=text, outcome="", data={"outcome": outcome}, now=now
    )
    _save(ticket, before, actor, "follow_up", outcome=outcome)
    if outcome == FollowUpOutcome.NOT_FIXED:
        reopen_ticket(
            ticket,
            actor=actor,
            text=text or "Follow-up: the customer says it is not fixed.",
            now=now,
        )
        ticket.refresh_from_db()
    return StepResult(ticket, action)


@transaction.atomic
def assign_ticket(ticket, *, actor, to=None, now=None) -> StepResult:
    """Take a ticket (``to`` None: the actor) or give it to another CX agent."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    _check_may_work(ticket, actor, K.ASSIGN)
    target = to or actor
    if not (_is_cx(target) and target.role == Role.CX):
        raise ValidationFailed(
            "Tickets are assigned to CX agents.", code="assignee_not_cx", field="assignee"
        )
    if ticket.status not in ACTIVE_STATUSES:
        _require_active(ticket)
    before = _view(ticket)
    ticket.assignee = target
    action = _record(ticket, K.ASSIGN, actor, text=f"Assigned to {target.get_username()}.", now=now)
    _save(ticket, before, actor, "assign")
    return StepResult(ticket, action)


# --- D6: order not found -------------------------------------------------------------------


def _d6_act(ticket, *, actor, text, outcome, order_number, now) -> StepResult:
    """D6 from the ticket page: the order CX found (by number or phone), or none."""
    ticket_pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    order = None
    if outcome == ActOutcome.LINK_ORDER:
        if not (order_number or "").strip():
            raise ValidationFailed(
                "Give the number of the order you found.", code="required", field="order_number"
            )
        order = order_by_number(order_number.strip(), field="order_number")
    with transaction.atomic():
        locked = _lock(ticket_pk)
        _check_may_work(locked, actor, K.ACT)
        _require_active(locked)
        _check_outcome(locked, outcome)
        refusal = rules.step_refusal(
            K.ACT, ticket_type=locked.type, steps_since_reopen=_steps_this_round(locked), text=text
        )
        if refusal and locked.type == TicketType.ORDER_NOT_FOUND:
            raise ValidationFailed(refusal.message, code=refusal.code, field=refusal.field)
        resolve_order_not_found(locked, order=order, resolved_by=actor, resolution=text, now=now)
        locked = Ticket.objects.get(pk=ticket_pk)
        action = locked.actions.filter(kind=K.ACT).order_by("-id").first()
    return StepResult(locked, action)


@transaction.atomic
def resolve_order_not_found(
    ticket: Ticket, *, order=None, resolved_by=None, resolution: str = "", now=None
) -> Ticket:
    """D6: CX has checked the customer's claim to have ordered.

    1. Lock the ticket; it must be an active ``order_not_found`` case; the order, if given,
       must be the customer's.
    2. Order found (``order`` given): the lead moves to Already Placed an Order (closed for
       sales, D5). No order: the lead's block is released and it goes back to sales.
    3. Record the Act (the finding) and resolve the ticket (C1/C3), audit both.
    """
    from orderdesk.leads.actions import settle_order_not_found
    from orderdesk.orders.models import Order

    now = now or timezone.now()
    ticket = _lock(ticket)
    if ticket.type != TicketType.ORDER_NOT_FOUND or ticket.status not in ACTIVE_STATUSES:
        raise Conflict(
            f"Ticket #{ticket.pk} is not an open 'order not found' case.",
            code="ticket_not_open",
            field="ticket",
        )
    _check_may_work(ticket, resolved_by, K.ACT)
    if (
        order is not None
        and getattr(order, "customer_id", ticket.customer_id) != ticket.customer_id
    ):
        raise ValidationFailed(
            "That order belongs to another customer.",
            code="order_customer_mismatch",
            field="order_number",
        )
    if ticket.lead_id:
        settle_order_not_found(ticket.lead, order=order, actor=resolved_by)
    if order is not None:
        ticket.order_number = order.number
        if isinstance(order, Order):
            ticket.order = order
    finding = (
        rules.ORDER_FOUND_FINDING.format(
            number=order.number, status=getattr(order, "status", "open")
        )
        if order is not None
        else rules.NO_ORDER_FINDING
    )
    text = resolution or (
        f"Order {order.number} found; linked."
        if order is not None
        else "No order found; back to sales."
    )
    _take(ticket, resolved_by, now)
    frm = ticket.status
    if ticket.status in (S.OPEN, S.REOPENED):
        _move(ticket, S.IN_PROGRESS)
    _record(
        ticket,
        K.ACT,
        resolved_by,
        text=text,
        outcome=ActOutcome.LINK_ORDER if order is not None else ActOutcome.NO_ORDER,
        frm=frm,
        data={"order": order.number if order is not None else None, "said": finding},
        now=now,
    )
    _resolve(ticket, actor=resolved_by, text=text, now=now)
    return ticket


# --- C3: CSAT ------------------------------------------------------------------------------


def csat_token(survey: CsatSurvey) -> str:
    """The one-time link's token: the survey id and its random nonce, signed with SECRET_KEY."""
    return signing.Signer(salt=CSAT_SALT).sign(f"{survey.pk}.{survey.nonce}")


def csat_url(survey: CsatSurvey) -> str:
    from django.urls import reverse

    from orderdesk.cx.conf import conf

    return conf().public_url + reverse("console:csat_answer", args=[csat_token(survey)])


def survey_for_token(token: str) -> CsatSurvey:
    """The survey a link names, or 404 ``csat_link_invalid`` for a forged or mangled token."""
    try:
        value = signing.Signer(salt=CSAT_SALT).unsign(token)
        pk, nonce = value.split(".", 1)
        return CsatSurvey.objects.select_related("ticket__customer").get(pk=int(pk), nonce=nonce)
    except (signing.BadSignature, ValueError, CsatSurvey.DoesNotExist):
        raise NotFound(
            "This survey link is not valid.", code="csat_link_invalid", field="token"
        ) from None


@transaction.atomic
def answer_csat(survey: CsatSurvey, *, score, via: str, comment: str = "", now=None) -> CsatSurvey:
    """C3: store the customer's answer, once per ticket, with the agent and team at rating time.

    The conditional UPDATE on ``score IS NULL`` decides between two answers at the same
    instant: exactly one is stored; the other gets 409 ``csat_already_answered``.
    """
    now = now or timezone.now()
    if not rules.valid_score(score):
        raise ValidationFailed(
            "The rating is a whole number from 1 to 5.", code="csat_score_invalid", field="score"
        )
    if survey.expires_at <= now and survey.score is None:
        raise Conflict("This survey has expired.", code="csat_expired", field="token")
    ticket = survey.ticket
    agent = ticket.resolved_by or ticket.assignee
    team_id = agent.team_id if agent is not None else None
    updated = CsatSurvey.objects.filter(pk=survey.pk, score__isnull=True).update(
        score=score,
        comment=(comment or "").strip()[:500],
        answered_at=now,
        answered_via=via,
        agent=agent,
        team_id=team_id,
    )
    if updated != 1:
        raise Conflict(
            "This survey was already answered: thank you, one answer per ticket is kept.",
            code="csat_already_answered",
            field="score",
        )
    survey.refresh_from_db()
    audit.record(
        "csat.answer",
        survey,
        after={
            "ticket": ticket.pk,
            "score": score,
            "via": via,
            "agent": survey.agent_id,
            "team": team_id,
        },
        actor=None,
    )
    return survey


def answer_csat_by_token(token: str, *, score, comment: str = "") -> CsatSurvey:
    return answer_csat(survey_for_token(token), score=score, via="link", comment=comment)


def answer_csat_by_reply(*, phone: str, text: str) -> CsatSurvey:
    """C3: a customer's SMS/WhatsApp reply ("4 K7M2QX"), relayed by the gateway or an agent.
    The code must belong to a survey sent to that phone."""
    from orderdesk.core.phones import normalise_phone

    parsed = rules.parse_csat_reply(text)
    if parsed is None:
        raise ValidationFailed(
            "A reply is the rating (1-5) and the survey's code, e.g. '4 K7M2QX'.",
            code="csat_reply_unreadable",
            field="text",
        )
    score, code = parsed
    e164 = normalise_phone(phone)
    survey = (
        CsatSurvey.objects.select_related("ticket__customer")
        .filter(reply_code=code, ticket__customer__phone=e164)
        .first()
    )
    if survey is None:
        raise NotFound(
            "No survey with that code was sent to this phone.",
            code="csat_code_unknown",
            field="text",
        )
    return answer_csat(survey, score=score, via="reply")


# --- C2: the SLA sweep -------------------------------------------------------------------------


@dataclass
class SweepReport:
    examined: int = 0
    first_response_breaches: int = 0
    resolution_breaches: int = 0
    escalated: int = 0
    closed: int = 0
    batches: int = 0
    more_due: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def sweep_sla(
    *, now: dt.datetime | None = None, batch_size: int = 1000, time_budget: float | None = None
) -> SweepReport:
    """C2: stamp breaches, escalate breached tickets to a supervisor (exactly once), and close
    resolved tickets whose reopen window has passed.

    1. Take a batch of active tickets whose next deadline has passed (``sla_next_due_at <=
       now``; index), locked with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so parallel
       sweeps share the work (on SQLite the IMMEDIATE transaction serialises them).
    2. In that transaction, set-based: stamp first-response and resolution breaches (each
       once: ``… IS NULL`` in the WHERE), escalate the ones not yet escalated (``escalated_at
       IS NULL``: exactly once, even against a manual escalation in flight), recompute the next
       deadline, and write one ``sla_breach`` action and one audit event per ticket escalated.
    3. Repeat until nothing is due or the time budget is spent (``more_due`` says so).
    4. Close resolved tickets past ``rules.REOPEN_WINDOW`` with no follow-up owed.
    """
    now = now or timezone.now()
    started = time.monotonic()
    report = SweepReport()
    supervisors = _supervisor_pool()
    while True:
        with transaction.atomic():
            due = Ticket.objects.filter(
                sla_next_due_at__lte=now,
                status__in=[s for s in ACTIVE_STATUSES if s != S.WAITING_ON_CUSTOMER],
            ).order_by("sla_next_due_at")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            ids = list(due.values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            report.batches += 1
            report.examined += len(ids)
            _sweep_batch(ids, now, supervisors, report)
        if time_budget is not None and time.monotonic() - started > time_budget:
            report.more_due = Ticket.objects.filter(sla_next_due_at__lte=now).exists()
            break
    report.closed = close_resolved_tickets(now=now)
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _supervisor_pool() -> dict:
    from orderdesk.accounts.models import Team, User

    active = list(
        User.objects.filter(role=Role.SUPERVISOR, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    by_team = dict(
        Team.objects.filter(
            supervisor__is_active=True, supervisor__role=Role.SUPERVISOR
        ).values_list("pk", "supervisor_id")
    )
    return {"active": active, "by_team": by_team}


def _sweep_batch(ids: list[int], now, supervisors: dict, report: SweepReport) -> None:
    """Step 2 of ``sweep_sla``. Call inside the transaction that locked ``ids``."""
    from django.db.models import Case, F, Value, When

    rows = Ticket.objects.filter(pk__in=ids)
    report.first_response_breaches += rows.filter(
        first_responded_at__isnull=True,
        first_response_breached_at__isnull=True,
        first_response_due_at__lte=now,
    ).update(first_response_breached_at=now)
    report.resolution_breaches += rows.filter(
        resolution_breached_at__isnull=True, resolution_due_at__lte=now
    ).update(resolution_breached_at=now)

    to_escalate = list(
        rows.filter(escalated_at__isnull=True, status__in=ACTIVE_STATUSES).values_list(
            "pk",
            "status",
            "assignee__team_id",
            "first_response_breached_at",
            "resolution_breached_at",
        )
    )
    # One conditional UPDATE per ticket; its row count decides whether this sweep
    # escalated it (a manual escalation that got there first leaves 0), and only the
    # tickets it changed get their sla_breach action and audit event.
    pool = supervisors["active"]
    escalated: list[tuple[int, str, int | None, str]] = []
    for i, (pk, status, team_id, _fr_breach, res_breach) in enumerate(to_escalate):
        supervisor = supervisors["by_team"].get(team_id) or (
            pool[(pk + i) % len(pool)] if pool else None
        )
        changed = Ticket.objects.filter(
            pk=pk, escalated_at__isnull=True, status__in=ACTIVE_STATUSES
        ).update(
            status=S.ESCALATED,
            paused_at=None,
            escalated_at=now,
            escalation_kind=EscalationKind.SLA_BREACH,
            escalation_reason="SLA breached.",
            escalated_to_id=supervisor,
            updated_at=now,
        )
        if changed:
            escalated.append(
                (pk, status, supervisor, "resolution" if res_breach else "first response")
            )
    report.escalated += len(escalated)
    if escalated:
        tickets = Ticket.objects.in_bulk([pk for pk, *_ in escalated])
        actions = []
        for pk, status, supervisor, which in escalated:
            reason = f"SLA breached ({which} due time passed)."
            actions.append(
                TicketAction(
                    ticket_id=pk,
                    kind=K.SLA_BREACH,
                    text=reason,
                    at=now,
                    round=tickets[pk].round,
                    from_status=status,
                    to_status=S.ESCALATED,
                    data={"escalated_to": supervisor, "breach": which},
                )
            )
            audit.record(
                "ticket.escalate",
                tickets[pk],
                before={"status": status, "escalated_to": None},
                after={
                    "status": S.ESCALATED,
                    "escalated_to": supervisor,
                    "kind": EscalationKind.SLA_BREACH,
                    "reason": reason,
                },
                system=True,
                via="worker",
            )
        TicketAction.objects.bulk_create(actions, batch_size=1000)
    # The next deadline (rules.next_sla_due, in SQL): first response if still pending, else
    # the resolution if not yet breached, else none.
    rows.update(
        sla_next_due_at=Case(
            When(
                first_responded_at__isnull=True,
                first_response_breached_at__isnull=True,
                then=F("first_response_due_at"),
            ),
            When(resolution_breached_at__isnull=True, then=F("resolution_due_at")),
            default=Value(None),
        )
    )


def close_resolved_tickets(*, now=None, limit: int = 10_000) -> int:
    """Resolved tickets past the reopen window, with no follow-up still owed, are closed.

    1. Select the candidates' ids (locked, SKIP LOCKED, on PostgreSQL).
    2. For each, a conditional UPDATE ``WHERE status = resolved`` (and the window and
       follow-up conditions again): its row count decides. A ticket reopened (or otherwise
       changed) since the selection is left alone and gets no close record.
    3. Only the tickets closed here get their close action and audit event.
    """
    now = now or timezone.now()
    cutoff = now - rules.REOPEN_WINDOW
    still_closable = Q(status=S.RESOLVED, resolved_at__lte=cutoff) & (
        Q(follow_up_due_at__isnull=True) | Q(follow_up_done_at__isnull=False)
    )
    with transaction.atomic():
        candidates = Ticket.objects.filter(still_closable).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        closed_ids = [
            pk
            for pk in ids
            if Ticket.objects.filter(still_closable, pk=pk).update(
                status=S.CLOSED, closed_at=now, updated_at=now
            )
        ]
        if not closed_ids:
            return 0
        tickets = Ticket.objects.in_bulk(closed_ids)
        TicketAction.objects.bulk_create(
            [
                TicketAction(
                    ticket_id=pk,
                    kind=K.CLOSE,
                    text="Reopen window passed.",
                    at=now,
                    round=tickets[pk].round,
                    from_status=S.RESOLVED,
                    to_status=S.CLOSED,
                )
                for pk in closed_ids
            ]
        )
        for pk in closed_ids:
            audit.record(
                "ticket.close",
                tickets[pk],
                before={"status": S.RESOLVED},
                after={"status": S.CLOSED},
                system=True,
                via="worker",
            )
    return len(closed_ids)
