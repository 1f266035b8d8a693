"""The will-place-order / already-ordered SOP as code (SPEC §3, D1-D10).

Pure functions and tables, no database access: ``leads.actions`` gathers the facts
under the lead's row lock, asks these rules, and writes. The console and the training
card render the same tables (scripts, guidance, rule summaries), so what agents read
is what the code enforces.

Source: ``shared/sops/will-place-order-vs-already-ordered.txt`` (quoted as "SOP §n").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from orderdesk.core.timeutil import IST
from orderdesk.leads.choices import (
    OPEN_LEAD_STATUSES,
    ClosedReason,
    Direction,
    DispositionGroup,
    DispositionKey,
    FollowUpStatus,
    LeadPriority,
    LeadStatus,
)

# The SOP's words and data live in leads.scripts; re-exported for existing callers.
from orderdesk.leads.scripts import (  # noqa: F401
    DECISION_GUIDE,
    DEFAULT_DISPOSITIONS,
    GOLDEN_RULE,
    GOLDEN_RULE_SHORT,
    ORDER_NOT_FOUND_SCRIPT,
    PROHIBITED,
    TRAINING_CARD_SUMMARY,
)

K = DispositionKey


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    sop: str
    summary: str
    codes: tuple[str, ...] = ()


# Every rule, as the training card and docs show it. ``codes`` are the refusals it gives.
RULES: list[Rule] = [
    Rule(
        "D1",
        "One disposition, real notes",
        "§4, §5 Notes (mandatory)",
        "Every contact ends with exactly one disposition. Connected outcomes need notes that "
        "say what the customer said and what happens next; 'ok', 'done', 'called' are refused.",
        ("notes_required", "disposition_unknown", "disposition_group_mismatch"),
    ),
    Rule(
        "D2",
        "Suggested disposition",
        "§3 decision guide",
        "The console suggests a disposition from the customer's words (English and Hinglish). "
        "The agent decides; the suggestion and the choice are both kept.",
    ),
    Rule(
        "D3",
        "One light follow-up, with permission",
        "§4 Set a light follow-up",
        "Customer Will Place Order may carry one follow-up, only with the customer's permission, "
        "no later than the end of the next day (IST), inside calling hours.",
        (
            "followup_limit",
            "followup_needs_permission",
            "followup_too_late",
            "followup_in_past",
            "followup_not_allowed",
            "followup_not_due",
        ),
    ),
    Rule(
        "D4",
        "Never a third contact for the same intent",
        "§4 Follow-Up Rules, §7 case 2",
        "After the one follow-up: placed → Already Placed an Order; still not placed → Waiting "
        "for Quote or close politely. Will Place Order cannot be recorded again at the follow-up; "
        "an unanswered follow-up moves the lead to Waiting for Quote.",
        ("followup_limit",),
    ),
    Rule(
        "D5",
        "Stop selling",
        "§5 Stop selling; Sales should not follow up again unless asked",
        "Already Placed an Order cancels pending follow-ups, closes the lead for sales and hands it "
        "to Ops/CX. No more sales calls, messages or follow-ups on it. A customer who calls in is "
        "always answered: the call is recorded on the closed lead (never an over-contact) and "
        "the next step is one click: a new lead for another device, a CX ticket, the order's "
        "status, or nothing.",
        ("sales_contact_closed",),
    ),
    Rule(
        "D6",
        "Verify lightly",
        "§5 Verify lightly, §7 case 1",
        "Record the order number if the customer has one; otherwise the system looks the order up "
        "by phone. Not found → an 'order not found' CX ticket, and no order can be created from "
        "the lead until CX resolves it.",
        ("order_not_found_pending",),
    ),
    Rule(
        "D7",
        "Create Order is set by the system",
        "§6 Do not mark Create Order without creating one",
        "Only the system sets Create Order, when an order is created from the lead.",
        ("disposition_system_only",),
    ),
    Rule(
        "D8",
        "The customer ordered by themselves",
        "§7 case 3, §6 Do not keep calling",
        "When the customer's order is created by any channel, their open leads move to Already "
        "Placed an Order, pending follow-ups are cancelled and the owner is told.",
    ),
    Rule(
        "D9",
        "Customers aren't over-called",
        "§1",
        "Outbound sales contacts only within calling hours, at most N per lead per day, never to "
        "do-not-contact customers. A customer who calls in is always answered.",
        ("outside_calling_hours", "attempt_limit", "do_not_contact"),
    ),
    Rule(
        "D10",
        "Due follow-ups queue",
        "§4",
        "Follow-ups due now form one queue per agent, by due time then priority; missed ones are "
        "shown to the supervisor.",
    ),
]


# --- Refusals -------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """A rule's "no": the stable code, the message for the agent, the field, the HTTP status."""

    code: str
    message: str
    field: str | None = None
    status: int = 409


