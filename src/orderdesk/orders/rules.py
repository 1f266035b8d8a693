"""Order rules as pure functions (SPEC §4 M1-M8, §5 X1-X3). No database writes.

M7 — order numbers
------------------
Order numbers are read out on the phone, so they are short, unambiguous and
self-checking: ``OD-`` + 7 body characters + 1 check character, shown as
``OD-7K4M-9QXR``. The alphabet has 29 symbols with no look-alikes (no 0/O,
1/I/L, U/V confusion: 0, 1, I, L, O, U and S are left out). The check
character makes ``sum(weight_i * value_i) ≡ 0 (mod 29)`` with weights
1, 2, … 8: 29 is prime, so

- a single wrong character changes the sum by ``w * d`` with ``0 < w, |d| < 29``:
  never a multiple of 29, always caught;
- two adjacent characters swapped change it by ``(w_i - w_{i+1}) * d = -d``:
  caught too, the check character included.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

ORDER_PREFIX = "OD"
ALPHABET = "23456789ABCDEFGHJKMNPQRTVWXYZ"
MODULUS = len(ALPHABET)  # 29, a prime
BODY_LENGTH = 7
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}

assert MODULUS == 29


def _weighted_sum(chars: str) -> int:
    return sum((i + 1) * VALUES[ch] for i, ch in enumerate(chars))


def check_character(body: str) -> str:
    """M7: the character that makes the weighted sum of body + check a multiple of 29."""
    weight = len(body) + 1
    partial = _weighted_sum(body) % MODULUS
    # find c with partial + weight * c ≡ 0 (mod 29); weight has an inverse because 29 is prime
    c = (-partial * pow(weight, -1, MODULUS)) % MODULUS
    return ALPHABET[c]


def new_order_number() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return ORDER_PREFIX + body + check_character(body)


def canonical_order_number(typed: str) -> str:
    """Upper-case, without spaces or dashes: ``od-7k4m 9qxr`` → ``OD7K4M9QXR``."""
    return re.sub(r"[\s\-]", "", (typed or "").upper())


def order_number_problem(typed: str) -> str | None:
    """None when ``typed`` is a well-formed order number; otherwise the rule code it breaks.

    ``bad_format`` — not OD + 8 characters of the alphabet;
    ``bad_check_character`` — well-formed but mistyped (a wrong or swapped character).
    """
    number = canonical_order_number(typed)
    if not number.startswith(ORDER_PREFIX):
        return "bad_format"
    chars = number[len(ORDER_PREFIX) :]
    if len(chars) != BODY_LENGTH + 1 or any(ch not in VALUES for ch in chars):
        return "bad_format"
    if _weighted_sum(chars) % MODULUS != 0:
        return "bad_check_character"
    return None


def display_order_number(number: str) -> str:
    """``OD7K4M9QXR`` → ``OD-7K4M-9QXR``: groups of four, for reading aloud."""
    body = number[len(ORDER_PREFIX) :]
    return f"{ORDER_PREFIX}-{body[:4]}-{body[4:]}"


# --- Issue 15 item 4: several devices in one pickup -----------------------------

MAX_ITEMS_PER_ORDER = 10
MAX_ITEM_QUANTITY = 5


def devices_label(items) -> str:
    """``2 x Apple iPhone 13 128 GB, Samsung Galaxy S21 8/128 GB``: every item of an order."""
    return ", ".join(str(item) for item in items)


def item_guard_key(order_guard_key: str, *, order_number: str, position: int, repeat: bool) -> str:
    """X1 per item: the order's guard key for the first item of a model in the order;
    a later item of the same model in the same order stands beside it with its own key."""
    if not repeat:
        return order_guard_key
    return f"{order_guard_key or order_number}/{position}"


# --- M1-M5: the gates an agent's order must pass -------------------------------

UPI_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_]{1,255}@[A-Za-z][A-Za-z0-9]{1,63}$")
IFSC_RE = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
ACCOUNT_RE = re.compile(r"^[0-9]{9,18}$")

# M3 C / SOP §5 step 4: what the agent reads out before asking for agreement.
PRICE_SCRIPT = "The estimated price showing is {price}. Final price depends on inspection. Are you okay to proceed?"
CONSENT_WORDING = "Yes, please place the order"


def payment_problems(
    method: str, upi_id: str, account_number: str, ifsc: str
) -> list[tuple[str, str, str]]:
    """M3 E: a UPI ID of valid form, or a bank account number with a valid IFSC.

    Returns (field, code, message) triples; empty when the payment details are good.
    """
    if method == "upi":
        if not UPI_RE.match(upi_id or ""):
            return [
                (
                    "payment.upi_id",
                    "payment_invalid",
                    f"{upi_id!r} is not a UPI ID (name@bank, e.g. asha.rao@okaxis).",
                )
            ]
        return []
    if method == "bank":
        problems = []
        if not ACCOUNT_RE.match(account_number or ""):
            problems.append(
                (
                    "payment.account_number",
                    "payment_invalid",
                    "A bank account number is 9 to 18 digits.",
                )
            )
        if not IFSC_RE.match((ifsc or "").upper()):
            problems.append(
                (
                    "payment.ifsc",
                    "payment_invalid",
                    f"{ifsc!r} is not an IFSC (4 letters, 0, then 6 letters or digits, e.g. HDFC0001234).",
                )
            )
        return problems
    return [("payment.method", "payment_invalid", "The payment method must be 'upi' or 'bank'.")]


def consent_problem(confirmed: bool, statement: str) -> str | None:
    """M4: no explicit "yes, please place the order", no order. The statement is the
    customer's own words, typed by the agent as they were said (nothing is pre-filled)."""
    if not confirmed or len((statement or "").strip()) < 3:
        return (
            "The customer's explicit consent must be recorded: tick it and type their words "
            "as they said them."
        )
    return None


