"""Money is whole rupees in integers; shown with Indian digit grouping."""

from __future__ import annotations


def format_inr(amount: int | None) -> str:
    """``123456`` → ``₹1,23,456`` (lakh grouping, as customers hear it)."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    digits = str(abs(int(amount)))
    if len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        digits = ",".join([*groups, tail])
    return f"{sign}₹{digits}"


def round_to(amount: float, step: int = 10) -> int:
    """Round half up to the nearest ``step`` rupees."""
    return int((amount + step / 2) // step * step)