# Refusals that are attempts to contact a customer more than the SOP allows; the
# actions keep a record of these for the supervisor (``ContactRefusal``).
OVER_CONTACT_CODES = frozenset(
    {
        "sales_contact_closed",
        "outside_calling_hours",
        "attempt_limit",
        "do_not_contact",
        "followup_limit",
        "followup_not_due",
        "followup_needs_permission",
        "followup_spent",
    }
)


# --- D1: notes ----------------------------------------------------------------------

# Words that say nothing about a call on their own.
FILLER_WORDS = frozenset(
    [
        "ok",
        "okay",
        "okk",
        "k",
        "kk",
        "done",
        "na",
        "n/a",
        "nil",
        "none",
        "null",
        "called",
        "call",
        "calling",
        "spoke",
        "talked",
        "talk",
        "connected",
        "cust",
        "customer",
        "cx",
        "client",
        "fine",
        "good",
        "yes",
        "yeah",
        "yep",
        "no",
        "nope",
        "test",
        "testing",
        "asdf",
        "same",
        "hmm",
        "hello",
        "hi",
        "informed",
        "update",
        "updated",
        "followup",
        "follow",
        "up",
        "pls",
        "please",
        "sir",
        "madam",
        "maam",
        "ji",
        "haan",
        "han",
        "nahi",
        "the",
        "a",
        "an",
        "to",
        "and",
        "is",
        "was",
        "of",
        "it",
        "he",
        "she",
        "they",
        "has",
        "have",
        "had",
        "with",
        "re",
        "as",
        "per",
        "sb",
        "sp",
    ]
)
MIN_MEANINGFUL_WORDS = 2
MIN_MEANINGFUL_LETTERS = 10
_WORD = re.compile(r"[a-z0-9\u0900-\u097f]+")


# Issue 18: a contact's notes are capped (the API's limit), with a message, at every door.
NOTES_MAX_LENGTH = 2000


def notes_too_long(notes: str) -> str | None:
    """Why these notes are too long to keep, or ``None``."""
    length = len((notes or "").strip())
    if length <= NOTES_MAX_LENGTH:
        return None
    return (
        f"Notes can be at most {NOTES_MAX_LENGTH:,} characters; these are {length:,}. Keep what "
        "the customer said and what happens next, and leave out the rest."
    )


def notes_problem(notes: str, *, disposition_label: str, example: str = "") -> str | None:
    """D1: why these notes are not enough, or ``None`` when they are.

    Notes are *trivial* when, after dropping filler words ("ok", "done", "na", "called",
    "customer", …) and the disposition's own name, fewer than two words or fewer than ten
    letters remain. Notes must say what the customer said and what happens next.
    """
    text = (notes or "").strip()
    hint = f" For example: “{example}”" if example else ""
    if not text:
        return (
            f"Notes are required for {disposition_label}: write what the customer said and "
            f"what happens next.{hint}"
        )
    words = _WORD.findall(text.lower())
    label_words = set(_WORD.findall(disposition_label.lower()))
    meaningful = [w for w in words if w not in FILLER_WORDS and w not in label_words]
    if len(meaningful) < MIN_MEANINGFUL_WORDS or sum(map(len, meaningful)) < MIN_MEANINGFUL_LETTERS:
        return (
            f"“{text[:40]}” does not say what happened on the call. Write what the customer "
            f"said and what happens next (when they will order, the order ID, the follow-up "
            f"time).{hint}"
        )
    return None