# M1 (issue 15, item 11): ``high_end_assisted`` is a reason only for a model the catalog
# marks high-end.
HIGH_END_REASON = "high_end_assisted"


def reason_problem(reason: str, *, high_end: bool | None) -> str | None:
    """M1: the ``high_end_assisted`` reason for a model that is not high-end is refused
    (``high_end`` None: the model is not chosen yet, nothing to check)."""
    if reason == HIGH_END_REASON and high_end is False:
        return (
            "This model is not a high-end device: choose the reason the customer gave "
            "(asked for help, a technical issue, not comfortable with the app)."
        )
    return None


# M4 (issue 15, item 11): the price confirmation time is when the agent confirmed the estimate
# step; it is refused in the future and when older than this (a new call reads it out again).
PRICE_CONFIRMATION_MAX_AGE_MINUTES = 120


def price_confirmation_problem(confirmed_at, now) -> str | None:
    """M4: a price confirmation time given with the order must be in the past, and recent."""
    if confirmed_at is None:
        return None
    if confirmed_at.tzinfo is None:
        return "The price confirmation time needs a time zone (e.g. 2026-05-04T10:15:00+05:30)."
    if confirmed_at > now:
        return "The price confirmation time is in the future."
    if (now - confirmed_at).total_seconds() > PRICE_CONFIRMATION_MAX_AGE_MINUTES * 60:
        return (
            f"The customer agreed to the estimate more than {PRICE_CONFIRMATION_MAX_AGE_MINUTES} "
            "minutes ago: read it out again and confirm."
        )
    return None


def agent_is_restricted(errors_in_window: int, threshold: int) -> bool:
    """M8: an agent with ``threshold`` or more errors in the window loses manual creation."""
    return errors_in_window >= threshold


def price_needs_acceptance(estimated_price: int, final_price: int | None) -> bool:
    """O4: a final price that differs from the estimate needs the customer's acceptance."""
    return final_price is not None and final_price != estimated_price


# --- SOP 001 §10: the manual-order training card (issue 15, item 13) --------------------------
# Built from the rules above and the settings in force, like the leads card
# (``leads.rules.training_card``): the console page renders this and nothing else.

MANUAL_ORDER_GOAL = "Assist customers, not force orders."
MANUAL_ORDER_GOLDEN_RULE = (
    'If the customer hasn\'t said "Yes, please place the order", do not create it. '
    "Type their words as they said them: nothing is filled in for you."
)


@dataclass(frozen=True)
class CardRule:
    id: str
    title: str
    enforced: str
    codes: tuple[str, ...]


