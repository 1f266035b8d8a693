"""S2: masking of payment details (phones are masked in core.phones)."""


def mask_tail(value: str | None, keep: int = 4) -> str:
    """``12345678901234`` → ``••••••••••1234``."""
    if not value:
        return ""
    if len(value) <= keep:
        return "•" * len(value)
    return "•" * (len(value) - keep) + value[-keep:]


def mask_upi(upi_id: str | None) -> str:
    """``asha.rao@okaxis`` → ``as•••••@okaxis``: the bank handle stays readable."""
    if not upi_id or "@" not in upi_id:
        return mask_tail(upi_id)
    name, handle = upi_id.split("@", 1)
    return name[:2] + "•" * max(len(name) - 2, 1) + "@" + handle
