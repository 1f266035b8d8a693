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
