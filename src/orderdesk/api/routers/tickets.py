"""CX tickets over the API (SPEC §11, §6 C1-C3, M9, D6).

``POST /tickets`` opens a case; ``GET /tickets/{id}`` shows it with its steps, SLA clocks and
CSAT; ``POST /tickets/{id}/actions`` records one step — ``listen``, ``apologise``, ``act``,
``escalate``, ``resolve``, ``reopen`` (SPEC §11) and ``wait``, ``resume``, ``note``,
``follow_up``. An Act may carry an ``outcome`` the system carries out: M9 ``customer_accepts``
/ ``cancel_order`` (through the order's lifecycle, no penalty), D6 ``link_order`` (with
``order_number``) / ``no_order``, ``status_update`` (the order's status, slot and vendor to
the customer).

Who: CX agents (``tickets.work``) do everything; supervisors (``tickets.escalations``) read
every ticket and work the escalated ones. The CSAT answer (``POST /csat``) needs no login: the
link's signed one-time token is the credential. Relayed SMS replies (``POST /csat/replies``)
come from an authenticated CX user or the gateway's integration account.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models.functions import Coalesce
from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from orderdesk.accounts.permissions import Perm, has_perm, require
from orderdesk.api.paging import NO_DEADLINE, PAGED_OPENAPI, PageQuery, page_by_keys
from orderdesk.api.schemas import AUTH_ERRORS, INPUT_ERRORS, InputSchema, Problem
from orderdesk.core.errors import NotFound
from orderdesk.core.throttle import throttle
from orderdesk.core.timeutil import ist_label
from orderdesk.cx import rules, selectors
from orderdesk.cx.actions import csat
from orderdesk.cx.choices import API_ACTION_KINDS, TicketChannel, TicketPriority, TicketType
from orderdesk.cx.models import Ticket
from orderdesk.flows import tickets

router = Router(tags=["tickets"])

CONFLICT = {409: Problem}
NOT_FOUND = {404: Problem}


def _worker(request):
    """CX agents, and supervisors for escalations; everyone else 403 (401 without a token)."""
    user = request.auth
    if has_perm(user, Perm.TICKETS_WORK) or has_perm(user, Perm.ESCALATIONS):
        return user
    require(user, Perm.TICKETS_WORK)
    return user


# --- Schemas --------------------------------------------------------------------------------


class TicketCustomerIn(InputSchema):
    name: str = Field(default="", max_length=120, description="needed only for a new customer")
    phone: str = Field(min_length=1, max_length=20, description="any Indian format")


class TicketIn(InputSchema):
    type: Literal[tuple(TicketType.values)]  # type: ignore[valid-type]
    customer: TicketCustomerIn | None = Field(
        default=None, description="the customer; optional when order_number names the order"
    )
    order_number: str | None = Field(default=None, max_length=20)
    lead_id: int | None = None
    channel: Literal[tuple(TicketChannel.values)] = "call"  # type: ignore[valid-type]
    priority: Literal[tuple(TicketPriority.values)] | None = Field(  # type: ignore[valid-type]
        default=None, description="default per type (price disputes and blocked leads: high)"
    )
    notes: str = Field(default="", max_length=4000, description="what the customer raised")


class ActionIn(InputSchema):
    kind: Literal[tuple(API_ACTION_KINDS)]  # type: ignore[valid-type]
    text: str = Field(default="", max_length=4000)
    outcome: str | None = Field(
        default=None,
        description=(
            "act: customer_accepts | cancel_order (M9), link_order | no_order (D6), "
            "status_update; follow_up: confirmed | not_fixed | unreachable"
        ),
    )
    order_number: str | None = Field(default=None, max_length=20, description="D6 link_order")


class CsatIn(InputSchema):
    token: str = Field(min_length=10, max_length=200, description="from the survey link")
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=500)


class CsatReplyIn(InputSchema):
    phone: str = Field(min_length=1, max_length=20, description="the phone the reply came from")
    text: str = Field(min_length=1, max_length=160, description='e.g. "4 K7M2QX"')


class CsatOut(Schema):
    ticket_number: str
    score: int | None
    answered_at: dt.datetime | None
    answered_via: str


class ActionOut(Schema):
    id: int
    kind: str
    outcome: str
    text: str
    actor: str | None
    at: dt.datetime
    round: int
    from_status: str
    to_status: str


class ClockOut(Schema):
    state: str = Field(description="running | overdue | paused | met | breached | none")
    due_at: dt.datetime | None
    left_minutes: int | None = None
    at: dt.datetime | None = None


class SlaOut(Schema):
    policy_version: int
    first_response_minutes: int | None
    resolution_minutes: int | None
    first_response: ClockOut
    resolution: ClockOut
    paused: bool
    paused_seconds: int


class OrderBrief(Schema):
    number: str
    status: str
    estimated_price: int
    final_price: int | None
    pickup_slot: str
    vendor: str


class PriceDisputeOut(Schema):
    estimated_price: int
    final_price: int | None
    price_confirmed_at: dt.datetime | None
    consent_statement: str
    consent_at: dt.datetime | None
    call_notes: list[str]
    script: str


class TicketBrief(Schema):
    id: int
    number: str
    type: str
    status: str
    priority: str
    channel: str
    customer: dict
    order_number: str
    assignee: str | None
    sla_next_due_at: dt.datetime | None
    escalated_to: str | None
    created_at: dt.datetime


class TicketOut(TicketBrief):
    lead_id: int | None
    notes: str
    resolution: str
    resolved_at: dt.datetime | None
    escalation_kind: str
    escalation_reason: str
    fcr: bool | None
    reopened_count: int
    follow_up_due_at: dt.datetime | None
    follow_up_outcome: str
    steps_done: list[str] = Field(description="C1 steps recorded in the current round")
    sla: SlaOut
    order: OrderBrief | None
    price_dispute: PriceDisputeOut | None
    csat: CsatOut | None
    actions: list[ActionOut]


class QueueQuery(Schema):
    queue: Literal["mine", "unassigned", "breaching", "follow_ups", "escalated"] = "mine"


# --- Rendering -----------------------------------------------------------------------------


def _name(user) -> str | None:
    return user.username if user is not None else None


def _brief(t: Ticket) -> dict:
    return {
        "id": t.pk,
        "number": t.number,
        "type": t.type,
        "status": t.status,
        "priority": t.priority,
        "channel": t.channel,
        "customer": {
            "id": t.customer_id,
            "name": t.customer.name,
            "phone_masked": t.customer.masked_phone,
        },
        "order_number": t.order_number,
        "assignee": _name(t.assignee),
        "sla_next_due_at": t.sla_next_due_at,
        "escalated_to": _name(t.escalated_to),
        "created_at": t.created_at,
    }


def _csat(t: Ticket) -> dict | None:
    survey = getattr(t, "csat", None)  # None when no survey was sent yet
    if survey is None:
        return None
    return {
        "ticket_number": t.number,
        "score": survey.score,
        "answered_at": survey.answered_at,
        "answered_via": survey.answered_via,
    }


def _ticket(pk: int) -> dict:
    t = selectors.ticket_detail(pk)
    order = t.order
    order_out = dispute = None
    if order is not None:
        facts = selectors.order_status_facts(order)
        order_out = {
            "number": order.number,
            "status": order.status,
            "estimated_price": order.estimated_price,
            "final_price": order.final_price,
            "pickup_slot": facts["pickup_slot"],
            "vendor": facts["vendor_name"],
        }
        if t.type == TicketType.PRICE_DISPUTE:
            m9 = selectors.price_dispute_facts(order)
            dispute = {
                **{
                    k: m9[k]
                    for k in (
                        "estimated_price",
                        "final_price",
                        "price_confirmed_at",
                        "consent_statement",
                        "consent_at",
                        "script",
                    )
                },
                "call_notes": [
                    f"{ist_label(c.at)} {c.disposition.label}: {c.notes}" for c in m9["calls"]
                ],
            }
    csat = _csat(t)
    return {
        **_brief(t),
        "lead_id": t.lead_id,
        "notes": t.notes,
        "resolution": t.resolution,
        "resolved_at": t.resolved_at,
        "escalation_kind": t.escalation_kind,
        "escalation_reason": t.escalation_reason,
        "fcr": t.fcr,
        "reopened_count": t.reopened_count,
        "follow_up_due_at": t.follow_up_due_at,
        "follow_up_outcome": t.follow_up_outcome,
        "steps_done": sorted(selectors.steps_done(t)),
        "sla": selectors.sla_view(t),
        "order": order_out,
        "price_dispute": dispute,
        "csat": csat,
        "actions": [
            {
                "id": a.pk,
                "kind": a.kind,
                "outcome": a.outcome,
                "text": a.text,
                "actor": _name(a.actor),
                "at": a.at,
                "round": a.round,
                "from_status": a.from_status,
                "to_status": a.to_status,
            }
            for a in selectors.ticket_actions(t)
        ],
    }


def _get(pk: int) -> Ticket:
    ticket = Ticket.objects.filter(pk=pk).first()
    if ticket is None:
        raise NotFound(f"Ticket {pk} does not exist.", code="ticket_unknown")
    return ticket


# --- Endpoints -------------------------------------------------------------------------------


@router.post(
    "/tickets",
    response={201: TicketOut, **NOT_FOUND, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Open a CX ticket (C2: its SLA clocks start now)",
    description=(
        "The customer is found by phone (created if new, with `name`) or by the order named in "
        "`order_number`. 422 `order_required` (a price dispute needs its order, M9), "
        "`order_customer_mismatch`, `ticket_type_unknown`; 404 `order_not_found`, `lead_unknown`."
    ),
)
def create_ticket(request, payload: TicketIn):
    ticket = tickets.open_ticket_for_caller(
        type=payload.type,
        created_by=_worker(request),
        customer_phone=payload.customer.phone if payload.customer is not None else "",
        customer_name=payload.customer.name if payload.customer is not None else "",
        order_number=payload.order_number or "",
        lead_id=payload.lead_id,
        notes=payload.notes,
        channel=payload.channel,
        priority=payload.priority,
        customer_field="customer",
    )
    return Status(201, _ticket(ticket.pk))


# Each queue keeps its own order (cx/selectors.py), made total by the id, so it can be walked
# with a keyset cursor (issue 20). An empty deadline sorts after every real one.
_QUEUE_KEYS: dict[str, list[tuple[str, type]]] = {
    "mine": [("due", dt.datetime), ("priority_rank", int), ("created_at", dt.datetime), ("pk", int)],
    "unassigned": [
        ("priority_rank", int), ("due", dt.datetime), ("created_at", dt.datetime), ("pk", int)
    ],
    "breaching": [("due", dt.datetime), ("pk", int)],
    "follow_ups": [("follow_up_due", dt.datetime), ("pk", int)],
    "escalated": [("escalated_since", dt.datetime), ("pk", int)],
}  # fmt: skip


@router.get(
    "/tickets",
    response={200: list[TicketBrief], **AUTH_ERRORS, **INPUT_ERRORS},
    summary="A queue: mine, unassigned, breaching (within the hour), follow_ups, escalated",
    description=(
        "A page at a time, in the queue's order (mine and breaching: the next SLA deadline "
        "first; unassigned: priority, then deadline; follow_ups: follow-up due time; "
        "escalated: oldest escalation), the ticket id breaking ties. A ticket whose deadline "
        "moves while a client walks the queue is seen where it sorts when the walk reaches it "
        "(docs/spec.md, Paged lists)."
    ),
    openapi_extra=PAGED_OPENAPI,
)
def list_tickets(
    request, response: HttpResponse, filters: Query[QueueQuery], page: Query[PageQuery]
):
    user = _worker(request)
    tickets_ = selectors.queue(filters.queue, user).annotate(
        due=Coalesce("sla_next_due_at", NO_DEADLINE),
        follow_up_due=Coalesce("follow_up_due_at", NO_DEADLINE),
        escalated_since=Coalesce("escalated_at", NO_DEADLINE),
    )
    keys = _QUEUE_KEYS[filters.queue]
    return [_brief(t) for t in page_by_keys(tickets_, request, response, page, keys=keys)]


@router.get(
    "/tickets/{ticket_id}",
    response={200: TicketOut, **NOT_FOUND, **INPUT_ERRORS, **AUTH_ERRORS},
    summary="A ticket: status, steps (C1), SLA clocks (C2), CSAT and FCR (C3), the order (M9)",
)
def get_ticket(request, ticket_id: int):
    _worker(request)
    return _ticket(_get(ticket_id).pk)


@router.post(
    "/tickets/{ticket_id}/actions",
    response={201: TicketOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Record one step on a ticket: listen, apologise, act, escalate, resolve, reopen, …",
    description=(
        "Refusals (nothing changes): 422 `text_required`, `listen_first`, `apology_required` "
        "(C1 order), `act_required` (resolve without an Act, C1), `escalation_reason_required` "
        "(C2), `outcome_not_allowed`, `outcome_unknown`; 409 `ticket_not_active`, "
        "`ticket_not_resolved` (reopen), `already_escalated`, `ticket_not_waiting`, "
        "`follow_up_not_due`, `illegal_transition` (the order's lifecycle refused a cancellation); "
        "403 for other roles. Resolving sends `ticket_resolved` and, once per ticket, the CSAT "
        "survey to the customer's outbox."
    ),
)
def record_action(request, ticket_id: int, payload: ActionIn):
    user = _worker(request)
    ticket = _get(ticket_id)
    tickets.record_ticket_action(
        ticket,
        kind=payload.kind,
        actor=user,
        text=payload.text,
        outcome=payload.outcome or "",
        order_number=payload.order_number or "",
    )
    return Status(201, _ticket(ticket.pk))


@router.post(
    "/csat",
    response={200: CsatOut, 404: Problem, 409: Problem, 429: Problem, **INPUT_ERRORS},
    auth=None,
    summary="The customer's CSAT answer from the survey link (no login: the signed one-time token)",
    description=(
        "404 `csat_link_invalid` (forged or mangled token); 409 `csat_already_answered` (one "
        "answer per ticket), `csat_expired`; 422 for a score outside 1-5."
    ),
)
def answer_csat(request, payload: CsatIn):
    throttle(request, "csat_answer")
    survey = csat.answer_csat_by_token(payload.token, score=payload.score, comment=payload.comment)
    return {
        "ticket_number": rules.ticket_number(survey.ticket_id),
        "score": survey.score,
        "answered_at": survey.answered_at,
        "answered_via": survey.answered_via,
    }


@router.post(
    "/csat/replies",
    response={200: CsatOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Relay a customer's reply to a survey message ('4 K7M2QX'): the code must match the phone",
)
def answer_csat_reply(request, payload: CsatReplyIn):
    require(request.auth, Perm.TICKETS_WORK)
    survey = csat.answer_csat_by_reply(phone=payload.phone, text=payload.text)
    return {
        "ticket_number": rules.ticket_number(survey.ticket_id),
        "score": survey.score,
        "answered_at": survey.answered_at,
        "answered_via": survey.answered_via,
    }