MANUAL_ORDER_RULES: tuple[CardRule, ...] = (
    CardRule(
        "M1",
        "Only for an allowed reason",
        "An agent order needs one of the reasons below; high_end_assisted only for a model the "
        "catalog marks high-end.",
        ("reason_required", "reason_not_high_end"),
    ),
    CardRule(
        "M2",
        "Not when we cannot serve it",
        "Refused for a pincode or device we do not pick up, or a model not in the catalog.",
        ("pincode_not_serviceable", "device_not_serviceable", "model_not_in_catalog"),
    ),
    CardRule(
        "M3",
        "Every pre-check passed",
        "Every condition question answered; the estimate read out and agreed; the address with "
        "a landmark and a pincode of its city; an open slot; a valid UPI ID or account with IFSC.",
        (
            "price_not_confirmed",
            "price_confirmation_invalid",
            "address_incomplete",
            "pincode_city_mismatch",
            "slot_unavailable",
            "payment_invalid",
        ),
    ),
    CardRule(
        "M4",
        "Explicit consent, in the customer's words",
        "Consent is recorded with the words typed as said, the time and the agent; the price "
        "confirmation time is when the estimate step was confirmed.",
        ("consent_missing",),
    ),
    CardRule(
        "M5",
        "Read the review back",
        "The review reads back the device, the estimate and its price range, the pickup address "
        "and slot, the special instructions and the payment mode.",
        (),
    ),
    CardRule(
        "M6",
        "Confirm in writing",
        "Creating the order sends the confirmation (English or Hindi): device, estimate, pickup "
        "address and slot window, payment mode and the order number.",
        (),
    ),
    CardRule(
        "X1",
        "One open order per customer and device",
        "A second open order of the same customer for the same model is refused.",
        ("duplicate_open_order",),
    ),
)


def manual_order_training_card(
    *, reasons, error_threshold: int, error_window_days: int, price_confirmation_minutes: int
) -> dict:
    """SOP 001 §10's one-page card from the rules and settings in force: when manual creation
    is allowed (the M1 reasons), the checks before creating (M2-M5), what happens after (M6),
    the accountability threshold (M8) and the goal."""
    return {
        "when_allowed": [label for _key, label in reasons],
        "before_creating": [
            ("Serviceability", "the pincode and the device type are served (M2)"),
            ("Price", PRICE_SCRIPT.format(price="₹…")),
            ("Consent", MANUAL_ORDER_GOLDEN_RULE),
            ("Address", "house and street, a landmark, the pincode of the city, an open slot"),
            ("Payment", "a UPI ID (name@bank) or an account number with its IFSC"),
        ],
        "price_confirmation_minutes": price_confirmation_minutes,
        "after_creating": [
            "Share the order ID, read in groups (OD-XXXX-XXXX); its check character catches a slip",
            "Explain the pickup: a partner is assigned, inspects at the door, pays instantly",
            "The written confirmation goes out by itself; the lead's disposition becomes Create Order",
        ],
        "accountability": (
            f"The creating agent answers for the order's accuracy: {error_threshold} errors in "
            f"{error_window_days} days suspend manual creation until a supervisor restores it "
            "after retraining (M8)."
        ),
        "rules": MANUAL_ORDER_RULES,
        "goal": MANUAL_ORDER_GOAL,
    }


# --- Issue 15, item 12: the post-fulfilment feedback -------------------------------------------

FEEDBACK_SCORES = (1, 2, 3, 4, 5)
FEEDBACK_VALID_DAYS = 14
FEEDBACK_CODE_LENGTH = 6  # from ALPHABET: no look-alikes, survives being read or typed

_FEEDBACK_REPLY = re.compile(
    r"^\s*([1-5])\s*[\s,.:;-]\s*([A-Za-z0-9]{6})\s*$|^\s*([A-Za-z0-9]{6})\s*[\s,.:;-]\s*([1-5])\s*$"
)


def parse_feedback_reply(text: str) -> tuple[int, str] | None:
    """ "4 K7M2QX" or "K7M2QX 4" -> (4, "K7M2QX"); anything else -> None."""
    match = _FEEDBACK_REPLY.match(text or "")
    if not match:
        return None
    if match.group(1):
        return int(match.group(1)), match.group(2).upper()
    return int(match.group(4)), match.group(3).upper()


def valid_feedback_score(score) -> bool:
    return isinstance(score, int) and not isinstance(score, bool) and score in FEEDBACK_SCORES
