"""Every write on leads: atomic, row-locked where two people can race, audited, refused with
stable codes (SPEC §3, D1-D10). Called alike by the console, the API, the admin and the worker.

The rules are in ``leads.rules``; these functions read the facts under the lead's row
lock (``select_for_update``), ask the rules, then write. A refusal raises a
``DomainError`` before anything is written (the transaction rolls back), so a refused
action changes nothing. Over-contact refusals (D4/D5/D9) are then recorded, outside the
rolled-back transaction, as ``ContactRefusal`` rows for the supervisor.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from orderdesk.accounts.choices import Role
from orderdesk.accounts.permissions import Perm, has_perm, require
from orderdesk.catalog.rules import model_display
from orderdesk.core import audit
from orderdesk.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from orderdesk.core.language import english
from orderdesk.core.money import format_inr
from orderdesk.core.statemachine import Change, Machine, Move, perform
from orderdesk.customers.models import Customer
from orderdesk.leads import rules, selectors, suggester
from orderdesk.leads.choices import (
    Channel,
    ClosedReason,
    Direction,
    DispositionKey,
    FollowUpStatus,
    LeadSource,
    LeadStatus,
    NotificationKind,
)
from orderdesk.leads.models import (
    ContactAttempt,
    ContactPolicy,
    ContactRefusal,
    Disposition,
    FollowUp,
    Lead,
    Notification,
)
from orderdesk.messaging.actions import enqueue_message
from orderdesk.messaging.links import public_url
from orderdesk.telephony import actions as telephony
from orderdesk.telephony.choices import ContextKind
from orderdesk.telephony.conf import conf as telephony_conf
from orderdesk.telephony.models import Call
from orderdesk.telephony.selectors import inbound_call_for

logger = logging.getLogger(__name__)

LEAD_AUDIT_FIELDS = (
    "status",
    "owner",
    "disposition",
    "closed_for_sales",
    "closed_reason",
    "order_block",
    "episode",
    "next_follow_up_at",
    "order_number",
)


class ContactRefused(DomainError):
    """A rule of the SOP refuses the contact, the follow-up or the change (D1-D9)."""

    title = "Refused by the contact rules"


def _refuse(refusal: rules.Refusal) -> None:
    raise ContactRefused(
        refusal.message, code=refusal.code, field=refusal.field, status=refusal.status
    )


def current_policy(now: dt.datetime | None = None) -> rules.Policy:
    """D9: the contact policy in force at ``now``, as plain values."""
    return rules.Policy.of(ContactPolicy.in_force(now))


def _lock(lead) -> Lead:
    """The lead, re-read under its row lock (PostgreSQL ``SELECT … FOR UPDATE``)."""
    pk = lead.pk if isinstance(lead, Lead) else lead
    try:
        return Lead.objects.select_for_update().get(pk=pk)
    except Lead.DoesNotExist:
        raise NotFound(f"Lead {pk} does not exist.", code="lead_unknown", field="lead") from None


def _check_owner(lead: Lead, agent, direction: str) -> None:
    if not rules.may_work_lead(owner_id=lead.owner_id, agent_id=agent.pk, direction=direction):
        raise Forbidden(
            "This lead is owned by another agent. Sales agents work their own and unowned leads "
            "(a customer who calls in is answered by anyone).",
            code="not_lead_owner",
            field="lead",
        )


# --- The lead's state machine (core.statemachine) -----------------------------------------


def _illegal_move(frm: str, to: str) -> Conflict:
    return Conflict(
        f"A lead cannot go from {english(LeadStatus(frm).label)} to {english(LeadStatus(to).label)}.",
        code="lead_transition_invalid",
        field="status",
    )


def _mirror_closed_for_sales(change: Change) -> None:
    """D5: ``closed_for_sales`` mirrors the status (a check constraint holds them together);
    a closed lead keeps why and when it closed, an open one neither."""
    lead = change.obj
    lead.closed_for_sales = not rules.is_open(change.to)
    lead.closed_reason = change.context["closed_reason"] if lead.closed_for_sales else ""
    lead.closed_at = change.context["now"] if lead.closed_for_sales else None


_LEAD_MOVE = Move(effects=(_mirror_closed_for_sales,))

# The moves of ``rules.LEAD_TRANSITIONS`` as a machine. A lead's history is its contact
# attempts and its audit events, and each action writes one composite audit event after
# all its changes (``lead.update``, ``lead.close_politely``…), as before: so the machine
# keeps no history row and writes no audit event of its own. Its UPDATE writes the status
# and what mirrors it; the caller saves the rest of the lead.
LEAD_MACHINE = Machine(
    name="lead",
    model=Lead,
    table={(frm, to): _LEAD_MOVE for frm, tos in rules.LEAD_TRANSITIONS.items() for to in tos},
    illegal=_illegal_move,
    same_state_noop=True,
    write_fields=("closed_for_sales", "closed_reason", "closed_at"),
    audit_action="",
)


def _transition(lead: Lead, to: str, *, closed_reason: str = "", now: dt.datetime) -> None:
    """The one place a lead's status changes: ``core.statemachine.perform`` over
    ``LEAD_MACHINE`` (a move to the same status does nothing). Call while holding the
    lead's row lock, inside the action's transaction; the caller saves and audits."""
    perform(LEAD_MACHINE, lead, to, context={"closed_reason": closed_reason, "now": now})


def _cancel_pending_follow_ups(lead: Lead, *, reason: str, now: dt.datetime) -> list[int]:
    """Cancel the lead's pending follow-ups (missed ones stay missed, for the supervisor)."""
    ids = list(
        FollowUp.objects.filter(lead=lead, status=FollowUpStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
    if ids:
        FollowUp.objects.filter(pk__in=ids, status=FollowUpStatus.PENDING).update(
            status=FollowUpStatus.CANCELLED, cancelled_at=now, cancelled_reason=reason[:80]
        )
    lead.next_follow_up_at = None
    return ids


def _notify(recipient, lead: Lead, kind: str, message: str, now: dt.datetime) -> None:
    if recipient is not None and recipient.is_active:
        Notification.objects.create(
            recipient=recipient, lead=lead, kind=kind, message=message[:300], created_at=now
        )


def _snapshot(lead: Lead) -> dict:
    return audit.snapshot(lead, LEAD_AUDIT_FIELDS)


def _disposition_facts(row: Disposition | None) -> rules.DispositionFacts | None:
    if row is None:
        return None
    return rules.DispositionFacts(
        key=row.key,
        label=row.label,
        group=row.group,
        requires_notes=row.requires_notes,
        agent_selectable=row.agent_selectable,
        active=row.active,
        notes_example=row.notes_example,
    )


def _attempts_today(lead: Lead, now: dt.datetime) -> int:
    start, end = rules.ist_day_bounds_of(now)
    return ContactAttempt.objects.filter(
        lead=lead,
        direction=Direction.OUTBOUND,
        recorded_by_system=False,
        at__gte=start,
        at__lt=end,
    ).count()


def _episode_follow_up(lead: Lead) -> FollowUp | None:
    if not lead.episode:
        return None
    return FollowUp.objects.filter(lead=lead, episode=lead.episode).first()


def _follow_up_facts(fu: FollowUp | None) -> rules.FollowUpFacts | None:
    if fu is None:
        return None
    return rules.FollowUpFacts(status=fu.status, due_at=fu.due_at, done=fu.done_at is not None)


# --- Leads ---------------------------------------------------------------------------------


def open_lead(
    user,
    lead_id: int,
    *,
    inbound: bool = False,
    write: bool = False,
    audit_read: bool = True,
    now: dt.datetime | None = None,
) -> Lead:
    """The lead a console page shows or acts on (``selectors.lead_for``'s rules). ``inbound``:
    a sales agent answering the customer's call on another agent's lead (issue 15 item 2, the
    console's ``?inbound=1``). With telephony on, that needs proof of the live call: an inbound
    call from this customer that this agent answered, still on or ended within two minutes
    (``inbound_call_for``), else 403 ``inbound_call_required``. With telephony off there is no
    record to ask, so a read is allowed and audited (``lead.inbound_read``) for the supervisor;
    ``audit_read=False`` where a write follows that is audited itself (a hand-over), so a
    refused write leaves no row behind. A refusal writes nothing."""
    direction = Direction.INBOUND if inbound else Direction.OUTBOUND
    lead = selectors.lead_for(user, lead_id, write=write, direction=direction)
    if not inbound or not has_perm(user, Perm.LEADS_WORK):
        return lead
    if rules.may_work_lead(owner_id=lead.owner_id, agent_id=user.pk, direction="outbound"):
        return lead  # the agent's own or an unowned lead: no proof needed
    if telephony_conf().enabled:
        call = inbound_call_for(user, now=now or timezone.now())
        if call is None or call.customer_id != lead.customer_id or call.answered_at is None:
            raise Forbidden(
                f"Lead {lead.pk} is another agent's: it opens for an inbound call only while you "
                f"are on (or just ended) an answered call from this customer.",
                code="inbound_call_required",
                field="lead_id",
            )
        return lead
    if not audit_read:
        return lead
    audit.record(
        "lead.inbound_read",
        lead,
        after={"lead": lead.pk, "owner": lead.owner_id, "telephony": False},
        actor=user,
    )
    return lead


@transaction.atomic
def create_lead(
    *,
    customer,
    source: str,
    variant=None,
    quote=None,
    owner=None,
    actor=None,
) -> tuple[Lead, bool]:
    """A lead for ``customer``, or their open lead for the same device (``created`` False).

    The customer's row is locked while we look, so two quote-drop events for the same device
    at the same instant make one lead, not two. A closed lead is never reused: a new
    request after Already Placed an Order is a new lead (D5).
    """
    if source not in LeadSource.values:
        raise ValidationFailed(
            f"Unknown lead source {source!r}; one of {', '.join(LeadSource.values)}.",
            code="source_unknown",
            field="source",
        )
    if variant is None and quote is not None:
        variant = quote.variant
    Customer.objects.select_for_update().filter(pk=customer.pk).exists()
    existing = (
        Lead.objects.select_for_update()
        .filter(customer=customer, closed_for_sales=False, variant=variant)
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        if quote is not None and existing.quote_id != quote.pk:
            before = _snapshot(existing)
            existing.quote = quote
            existing.save(update_fields=["quote", "updated_at"])
            audit.record(
                "lead.update_quote", existing, before=before, after=_snapshot(existing), actor=actor
            )
        return existing, False
    high_end = bool(variant is not None and variant.model.high_end)
    lead = Lead.objects.create(
        customer=customer,
        source=source,
        variant=variant,
        quote=quote,
        owner=owner,
        priority=rules.lead_priority(high_end=high_end),
    )
    audit.record(
        "lead.create",
        lead,
        after={
            **_snapshot(lead),
            "source": source,
            "variant": lead.variant_id,
            "priority": lead.priority,
        },
        actor=actor,
    )
    return lead, True


@dataclass
class ContactLogged:
    """What ``log_contact`` did: the attempt, the lead after it, and what it set in motion."""

    contact: ContactAttempt
    lead: Lead
    follow_up: FollowUp | None = None
    ticket: object | None = None  # D6: the "order not found" ticket, if one was opened
    order_found: bool | None = None
    cancelled_follow_ups: int = 0
    # Issue 15/21: False when the contact was recorded without moving the lead (an inbound
    # call on a closed lead; a non-owner's unverified inbound contact).
    lead_changed: bool = True
    # Issue 15: the one-click next steps after an inbound call on a closed lead.
    next_steps: list[str] | None = None
    # Issue 15 item 6: the quote messages Waiting for Quote sent (empty: no device recorded,
    # or the customer may not be messaged).
    quote_messages: list = field(default_factory=list)


@dataclass(frozen=True)
class OrderLookup:
    """D6's two reach-outs from a lead into the apps above leads, handed in by
    ``flows.contacts.log_contact`` (leads never imports orders or cx)."""

    # (customer, number=, since=) -> the customer's order or None (orders.selectors)
    find_order: Callable[..., object | None]
    # (customer=, lead=, order_number=, notes=, created_by=) -> the D6 ticket (cx)
    open_order_not_found_ticket: Callable[..., object]


def log_contact(
    lead,
    *,
    agent,
    channel: str,
    direction: str,
    connected: bool,
    disposition: str,
    notes: str = "",
    customer_words: str = "",
    order_number: str = "",
    follow_up_at: dt.datetime | None = None,
    follow_up_permission: bool = False,
    call=None,
    now: dt.datetime | None = None,
    d6: OrderLookup | None = None,
) -> ContactLogged:
    """Log one contact attempt on a lead and apply the SOP (D1, D3-D7, D9).

    ``call``: the telephony call (its id) this contact is the outcome of. With telephony on
    (and ``TELEPHONY_REQUIRE_PROVIDER_CALL``), an outbound connected call must name one the
    provider saw answered: an agent cannot log a conversation that never happened.

    1. Lock the lead; check the agent may work it (own or unowned; anyone for inbound).
    2. Ask ``rules.contact_refusal``: D5 closed, D1/D7 disposition and notes, D9 policy
       (outbound only), D3 follow-up, D4 the one follow-up.
    3. D2: store the suggester's proposal for ``customer_words`` beside the choice.
    4. Write the attempt; move the lead (``rules.contact_outcome``); a Will Place Order
       starts an episode; leaving it cancels its pending follow-up.
    5. D6: Already Placed an Order looks the order up; not found → CX ticket + order block.
    6. D3: schedule the follow-up asked for (the unique index makes a racing second one fail).
    7. Audit the attempt and the lead.

    Refusals in ``rules.OVER_CONTACT_CODES`` are recorded as ``ContactRefusal`` after the
    transaction has rolled back.
    """
    now = now or timezone.now()
    lead_pk = lead.pk if isinstance(lead, Lead) else lead
    direction = _call_direction(call) or direction
    try:
        return _log_contact(
            lead_pk,
            agent=agent,
            channel=channel,
            direction=direction,
            connected=connected,
            disposition=disposition,
            notes=(notes or "").strip(),
            customer_words=(customer_words or "").strip(),
            order_number=(order_number or "").strip().upper(),
            follow_up_at=follow_up_at,
            follow_up_permission=follow_up_permission,
            call=call,
            now=now,
            d6=d6,
        )
    except DomainError as exc:
        if exc.code in rules.OVER_CONTACT_CODES:
            _record_refusal(lead_pk, agent, exc, channel=channel, direction=direction, now=now)
        raise


def _call_direction(call) -> str | None:
    """Issue 21: with a telephony call, the direction is the call record's, not the client's."""
    if call is None or call == "":
        return None
    try:
        pk = int(getattr(call, "pk", call))
    except (TypeError, ValueError):
        return None
    return Call.objects.filter(pk=pk).values_list("direction", flat=True).first()


def _call_for_contact(call, lead: Lead, *, agent, channel, direction, connected):
    """The telephony call this contact records, locked — or the policy's refusal of a
    connected outbound call the provider never saw (issue 16). ``None``: no call involved."""
    if call is None or call == "":
        needs_call = (
            channel == Channel.CALL
            and direction == Direction.OUTBOUND
            and connected
            and telephony_conf().connected_calls_need_provider
        )
        if needs_call:
            raise ContactRefused(
                "Telephony is on: a connected call is logged from the call panel of a call the "
                "provider connected (Call button), not typed in by hand.",
                code="call_not_seen_by_provider",
                field="connected",
                status=409,
            )
        return None
    return telephony.claim_call_for_contact(
        getattr(call, "pk", call),
        agent=agent,
        context_kind=ContextKind.LEAD,
        context_id=lead.pk,
        connected=connected,
    )


def _record_refusal(lead_pk, agent, exc: DomainError, *, channel, direction, now) -> None:
    if channel not in Channel.values or direction not in Direction.values:
        return
    try:
        with transaction.atomic():
            ContactRefusal.objects.create(
                lead_id=lead_pk,
                agent=agent if getattr(agent, "is_authenticated", False) else None,
                code=exc.code,
                message=exc.message[:300],
                channel=channel,
                direction=direction,
                at=now,
            )
    except Exception:  # the refusal itself must reach the agent even if this record cannot
        logger.exception("could not record a contact refusal")


@transaction.atomic
def _log_contact(
    lead_pk,
    *,
    agent,
    channel,
    direction,
    connected,
    disposition,
    notes,
    customer_words,
    order_number,
    follow_up_at,
    follow_up_permission,
    call,
    now,
    d6,
) -> ContactLogged:
    require(agent, Perm.LEADS_WORK)
    if channel not in Channel.values:
        raise ValidationFailed(
            f"Unknown channel {channel!r}; one of {', '.join(Channel.values)}.",
            code="channel_unknown",
            field="channel",
        )
    if direction not in Direction.values:
        raise ValidationFailed(
            f"Unknown direction {direction!r}; outbound or inbound.",
            code="direction_unknown",
            field="direction",
        )
    lead = _lock(lead_pk)
    _check_owner(lead, agent, direction)
    row = Disposition.objects.filter(key=disposition).first()
    policy = current_policy(now)
    episode_fu = _episode_follow_up(lead) if lead.status == LeadStatus.WILL_PLACE_ORDER else None
    spent = direction == Direction.OUTBOUND and selectors.follow_up_spent(lead)
    facts = rules.ContactFacts(
        lead_status=lead.status,
        closed_for_sales=lead.closed_for_sales,
        closed_reason=lead.closed_reason,
        direction=direction,
        connected=bool(connected),
        disposition=_disposition_facts(row),
        notes=notes,
        now=now,
        policy=policy,
        do_not_contact=lead.customer.do_not_contact,
        attempts_today=_attempts_today(lead, now) if direction == Direction.OUTBOUND else 0,
        episode_follow_up=_follow_up_facts(episode_fu),
        follow_up_at=follow_up_at,
        follow_up_permission=bool(follow_up_permission),
        episode_started_at=lead.episode_started_at,
        follow_up_spent=spent,
    )
    refusal = rules.contact_refusal(facts)
    if refusal:
        _refuse(refusal)
    the_call = _call_for_contact(
        call, lead, agent=agent, channel=channel, direction=direction, connected=bool(connected)
    )
    moves_lead = rules.changes_lead(
        closed_for_sales=lead.closed_for_sales,
        owner_id=lead.owner_id,
        agent_id=agent.pk,
        direction=direction,
        verified=the_call is not None and the_call.direction == Direction.INBOUND,
    )
    if not moves_lead:
        if follow_up_at is not None:
            raise Forbidden(
                "This lead is another agent's: the customer's call is recorded and its owner "
                "told, but the follow-up is the owner's to agree (issue 21).",
                code="not_lead_owner",
                field="follow_up",
            )
        return _record_inbound_only(
            lead,
            agent=agent,
            channel=channel,
            connected=bool(connected),
            row=row,
            notes=notes,
            customer_words=customer_words,
            order_number=order_number,
            the_call=the_call,
            now=now,
        )

    before = _snapshot(lead)
    follow_up_open = (
        episode_fu is not None
        and episode_fu.done_at is None
        and (episode_fu.status in (FollowUpStatus.PENDING, FollowUpStatus.MISSED))
    )
    outcome = rules.contact_outcome(
        lead_status=lead.status,
        disposition_key=row.key,
        direction=direction,
        follow_up_due=follow_up_open,
    )

    # D6: Already Placed an Order is checked against the orders we hold.
    order = None
    order_found = None
    to_status, closed_reason = outcome.status, outcome.closed_reason
    if row.key == DispositionKey.ALREADY_ORDERED:
        if d6 is None:
            raise RuntimeError(
                "D6 looks orders up: log contacts through flows.contacts.log_contact"
            )
        order = d6.find_order(lead.customer, number=order_number, since=lead.created_at)
        order_found = order is not None
        if order_found:
            to_status, closed_reason = LeadStatus.ALREADY_ORDERED, ClosedReason.ALREADY_ORDERED
        else:
            to_status, closed_reason = LeadStatus.ORDER_NOT_FOUND, ClosedReason.ORDER_NOT_FOUND

    if outcome.starts_episode:
        lead.episode += 1
        lead.episode_started_at = now
    contact = _write_contact(
        lead,
        agent=agent,
        channel=channel,
        direction=direction,
        connected=bool(connected),
        row=row,
        notes=notes,
        customer_words=customer_words,
        order_number=order_number,
        the_call=the_call,
        now=now,
        order_found=order_found,
        is_follow_up=outcome.is_follow_up,
    )
    if contact.is_follow_up and episode_fu is not None:
        # D4: this was the one follow-up. A missed one stays "missed" (made late) for the record.
        FollowUp.objects.filter(pk=episode_fu.pk).update(
            done_at=now,
            done_contact=contact,
            status=(
                FollowUpStatus.DONE
                if episode_fu.status == FollowUpStatus.PENDING
                else episode_fu.status
            ),
        )
    _transition(lead, to_status, closed_reason=closed_reason, now=now)
    cancelled: list[int] = []
    if lead.status != LeadStatus.WILL_PLACE_ORDER:
        cancelled = _cancel_pending_follow_ups(lead, reason=f"lead moved to {lead.status}", now=now)
    if lead.owner_id is None:
        lead.owner = agent
    lead.disposition = row
    lead.last_contact_at = now

    ticket = None
    if order_found:
        lead.order_number = order.number
        lead.ordered_at = order.created_at
    elif order_found is False:
        ticket = d6.open_order_not_found_ticket(
            customer=lead.customer,
            lead=lead,
            order_number=order_number,
            notes=(
                f"Customer says they already placed an order"
                f"{' (order ID given: ' + order_number + ')' if order_number else ' (no order ID)'}; "
                f"no order found by number or phone. Agent notes: {notes}"
                + (f"\nCustomer's words: {customer_words}" if customer_words else "")
            ),
            created_by=agent,
        )
        lead.order_block = rules.ORDER_NOT_FOUND_PENDING

    follow_up = None
    if follow_up_at is not None:
        follow_up = _create_follow_up(lead, agent=agent, at=follow_up_at, now=now, contact=contact)
    lead.save()
    quote_messages = (
        _send_quote(lead, contact) if row.key == DispositionKey.WAITING_FOR_QUOTE else []
    )
    audit.record(
        "contact.log",
        contact,
        after={
            "lead": lead.pk,
            "channel": channel,
            "direction": direction,
            "connected": bool(connected),
            "disposition": row.key,
            "suggested": contact.suggested_disposition,
            "order_number": contact.order_number,
            "order_found": order_found,
            "follow_up": follow_up.pk if follow_up else None,
        },
        actor=agent,
    )
    after = _snapshot(lead)
    if after != before:
        audit.record(
            "lead.update",
            lead,
            before=before,
            after={
                **after,
                "follow_ups_cancelled": cancelled,
                "ticket": ticket.pk if ticket else None,
            },
            actor=agent,
        )
    return ContactLogged(
        contact=contact,
        lead=lead,
        follow_up=follow_up,
        ticket=ticket,
        order_found=order_found,
        cancelled_follow_ups=len(cancelled),
        quote_messages=quote_messages,
    )


def quote_context(lead: Lead) -> dict | None:
    """Issue 15 item 6: what the Waiting for Quote message says, or None when the lead names
    no device (there is nothing to quote; the agent is told so). The estimate is the
    customer's own quote when the lead has one, else the device's top price ("up to")."""
    variant = lead.quote.variant if lead.quote_id else lead.variant
    if variant is None:
        return None
    model = variant.model
    device = f"{model_display(model.brand.name, model.name)} {variant.name}".strip()
    if lead.quote_id:
        estimate = format_inr(lead.quote.estimated_price)
        estimate_en, estimate_hi = f"about {estimate}", f"लगभग {estimate}"
    else:
        estimate = format_inr(variant.base_price)
        estimate_en, estimate_hi = f"up to {estimate}", f"{estimate} तक"
    base = public_url()
    return {
        "device": device,
        "estimate": estimate_en,
        "estimate_hi": estimate_hi,
        "quote_url": f"{base}{reverse('storefront:device', args=[variant.pk])}",
    }


def _send_quote(lead: Lead, contact: ContactAttempt) -> list:
    """Issue 15 item 6: Waiting for Quote sends the quote the script promises ("I'll send you
    the quote now"), through the outbox, in the customer's language (``lead_quote``). One per
    contact (the dedupe key), in the contact's transaction."""
    context = quote_context(lead)
    if context is None:  # Waiting for Quote is a connected disposition (D1 groups)
        return []
    return enqueue_message(
        customer=lead.customer,
        kind="lead_quote",
        context=context,
        dedupe_key=f"lead-quote:{contact.pk}",
    )


def _write_contact(
    lead: Lead,
    *,
    agent,
    channel,
    direction,
    connected,
    row,
    notes,
    customer_words,
    order_number,
    the_call,
    now,
    **extra,
) -> ContactAttempt:
    """Insert an agent's contact attempt in the lead's episode, with D2's suggestion for
    ``customer_words``, and link the telephony call it records (if any). ``extra``: more
    ``ContactAttempt`` fields (``order_found``, ``is_follow_up``)."""
    suggestion = suggester.suggest(customer_words) if customer_words else None
    contact = ContactAttempt.objects.create(
        lead=lead,
        agent=agent,
        channel=channel,
        direction=direction,
        at=now,
        connected=connected,
        disposition=row,
        notes=notes,
        customer_words=customer_words,
        suggested_disposition=(suggestion.disposition or "") if suggestion else "",
        suggestion_confidence=suggestion.confidence if suggestion else None,
        order_number=order_number[:20],
        episode=lead.episode,
        **extra,
    )
    if the_call is not None:
        telephony.link_contact(the_call, contact.pk)
    return contact


def _record_inbound_only(
    lead: Lead,
    *,
    agent,
    channel,
    connected,
    row,
    notes,
    customer_words,
    order_number,
    the_call,
    now,
) -> ContactLogged:
    """Issue 15 item 1 / issue 21 item 2: the customer who called in is answered and the
    contact recorded (on the lead, so on the customer's and the agent's history), but the
    lead does not move: it is closed for sales, or it is another agent's and "inbound" is
    only the client's word. Never an over-contact (D9 counts outbound attempts only). The
    owner, when someone else answered, is told."""
    contact = _write_contact(
        lead,
        agent=agent,
        channel=channel,
        direction=Direction.INBOUND,
        connected=connected,
        row=row,
        notes=notes,
        customer_words=customer_words,
        order_number=order_number,
        the_call=the_call,
        now=now,
    )
    Lead.objects.filter(pk=lead.pk).update(last_contact_at=now, updated_at=now)
    lead.last_contact_at = now
    if lead.owner_id and lead.owner_id != agent.pk:
        _notify(
            lead.owner,
            lead,
            NotificationKind.INBOUND_ANSWERED,
            f"{lead.customer.name} called in and {agent.get_full_name() or agent.username} "
            f"answered ({row.label}): {notes[:150]}",
            now,
        )
    audit.record(
        "contact.log",
        contact,
        after={
            "lead": lead.pk,
            "channel": channel,
            "direction": Direction.INBOUND,
            "connected": connected,
            "disposition": row.key,
            "suggested": contact.suggested_disposition,
            "order_number": contact.order_number,
            "lead_changed": False,
            "lead_closed_for_sales": lead.closed_for_sales,
            "owner": lead.owner_id,
        },
        actor=agent,
    )
    return ContactLogged(
        contact=contact,
        lead=lead,
        lead_changed=False,
        next_steps=rules.inbound_next_steps(
            closed_for_sales=lead.closed_for_sales, order_number=lead.order_number
        ),
    )


def _create_follow_up(lead: Lead, *, agent, at, now, contact=None) -> FollowUp:
    """Insert the episode's one follow-up. Call holding the lead's row lock, with D3 checked.
    The unique index (lead, episode) is the last word if two requests race anyway."""
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(
                lead=lead,
                episode=lead.episode,
                due_at=at,
                assigned_to=lead.owner or agent,
                permission_given=True,
                permission_recorded_by=agent,
                permission_recorded_at=now,
                permission_contact=contact,
            )
    except IntegrityError:
        raise ContactRefused(
            "This Will Place Order already has its one follow-up (D3): a second one is not allowed.",
            code="followup_limit",
            field="follow_up",
            status=409,
        ) from None
    lead.next_follow_up_at = at
    audit.record(
        "followup.schedule",
        follow_up,
        after={
            "lead": lead.pk,
            "episode": follow_up.episode,
            "due_at": at,
            "assigned_to": follow_up.assigned_to_id,
            "permission_recorded_by": agent.pk,
        },
        actor=agent,
    )
    return follow_up


@transaction.atomic
def schedule_follow_up(
    lead, *, agent, at: dt.datetime, permission: bool, now: dt.datetime | None = None
) -> FollowUp:
    """D3: the one follow-up of the current Will Place Order episode, with permission recorded.

    For the console's "add follow-up" after the call was logged; ``log_contact`` does the same
    when the follow-up comes with the contact.
    """
    now = now or timezone.now()
    require(agent, Perm.LEADS_WORK)
    lead = _lock(lead)
    _check_owner(lead, agent, Direction.OUTBOUND)
    if lead.closed_for_sales:
        _refuse(rules.closed_refusal(lead.closed_reason))
    if lead.status != LeadStatus.WILL_PLACE_ORDER:
        _refuse(
            rules.Refusal(
                "followup_not_allowed",
                "Only a lead at Customer Will Place Order carries a follow-up (D3).",
                "follow_up",
                422,
            )
        )
    if lead.customer.do_not_contact:
        _refuse(
            rules.outbound_refusal(
                now=now, policy=current_policy(now), do_not_contact=True, attempts_today=0
            )
        )
    refusal = rules.follow_up_refusal(
        disposition_key=DispositionKey.WILL_PLACE_ORDER,
        at=at,
        permission=permission,
        now=now,
        episode_started_at=lead.episode_started_at or now,
        already_scheduled=FollowUp.objects.filter(lead=lead, episode=lead.episode).exists(),
        policy=current_policy(now),
    )
    if refusal:
        _refuse(refusal)
    before = _snapshot(lead)
    follow_up = _create_follow_up(lead, agent=agent, at=at, now=now)
    lead.save(update_fields=["next_follow_up_at", "updated_at"])
    audit.record("lead.update", lead, before=before, after=_snapshot(lead), actor=agent)
    return follow_up


@transaction.atomic
def close_politely(lead, *, agent, notes: str, now: dt.datetime | None = None) -> Lead:
    """D4: "If still not placed → … close politely". Closes the lead for sales with a reason,
    cancelling its pending follow-up. Notes are required (D1)."""
    now = now or timezone.now()
    require(agent, Perm.LEADS_WORK)
    lead = _lock(lead)
    _check_owner(lead, agent, Direction.OUTBOUND)
    if lead.closed_for_sales:
        _refuse(rules.closed_refusal(lead.closed_reason))
    problem = rules.notes_problem(notes, disposition_label="Closed politely")
    if problem:
        _refuse(rules.Refusal("notes_required", problem, "notes", 422))
    before = _snapshot(lead)
    _transition(lead, LeadStatus.CLOSED, closed_reason=ClosedReason.CLOSED_POLITELY, now=now)
    cancelled = _cancel_pending_follow_ups(lead, reason="closed politely", now=now)
    if lead.owner_id is None:
        lead.owner = agent
    lead.save()
    audit.record(
        "lead.close_politely",
        lead,
        before=before,
        after={**_snapshot(lead), "notes": notes.strip(), "follow_ups_cancelled": cancelled},
        actor=agent,
    )
    return lead


# --- D10: the missed-follow-up job ---------------------------------------------------------


def mark_follow_up_missed(follow_up: FollowUp, *, now: dt.datetime | None = None) -> bool:
    """D10: mark one pending follow-up missed and tell its agent. True if this call did it.

    A conditional UPDATE … WHERE status = 'pending': when two workers race, exactly one row
    count is 1 and only that worker notifies and audits.
    """
    now = now or timezone.now()
    with transaction.atomic():
        updated = FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.PENDING).update(
            status=FollowUpStatus.MISSED, missed_at=now
        )
        if updated != 1:
            return False
        follow_up = FollowUp.objects.select_related("lead__customer", "assigned_to").get(
            pk=follow_up.pk
        )
        _notify(
            follow_up.assigned_to,
            follow_up.lead,
            NotificationKind.FOLLOW_UP_MISSED,
            f"Follow-up with {follow_up.lead.customer.name} due "
            f"{timezone.localtime(follow_up.due_at):%d %b %H:%M} was missed.",
            now,
        )
        audit.record(
            "followup.missed",
            follow_up,
            before={"status": FollowUpStatus.PENDING},
            after={"status": FollowUpStatus.MISSED, "due_at": follow_up.due_at},
        )
    return True


def mark_missed_follow_ups(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """The worker's job (D10), run every few minutes:

    1. Read the policy in force: a follow-up is missed ``follow_up_missed_after_minutes``
       after its time.
    2. For each pending follow-up past that, oldest first (at most ``limit`` a run), mark it
       missed in its own short transaction (``mark_follow_up_missed``).
    3. Return how many this run marked.
    """
    now = now or timezone.now()
    policy = current_policy(now)
    cutoff = now - dt.timedelta(minutes=policy.follow_up_missed_after_minutes)
    candidates = FollowUp.objects.filter(
        status=FollowUpStatus.PENDING, due_at__lte=cutoff
    ).order_by("due_at")[:limit]
    return sum(1 for fu in list(candidates) if mark_follow_up_missed(fu, now=now))


# --- D6: CX settles an "order not found" case ----------------------------------------------


@transaction.atomic
def settle_order_not_found(lead, *, order=None, actor=None, now: dt.datetime | None = None) -> Lead:
    """D6, passed in by ``flows.order_not_found`` to ``cx.actions.order_not_found``: the order
    was found (the lead is Already Placed an Order, closed for sales) or not (the block is
    released and the lead goes back to sales). The owner is told either way."""
    now = now or timezone.now()
    lead = _lock(lead)
    if lead.status != LeadStatus.ORDER_NOT_FOUND:
        raise Conflict(
            "This lead has no 'order not found' case pending.",
            code="lead_not_blocked",
            field="lead",
        )
    before = _snapshot(lead)
    lead.order_block = ""
    if order is not None:
        _transition(
            lead, LeadStatus.ALREADY_ORDERED, closed_reason=ClosedReason.ALREADY_ORDERED, now=now
        )
        lead.order_number = order.number
        lead.ordered_at = order.created_at
        message = f"CX found order {order.number} for {lead.customer.name}: the lead stays closed for sales."
    else:
        _transition(lead, LeadStatus.CONTACTING, now=now)
        message = f"CX found no order for {lead.customer.name}: the lead is back with sales."
    lead.save()
    _notify(lead.owner, lead, NotificationKind.ORDER_NOT_FOUND_RESOLVED, message, now)
    audit.record(
        "lead.order_not_found_settled", lead, before=before, after=_snapshot(lead), actor=actor
    )
    return lead


# --- D7/D8: an order was created -------------------------------------------------------------


def _is_agent(user) -> bool:
    return getattr(user, "role", None) in (Role.SALES, Role.CX)


def _ordered_model_ids(order) -> set[int] | None:
    """The device models an order carries (one variant today, items when present); ``None``
    when the order names no device."""
    items = getattr(order, "items", None)
    variants = []
    if items is not None and hasattr(items, "all"):
        variants = [getattr(item, "variant", None) for item in items.all()]
    if not variants:
        variants = [getattr(order, "variant", None)]
    models_ = {v.model_id for v in variants if v is not None}
    return models_ or None


def _lead_model_id(lead: Lead) -> int | None:
    return lead.variant.model_id if lead.variant_id else None


def check_lead_may_order(lead_id: int) -> Lead:
    """D5/D6: the lead an order is created from, or the refusal (``lead_unknown`` 404, the
    block's code 409). ``flows.orders.place_order`` asks before ``create_order``."""
    lead = Lead.objects.select_related("customer").filter(pk=lead_id).first()
    if lead is None:
        raise NotFound(f"Lead {lead_id} does not exist.", code="lead_unknown", field="lead_id")
    blocked = rules.order_creation_blocked(lead)
    if blocked:
        raise Conflict(
            rules.ORDER_BLOCK_MESSAGES.get(blocked, "No order can be created from this lead."),
            code=blocked,
            field="lead_id",
        )
    return lead


def _order_credit(lead: Lead, actor, order, now: dt.datetime):
    """Issue 21: who the Create Order of ``lead`` counts for. The agent who created the order,
    unless the lead is another agent's: then its owner keeps the credit (an order created with a
    colleague's ``lead_id`` does not move the conversion), and is told who placed it."""
    if not _is_agent(actor):
        return None
    if lead.owner_id is None or lead.owner_id == actor.pk:
        return actor
    _notify(
        lead.owner,
        lead,
        NotificationKind.CUSTOMER_ORDERED,
        f"{actor.get_full_name() or actor.username} created order {order.number} from your lead "
        f"for {lead.customer.name}; the Create Order stays yours (D7).",
        now,
    )
    return lead.owner


def record_order_created(order) -> list[Lead]:
    """D7/D8: the hook the order flow calls inside ``create_order``'s transaction.

    ``order`` has ``customer``, ``number``, ``channel``, ``created_by`` and optionally
    ``source_lead`` (the lead it was created from).

    1. Lock the customer's open leads and the source lead, in id order (no deadlocks).
    2. The source lead: refused if blocked (D6) or closed for sales (D5: no order "just to be
       safe"); else a system contact attempt with Create Order (D7), status Order created,
       follow-ups cancelled. The Create Order counts for the lead's owner when another
       agent created the order (issue 21: order credit changes only for the owner).
    3. Every other open lead of the customer *for the device ordered* (same model): Already
       Placed an Order, pending follow-ups cancelled, closed for sales; its owner is notified
       (D8). A lead for another device stays open and untouched (a phone order does not kill
       a laptop lead). A lead with no device recorded stays open and unchanged; its owner is
       notified to ask at the next contact which device it is for (audited).
       (An order whose device is unknown closes every open lead, as before.)
    Returns the leads it changed.

    A customer with no open lead and no source lead (most app and storefront orders) costs
    one read: nothing else is read or written, and no savepoint is opened.
    """
    customer_id = getattr(order, "customer_id", None) or order.customer.pk
    source = getattr(order, "source_lead", None)
    source_pk = source.pk if source is not None else None
    ids = set(
        Lead.objects.filter(customer_id=customer_id, closed_for_sales=False).values_list(
            "pk", flat=True
        )
    )
    if source_pk:
        ids.add(source_pk)
    if not ids:
        return []
    return _react_to_order(order, ids, source_pk)


@transaction.atomic
def _react_to_order(order, ids: set[int], source_pk: int | None) -> list[Lead]:
    now = timezone.now()
    leads = list(Lead.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    ordered_models = _ordered_model_ids(order)
    changed = []
    create_order = Disposition.objects.get(key=DispositionKey.CREATE_ORDER)
    already = Disposition.objects.get(key=DispositionKey.ALREADY_ORDERED)
    actor = order.created_by if getattr(order, "created_by", None) else None
    for lead in leads:
        before = _snapshot(lead)
        if lead.pk == source_pk:
            blocked = rules.order_creation_blocked(lead)
            if blocked:
                raise Conflict(rules.ORDER_BLOCK_MESSAGES[blocked], code=blocked, field="lead_id")
            last = (
                lead.contacts.filter(recorded_by_system=False).only("channel", "direction").first()
            )
            credited = _order_credit(lead, actor, order, now)
            contact = ContactAttempt.objects.create(
                lead=lead,
                agent=credited,
                channel=last.channel if last else Channel.CALL,
                direction=last.direction if last else Direction.OUTBOUND,
                at=now,
                connected=True,
                disposition=create_order,
                notes=f"Order {order.number} created from this lead ({order.channel}).",
                order_number=order.number,
                order_found=True,
                episode=lead.episode,
                recorded_by_system=True,
            )
            _transition(
                lead, LeadStatus.ORDER_CREATED, closed_reason=ClosedReason.ORDER_CREATED, now=now
            )
            lead.disposition = create_order
            cancelled = _cancel_pending_follow_ups(lead, reason="order created", now=now)
            audit.record(
                "contact.log",
                contact,
                after={
                    "lead": lead.pk,
                    "disposition": create_order.key,
                    "system": True,
                    "order": order.number,
                },
                actor=actor,
            )
        elif lead.closed_for_sales:
            continue  # closed while we waited for the lock
        elif ordered_models is not None and lead.variant_id is None:
            # D8: which device is this lead for? The agent asks at the next contact. The lead
            # itself is not changed (no order number: the order may be another device's, and
            # KPIs would count it as this lead's conversion).
            if lead.owner_id and lead.owner_id != getattr(actor, "pk", None):
                _notify(
                    lead.owner,
                    lead,
                    NotificationKind.CUSTOMER_ORDERED,
                    f"{lead.customer.name} placed order {order.number} ({order.channel}). This "
                    f"lead has no device recorded: ask at the next contact whether it is the "
                    f"device ordered (D8).",
                    now,
                )
            audit.record(
                "lead.customer_ordered_device_unknown",
                lead,
                after={"order": order.number},
                actor=actor,
            )
            continue
        elif ordered_models is not None and _lead_model_id(lead) not in ordered_models:
            continue  # D8: another device; the lead stays open
        else:
            _transition(
                lead,
                LeadStatus.ALREADY_ORDERED,
                closed_reason=ClosedReason.ALREADY_ORDERED,
                now=now,
            )
            lead.disposition = already
            cancelled = _cancel_pending_follow_ups(
                lead, reason=f"customer ordered {order.number}", now=now
            )
            if lead.owner_id and lead.owner_id != getattr(actor, "pk", None):
                _notify(
                    lead.owner,
                    lead,
                    NotificationKind.CUSTOMER_ORDERED,
                    f"{lead.customer.name} placed order {order.number} ({order.channel}). The lead "
                    f"is closed for sales and its follow-up cancelled: do not call (D8).",
                    now,
                )
        lead.order_number = order.number
        lead.ordered_at = now
        lead.save()
        audit.record(
            "lead.order_created" if lead.pk == source_pk else "lead.customer_ordered",
            lead,
            before=before,
            after={**_snapshot(lead), "order": order.number, "follow_ups_cancelled": cancelled},
            actor=actor,
        )
        changed.append(lead)
    return changed


@transaction.atomic
def mark_notifications_read(user, ids: list[int] | None = None, *, now=None) -> int:
    """The console's "seen" on the owner's notifications."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=now or timezone.now())