# --- D9: the contact policy -----------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """The contact policy in force, as plain values (from ``ContactPolicy``)."""

    calling_hours_start: dt.time = dt.time(9, 0)
    calling_hours_end: dt.time = dt.time(21, 0)
    max_attempts_per_lead_per_day: int = 3
    follow_up_early_minutes: int = 15
    follow_up_missed_after_minutes: int = 120
    version: int = 0
    effective_from: dt.datetime | None = None

    @classmethod
    def of(cls, row) -> Policy:
        return cls(
            calling_hours_start=row.calling_hours_start,
            calling_hours_end=row.calling_hours_end,
            max_attempts_per_lead_per_day=row.max_attempts_per_lead_per_day,
            follow_up_early_minutes=row.follow_up_early_minutes,
            follow_up_missed_after_minutes=row.follow_up_missed_after_minutes,
            version=row.version,
            effective_from=row.effective_from,
        )

    @property
    def hours_label(self) -> str:
        return f"{self.calling_hours_start:%H:%M}-{self.calling_hours_end:%H:%M} IST"


def within_calling_hours(at: dt.datetime, policy: Policy) -> bool:
    """D9: is ``at`` inside calling hours (IST, start inclusive, end exclusive)?"""
    local = at.astimezone(IST).time()
    return policy.calling_hours_start <= local < policy.calling_hours_end


