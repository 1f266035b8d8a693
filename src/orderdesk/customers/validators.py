import re

from orderdesk.core.errors import ValidationFailed

PINCODE_RE = re.compile(r"^[1-9][0-9]{5}$")


def clean_pincode(raw: str, *, field: str = "pincode") -> str:
    """An Indian PIN code: six digits, not starting with 0."""
    value = (raw or "").strip().replace(" ", "")
    if not PINCODE_RE.match(value):
        raise ValidationFailed(
            f"{raw!r} is not a pincode: it must be 6 digits and not start with 0.",
            code="pincode_invalid",
            field=field,
        )
    return value
