"""The one place input dates and ids are bounded (S5, issue 21 finding 9).

``date.fromisoformat("9999-12-31")`` is a valid date, and the day after it is an
``OverflowError``; ``99999999999999999999`` is a valid Python int and too large for an SQLite
or PostgreSQL integer. Either used to reach the database or date arithmetic as a server error.
Every parser of user-typed dates and ids (the console's filters, the exports, the KPI scope,
the URL path) goes through here, and a value out of range is refused like a malformed one.
"""

from __future__ import annotations

import datetime as dt

# Business dates: nothing orderdesk records is older or newer than these, and a day added
# to or taken from either stays a valid date.
MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)
# The largest value a PostgreSQL bigint (and an SQLite integer) holds.
MAX_ID = 2**63 - 1


def parse_date(raw) -> dt.date:
    """A YYYY-MM-DD date between MIN_DATE and MAX_DATE; ValueError otherwise (its message
    names the rule, for the caller to show beside the field)."""
    value = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw).strip())
    if isinstance(value, dt.datetime):
        value = value.date()
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"{value.isoformat()} is outside {MIN_DATE.year}-{MAX_DATE.year}.")
    return value


def date_in_range(value: dt.date) -> bool:
    return MIN_DATE <= value <= MAX_DATE


def parse_id(raw) -> int:
    """A positive database id; ValueError for anything else (text, 0, negative, too large)."""
    text = str(raw).strip()
    if not text.isdigit() or len(text) > 19:
        raise ValueError(f"{text!r} is not an id.")
    value = int(text)
    if not 0 < value <= MAX_ID:
        raise ValueError(f"{text!r} is not an id.")
    return value


def id_in_range(value: int) -> bool:
    return 0 < value <= MAX_ID