def ist_day_bounds_of(at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The IST calendar day containing ``at``, as [start, end)."""
    start = dt.datetime.combine(at.astimezone(IST).date(), dt.time.min, tzinfo=IST)
    return start, start + dt.timedelta(days=1)


def outbound_refusal(
    *, now: dt.datetime, policy: Policy, do_not_contact: bool, attempts_today: int
) -> Refusal | None:
    """D9: may sales reach out to this customer on this lead now? (Inbound contacts never ask.)"""
    if do_not_contact:
        return Refusal(
            "do_not_contact",
            "This customer is on do-not-contact: sales never calls or messages them (D9).",
            "direction",
        )
    if not within_calling_hours(now, policy):
        return Refusal(
            "outside_calling_hours",
            f"Outside calling hours ({policy.hours_label}, policy v{policy.version}): customers are "
            f"contacted for sales only within them (D9).",
            "direction",
        )
    if attempts_today >= policy.max_attempts_per_lead_per_day:
        return Refusal(
            "attempt_limit",
            f"This lead already had {attempts_today} outbound contact(s) today; the policy allows "
            f"{policy.max_attempts_per_lead_per_day} per lead per day (D9). Try again tomorrow.",
            "direction",
        )
    return None


# --- D3: the one follow-up --------------------------------------------------------------


def follow_up_deadline(episode_started_at: dt.datetime) -> dt.datetime:
    """D3: a follow-up is due no later than the end of the next IST day after the Will Place
    Order contact (so a call on Monday at 20:00 may be followed up until Tuesday 23:59 IST)."""
    _, end_of_day = ist_day_bounds_of(episode_started_at)
    return end_of_day + dt.timedelta(days=1)


def follow_up_refusal(
    *,
    disposition_key: str,
    at: dt.datetime,
    permission: bool,
    now: dt.datetime,
    episode_started_at: dt.datetime,
    already_scheduled: bool,
    policy: Policy,
) -> Refusal | None:
    """D3: may this follow-up be scheduled? One per episode, with permission, by the end of the
    next IST day, in the future, inside calling hours. The limit is checked first: a second
    follow-up is refused as such whatever else is wrong with it."""
    if disposition_key != K.WILL_PLACE_ORDER:
        return Refusal(
            "followup_not_allowed",
            "Only Customer Will Place Order carries a follow-up (D3).",
            "follow_up",
            422,
        )
    if already_scheduled:
        return Refusal(
            "followup_limit",
            "This Will Place Order already has its one follow-up (D3): a second one is not "
            "allowed. One gentle follow-up only.",
            "follow_up",
        )
    if not permission:
        return Refusal(
            "followup_needs_permission",
            "Ask the customer's permission for the follow-up time and record it (D3).",
            "follow_up.permission",
            422,
        )
    if at <= now:
        return Refusal(
            "followup_in_past",
            "The follow-up time has passed; pick a later time.",
            "follow_up.at",
            422,
        )
    deadline = follow_up_deadline(episode_started_at)
    if at >= deadline:
        last = (deadline - dt.timedelta(minutes=1)).astimezone(IST)
        return Refusal(
            "followup_too_late",
            f"A follow-up must be no later than the end of the next day ({last:%d %b %H:%M} IST) (D3).",
            "follow_up.at",
            422,
        )
    if not within_calling_hours(at, policy):
        return Refusal(
            "outside_calling_hours",
            f"Pick a follow-up time within calling hours ({policy.hours_label}) (D9).",
            "follow_up.at",
            422,
        )
    return None


# --- D3/D4/D5/D7: may this contact be logged? ----------------------------------------------


@dataclass(frozen=True)
class DispositionFacts:
    key: str
    label: str
    group: str
    requires_notes: bool
    agent_selectable: bool
    active: bool
    notes_example: str = ""


@dataclass(frozen=True)
class FollowUpFacts:
    status: str
    due_at: dt.datetime
    done: bool


@dataclass(frozen=True)
class ContactFacts:
    """Everything the rules need to judge one contact, read under the lead's row lock."""

    lead_status: str
    closed_for_sales: bool
    closed_reason: str
    direction: str
    connected: bool
    disposition: DispositionFacts | None
    notes: str
    now: dt.datetime
    policy: Policy
    do_not_contact: bool
    attempts_today: int
    episode_follow_up: FollowUpFacts | None  # the current episode's follow-up, if any
    follow_up_at: dt.datetime | None = None
    follow_up_permission: bool = False
    episode_started_at: dt.datetime | None = None
    # D4 (issue 15 item 6): the last episode's one follow-up has been made.
    follow_up_spent: bool = False
    extras: dict = field(default_factory=dict)


def closed_refusal(closed_reason: str) -> Refusal:
    """D5: the lead is closed for sales; say why and what reopens contact."""
    why = {
        ClosedReason.ALREADY_ORDERED: "the customer already placed an order; Ops/CX own the journey",
        ClosedReason.ORDER_NOT_FOUND: "the customer says they ordered and CX is verifying it",
        ClosedReason.ORDER_CREATED: "an order was created from it; Ops/CX own the journey",
    }.get(closed_reason, "it is closed")
    return Refusal(
        "sales_contact_closed",
        f"This lead is closed for sales: {why} (D5). Sales does not call, message or schedule on "
        f"it. A new request from the customer needs a new lead or a CX ticket.",
        "lead",
    )


def contact_refusal(f: ContactFacts) -> Refusal | None:
    """The first rule that refuses this contact, in the order an agent should hear them.

    1. D5: a lead closed for sales takes no *outbound* contact. A customer who calls in
       (inbound) is always answered: the contact is recorded on the closed lead, which stays
       closed, and carries no follow-up (the next step is a new lead, a CX ticket, the
       order's status, or nothing: ``inbound_next_steps``).
    2. D1/D7: a known, active disposition, agent-selectable (not Create Order), of the right
       group for connected / not connected, with real notes when connected.
    3. D9 (outbound only): do-not-contact, calling hours, attempts per lead per day.
    4. D3: a follow-up asked for with this contact.
    5. D3/D4 (outbound on a Will Place Order lead): only the one permitted follow-up, at its
       time, and it must settle the intent (not Will Place Order again).
    """
    closed_inbound = f.closed_for_sales and f.direction == Direction.INBOUND
    if f.closed_for_sales and not closed_inbound:
        return closed_refusal(f.closed_reason)
    d = f.disposition
    if d is None or not d.active:
        return Refusal(
            "disposition_unknown", "Pick one disposition from the tree (D1).", "disposition", 422
        )
    if not d.agent_selectable:
        return Refusal(
            "disposition_system_only",
            f"{d.label} is set by the system when an order is created from this lead; it "
            f"cannot be picked by hand (D7). Create the order instead.",
            "disposition",
            422,
        )
    if f.connected != (d.group == DispositionGroup.CONNECTED):
        expected = "Connected" if d.group == DispositionGroup.CONNECTED else "Not Connected"
        return Refusal(
            "disposition_group_mismatch",
            f"{d.label} is a {expected} outcome; the contact was marked "
            f"{'connected' if f.connected else 'not connected'} (D1).",
            "disposition",
            422,
        )
    too_long = notes_too_long(f.notes)
    if too_long:
        return Refusal("notes_too_long", too_long, "notes", 422)
    if d.requires_notes or d.group == DispositionGroup.CONNECTED:
        problem = notes_problem(f.notes, disposition_label=d.label, example=d.notes_example)
        if problem:
            return Refusal("notes_required", problem, "notes", 422)
    outbound = f.direction == Direction.OUTBOUND
    if outbound:
        refusal = outbound_refusal(
            now=f.now,
            policy=f.policy,
            do_not_contact=f.do_not_contact,
            attempts_today=f.attempts_today,
        )
        if refusal:
            return refusal
    in_episode = f.lead_status == LeadStatus.WILL_PLACE_ORDER
    if f.follow_up_at is not None and closed_inbound:
        return Refusal(
            "followup_not_allowed",
            "This lead is closed for sales: the customer's call is recorded on it, but it carries "
            "no follow-up (D5). For another device, start a new lead.",
            "follow_up",
            422,
        )
    if f.follow_up_at is not None:
        refusal = follow_up_refusal(
            disposition_key=d.key,
            at=f.follow_up_at,
            permission=f.follow_up_permission,
            now=f.now,
            episode_started_at=(f.episode_started_at if in_episode else None) or f.now,
            already_scheduled=in_episode and f.episode_follow_up is not None,
            policy=f.policy,
        )
        if refusal:
            return refusal
    if outbound and in_episode:
        return follow_up_contact_refusal(f.episode_follow_up, d.key, f.now, f.policy)
    if outbound and f.follow_up_spent:
        return FOLLOW_UP_SPENT
    return None


# D4 (issue 15 item 6): Waiting for Quote is no way round the one gentle follow-up.
FOLLOW_UP_SPENT = Refusal(
    "followup_spent",
    "The one gentle follow-up of this lead has been made (D4): sales does not call or message "
    "the customer again for it, Waiting for Quote or not. The quote was sent; the customer can "
    "still call in (always answered). Close the lead politely, or wait for their call or order.",
    "lead",
)


def follow_up_spent(*, lead_status: str, episode_follow_up_done: bool) -> bool:
    """D4: the lead's last Will Place Order episode has had its one follow-up, and the lead has
    left that episode (a new episode starts only when the customer says Will Place Order again,
    which from here only an inbound contact can record)."""
    return lead_status != LeadStatus.WILL_PLACE_ORDER and episode_follow_up_done


def follow_up_contact_refusal(
    follow_up: FollowUpFacts | None, disposition_key: str, now: dt.datetime, policy: Policy
) -> Refusal | None:
    """D3/D4: sales reaches out again on a Will Place Order lead. That is the one follow-up:
    only if the customer permitted one, not before its time, and it settles the intent."""
    if follow_up is None:
        return Refusal(
            "followup_needs_permission",
            "The customer gave no permission for a follow-up on this Will Place Order (D3): "
            "sales does not contact them again for it. Wait for their order or their call.",
            "lead",
        )
    if follow_up.done or follow_up.status == FollowUpStatus.CANCELLED:
        return Refusal(
            "followup_limit",
            "The one follow-up of this Will Place Order has been used: never a third contact for "
            "the same intent (D4).",
            "lead",
        )
    if now < follow_up.due_at - dt.timedelta(minutes=policy.follow_up_early_minutes):
        return Refusal(
            "followup_not_due",
            f"The customer agreed to be contacted at {follow_up.due_at.astimezone(IST):%d %b %H:%M} "
            f"IST, not before (D3).",
            "lead",
        )
    if disposition_key == K.WILL_PLACE_ORDER:
        return Refusal(
            "followup_limit",
            "This is the one follow-up of this Will Place Order (D4): if placed, record Already "
            "Placed an Order; if still not placed, record Waiting for Quote or close politely.",
            "disposition",
        )
    return None


# --- What a contact does to the lead ----------------------------------------------------

# The lead's state machine: the only status changes allowed (self-transitions are no-ops).
LEAD_TRANSITIONS: dict[str, frozenset[str]] = {
    LeadStatus.NEW: frozenset(
        {
            LeadStatus.CONTACTING,
            LeadStatus.WILL_PLACE_ORDER,
            LeadStatus.WAITING_FOR_QUOTE,
            LeadStatus.ALREADY_ORDERED,
            LeadStatus.ORDER_NOT_FOUND,
            LeadStatus.ORDER_CREATED,
            LeadStatus.CLOSED,
        }
    ),
    LeadStatus.CONTACTING: frozenset(
        {
            LeadStatus.WILL_PLACE_ORDER,
            LeadStatus.WAITING_FOR_QUOTE,
            LeadStatus.ALREADY_ORDERED,
            LeadStatus.ORDER_NOT_FOUND,
            LeadStatus.ORDER_CREATED,
            LeadStatus.CLOSED,
        }
    ),
    # D4: out of Will Place Order only by settling the intent.
    LeadStatus.WILL_PLACE_ORDER: frozenset(
        {
            LeadStatus.WAITING_FOR_QUOTE,
            LeadStatus.ALREADY_ORDERED,
            LeadStatus.ORDER_NOT_FOUND,
            LeadStatus.ORDER_CREATED,
            LeadStatus.CLOSED,
        }
    ),
    LeadStatus.WAITING_FOR_QUOTE: frozenset(
        {
            LeadStatus.WILL_PLACE_ORDER,
            LeadStatus.ALREADY_ORDERED,
            LeadStatus.ORDER_NOT_FOUND,
            LeadStatus.ORDER_CREATED,
            LeadStatus.CLOSED,
        }
    ),
    # D6: CX decides: the order exists (already ordered) or not (back to sales).
    LeadStatus.ORDER_NOT_FOUND: frozenset({LeadStatus.ALREADY_ORDERED, LeadStatus.CONTACTING}),
    LeadStatus.ALREADY_ORDERED: frozenset(),  # D5: a new lead reopens contact
    LeadStatus.ORDER_CREATED: frozenset(),
    LeadStatus.CLOSED: frozenset(),
}

CLOSING_OUTCOMES = {
    K.NOT_INTERESTED: ClosedReason.NOT_INTERESTED,
    K.WRONG_PERSON: ClosedReason.WRONG_PERSON,
    K.INVALID_NUMBER: ClosedReason.INVALID_NUMBER,
}


def may_transition(from_status: str, to_status: str) -> bool:
    return from_status == to_status or to_status in LEAD_TRANSITIONS.get(from_status, frozenset())


def is_open(status: str) -> bool:
    return status in OPEN_LEAD_STATUSES


@dataclass(frozen=True)
class Outcome:
    """What a logged contact does to the lead (``already_ordered`` is settled by D6's look-up)."""

    status: str
    closed_reason: str = ""
    starts_episode: bool = False
    is_follow_up: bool = False


def contact_outcome(
    *, lead_status: str, disposition_key: str, direction: str, follow_up_due: bool
) -> Outcome:
    """The lead's next status after a contact the rules allowed.

    ``follow_up_due``: the current episode has a follow-up not yet made. An OUTBOUND contact
    on a Will Place Order lead is that follow-up (D4), and it settles the intent: an
    unanswered follow-up moves the lead to Waiting for Quote ("still not placed"), so there
    is never a third contact for the same intent. An inbound contact is the customer's own
    call, not our follow-up.
    """
    in_episode = lead_status == LeadStatus.WILL_PLACE_ORDER
    is_follow_up = in_episode and follow_up_due and direction == Direction.OUTBOUND
    if disposition_key == K.WILL_PLACE_ORDER:
        return Outcome(LeadStatus.WILL_PLACE_ORDER, starts_episode=not in_episode)
    if disposition_key == K.ALREADY_ORDERED:
        # D6 decides between this and ORDER_NOT_FOUND once the order has been looked up.
        return Outcome(
            LeadStatus.ALREADY_ORDERED, ClosedReason.ALREADY_ORDERED, is_follow_up=is_follow_up
        )
    if disposition_key == K.WAITING_FOR_QUOTE:
        return Outcome(LeadStatus.WAITING_FOR_QUOTE, is_follow_up=is_follow_up)
    if disposition_key in CLOSING_OUTCOMES:
        return Outcome(
            LeadStatus.CLOSED, CLOSING_OUTCOMES[disposition_key], is_follow_up=is_follow_up
        )
    if is_follow_up:
        return Outcome(LeadStatus.WAITING_FOR_QUOTE, is_follow_up=True)
    if lead_status == LeadStatus.NEW:
        return Outcome(LeadStatus.CONTACTING)
    return Outcome(lead_status)


# --- D6 -------------------------------------------------------------------------------

ORDER_NOT_FOUND_PENDING = "order_not_found_pending"
LEAD_CLOSED_FOR_SALES = "lead_closed_for_sales"
ORDER_BLOCK_MESSAGES = {
    ORDER_NOT_FOUND_PENDING: (
        "An 'order not found' case is open with CX for this lead: no order can be created from "
        "it until CX resolves it (D6)."
    ),
    LEAD_CLOSED_FOR_SALES: (
        "This lead is closed for sales (the customer already ordered, an order was created, or it "
        "was closed): do not create a new order “just to be safe” (SOP §6). Open a new lead if the "
        "customer asks again (D5)."
    ),
}


def order_creation_blocked(lead) -> str | None:
    """D6 (and D5): the reason code why no order may be created from ``lead``, or ``None``.

    ``order_not_found_pending`` while CX verifies an order the customer says exists;
    ``lead_closed_for_sales`` when the lead is otherwise closed for sales. Messages for
    both are in ``ORDER_BLOCK_MESSAGES``.
    """
    if lead.order_block:
        return lead.order_block
    if lead.closed_for_sales:
        return LEAD_CLOSED_FOR_SALES
    return None


# --- Priority (D10) -------------------------------------------------------------------------


def lead_priority(*, high_end: bool) -> int:
    """High-end devices first (SPEC §2): they are worth more and qualify for assisted conversion."""
    return LeadPriority.HIGH if high_end else LeadPriority.NORMAL


def follow_up_is_missed(due_at: dt.datetime, now: dt.datetime, policy: Policy) -> bool:
    """D10: a pending follow-up not made within ``follow_up_missed_after_minutes`` of its time."""
    return now >= due_at + dt.timedelta(minutes=policy.follow_up_missed_after_minutes)


# --- Every caller answered (issue 15 item 1) ----------------------------------------------------

NEXT_NEW_LEAD = "new_lead"
NEXT_CX_TICKET = "cx_ticket"
NEXT_ORDER_STATUS = "order_status"
NEXT_NOTHING = "nothing"
NEXT_STEP_LABELS = {
    NEXT_NEW_LEAD: "New lead for another device",
    NEXT_CX_TICKET: "Open a CX ticket",
    NEXT_ORDER_STATUS: "The order's status",
    NEXT_NOTHING: "Nothing more",
}


def inbound_next_steps(*, closed_for_sales: bool, order_number: str) -> list[str]:
    """What the call panel offers after an inbound contact on a closed lead, in one click:
    a new lead (another device), a CX ticket, the order's status (when the lead names an
    order), or nothing. An open lead offers nothing extra (it is worked as usual)."""
    if not closed_for_sales:
        return []
    steps = [NEXT_NEW_LEAD, NEXT_CX_TICKET]
    if order_number:
        steps.append(NEXT_ORDER_STATUS)
    steps.append(NEXT_NOTHING)
    return steps


def changes_lead(
    *, closed_for_sales: bool, owner_id, agent_id, direction: str, verified: bool
) -> bool:
    """Does this contact move the lead (status, disposition, follow-up, D6)? Issue 15/21:

    - an inbound contact on a closed lead is recorded only: the lead stays closed;
    - a non-owner's inbound contact changes the lead only when the call record says it was
      inbound (``verified``: telephony); otherwise "inbound" is only the client's word, the
      contact is recorded and shown to the owner, and the lead's disposition, closure and
      order credit stay with its owner.
    """
    if closed_for_sales:
        return False
    if direction == Direction.INBOUND and owner_id is not None and owner_id != agent_id:
        return verified
    return True


# --- Ownership --------------------------------------------------------------------------------


def may_work_lead(*, owner_id: int | None, agent_id: int, direction: str) -> bool:
    """Sales agents work their own leads and unowned ones. Anyone on the sales floor answers a
    customer who calls in (inbound), whoever owns the lead; ownership does not change."""
    return owner_id is None or owner_id == agent_id or direction == Direction.INBOUND


def training_card(policy: Policy, dispositions) -> dict:
    """The SOP §9 training card, built from the rules and settings the code enforces."""
    return {
        "golden_rule": GOLDEN_RULE,
        "golden_rule_short": GOLDEN_RULE_SHORT,
        "summary": TRAINING_CARD_SUMMARY,
        "decision_guide": [(text, key) for text, key in DECISION_GUIDE],
        "prohibited": PROHIBITED,
        "rules": RULES,
        "policy": policy,
        "dispositions": list(dispositions),
    }
