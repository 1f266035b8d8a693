"""Leads, contact attempts and follow-ups over the API (SPEC §11), for dialers and agents' tools.

The SOP's rules (D1-D10) are applied by ``orderdesk.leads.actions`` exactly as from the
console; refusals come back as problem+json with the rule's code.

Who may do what: sales agents (``leads.work``) create leads, log contacts and schedule the
follow-up on their own leads and unowned ones (the first contact takes ownership); another
agent's lead is refused with 403 ``not_lead_owner`` except for an INBOUND contact (a
customer who calls in is answered by whoever picks up, also on a closed lead: issue 15).
A non-owner's inbound contact moves the lead only when the telephony call record says it
was inbound (issue 21); otherwise it is recorded and the owner told. A non-owner sees no
other agent's notes or customer's words (the reuse path of ``POST /leads``, the contact
result). Supervisors (``audits.run``) read every lead and the missed follow-ups. Phones are
shown masked (S2).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from orderdesk.accounts.permissions import Perm
from orderdesk.api.auth import acting_user
from orderdesk.api.paging import PAGED_OPENAPI, PageQuery, page_by_keys
from orderdesk.api.schemas import AUTH_ERRORS, INPUT_ERRORS, ApiDateTime, InputSchema, Problem
from orderdesk.catalog.actions import active_variant
from orderdesk.catalog.models import Quote
from orderdesk.core.errors import ValidationFailed
from orderdesk.core.language import english
from orderdesk.core.timeutil import IST
from orderdesk.customers.actions import get_or_create_customer
from orderdesk.flows import contacts
from orderdesk.leads import actions, rules, selectors, suggester
from orderdesk.leads.choices import LeadSource, LeadStatus
from orderdesk.leads.models import ContactAttempt, FollowUp, Lead

router = Router(tags=["leads"])

CONFLICT = {409: Problem}
NOT_FOUND = {404: Problem}


# --- Schemas --------------------------------------------------------------------------------


class LeadCustomerIn(InputSchema):
    name: str = Field(min_length=1, max_length=120)
    phone: str = Field(min_length=1, max_length=20, description="any Indian format")


class LeadIn(InputSchema):
    customer: LeadCustomerIn
    source: LeadSource
    variant_id: int | None = None
    quote_id: uuid.UUID | None = Field(default=None, description="the last quote the customer saw")


class FollowUpIn(InputSchema):
    at: ApiDateTime = Field(description="ISO 8601; without an offset it is read as IST")
    permission: bool = Field(description="D3: the customer agreed to this time (must be true)")


class ContactIn(InputSchema):
    channel: Literal["call", "whatsapp", "sms"]
    direction: Literal["outbound", "inbound"] = Field(
        description="D9 (calling hours, attempt limit, do-not-contact) applies to outbound only"
    )
    connected: bool
    disposition: str = Field(
        min_length=1,
        max_length=40,
        description="a key of the disposition tree, e.g. will_place_order",
    )
    notes: str = Field(default="", max_length=2000, description="D1: required when connected")
    customer_words: str | None = Field(
        default=None, max_length=1000, description="D2: what the customer said, in their words"
    )
    order_number: str | None = Field(
        default=None,
        max_length=20,
        description="D6: the order ID the customer read out, checked with M7's check character "
        "(`bad_check_character` / `bad_format`: read it back)",
    )
    pickup_confirmed: str | None = Field(
        default=None,
        max_length=20,
        description="D6 without the ID (issue 15 item 9): the number of the customer's open "
        "order whose pickup slot and address the customer confirmed (`pickup_not_confirmable`)",
    )
    follow_up: FollowUpIn | None = None
    call_id: int | None = Field(
        default=None,
        description="the telephony call this contact records; with telephony on, an outbound "
        "connected call needs one the provider saw answered (`call_not_seen_by_provider`)",
    )


class CloseIn(InputSchema):
    notes: str = Field(min_length=1, max_length=2000)


class SuggestionIn(InputSchema):
    text: str = Field(min_length=1, max_length=1000)


class SuggestionOut(Schema):
    disposition: str | None = Field(description="a disposition key, or null when nothing matched")
    confidence: float = Field(ge=0, le=1)
    matched: list[str] = Field(description="the phrases that suggested it")


class CustomerBrief(Schema):
    id: int
    name: str
    phone_masked: str


class FollowUpOut(Schema):
    id: int
    episode: int
    due_at: dt.datetime
    status: str
    assigned_to: str | None
    permission_recorded_by: str | None
    permission_recorded_at: dt.datetime
    done_at: dt.datetime | None


class ContactOut(Schema):
    id: int
    at: dt.datetime
    agent: str | None
    channel: str
    direction: str
    connected: bool
    disposition: str
    notes: str
    customer_words: str
    suggested_disposition: str | None
    suggestion_confidence: float | None
    order_number: str
    order_found: bool | None
    is_follow_up: bool
    recorded_by_system: bool


class LeadOut(Schema):
    id: int
    status: str
    status_label: str
    disposition: str | None
    source: str
    priority: int
    owner: str | None
    customer: CustomerBrief
    variant_id: int | None
    variant: str | None
    closed_for_sales: bool
    closed_reason: str
    order_creation_blocked: str | None = Field(description="D6/D5 reason code, or null")
    order_number: str
    next_follow_up_at: dt.datetime | None
    created_at: dt.datetime
    follow_ups: list[FollowUpOut]
    contacts: list[ContactOut]


class ContactResultOut(Schema):
    contact: ContactOut
    lead: LeadOut
    follow_up: FollowUpOut | None
    order_found: bool | None
    ticket_id: int | None = Field(description="D6: the 'order not found' CX ticket opened")
    script: str = Field(description="what the agent says next (the SOP's words)")
    lead_changed: bool = Field(
        default=True,
        description="false when the contact was recorded without moving the lead (an inbound "
        "call on a closed lead; another agent's lead without a call record)",
    )
    next_steps: list[str] = Field(
        default_factory=list,
        description="after an inbound call on a closed lead, what to offer: `new_lead`, "
        "`cx_ticket`, `order_status`, `nothing`",
    )


class DueFollowUpOut(Schema):
    id: int
    lead_id: int
    customer: CustomerBrief
    due_at: dt.datetime
    priority: int
    status: str
    episode: int


class DueQuery(Schema):
    within_minutes: int = Field(
        default=0, ge=0, le=24 * 60, description="also those due in the next N minutes"
    )


class MissedQuery(Schema):
    since: ApiDateTime | None = None
    until: ApiDateTime | None = None


class DispositionOut(Schema):
    key: str
    label: str
    group: str
    requires_notes: bool
    agent_selectable: bool
    script: str
    guidance: str


# --- Rendering -----------------------------------------------------------------------------


def _name(user) -> str | None:
    return user.username if user is not None else None


def _customer(c) -> dict:
    return {"id": c.id, "name": c.name, "phone_masked": c.masked_phone}


def _follow_up(fu: FollowUp) -> dict:
    return {
        "id": fu.id,
        "episode": fu.episode,
        "due_at": fu.due_at,
        "status": fu.status,
        "assigned_to": _name(fu.assigned_to),
        "permission_recorded_by": _name(fu.permission_recorded_by),
        "permission_recorded_at": fu.permission_recorded_at,
        "done_at": fu.done_at,
    }


def _contact(c: ContactAttempt, viewer=None) -> dict:
    hidden = viewer is not None and c.agent_id != viewer.pk
    return {
        "id": c.id,
        "at": c.at,
        "agent": _name(c.agent),
        "channel": c.channel,
        "direction": c.direction,
        "connected": c.connected,
        "disposition": c.disposition.key,
        "notes": "" if hidden else c.notes,
        "customer_words": "" if hidden else c.customer_words,
        "suggested_disposition": c.suggested_disposition or None,
        "suggestion_confidence": c.suggestion_confidence,
        "order_number": c.order_number,
        "order_found": c.order_found,
        "is_follow_up": c.is_follow_up,
        "recorded_by_system": c.recorded_by_system,
    }


def _lead(lead: Lead, viewer=None) -> dict:
    """The lead as the API shows it. ``viewer``: the acting user; when a sales agent who is not
    the lead's owner (issue 21), other agents' notes and the customer's words are left out."""
    lead = Lead.objects.select_related(
        "customer", "owner", "disposition", "variant__model__brand"
    ).get(pk=lead.pk)
    stranger = (
        viewer
        if viewer is not None
        and lead.owner_id not in (None, viewer.pk)
        and not selectors.may_read_all_leads(viewer)
        else None
    )
    return {
        "id": lead.id,
        "status": lead.status,
        "status_label": english(LeadStatus(lead.status).label),
        "disposition": lead.disposition.key if lead.disposition else None,
        "source": lead.source,
        "priority": lead.priority,
        "owner": _name(lead.owner),
        "customer": _customer(lead.customer),
        "variant_id": lead.variant_id,
        "variant": str(lead.variant) if lead.variant else None,
        "closed_for_sales": lead.closed_for_sales,
        "closed_reason": lead.closed_reason,
        "order_creation_blocked": rules.order_creation_blocked(lead),
        "order_number": lead.order_number,
        "next_follow_up_at": lead.next_follow_up_at,
        "created_at": lead.created_at,
        "follow_ups": [
            _follow_up(f)
            for f in lead.follow_ups.select_related(
                "assigned_to", "permission_recorded_by"
            ).order_by("episode")
        ],
        "contacts": [
            _contact(c, stranger)
            for c in lead.contacts.select_related("agent", "disposition").order_by("-at", "-id")[
                :100
            ]
        ],
    }


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else value.replace(tzinfo=IST)


