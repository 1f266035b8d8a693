"""C1/C3: resolve, reopen, note, follow up, assign."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from orderdesk.accounts.choices import Role
from orderdesk.core import audit
from orderdesk.core.errors import Conflict, ValidationFailed
from orderdesk.cx import rules
from orderdesk.cx.actions._blocks import (
    StepResult,
    _check_may_work,
    _end_pause,
    _is_cx,
    _lock,
    _move,
    _person,
    _record,
    _require_active,
    _save,
    _take,
    _view,
)
from orderdesk.cx.actions.csat import csat_url, fresh_reply_code
from orderdesk.cx.choices import (
    ACTIVE_STATUSES,
    ActionKind,
    FollowUpOutcome,
    TicketStatus,
)
from orderdesk.cx.models import CsatSurvey, Ticket
from orderdesk.cx.selectors import steps_this_round
from orderdesk.messaging.actions import enqueue_message

S = TicketStatus
K = ActionKind


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
        K.RESOLVE, ticket_type=ticket.type, steps_since_reopen=steps_this_round(ticket), text=text
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
    ticket.resolved_at = now  # before the move: a resolved ticket has its resolver and time
    ticket.resolved_by = _person(actor)
    frm = _move(ticket, S.RESOLVED)
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
            reply_code=fresh_reply_code(),
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
