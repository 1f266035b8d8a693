"""The CX procedures as code: pure functions and tables, no database writes.

Sources: ``order-taking-and-customer-interaction.txt`` §4.4 "Handling Inquiries and
Complaints", ``order-taking-and-service-guidelines.txt`` §4.4/§4.6/§4.7/§5,
``processing-sales-orders-study-notes.txt`` (LAA: Listen, Apologise, Act; FCR; CSAT),
``manual-order-creation.txt`` §8 (M9) and ``will-place-order-vs-already-ordered.txt``
§5/§7 (D6). SPEC §6 C1-C3.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from orderdesk.cx.choices import (
    ACTIVE_STATUSES,
    ActionKind,
    ActOutcome,
    TicketPriority,
    TicketStatus,
    TicketType,
)

S = TicketStatus
T = TicketType
P = TicketPriority

# --- the ticket's states: one table -------------------------------------------------------

# (from, to) pairs a ticket may move along; ``actions._move`` is the one place that checks it.
TICKET_TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (S.OPEN, S.IN_PROGRESS),
        (S.OPEN, S.WAITING_ON_CUSTOMER),
        (S.OPEN, S.ESCALATED),
        (S.OPEN, S.RESOLVED),
        (S.IN_PROGRESS, S.WAITING_ON_CUSTOMER),
        (S.IN_PROGRESS, S.ESCALATED),
        (S.IN_PROGRESS, S.RESOLVED),
        (S.WAITING_ON_CUSTOMER, S.IN_PROGRESS),
        (S.WAITING_ON_CUSTOMER, S.ESCALATED),
        (S.WAITING_ON_CUSTOMER, S.RESOLVED),
        (S.ESCALATED, S.RESOLVED),
        (S.RESOLVED, S.REOPENED),
        (S.RESOLVED, S.CLOSED),
        (S.REOPENED, S.IN_PROGRESS),
        (S.REOPENED, S.WAITING_ON_CUSTOMER),
        (S.REOPENED, S.ESCALATED),
        (S.REOPENED, S.RESOLVED),
    }
)


def can_move(frm: str, to: str) -> bool:
    return (frm, to) in TICKET_TRANSITIONS


def is_active(status: str) -> bool:
    return status in ACTIVE_STATUSES


# --- C1: Listen -> Apologise -> Act --------------------------------------------------------

# Ticket types that are a grievance: the SOP's "Acknowledge the issue and apologize for any
# inconvenience" applies before acting. A plain inquiry needs no apology.
APOLOGY_REQUIRED = frozenset(
    {T.COMPLAINT, T.PRICE_DISPUTE, T.ORDER_NOT_FOUND, T.PICKUP_ISSUE, T.PAYMENT_ISSUE}
)

FILLER = frozenset(
    [
        "ok",
        "okay",
        "done",
        "na",
        "n/a",
        "nil",
        "called",
        "spoke",
        "connected",
        "customer",
        "cust",
        "fine",
        "yes",
        "no",
        "test",
        "hmm",
        "hi",
        "hello",
        "informed",
        "please",
        "sir",
        "madam",
        "ji",
        "the",
        "a",
        "an",
        "is",
        "was",
        "to",
        "and",
        "of",
    ]
)


def trivial_text(text: str) -> bool:
    """C1: a step must say something: fewer than 2 meaningful words or 10 letters is trivial."""
    words = [w for w in re.findall(r"[\w']+", (text or "").lower()) if w not in FILLER]
    return len(words) < 2 or sum(len(w) for w in words) < 10


@dataclass(frozen=True)
class StepRefusal:
    code: str
    message: str
    field: str = "kind"


def step_refusal(
    kind: str, *, ticket_type: str, steps_since_reopen: set[str], text: str
) -> StepRefusal | None:
    """C1: whether recording ``kind`` now is refused, and why.

    ``steps_since_reopen``: the C1 kinds already recorded in the current round (since the
    ticket was opened, or last reopened). Listen comes first; for a grievance, the apology
    before the Act; a resolution needs an Act in this round.
    """
    if kind in (ActionKind.LISTEN, ActionKind.APOLOGISE, ActionKind.ACT) and trivial_text(text):
        what = {
            ActionKind.LISTEN: "what the customer said, in their words",
            ActionKind.APOLOGISE: "the apology you gave",
            ActionKind.ACT: "what you did and what happens next",
        }[kind]
        return StepRefusal("text_required", f"Write {what} (a few words at least).", "text")
    if kind == ActionKind.APOLOGISE and ActionKind.LISTEN not in steps_since_reopen:
        return StepRefusal(
            "listen_first", "Listen first: record what the customer said before the apology (C1)."
        )
    if kind == ActionKind.ACT:
        if ActionKind.LISTEN not in steps_since_reopen:
            return StepRefusal(
                "listen_first", "Listen first: record what the customer said before acting (C1)."
            )
        if ticket_type in APOLOGY_REQUIRED and ActionKind.APOLOGISE not in steps_since_reopen:
            return StepRefusal(
                "apology_required",
                "Apologise before acting: acknowledge the issue and apologise for the "
                "inconvenience (C1, SOP §4.4).",
            )
    if kind == ActionKind.RESOLVE:
        if ActionKind.ACT not in steps_since_reopen:
            return StepRefusal(
                "act_required",
                "A ticket is resolved only with an action recorded: record the Act first (C1).",
            )
        if trivial_text(text):
            return StepRefusal(
                "text_required", "Write the resolution: what was fixed, in a few words.", "text"
            )
    return None


# The SOP's own words and the script the agent says, per step (SPEC §10: the console shows
# the SOP's wording at each step).
@dataclass(frozen=True)
class Script:
    step: str
    title: str
    sop: str  # the procedure's wording
    say: str  # what the agent says
    source: str


SCRIPTS: dict[str, Script] = {
    ActionKind.LISTEN: Script(
        "listen",
        "Listen",
        "Listen calmly and empathetically to customer concerns. Listen attentively and avoid "
        "interrupting the customer. Clarify uncertainties by asking open-ended questions.",
        "Please tell me what happened — I'm listening. … So, if I have understood you "
        "correctly: {summary}. Is that right?",
        "Order taking and customer interaction §4.1, §4.3, §4.4; study notes (LAA)",
    ),
    ActionKind.APOLOGISE: Script(
        "apologise",
        "Apologise",
        "Acknowledge the issue and apologize for any inconvenience. Use polite, friendly, and "
        "professional language at all times.",
        "I'm sorry for the inconvenience this has caused you, {name}. Thank you for telling "
        "us — I'll sort this out with you now.",
        "Order taking and customer interaction §4.3, §4.4",
    ),
    ActionKind.ACT: Script(
        "act",
        "Act",
        "Provide accurate information or escalate to a supervisor if unable to resolve. Explain "
        "next steps and timeframes clearly to the customer. Document all interactions and "
        "customer requests accurately.",
        "Here is what I am doing now: … You will hear from us by {when}. Is there anything "
        "else I can help you with?",
        "Order taking and customer interaction §4.4; service guidelines §4.4, §5",
    ),
    ActionKind.RESOLVE: Script(
        "resolve",
        "Resolve and follow up",
        "Follow up to ensure the issue is resolved to the customer's satisfaction. Contact the "
        "customer post-fulfillment for feedback or resolution of outstanding issues.",
        "I have resolved this for you. You will get a message confirming it and a short "
        "survey: a rating from 1 to 5 helps us improve.",
        "Order taking and customer interaction §4.4, §4.6; service guidelines §4.7",
    ),
}

# M9 (manual-order-creation §8, price disputes): re-explain the inspection logic; offer
# cancellation without argument.
PRICE_DISPUTE_SCRIPT = (
    "The price you saw when the order was placed was an estimate: the final price depends on "
    "inspection. At pickup our partner checks the device against the condition recorded on the "
    "order ({condition}); when it differs, the price changes. {confirmation} If you do not want "
    "to go ahead at this price, that is completely fine: I can cancel the order right now, with "
    "no charge and no penalty."
)

# D6 (will-place-order-vs-already-ordered §5 "Verify lightly", §7 case 1).
ORDER_NOT_FOUND_SCRIPT = (
    "Thank you for waiting. I have checked our records by your order number and your phone "
    "number. {finding}"
)
ORDER_FOUND_FINDING = (
    "I found your order {number}: it is {status}. Our sales team will not call you about it again."
)
NO_ORDER_FINDING = (
    "I could not find an order for you. Our sales team will call you to help you place it."
)

# What the agent says, in Hindi, for a Hindi-speaking customer (issue 18): the script follows
# the customer's language, the console's chrome the agent's (docs/decisions.md). Same
# placeholders as the English; amounts, order numbers and device names stay as they are.
HINDI = "hi"  # customers.choices.Language.HINDI
SAY_HI: dict[str, str] = {
    ActionKind.LISTEN: (
        "कृपया बताइए, क्या हुआ — मैं ध्यान से सुन रहा/रही हूँ। … तो अगर मैंने सही समझा है: "
        "{summary}। क्या यह सही है?"
    ),
    ActionKind.APOLOGISE: (
        "{name} जी, इससे आपको जो परेशानी हुई, उसके लिए मुझे सच में खेद है। हमें बताने के लिए "
        "धन्यवाद — मैं अभी आपके साथ मिलकर इसे ठीक करता/करती हूँ।"
    ),
    ActionKind.ACT: (
        "मैं अभी यह कर रहा/रही हूँ: … {when} तक आपको हमारी तरफ़ से जवाब मिल जाएगा। क्या मैं "
        "किसी और चीज़ में आपकी मदद कर सकता/सकती हूँ?"
    ),
    ActionKind.RESOLVE: (
        "आपकी समस्या हल कर दी गई है। आपको इसकी पुष्टि का एक मैसेज और एक छोटा सर्वे मिलेगा: "
        "1 से 5 तक की रेटिंग से हमें और बेहतर होने में मदद मिलती है।"
    ),
}
PRICE_DISPUTE_SCRIPT_HI = (
    "ऑर्डर करते समय आपने जो कीमत देखी थी, वह अनुमानित कीमत थी: फ़ाइनल कीमत डिवाइस की जाँच "
    "पर निर्भर करती है। पिकअप के समय हमारे पार्टनर डिवाइस को ऑर्डर में दर्ज कंडीशन "
    "({condition}) से मिलाकर देखते हैं; कंडीशन अलग निकले तो कीमत बदल जाती है। {confirmation} "
    "अगर आप इस कीमत पर आगे नहीं बढ़ना चाहते, तो बिल्कुल ठीक है: मैं अभी ऑर्डर कैंसल कर "
    "सकता/सकती हूँ, बिना किसी चार्ज या पेनल्टी के।"
)
CONSENT_CONFIRMATION = (
    "When the order was placed on {at}, you agreed to the estimate of {price} with the words "
    "“{statement}”."
)
CONSENT_CONFIRMATION_HI = (
    "{at} को ऑर्डर करते समय आपने {price} की अनुमानित कीमत पर इन शब्दों में सहमति दी थी: “{statement}”।"
)
SELF_PLACED_CONFIRMATION = (
    "You placed the order yourself in the {channel} at the estimate of {price}."
)
SELF_PLACED_CONFIRMATION_HI = "आपने {channel} से खुद {price} की अनुमानित कीमत पर ऑर्डर किया था।"


def script_language(customer_language: str | None) -> str:
    """The language a script is read in: Hindi for a Hindi-speaking customer, else English."""
    return HINDI if customer_language == HINDI else "en"


def say_for(step: str, customer_language: str | None) -> str:
    """A C1 step's script in the customer's language (unformatted)."""
    if script_language(customer_language) == HINDI and step in SAY_HI:
        return SAY_HI[step]
    return SCRIPTS[step].say


# Order status inquiry (service guidelines §4.6 "Providing Updates").
STATUS_SCRIPT = "Your order {number} is {status}. {slot} {vendor} I am sending you these details by message now."


# --- C2: SLA policies and clocks ------------------------------------------------------------

# Default targets in minutes: (first response, resolution) per priority. Clocks run on wall
# time, 24x7 (the desk answers in calling hours, but a customer waiting overnight is waiting).
DEFAULT_SLA_BY_PRIORITY: dict[str, tuple[int, int]] = {
    P.URGENT: (15, 4 * 60),
    P.HIGH: (30, 8 * 60),
    P.NORMAL: (60, 24 * 60),
    P.LOW: (4 * 60, 72 * 60),
}
# Types that cannot wait as long as the default: a blocked lead (D6) or a pickup in progress.
SLA_OVERRIDES: dict[tuple[str, str], tuple[int, int]] = {
    (T.ORDER_NOT_FOUND, P.URGENT): (15, 2 * 60),
    (T.ORDER_NOT_FOUND, P.HIGH): (30, 4 * 60),
    (T.ORDER_NOT_FOUND, P.NORMAL): (60, 8 * 60),
    (T.PICKUP_ISSUE, P.URGENT): (10, 2 * 60),
    (T.PICKUP_ISSUE, P.HIGH): (20, 4 * 60),
    # India's Consumer Protection (E-Commerce) Rules 2020, rule 4(5): a complaint is
    # acknowledged within 48 hours and redressed within one month (docs/compliance.md). These
    # are the shipped defaults for complaints at normal (their default priority) and low
    # priority; urgent and high complaints keep the tighter targets above, inside the limits.
    (T.COMPLAINT, P.NORMAL): (48 * 60, 30 * 24 * 60),
    (T.COMPLAINT, P.LOW): (48 * 60, 30 * 24 * 60),
}
# The legal ceilings themselves: no shipped complaint target may be looser (a test checks).
COMPLAINT_ACKNOWLEDGE_WITHIN_MINUTES = 48 * 60
COMPLAINT_REDRESS_WITHIN_MINUTES = 30 * 24 * 60


def default_sla(ticket_type: str, priority: str) -> tuple[int, int]:
    """C2: the shipped (first response, resolution) minutes for a type and priority."""
    return SLA_OVERRIDES.get((ticket_type, priority), DEFAULT_SLA_BY_PRIORITY[priority])


DEFAULT_PRIORITY: dict[str, str] = {
    T.INQUIRY: P.NORMAL,
    T.COMPLAINT: P.NORMAL,
    T.PRICE_DISPUTE: P.HIGH,  # M9: an order is at stake, often with the vendor at the door
    T.ORDER_NOT_FOUND: P.HIGH,  # D6: the lead is blocked until CX answers
    T.PICKUP_ISSUE: P.HIGH,
    T.PAYMENT_ISSUE: P.HIGH,
}

# C3 post-resolution follow-up: these types call for a contact to confirm the fix, this long
# after the resolution.
FOLLOW_UP_AFTER: dict[str, dt.timedelta] = {
    T.COMPLAINT: dt.timedelta(hours=24),
    T.PICKUP_ISSUE: dt.timedelta(hours=24),
    T.PAYMENT_ISSUE: dt.timedelta(hours=48),
}

# A resolved ticket may be reopened for this long; then the sweep closes it (unless a
# follow-up is still owed).
REOPEN_WINDOW = dt.timedelta(days=7)

# "Breaching soon": the next deadline falls within this.
BREACHING_SOON = dt.timedelta(minutes=60)


def next_sla_due(
    *,
    status: str,
    first_responded_at,
    first_response_due_at,
    first_response_breached_at,
    resolution_due_at,
    resolution_breached_at,
):
    """C2: the next deadline the sweep must watch, or None (paused, done, or all breached).

    Relies on first response <= resolution (a policy check constraint), so a pending first
    response is always the earlier deadline.
    """
    if status not in ACTIVE_STATUSES or status == S.WAITING_ON_CUSTOMER:
        return None
    if first_responded_at is None and first_response_breached_at is None and first_response_due_at:
        return first_response_due_at
    if resolution_breached_at is None:
        return resolution_due_at
    return None


def counts_as_first_response(kind: str) -> bool:
    """C2: the first customer-facing step by staff stops the first-response clock."""
    return kind in (
        ActionKind.LISTEN,
        ActionKind.APOLOGISE,
        ActionKind.ACT,
        ActionKind.WAIT,
        ActionKind.RESOLVE,
    )


def fcr(*, was_reopened: bool, was_escalated: bool, waited_on_customer: bool) -> bool:
    """C3: first-contact resolution — resolved in the first contact: never waited on the
    customer (a second contact was needed), never escalated, never reopened."""
    return not (was_reopened or was_escalated or waited_on_customer)


# --- C3: CSAT -------------------------------------------------------------------------------

CSAT_SCORES = (1, 2, 3, 4, 5)
CSAT_LABELS = {  # the survey page shows them in the customer's language (gettext_noop marks)
    1: gettext_noop("Very dissatisfied"),
    2: gettext_noop("Dissatisfied"),
    3: gettext_noop("Neutral"),
    4: gettext_noop("Satisfied"),
    5: gettext_noop("Very satisfied"),
}
CSAT_VALID_FOR = dt.timedelta(days=14)
# Reply codes avoid look-alikes (no 0/O, 1/I/L, U/V) so they survive being read or typed.
REPLY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
REPLY_CODE_LENGTH = 6

_REPLY = re.compile(
    r"^\s*([1-5])\s*[\s,.:;-]\s*([A-Za-z0-9]{6})\s*$|^\s*([A-Za-z0-9]{6})\s*[\s,.:;-]\s*([1-5])\s*$"
)


def parse_csat_reply(text: str) -> tuple[int, str] | None:
    """C3: "4 K7M2QX" or "K7M2QX 4" -> (4, "K7M2QX"); anything else -> None."""
    match = _REPLY.match(text or "")
    if not match:
        return None
    if match.group(1):
        return int(match.group(1)), match.group(2).upper()
    return int(match.group(4)), match.group(3).upper()


def valid_score(score) -> bool:
    return isinstance(score, int) and not isinstance(score, bool) and score in CSAT_SCORES


# --- displays -------------------------------------------------------------------------------


def ticket_number(pk: int) -> str:
    """How a ticket is named to the customer and on the phone."""
    return f"TKT-{pk:06d}"


def act_outcomes_for(ticket_type: str, *, has_order: bool) -> list[str]:
    """The system outcomes an Act may carry on this ticket (the console's choices)."""
    outcomes: list[str] = []
    if ticket_type == T.PRICE_DISPUTE and has_order:
        outcomes += [ActOutcome.CUSTOMER_ACCEPTS, ActOutcome.CANCEL_ORDER]
    if ticket_type == T.ORDER_NOT_FOUND:
        outcomes += [ActOutcome.LINK_ORDER, ActOutcome.NO_ORDER]
    if has_order:
        outcomes.append(ActOutcome.STATUS_UPDATE)
    return outcomes
