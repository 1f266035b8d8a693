"""The outbox claim every sender shares (messaging's messages, the webhooks' deliveries).

An outbox table has a ``status``, ``next_attempt_at`` and a lease (``claimed_until``,
``claim_token``). ``claim_ids`` leases up to ``limit`` due, unleased rows to one sender:

- on PostgreSQL one statement, ``UPDATE … WHERE id IN (SELECT … ORDER BY next_attempt_at,
  id LIMIT n FOR UPDATE SKIP LOCKED) AND <due and unleased again> RETURNING id``:
  concurrent senders take disjoint rows without waiting on each other;
- on SQLite (no SKIP LOCKED) one short IMMEDIATE transaction selects the ids and a
  conditional ``UPDATE`` that repeats the due-and-unleased test decides.

A sender that dies stops renewing; its lease runs out and another sender claims the rows.
``extra_sql`` (PostgreSQL) and ``extra_q`` (the ORM path) narrow the due rows further, and
must say the same thing (the webhooks: "the endpoint is not paused").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, models, transaction
from django.db.models import Q

_CLAIM_SQL = """
UPDATE {table} SET claim_token = %(token)s, claimed_until = %(until)s
WHERE id IN (
    SELECT id FROM {table}
    WHERE status = ANY(%(sendable)s) AND next_attempt_at <= %(now)s
      AND (claimed_until IS NULL OR claimed_until < %(now)s){extra}
    ORDER BY next_attempt_at, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
AND status = ANY(%(sendable)s) AND next_attempt_at <= %(now)s
AND (claimed_until IS NULL OR claimed_until < %(now)s)
RETURNING id
"""


def due(model: type[models.Model], now: dt.datetime, statuses: Iterable[str], extra_q=None):
    """The rows a sender may claim now: sendable, due, and not under a live lease."""
    rows = model._default_manager.filter(
        status__in=list(statuses), next_attempt_at__lte=now
    ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    return rows.filter(extra_q) if extra_q is not None else rows


def claim_ids(
    model: type[models.Model],
    *,
    token: str,
    now: dt.datetime,
    limit: int,
    lease_seconds: int,
    statuses: Iterable[str],
    extra_sql: str = "",
    extra_q=None,
) -> list[int]:
    """Lease up to ``limit`` due rows of ``model`` to ``token``; their ids, in send order."""
    statuses = [str(s) for s in statuses]
    until = now + dt.timedelta(seconds=lease_seconds)
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                _CLAIM_SQL.format(table=table, extra=f" AND ({extra_sql})" if extra_sql else ""),
                {"token": token, "until": until, "now": now, "limit": limit, "sendable": statuses},
            )
            return [row[0] for row in cursor.fetchall()]
    with transaction.atomic():
        candidates = due(model, now, statuses, extra_q).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("id", flat=True)[:limit])
        if ids:
            due(model, now, statuses, extra_q).filter(id__in=ids).update(
                claim_token=token, claimed_until=until
            )
    return ids
