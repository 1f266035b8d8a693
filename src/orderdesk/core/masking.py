"""S2: masking of phone numbers and payment details on screens, in logs and in exports.

``mask_tail``/``mask_upi`` mask one known value; ``mask_text`` finds phone
numbers, UPI IDs and account numbers inside free text (a log line, an audit
repr); ``mask_data`` walks a JSON-like value (an audit event's before/after)
and masks the values of sensitive keys and any such pattern in other strings.
The full value is shown only where the task needs it, through an explicit,
audited "show full number" action (console ``reveal_*`` views).
"""

from __future__ import annotations

import re

from orderdesk.core.phones import mask_phone

#: Keys whose values are always masked wherever a record is shown, logged or exported.
PHONE_KEYS = frozenset({"phone", "alternate_phone", "customer_phone", "vendor_phone"})
UPI_KEYS = frozenset({"upi_id"})
ACCOUNT_KEYS = frozenset({"account_number", "bank_account_number"})
SENSITIVE_KEYS = PHONE_KEYS | UPI_KEYS | ACCOUNT_KEYS

# A UPI ID: name@handle where the handle has no dot (an e-mail's domain has one).
_UPI = re.compile(r"(?<![\w.@-])([\w.\-]{2,})@([A-Za-z][A-Za-z0-9]{1,30})(?![\w.@-])")
# An Indian mobile in any usual writing: +91 98765 43210, 919876543210, 098765-43210, 9876543210.
_PHONE = re.compile(r"(?<![\w+])(?:\+?91[\s-]?|0)?[6-9]\d{4}[\s-]?\d{5}(?!\w)")
# Any other E.164 number.
_E164 = re.compile(r"(?<![\w+])\+\d{10,14}(?!\w)")
# A bank account number: 9 to 18 digits.
_ACCOUNT = re.compile(r"(?<![\w•])\d{9,18}(?![\w])")

DOT = "•"


def mask_tail(value: str | None, keep: int = 4) -> str:
    """``12345678901234`` → ``••••••••••1234``."""
    if not value:
        return ""
    if len(value) <= keep:
        return DOT * len(value)
    return DOT * (len(value) - keep) + value[-keep:]


def mask_upi(upi_id: str | None) -> str:
    """``asha.rao@okaxis`` → ``as•••••@okaxis``: the bank handle stays readable."""
    if not upi_id or "@" not in upi_id:
        return mask_tail(upi_id)
    name, handle = upi_id.split("@", 1)
    return name[:2] + DOT * max(len(name) - 2, 1) + "@" + handle


def _mask_phone_match(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return mask_phone("+91" + digits[-10:]) if len(digits) >= 10 else DOT * len(digits)


def mask_text(text: str) -> str:
    """Mask every phone number, UPI ID and account number found in ``text``."""
    if not text or not isinstance(text, str):
        return text
    text = _UPI.sub(lambda m: mask_upi(m.group(0)), text)
    text = _PHONE.sub(_mask_phone_match, text)
    text = _E164.sub(lambda m: mask_phone(m.group(0)), text)
    return _ACCOUNT.sub(lambda m: mask_tail(m.group(0)), text)


def mask_value(key: str, value):
    """Mask one value known by its key (``phone``, ``upi_id``, ``account_number``…)."""
    if not isinstance(value, str) or not value:
        return value
    if key in PHONE_KEYS:
        return mask_phone(value) if value.startswith("+") else mask_tail(value, 5)
    if key in UPI_KEYS:
        return mask_upi(value)
    if key in ACCOUNT_KEYS:
        return mask_tail(value)
    return mask_text(value)


def mask_data(data, key: str = ""):
    """A copy of a JSON-like value with every sensitive value masked."""
    if isinstance(data, dict):
        return {k: mask_data(v, str(k)) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [mask_data(v, key) for v in data]
    if isinstance(data, str):
        return mask_value(key, data)
    return data