# --- Endpoints -------------------------------------------------------------------------------


@router.post(
    "/leads",
    response={200: LeadOut, 201: LeadOut, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Open a lead for a customer (201), or get their open lead for the same device (200)",
)
def create_lead(request, payload: LeadIn):
    user = acting_user(request, Perm.LEADS_WORK)
    variant = active_variant(payload.variant_id) if payload.variant_id else None
    quote = None
    if payload.quote_id:
        quote = Quote.objects.select_related("variant__model").filter(pk=payload.quote_id).first()
        if quote is None:
            raise ValidationFailed("No such quote.", code="quote_unknown", field="quote_id")
    customer, _ = get_or_create_customer(name=payload.customer.name, phone=payload.customer.phone)
    lead, created = actions.create_lead(
        customer=customer,
        source=payload.source,
        variant=variant,
        quote=quote,
        owner=user,
        actor=user,
    )
    return Status(201 if created else 200, _lead(lead, user))


@router.get(
    "/leads/{lead_id}",
    response={200: LeadOut, **NOT_FOUND, **INPUT_ERRORS, **AUTH_ERRORS},
    summary="A lead: status, disposition, follow-ups and contacts",
)
def get_lead(request, lead_id: int):
    lead = selectors.lead_for(request.auth, lead_id)
    return _lead(lead)


@router.post(
    "/leads/{lead_id}/contacts",
    response={201: ContactResultOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Log one contact attempt (disposition, notes, the one follow-up); the SOP's rules apply",
    description=(
        "An inbound contact is always recorded, also on a closed lead (the lead stays closed; "
        "`next_steps` says what to offer) and on another agent's lead (it moves that lead only "
        "with an inbound `call_id`; else the owner is told). With `call_id` the direction is "
        "the call record's. "
        "Refusals: 409 `sales_contact_closed` (D5, outbound), `followup_limit` (D3/D4), `followup_not_due`, "
        "`outside_calling_hours` / `attempt_limit` / `do_not_contact` (D9, outbound only); 422 "
        "`notes_required` (D1), `disposition_system_only` (D7), `disposition_unknown`, "
        "`followup_needs_permission`, `followup_too_late`; 403 `not_lead_owner`."
    ),
)
def log_contact(request, lead_id: int, payload: ContactIn):
    user = acting_user(request, Perm.LEADS_WORK)
    lead = selectors.lead_for(user, lead_id, write=True, direction=payload.direction)
    result = contacts.log_contact(
        lead,
        agent=user,
        channel=payload.channel,
        direction=payload.direction,
        connected=payload.connected,
        disposition=payload.disposition,
        notes=payload.notes,
        customer_words=payload.customer_words or "",
        order_number=payload.order_number or "",
        pickup_confirmed=payload.pickup_confirmed or "",
        follow_up_at=_aware(payload.follow_up.at) if payload.follow_up else None,
        follow_up_permission=payload.follow_up.permission if payload.follow_up else False,
        call=payload.call_id,
    )
    script = (
        rules.ORDER_NOT_FOUND_SCRIPT
        if result.order_found is False
        else result.contact.disposition.script
    )
    return Status(
        201,
        {
            "contact": _contact(result.contact),
            "lead": _lead(result.lead, user),
            "follow_up": _follow_up(result.follow_up) if result.follow_up else None,
            "order_found": result.order_found,
            "ticket_id": result.ticket.pk if result.ticket else None,
            "script": script,
            "lead_changed": result.lead_changed,
            "next_steps": result.next_steps or [],
        },
    )


@router.post(
    "/leads/{lead_id}/close",
    response={200: LeadOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Close a lead politely (D4: still not placed after the one follow-up)",
)
def close_lead(request, lead_id: int, payload: CloseIn):
    user = acting_user(request, Perm.LEADS_WORK)
    lead = selectors.lead_for(user, lead_id, write=True)
    return _lead(actions.close_politely(lead, agent=user, notes=payload.notes))


@router.get(
    "/followups/due",
    response={200: list[DueFollowUpOut], **AUTH_ERRORS, **INPUT_ERRORS},
    summary="The calling agent's follow-ups due now, by due time then priority (D10)",
    openapi_extra=PAGED_OPENAPI,
)
def due_follow_ups(
    request, response: HttpResponse, params: Query[DueQuery], page: Query[PageQuery]
):
    user = acting_user(request, Perm.LEADS_WORK)
    due = selectors.due_follow_ups(user, within=dt.timedelta(minutes=params.within_minutes))
    rows = page_by_keys(
        due.annotate(lead_priority=F("lead__priority")),
        request,
        response,
        page,
        keys=[("due_at", dt.datetime), ("-lead_priority", int), ("pk", int)],
    )
    return [
        {
            "id": f.id,
            "lead_id": f.lead_id,
            "customer": _customer(f.lead.customer),
            "due_at": f.due_at,
            "priority": f.lead.priority,
            "status": f.status,
            "episode": f.episode,
        }
        for f in rows
    ]


@router.get(
    "/followups/missed",
    response={200: list[DueFollowUpOut], **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Missed follow-ups, for supervisors (D10), latest due first",
    openapi_extra=PAGED_OPENAPI,
)
def missed_follow_ups(
    request, response: HttpResponse, params: Query[MissedQuery], page: Query[PageQuery]
):
    acting_user(request, Perm.AUDITS_RUN)
    missed = selectors.missed_follow_ups(since=params.since, until=params.until)
    rows = page_by_keys(
        missed, request, response, page, keys=[("-due_at", dt.datetime), ("-pk", int)]
    )
    return [
        {
            "id": f.id,
            "lead_id": f.lead_id,
            "customer": _customer(f.lead.customer),
            "due_at": f.due_at,
            "priority": f.lead.priority,
            "status": f.status,
            "episode": f.episode,
        }
        for f in rows
    ]


@router.post(
    "/disposition-suggestions",
    response={200: SuggestionOut, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Suggest a disposition from the customer's words (D2; English and Hinglish)",
)
def suggest_disposition(request, payload: SuggestionIn):
    acting_user(request, Perm.LEADS_WORK)
    s = suggester.suggest(payload.text)
    return {"disposition": s.disposition, "confidence": s.confidence, "matched": list(s.matched)}


@router.get(
    "/dispositions",
    response={200: list[DispositionOut], **AUTH_ERRORS},
    summary="The active disposition tree with the SOP's script for each",
)
def list_dispositions(request):
    acting_user(request, Perm.LEADS_WORK)
    tree = selectors.disposition_tree()
    return [
        {
            "key": d.key,
            "label": d.label,
            "group": d.group,
            "requires_notes": d.requires_notes,
            "agent_selectable": d.agent_selectable,
            "script": d.script,
            "guidance": d.guidance,
        }
        for group in tree.values()
        for d in group
    ]
