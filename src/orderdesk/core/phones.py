"""Phone numbers: one customer, one E.164 number (SPEC §2).

Agents type numbers every way Indians write them — ``98765 43210``,
``+91-98765-43210``, ``09876543210``, ``919876543210`` — and all of them are
the same customer. ``normalise_phone`` turns each into ``+919876543210`` or
refuses it with the field and the rule.
"""

from __future__ import annotations

import re

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


# --- The fast path for bulk loads (lead imports) --------------------------------------------
# ``normalise_phone`` costs ~40 µs a number (parsing, then phonenumbers' type look-up); a
# million-row campaign list is nearly all written one of a few ways. ``fast_indian_mobile``
# recognises those shapes with one regex and decides validity with the very patterns
# phonenumbers' type look-up uses for India (its metadata, in its order), so it returns what
# ``normalise_phone`` returns or None ("ask ``normalise_phone``"); it never refuses a number.

_FAST_SHAPE = re.compile(r"(?:\+91|91|0)?([6-9][0-9]{9})")
_FAST_SEPARATORS = str.maketrans("", "", " -")


def _desc_pattern(desc, length: int):
    """phonenumbers' ``_is_number_matching_desc`` for numbers of ``length`` digits: a compiled
    pattern, or None when the description cannot match such a number."""
    pattern = getattr(desc, "national_number_pattern", None) if desc is not None else None
    if not pattern or (desc.possible_length and length not in desc.possible_length):
        return None
    return re.compile(pattern)


def _indian_mobile_check():
    """Whether a 10-digit Indian national number's ``number_type`` is in MOBILE_TYPES: the
    same descriptions tested in the same order as phonenumbers' ``_number_type_helper``."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(DEFAULT_REGION)
    general = _desc_pattern(metadata.general_desc, 10)
    specials = [
        p
        for name in (
            "premium_rate",
            "toll_free",
            "shared_cost",
            "voip",
            "personal_number",
            "pager",
            "uan",
            "voicemail",
        )
        if (p := _desc_pattern(getattr(metadata, name), 10)) is not None
    ]
    special = re.compile("|".join(f"(?:{p.pattern})" for p in specials)) if specials else None
    fixed = _desc_pattern(metadata.fixed_line, 10)
    mobile = _desc_pattern(metadata.mobile, 10)
    same = bool(metadata.same_mobile_and_fixed_line_pattern)

    def is_mobile(national: str) -> bool:
        if general is None or general.fullmatch(national) is None:
            return False
        if special is not None and special.fullmatch(national) is not None:
            return False
        if fixed is not None and fixed.fullmatch(national) is not None:
            return same or (mobile is not None and mobile.fullmatch(national) is not None)
        return not same and mobile is not None and mobile.fullmatch(national) is not None

    return is_mobile


_is_indian_mobile = _indian_mobile_check()


def fast_indian_mobile(text: str) -> str | None:
    """E.164 for the common ways an Indian mobile is written — ``9876543210``,
    ``98765 43210``, ``+91-98765-43210``, ``09876543210``, ``919876543210`` — when valid;
    None for anything else (the caller then asks ``normalise_phone``, which decides)."""
    match = _FAST_SHAPE.fullmatch(text.translate(_FAST_SEPARATORS))
    if match is None:
        return None
    national = match.group(1)
    return "+91" + national if _is_indian_mobile(national) else None
