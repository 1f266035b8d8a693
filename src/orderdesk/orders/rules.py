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
    """M4: no explicit "yes, please place the order", no order."""
    if not confirmed or len((statement or "").strip()) < 3:
        return 'The customer\'s explicit consent ("Yes, please place the order") must be recorded.'
    return None


def agent_is_restricted(errors_in_window: int, threshold: int) -> bool:
    """M8: an agent with ``threshold`` or more errors in the window loses manual creation."""
    return errors_in_window >= threshold


def price_needs_acceptance(estimated_price: int, final_price: int | None) -> bool:
    """O4: a final price that differs from the estimate needs the customer's acceptance."""
    return final_price is not None and final_price != estimated_price
