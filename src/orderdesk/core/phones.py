"""Phone numbers: one customer, one E.164 number (SPEC §2).

Agents type numbers every way Indians write them — ``98765 43210``,
``+91-98765-43210``, ``09876543210``, ``919876543210`` — and all of them are
the same customer. ``normalise_phone`` turns each into ``+919876543210`` or
refuses it with the field and the rule.
"""

from __future__ import annotations

import phonenumbers

from orderdesk.core.errors import ValidationFailed

DEFAULT_REGION = "IN"
MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def normalise_phone(raw: str, *, field: str = "phone", region: str = DEFAULT_REGION) -> str:
    text = (raw or "").strip()
    if not text:
        raise ValidationFailed("A phone number is required.", code="required", field=field)
    digits = "".join(ch for ch in text if ch.isdigit())
    # "919876543210" typed without a plus is an Indian number with its country code.
    if not text.startswith("+") and len(digits) == 12 and digits.startswith("91"):
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed(
            f"{raw!r} is not a phone number.", code="phone_invalid", field=field
        ) from exc
    # India is one region, so the number's type alone says whether it is valid (UNKNOWN when
    # not) and whether it is a mobile: one pass over the metadata instead of two (lead imports
    # normalise a million numbers).
    kind = phonenumbers.number_type(number) if number.country_code == 91 else None
    if kind == phonenumbers.PhoneNumberType.UNKNOWN or (
        kind is None and not phonenumbers.is_valid_number(number)
    ):
        raise ValidationFailed(
            f"{raw!r} is not a valid phone number (an Indian mobile has 10 digits starting 6-9).",
            code="phone_invalid",
            field=field,
        )
    # We call and message customers: an Indian number must be a mobile, not a landline.
    if kind is not None and kind not in MOBILE_TYPES:
        raise ValidationFailed(
            f"{raw!r} is not an Indian mobile number (10 digits starting 6-9).",
            code="phone_invalid",
            field=field,
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str | None) -> str:
    """S2: ``+919876543210`` → ``+91•••••43210``: enough to confirm with the caller."""
    if not e164:
        return ""
    if len(e164) <= 6:
        return "•" * len(e164)
    return e164[:3] + "•" * (len(e164) - 8) + e164[-5:]


def display_phone(e164: str) -> str:
    """``+919876543210`` → ``+91 98765 43210`` for reading out."""
    try:
        return phonenumbers.format_number(
            phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    except phonenumbers.NumberParseException:
        return e164
