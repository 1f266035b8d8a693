"""CSV exports of personal data (S2): the filters they share, streaming, and their audit.

The rows themselves (which columns, which masks) belong to the owning app
(``leads.exports``, ``orders.exports``); this module holds no business rule.

- ``ExportFilters.parse`` reads ``from`` / ``to`` (IST dates, inclusive), ``status``,
  ``team`` and ``agent`` (ids) from a query string or the command line, refusing bad values
  with the field and the rule (S5).
- ``record_export`` writes the audit event **before** any row is sent: who, which export,
  the filters and the row count (a download the client abandons halfway is still on the
  trail, as it should be).
- ``csv_lines`` turns rows into CSV text one line at a time, for ``StreamingHttpResponse``
  or a file: nothing is held in memory but the database driver's chunk.
- ``csv_writer`` is the project's only CSV writer (a test scans the source for others): every
  cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return) is written with a leading single quote, the OWASP defence
  against CSV injection. A customer's name or a lead's note is whatever a stranger typed.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from orderdesk.core import audit
from orderdesk.core.bounds import MAX_DATE, MIN_DATE, parse_date, parse_id
from orderdesk.core.errors import FieldError, ValidationFailed
from orderdesk.core.timeutil import IST

CHUNK = 2_000


@dataclass(frozen=True)
class ExportFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""
    team: int | None = None
    agent: int | None = None

    @classmethod
    def parse(cls, params, *, statuses: Iterable[str]) -> ExportFilters:
        errors: list[FieldError] = []

        def date(field: str) -> dt.date | None:
            raw = (params.get(field) or "").strip()
            if not raw:
                return None
            try:
                return parse_date(raw)
            except ValueError:
                errors.append(
                    FieldError(
                        field,
                        "date_invalid",
                        f"{raw!r} is not a YYYY-MM-DD date between "
                        f"{MIN_DATE.year} and {MAX_DATE.year}.",
                    )
                )
                return None

        def ident(field: str) -> int | None:
            raw = (params.get(field) or "").strip()
            if not raw:
                return None
            try:
                return parse_id(raw)
            except ValueError:
                errors.append(FieldError(field, "not_an_integer", f"{raw!r} is not an id."))
                return None

        date_from, date_to = date("from"), date("to")
        status = (params.get("status") or "").strip()
        allowed = list(statuses)
        if status and status not in allowed:
            errors.append(
                FieldError(
                    "status", "status_unknown", f"Unknown status; one of {', '.join(allowed)}."
                )
            )
        if date_from and date_to and date_from > date_to:
            errors.append(FieldError("to", "date_range", "The end date is before the start date."))
        filters = cls(date_from, date_to, status, ident("team"), ident("agent"))
        if errors:
            raise ValidationFailed(
                errors[0].message, code=errors[0].code, field=errors[0].field, errors=errors
            )
        return filters

    def created_range(self) -> dict:
        """ORM filters on ``created_at`` for the IST dates (``to`` inclusive)."""
        q = {}
        if self.date_from:
            q["created_at__gte"] = dt.datetime.combine(self.date_from, dt.time(), tzinfo=IST)
        if self.date_to:
            end = self.date_to + dt.timedelta(days=1)
            q["created_at__lt"] = dt.datetime.combine(end, dt.time(), tzinfo=IST)
        return q

    def as_dict(self) -> dict:
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items()
        }


def record_export(kind: str, *, actor, filters: ExportFilters, rows: int, door: str = ""):
    """S2: one audit event per export — who, what, the filters, how many rows."""
    return audit.record(
        f"export.{kind}",
        actor,
        after={"export": kind, "filters": filters.as_dict(), "rows": rows, "door": door},
        actor=actor,
    )


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# ... but a signed number or a masked phone (``+91•••••43210``, ``-120``) runs nothing: only
# digits, spaces, separators and the mask's bullets, no name, bracket or pipe to call with.
PLAIN_NUMBER = re.compile(r"[+-]?[\d\s•.,]+")


def neutralise_cell(value):
    """OWASP's CSV-injection defence: a text cell that starts a formula gets a leading ``'``.

    Numbers, signed numbers and masked phones are left alone (nothing in them can call a
    function); everything else is written as its text.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeCsvWriter:
    """``csv.writer`` with every cell passed through ``neutralise_cell``."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable):
        return self._writer.writerow([neutralise_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs) -> SafeCsvWriter:
    """The one CSV writer of the project (exports, KPI tables, import error reports)."""
    return SafeCsvWriter(out, **kwargs)


class _Line:
    """A file-like object whose ``write`` returns the line (Django's streaming-CSV recipe)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv_writer(_Line())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def ist_text(value: dt.datetime | None) -> str:
    return value.astimezone(IST).strftime("%Y-%m-%d %H:%M") if value else ""


def add_export_arguments(parser) -> None:
    """The command-line twins of the console's filters (``export_leads`` / ``export_orders``)."""
    parser.add_argument("--out", default="-", help="file to write (default: standard output)")
    parser.add_argument("--from", dest="from", default="", help="created on or after (IST date)")
    parser.add_argument("--to", dest="to", default="", help="created on or before (IST date)")
    parser.add_argument("--status", default="")
    parser.add_argument("--team", default="", help="team id")
    parser.add_argument("--agent", default="", help="user id of the owner / creator")
    parser.add_argument(
        "--as",
        dest="username",
        required=True,
        help="the supervisor the export is audited as (exports of personal data are audited)",
    )
