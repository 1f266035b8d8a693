"""One way to page a list endpoint (issue 20): ``limit`` and ``cursor`` in, the page as the
body, ``Link: <…>; rel="next"`` and ``X-Total-Count`` out.

- ``limit``: 1 to ``MAX_LIMIT`` (default ``DEFAULT_LIMIT``); outside that, 422 ``limit``.
- ``cursor``: opaque; the ``next`` link carries it. It holds the sort key of the last item
  sent (keyset paging), so a row inserted while a client walks the list never shifts a page:
  the walk sees every row that existed when it started exactly once, in order. A cursor that
  is not one of ours is refused (422 ``cursor_invalid``).
- The body stays the list it always was, so clients of ``/api/v1`` that read the first page
  keep working; a client that wants everything follows ``rel="next"`` until there is none.
- ``X-Total-Count``: how many items match, where one indexed ``COUNT`` is cheap.

Every paged operation documents the parameters and both headers in the OpenAPI document
(``PAGED_OPENAPI``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import json
import operator
from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Q
from ninja import Schema
from pydantic import Field

from orderdesk.core.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageQuery(Schema):
    limit: int = Field(
        default=DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=f"Items per page, 1-{MAX_LIMIT} (default {DEFAULT_LIMIT}).",
    )
    cursor: str | None = Field(
        default=None,
        max_length=500,
        description="Where the page starts: copy it from the previous page's Link rel=next.",
    )


PAGED_OPENAPI = {
    "responses": {
        200: {
            "headers": {
                "Link": {
                    "description": 'The next page: `<url>; rel="next"`; absent on the last page.',
                    "schema": {"type": "string"},
                },
                "X-Total-Count": {
                    "description": "How many items match the filters, over every page.",
                    "schema": {"type": "integer"},
                },
            }
        }
    }
}


def encode_cursor(key: Sequence) -> str:
    key = [v.isoformat() if isinstance(v, dt.datetime) else v for v in key]
    raw = json.dumps(key, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, types: Sequence[type]) -> tuple | None:
    """The sort key in ``cursor``, checked against ``types``; None for the first page.

    A ``datetime`` travels as its ISO text and must name its offset."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError):
        key = None
    if isinstance(key, list) and len(key) == len(types):
        key = [_datetime(v) if t is dt.datetime else v for v, t in zip(key, types, strict=True)]
    if (
        not isinstance(key, list)
        or len(key) != len(types)
        or not all(type(v) is t and _storable(v) for v, t in zip(key, types, strict=True))
    ):
        raise ValidationFailed(
            "This cursor is not one this list gave out; start again without it.",
            code="cursor_invalid",
            field="cursor",
        )
    return tuple(key)


def _datetime(value):
    """The aware datetime ``value`` spells, or ``value`` itself (then refused as a bad type)."""
    if not isinstance(value, str) or len(value) > 40:
        return value
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return parsed if parsed.tzinfo is not None else value


def _storable(value) -> bool:
    """A value the database can compare: a 64-bit integer, a short text without NUL, an aware
    datetime between the years 1 and 9999 (``fromisoformat`` already holds it to those)."""
    if isinstance(value, dt.datetime):
        return True
    if isinstance(value, int):
        return 0 <= value < 2**63
    if isinstance(value, str):
        return len(value) <= 200 and "\x00" not in value
    return False


def next_link(request, cursor: str) -> str:
    """The URL of the next page: this request's query with ``cursor`` replaced."""
    params = [(k, v) for k, values in request.GET.lists() for v in values if k != "cursor"]
    params.append(("cursor", cursor))
    return request.build_absolute_uri(f"{request.path}?{urlencode(params)}")


def set_page_headers(response, request, *, total: int, next_cursor: str | None) -> None:
    response["X-Total-Count"] = str(total)
    if next_cursor is not None:
        response["Link"] = f'<{next_link(request, next_cursor)}>; rel="next"'


def page_by_id(queryset, request, response, page: PageQuery) -> list:
    """One page of ``queryset`` newest first, keyed on the primary key alone.

    The key is unique and grows with every insert, so a row added while a client walks the
    list lands before the walk's cursor: every row that existed when the walk started is seen
    exactly once, and none twice.
    """
    return page_by_keys(queryset, request, response, page, keys=[("-pk", int)])


#: Where a key that may be empty (a ticket with no deadline) sorts: after every real one.
#: Routers coalesce such a column to this, so the key compares in SQL and travels in a cursor.
NO_DEADLINE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def page_by_keys(
    queryset, request, response, page: PageQuery, *, keys: Sequence[tuple[str, type]]
) -> list:
    """One page of ``queryset`` in the order of ``keys``, keyset-paged on all of them.

    ``keys`` are ``(name, type)`` pairs, ``"-name"`` for descending; a name is a column or an
    annotation on ``queryset`` whose value is never NULL (coalesce it, e.g. to
    ``NO_DEADLINE``), read back from each item as an attribute, and the last key is unique
    (the primary key), so the order is total. The cursor is the last item's key: a row
    inserted mid-walk lands before or after it and never shifts a page. A row whose key
    *changes* mid-walk is seen where its key is when the walk reaches it: moved behind the
    cursor, this walk misses it; moved ahead, this walk sees it a second time (docs/spec.md).
    """
    after = decode_cursor(page.cursor, types=[t for _, t in keys])
    total = queryset.count()
    rows = queryset.order_by(*[name for name, _ in keys])
    if after is not None:
        rows = rows.filter(_after([name for name, _ in keys], after))
    items = list(rows[: page.limit + 1])
    more = len(items) > page.limit
    items = items[: page.limit]
    last = [getattr(items[-1], name.lstrip("-")) for name, _ in keys] if more else None
    set_page_headers(
        response, request, total=total, next_cursor=encode_cursor(last) if last else None
    )
    return items


def _after(names: Sequence[str], values: Sequence) -> Q:
    """Rows strictly after ``values`` in the order ``names``: (a > x) or (a = x and b > y) …"""
    branches, equal = [], {}
    for name, value in zip(names, values, strict=True):
        field = name.lstrip("-")
        op = "lt" if name.startswith("-") else "gt"
        branches.append(Q(**equal, **{f"{field}__{op}": value}))
        equal[field] = value
    return functools.reduce(operator.or_, branches)
