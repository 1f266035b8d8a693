"""Daily KPI roll-ups whose sums equal the raw computation exactly (issue 8, docs/kpis.md).

The raw definitions (``kpis.definitions``) stay the reference; this module derives the same
numerators and denominators from a small table, ``RollupBucket``.

Grain. Every source row (a lead with all its contacts, an order with its pickup events, a
ticket, a CSAT answer, an agent error, a refused duplicate) is turned into *facts*
``(measure, level, agent, team, city, IST day, prev_day) -> n``:

- plain counts (orders created, tickets resolved, ...) are one fact on the day they happen,
  ``prev_day = NO_PREVIOUS_DAY``: additive across days and agents.
- *distinct* counts over a range (leads worked, Will Place Order leads, orders inspected) are
  not additive, so for each lead (order) and each scope key we take the sorted days d1 < d2 < ...
  on which it qualifies and write one fact per day with ``prev_day`` = the day before it in
  that list. The lead counts in ``[a, b]`` exactly once: for the first ``d_i >= a``, which is
  the only row with ``a <= d_i <= b`` and ``d_{i-1} < a``. So ``SUM(n) WHERE day BETWEEN a AND b
  AND prev_day < a`` is the distinct count, for any range. Distinct lead measures are written
  per agent, per team (the agent's team now) and for the whole floor, because one lead can be
  worked by several agents; order measures have one owner (the creator) and need only per agent.
- facts that depend on *later* state (True Conversion: the order's current status; the live
  order behind a Create Order row; a ticket breached later) are simply recomputed: when the
  source changes, its facts are recomputed and the *difference* to what it contributed before
  (``RollupSource``) is added to the buckets.

Maintenance. ``refresh()`` finds what changed since the last scan (new ids, ``updated_at``,
breach/answer times, audit events; with an overlap) and re-derives those sources plus what
depends on them (an order -> its leads, tickets, errors; a price-dispute ticket -> its order;
a user's team move -> the leads they worked). It runs in the worker (``kpis.tasks``) every
minute and before each read, so figures are exact as of the read. ``rebuild()`` derives
everything from scratch (after bulk loads); ``orderdesk kpis_rollup --verify`` compares with
the raw computation.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from orderdesk.accounts.models import User
from orderdesk.catalog.models import ServedPincode
from orderdesk.core.models import AuditEvent
from orderdesk.core.timeutil import IST
from orderdesk.cx.choices import TicketType
from orderdesk.cx.models import CsatSurvey, Ticket
from orderdesk.kpis.generate import insert_rows
from orderdesk.kpis.models import NO_PREVIOUS_DAY, RollupBucket, RollupSource, RollupState
from orderdesk.leads.choices import Direction, DispositionKey
from orderdesk.leads.models import ContactAttempt, Lead
from orderdesk.orders.choices import Channel as OrderChannel
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import AgentError, DuplicateAttempt, Order, OrderEvent
from orderdesk.telephony.choices import CallDirection, CallStatus, ContextKind
from orderdesk.telephony.models import Call, CallEvent, MissedCallback
from orderdesk.telephony.rules import TERMINAL

logger = logging.getLogger(__name__)

ASSISTED_WINDOW = dt.timedelta(hours=48)  # same as definitions.ASSISTED_WINDOW
CSAT_SATISFIED_MIN = 4
FEEDBACK_SATISFIED_MIN = 4  # definitions.FEEDBACK_SATISFIED_MIN
SCAN_OVERLAP = dt.timedelta(minutes=5)  # re-scan a little of the past: late commits
SCAN_SLACK = dt.timedelta(minutes=1)  # clock skew between app servers and the database
ID_OVERLAP = 500  # likewise for id high-water marks (ids are allotted before commit)
BATCH = 2000
ONE_HOUR = dt.timedelta(hours=1)

# Distinct-lead measures, written per agent (a), per team (t) and for the floor (*).
LEAD_SEQUENCE_MEASURES = frozenset(
    {
        "conn_leads",
        "conn_leads_ordered",
        "infl_leads",
        "infl_completed",
        "infl_linked",
        "wpo_leads",
        "wpo_assisted",
        "infl_assisted_unlinked",
    }
)
# CSAT is per team *at rating time* (CsatSurvey.team), not the agent's team now.
CSAT_MEASURES = frozenset({"csat_answers", "csat_satisfied"})

# Raw numerator/denominator function (definitions.py) -> the measures whose sum it equals.
MEASURES_OF: dict[str, tuple[str, ...]] = {
    "agent_orders": ("orders_agent",),
    "connected_leads_worked": ("conn_leads",),
    "connected_leads_ordered": ("conn_leads_ordered",),
    "create_order_dispositions": ("co_disp",),
    "create_order_dispositions_with_order": ("co_disp_live",),
    "influenceable_leads_worked": ("infl_leads",),
    "influenceable_leads_completed": ("infl_completed",),
    # any order behind the lead, or (none behind it and) an assisted call in the range
    "influenceable_leads_ordered": ("infl_linked", "infl_assisted_unlinked"),
    "wpo_leads": ("wpo_leads",),
    "wpo_leads_assisted": ("wpo_assisted",),
    "wpo_episodes": ("wpo_episodes",),
    "wpo_episodes_compliant": ("wpo_compliant",),
    "contacts_after_already_ordered": ("after_ao",),
    "order_attempts": ("orders", "dup_attempts"),
    "duplicate_orders": ("orders_dup", "dup_attempts"),
    "tickets_resolved": ("tickets_resolved",),
    "tickets_resolved_first_contact": ("tickets_fcr",),
    "csat_answers": ("csat_answers",),
    "csat_satisfied": ("csat_satisfied",),
    "feedback_answers": ("fb_answers",),
    "feedback_satisfied": ("fb_satisfied",),
    "tickets_opened": ("tickets_opened",),
    "tickets_breached": ("tickets_breached",),
    "pickups_ended": ("pickups_ended",),
    "pickups_failed": ("pickups_failed",),
    "orders_inspected": ("inspected",),
    "orders_inspected_disputed": ("inspected_disputed",),
    "agent_errors": ("agent_errors",),
    "suggestions_made": ("sugg",),
    "suggestions_agreed": ("sugg_agreed",),
    # telephony (issue 16): one source per call
    "calls_ended": ("calls_ended",),
    "calls_answered": ("calls_answered",),
    "talk_seconds": ("talk_s",),
    "agent_calls": ("calls_agent",),
    "agent_call_hours": ("call_hours",),
    "new_leads_called": ("ttfc_leads",),
    "first_call_seconds": ("ttfc_s",),
    "callbacks_done": ("cb_done",),
    "callback_seconds": ("cb_s",),
}
ACCOUNTABLE = "agents_accountable"  # distinct agents: counted from the buckets' agent ids
ACCOUNTABLE_MEASURES = ("orders_agent", "agent_errors")

Key = tuple  # (measure, level, agent_id, team_id, city, day, prev_day)


def ist_day(value: dt.datetime) -> dt.date:
    return value.astimezone(IST).date()


def _count(facts: Counter, measure: str, agent_id, day: dt.date, city: str, *, team_id=0):
    facts[(measure, "a", agent_id or 0, team_id or 0, city or "", day, NO_PREVIOUS_DAY)] += 1


def _add(facts: Counter, measure: str, agent_id, day: dt.date, n: int):
    """An additive amount (seconds) on its day, like ``_count``."""
    facts[(measure, "a", agent_id or 0, 0, "", day, NO_PREVIOUS_DAY)] += n


def seconds_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole seconds from ``start`` to ``end`` (0 if ``end`` is earlier): one row's duration."""
    return max(0, int((end - start).total_seconds()))


def ist_hour(value: dt.datetime) -> dt.datetime:
    return value.astimezone(IST).replace(minute=0, second=0, microsecond=0)


def _sequence(facts: Counter, measure: str, level: str, agent_id, team_id, city, days):
    previous = NO_PREVIOUS_DAY
    for day in sorted(days):
        facts[(measure, level, agent_id or 0, team_id or 0, city or "", day, previous)] += 1
        previous = day


# --- Facts per source -------------------------------------------------------------------------


class _Lookups:
    """Tables every batch needs: users' teams now, the served city of each pincode."""

    def __init__(self):
        self.team_of = dict(User.objects.values_list("id", "team_id"))
        self.city_of_pincode = dict(ServedPincode.objects.values_list("pincode", "city__name"))


def lead_facts(ids: Iterable[int], lookups: _Lookups | None = None) -> dict[str, Counter]:  # noqa: C901, PLR0912, PLR0915 (one fact row per lead; each KPI adds its branch)
    ids = list(ids)
    lookups = lookups or _Lookups()
    out: dict[str, Counter] = {f"lead:{i}": Counter() for i in ids}
    leads = {
        row[0]: row
        for row in Lead.objects.filter(pk__in=ids).values_list(
            "id", "customer_id", "closed_reason", "closed_at", "order_number", "quote__pincode"
        )
    }
    contacts: dict[int, list] = defaultdict(list)
    for row in (
        ContactAttempt.objects.filter(lead_id__in=ids)
        .order_by("lead_id", "at", "id")
        .values_list(
            "id",
            "lead_id",
            "agent_id",
            "at",
            "connected",
            "disposition__key",
            "direction",
            "episode",
            "recorded_by_system",
            "suggested_disposition",
            "order_number",
        )
    ):
        contacts[row[1]].append(row)
    lead_numbers = {row[4] for row in leads.values() if row[4]}
    linked_any: set[int] = set()
    linked_completed: set[int] = set()
    by_number: dict[str, list] = defaultdict(list)
    # Create Order %: an agent created an order from the lead (duplicates too: SPEC §7 counts
    # orders created).
    agent_ordered = set(
        Order.objects.filter(source_lead_id__in=ids, channel=OrderChannel.AGENT).values_list(
            "source_lead_id", flat=True
        )
    )
    for source_lead, number, status in Order.objects.filter(
        Q(source_lead_id__in=ids) | Q(number__in=lead_numbers), duplicate_of__isnull=True
    ).values_list("source_lead_id", "number", "status"):
        by_number[number].append(status)
        if source_lead in leads:
            linked_any.add(source_lead)
            if status == OrderStatus.COMPLETED:
                linked_completed.add(source_lead)
    for lead_id, row in leads.items():
        for status in by_number.get(row[4], ()) if row[4] else ():
            linked_any.add(lead_id)
            if status == OrderStatus.COMPLETED:
                linked_completed.add(lead_id)
    co_numbers = {
        c[10]
        for rows in contacts.values()
        for c in rows
        if c[5] == DispositionKey.CREATE_ORDER and c[10]
    }
    live = set(
        Order.objects.filter(
            number__in=co_numbers, source_lead_id__in=ids, duplicate_of__isnull=True
        ).values_list("number", "source_lead_id")
    )
    own_orders: dict[int, list] = defaultdict(list)
    for customer_id, created_at in Order.objects.filter(
        customer_id__in={row[1] for row in leads.values()},
        channel__in=[OrderChannel.APP, OrderChannel.WEB],
        duplicate_of__isnull=True,
    ).values_list("customer_id", "created_at"):
        own_orders[customer_id].append(created_at)

    for lead_id, (_, customer_id, closed_reason, closed_at, _, pincode) in leads.items():
        facts = out[f"lead:{lead_id}"]
        rows = contacts.get(lead_id, [])
        city = lookups.city_of_pincode.get(pincode or "", "")
        first_connected = next((c[5] for c in rows if c[4] and not c[8]), "")
        influenceable = first_connected != DispositionKey.ALREADY_ORDERED
        days: dict[tuple, dict[str, set]] = defaultdict(lambda: defaultdict(set))
        for (
            _cid,
            _,
            agent_id,
            at,
            connected,
            key,
            _direction,
            _episode,
            system,
            suggested,
            number,
        ) in rows:
            day = ist_day(at)
            if key == DispositionKey.CREATE_ORDER:
                _count(facts, "co_disp", agent_id, day, city)
                if (number, lead_id) in live:
                    _count(facts, "co_disp_live", agent_id, day, city)
            if system or agent_id is None:
                continue  # not an agent's contact: only the Create Order rows above count
            if (
                closed_reason == "already_ordered"
                and closed_at is not None
                and at > closed_at
                and _direction == Direction.OUTBOUND
            ):  # a sales contact after Already Placed; the customer's own calls never count
                _count(facts, "after_ao", agent_id, day, city)
            if suggested:
                _count(facts, "sugg", agent_id, day, city)
                if suggested == key:
                    _count(facts, "sugg_agreed", agent_id, day, city)
            keys = [("a", agent_id, 0), ("*", 0, 0)]
            team_id = lookups.team_of.get(agent_id)
            if team_id:
                keys.append(("t", 0, team_id))
            wpo = key == DispositionKey.WILL_PLACE_ORDER
            assisted = wpo and any(
                at <= created < at + ASSISTED_WINDOW for created in own_orders.get(customer_id, ())
            )
            for scope_key in keys:
                seq = days[scope_key]
                seq["any"].add(day)
                if connected:
                    seq["conn"].add(day)
                if wpo:
                    seq["wpo"].add(day)
                if assisted:
                    seq["assist"].add(day)
        linked, completed = lead_id in linked_any, lead_id in linked_completed
        for (level, agent_id, team_id), seq in days.items():
            emit = []
            if seq["conn"]:
                emit.append(("conn_leads", seq["conn"]))
                if lead_id in agent_ordered:
                    emit.append(("conn_leads_ordered", seq["conn"]))
            if influenceable:
                emit.append(("infl_leads", seq["any"]))
                if completed:
                    emit.append(("infl_completed", seq["any"]))
                if linked:
                    emit.append(("infl_linked", seq["any"]))
                elif seq["assist"]:
                    emit.append(("infl_assisted_unlinked", seq["assist"]))
            if seq["wpo"]:
                emit.append(("wpo_leads", seq["wpo"]))
            if seq["assist"]:
                emit.append(("wpo_assisted", seq["assist"]))
            for measure, measure_days in emit:
                _sequence(facts, measure, level, agent_id, team_id, city, measure_days)
        # Follow-up compliance: per episode, its first Will Place Order contact (D3, D4).
        by_episode: dict[int, list] = defaultdict(list)
        for c in rows:
            if not c[8]:
                by_episode[c[7]].append(c)
        for episode_rows in by_episode.values():
            index = next(
                (i for i, c in enumerate(episode_rows) if c[5] == DispositionKey.WILL_PLACE_ORDER),
                None,
            )
            if index is None or episode_rows[index][2] is None:
                continue
            opener = episode_rows[index]
            later = sum(1 for c in episode_rows[index + 1 :] if c[6] == Direction.OUTBOUND)
            day = ist_day(opener[3])
            _count(facts, "wpo_episodes", opener[2], day, city)
            if later <= 1:
                _count(facts, "wpo_compliant", opener[2], day, city)
    return out


def order_facts(ids: Iterable[int], lookups: _Lookups | None = None) -> dict[str, Counter]:
    ids = list(ids)
    out: dict[str, Counter] = {f"order:{i}": Counter() for i in ids}
    events: dict[int, list] = defaultdict(list)
    for order_id, at, to_status in OrderEvent.objects.filter(
        order_id__in=ids,
        kind="transition",
        to_status__in=[OrderStatus.INSPECTED, OrderStatus.PICKUP_FAILED],
    ).values_list("order_id", "at", "to_status"):
        events[order_id].append((at, to_status))
    disputed = set(
        Ticket.objects.filter(order_id__in=ids, type=TicketType.PRICE_DISPUTE).values_list(
            "order_id", flat=True
        )
    )
    for (
        oid,
        created_at,
        channel,
        agent_id,
        duplicate_of,
        city,
        fb_at,
        fb_score,
    ) in Order.objects.filter(pk__in=ids).values_list(
        "id",
        "created_at",
        "channel",
        "created_by_id",
        "duplicate_of_id",
        "address__city",
        "feedback__answered_at",
        "feedback__score",
    ):
        facts = out[f"order:{oid}"]
        city = city or ""
        day = ist_day(created_at)
        if fb_at is not None and fb_score is not None:  # issue 15, 12: its answer's day
            _count(facts, "fb_answers", agent_id, ist_day(fb_at), city)
            if fb_score >= FEEDBACK_SATISFIED_MIN:
                _count(facts, "fb_satisfied", agent_id, ist_day(fb_at), city)
        _count(facts, "orders", agent_id, day, city)
        if channel == OrderChannel.AGENT:
            _count(facts, "orders_agent", agent_id, day, city)
        if duplicate_of is not None:
            _count(facts, "orders_dup", agent_id, day, city)
        inspected_days = set()
        for at, to_status in events.get(oid, ()):
            _count(facts, "pickups_ended", agent_id, ist_day(at), city)
            if to_status == OrderStatus.PICKUP_FAILED:
                _count(facts, "pickups_failed", agent_id, ist_day(at), city)
            else:
                inspected_days.add(ist_day(at))
        _sequence(facts, "inspected", "a", agent_id, 0, city, inspected_days)
        if oid in disputed:
            _sequence(facts, "inspected_disputed", "a", agent_id, 0, city, inspected_days)
    return out


def ticket_facts(ids: Iterable[int], lookups: _Lookups | None = None) -> dict[str, Counter]:
    ids = list(ids)
    out: dict[str, Counter] = {f"ticket:{i}": Counter() for i in ids}
    for row in Ticket.objects.filter(pk__in=ids).values_list(
        "id",
        "created_at",
        "assignee_id",
        "resolved_at",
        "resolved_by_id",
        "fcr",
        "first_response_breached_at",
        "resolution_breached_at",
        "order__address__city",
    ):
        tid, created_at, assignee, resolved_at, resolved_by, fcr, br1, br2, city = row
        facts = out[f"ticket:{tid}"]
        _count(facts, "tickets_opened", assignee, ist_day(created_at), city)
        if br1 is not None or br2 is not None:
            _count(facts, "tickets_breached", assignee, ist_day(created_at), city)
        if resolved_at is not None and fcr is not None:
            _count(facts, "tickets_resolved", resolved_by, ist_day(resolved_at), city)
            if fcr:
                _count(facts, "tickets_fcr", resolved_by, ist_day(resolved_at), city)
    return out


def survey_facts(ids: Iterable[int], lookups: _Lookups | None = None) -> dict[str, Counter]:
    ids = list(ids)
    out: dict[str, Counter] = {f"survey:{i}": Counter() for i in ids}
    for sid, answered_at, score, agent_id, team_id, city in CsatSurvey.objects.filter(
        pk__in=ids, score__isnull=False, answered_at__isnull=False
    ).values_list(
        "id", "answered_at", "score", "agent_id", "team_id", "ticket__order__address__city"
    ):
        facts = out[f"survey:{sid}"]
        day = ist_day(answered_at)
        _count(facts, "csat_answers", agent_id, day, city, team_id=team_id)
        if score >= CSAT_SATISFIED_MIN:
            _count(facts, "csat_satisfied", agent_id, day, city, team_id=team_id)
    return out


def error_facts(ids: Iterable[int], lookups: _Lookups | None = None) -> dict[str, Counter]:
    ids = list(ids)
    out: dict[str, Counter] = {f"error:{i}": Counter() for i in ids}
    for eid, at, agent_id, city in AgentError.objects.filter(pk__in=ids).values_list(
        "id", "at", "agent_id", "order__address__city"
    ):
        _count(out[f"error:{eid}"], "agent_errors", agent_id, ist_day(at), city)
    return out


def duplicate_facts(ids: Iterable[int], lookups: _Lookups | None = None) -> dict[str, Counter]:
    ids = list(ids)
    out: dict[str, Counter] = {f"duplicate:{i}": Counter() for i in ids}
    for did, at, actor_id, city in DuplicateAttempt.objects.filter(pk__in=ids).values_list(
        "id", "at", "actor_id", "existing_order__address__city"
    ):
        _count(out[f"duplicate:{did}"], "dup_attempts", actor_id, ist_day(at), city)
    return out


def call_facts(ids: Iterable[int], lookups: _Lookups | None = None) -> dict[str, Counter]:
    """One call: ended / answered / talk time / an agent's call (and the first of its agent's
    IST hour: an agent-hour) on its dial day; the first outbound call on a lead: time to first
    call on the lead's creation day; a missed inbound call called back: the callback time on
    the callback's day. Calls carry no city (definitions: telephony KPIs)."""
    ids = list(ids)
    out: dict[str, Counter] = {f"call:{i}": Counter() for i in ids}
    rows = list(
        Call.objects.filter(pk__in=ids).values_list(
            "id",
            "agent_id",
            "direction",
            "status",
            "created_at",
            "answered_at",
            "talk_seconds",
            "context_kind",
            "context_id",
        )
    )
    if not rows:
        return out
    # The first call of each (agent, IST hour) among every call in the hours concerned.
    first_in_hour: dict[tuple, tuple] = {}
    hours = {(r[1], ist_hour(r[4])) for r in rows if r[1] is not None}
    if hours:
        low = min(h for _, h in hours)
        high = max(h for _, h in hours) + dt.timedelta(hours=1)
        for cid, agent_id, created in Call.objects.filter(
            agent_id__in={a for a, _ in hours}, created_at__gte=low, created_at__lt=high
        ).values_list("id", "agent_id", "created_at"):
            key = (agent_id, ist_hour(created))
            if key in hours and (key not in first_in_hour or (created, cid) < first_in_hour[key]):
                first_in_hour[key] = (created, cid)
    # The first outbound call of each lead concerned, and the leads' creation times.
    lead_ids = {
        r[8] for r in rows if r[7] == ContextKind.LEAD and r[2] == CallDirection.OUTBOUND and r[8]
    }
    first_on_lead: dict[int, int] = {}
    for cid, lead_id in (
        Call.objects.filter(
            context_kind=ContextKind.LEAD, context_id__in=lead_ids, direction=CallDirection.OUTBOUND
        )
        .order_by("context_id", "created_at", "id")
        .values_list("id", "context_id")
    ):
        first_on_lead.setdefault(lead_id, cid)
    lead_created = dict(Lead.objects.filter(pk__in=lead_ids).values_list("id", "created_at"))
    callbacks = {
        call_id: (done_at, agent_id, ended_at)
        for call_id, done_at, agent_id, ended_at in MissedCallback.objects.filter(
            call_id__in=ids, done_at__isnull=False, call__ended_at__isnull=False
        ).values_list("call_id", "done_at", "done_call__agent_id", "call__ended_at")
    }
    for cid, agent_id, _dir, status, created, answered_at, talk, kind, context_id in rows:
        facts = out[f"call:{cid}"]
        day = ist_day(created)
        if status in TERMINAL:
            _count(facts, "calls_ended", agent_id, day, "")
            if status == CallStatus.COMPLETED and answered_at is not None:
                _count(facts, "calls_answered", agent_id, day, "")
                _add(facts, "talk_s", agent_id, day, talk or 0)
        if agent_id is not None:
            _count(facts, "calls_agent", agent_id, day, "")
            if first_in_hour.get((agent_id, ist_hour(created)), (None, None))[1] == cid:
                _count(facts, "call_hours", agent_id, day, "")
        if (
            kind == ContextKind.LEAD
            and first_on_lead.get(context_id) == cid
            and context_id in lead_created
        ):
            lead_day = ist_day(lead_created[context_id])
            _count(facts, "ttfc_leads", agent_id, lead_day, "")
            _add(
                facts,
                "ttfc_s",
                agent_id,
                lead_day,
                seconds_between(lead_created[context_id], created),
            )
        if cid in callbacks:
            done_at, by, ended_at = callbacks[cid]
            _count(facts, "cb_done", by, ist_day(done_at), "")
            _add(facts, "cb_s", by, ist_day(done_at), seconds_between(ended_at, done_at))
    return out


SOURCES = (
    ("lead", Lead, lead_facts),
    ("order", Order, order_facts),
    ("ticket", Ticket, ticket_facts),
    ("survey", CsatSurvey, survey_facts),
    ("error", AgentError, error_facts),
    ("duplicate", DuplicateAttempt, duplicate_facts),
    ("call", Call, call_facts),
)
FACTS_OF = {name: fn for name, _, fn in SOURCES}


def _encode(facts: Counter) -> list:
    return [
        [m, lv, a, t, c, d.isoformat(), p.isoformat(), n]
        for (m, lv, a, t, c, d, p), n in facts.items()
        if n
    ]


def _decode(rows: list) -> Counter:
    return Counter(
        {
            (m, lv, a, t, c, dt.date.fromisoformat(d), dt.date.fromisoformat(p)): n
            for m, lv, a, t, c, d, p, n in rows
        }
    )


_FIELDS = ("grain", "measure", "level", "agent_id", "team_id", "city", "day", "prev_day")


def _grains(facts: Counter) -> Counter:
    """Daily facts -> bucket keys of both grains (see ``RollupBucket``)."""
    out: Counter = Counter()
    for (m, lv, a, t, c, day, prev), n in facts.items():
        out[("d", m, lv, a, t, c, day, prev)] += n
        month = day.replace(day=1)
        out[("m", m, lv, a, t, c, month, prev if prev < month else month)] += n
    return out


# --- Building and maintaining -----------------------------------------------------------------


def _locked_state() -> RollupState:
    state, _ = RollupState.objects.select_for_update().get_or_create(name="rollup")
    return state


def _marks(state: RollupState) -> None:
    def top(model):
        return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    state.last_contact_id = top(ContactAttempt)
    state.last_event_id = top(OrderEvent)
    state.last_audit_id = top(AuditEvent)
    state.last_error_id = top(AgentError)
    state.last_duplicate_id = top(DuplicateAttempt)


@transaction.atomic
def rebuild(*, progress=None) -> dict:
    """Derive every bucket from the raw rows (after a bulk load, or to repair). Holds the lock."""
    state = _locked_state()
    started = timezone.now()
    _marks(state)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE kpis_rollupsource, kpis_rollupbucket")
    else:
        RollupSource.objects.all().delete()
        RollupBucket.objects.all().delete()
    lookups = _Lookups()
    total: Counter = Counter()
    sources = 0
    for name, model, facts_of in SOURCES:
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            batch = facts_of(ids[start : start + BATCH], lookups)
            rows = []
            for key, facts in batch.items():
                if facts:
                    total.update(_grains(facts))
                    rows.append({"key": key, "facts": _encode(facts)})
            if rows:
                insert_rows(RollupSource, rows)  # COPY on PostgreSQL
            sources += len(rows)
            if progress:
                progress(name, start + BATCH, len(ids))
    buckets = [dict(zip(_FIELDS, key, strict=True), n=n) for key, n in total.items() if n]
    for start in range(0, len(buckets), 50000):
        insert_rows(RollupBucket, buckets[start : start + 50000])  # COPY on PostgreSQL
    state.built_at = started
    state.scanned_until = started
    state.save()
    return {"sources": sources, "buckets": sum(1 for n in total.values() if n)}


def apply(batch: dict[str, Counter]) -> int:
    """Replace what the given sources contributed by ``batch``: add the difference to the
    buckets. Call inside a transaction holding the state lock. Returns buckets touched."""
    old = {s.key: _decode(s.facts) for s in RollupSource.objects.filter(key__in=list(batch))}
    batch = {k: f for k, f in batch.items() if +f != old.get(k, Counter())}  # changed only
    if not batch:
        return 0
    delta: Counter = Counter()
    for key in batch:
        delta.subtract(_grains(old.get(key, Counter())))
    for facts in batch.values():
        delta.update(_grains(facts))
    touched = 0
    for key, d in delta.items():
        if not d:
            continue
        fields = dict(zip(_FIELDS, key, strict=True))
        if not RollupBucket.objects.filter(**fields).update(n=F("n") + d):
            RollupBucket.objects.create(**fields, n=d)
        touched += 1
    RollupSource.objects.filter(key__in=list(batch)).delete()
    RollupSource.objects.bulk_create(
        [RollupSource(key=k, facts=_encode(f)) for k, f in batch.items() if f], batch_size=1000
    )
    return touched


def refresh_sources(changed: dict[str, set[int]]) -> int:
    lookups = _Lookups()
    touched = 0
    for name, ids in changed.items():
        ids = sorted(ids)
        for start in range(0, len(ids), BATCH):
            touched += apply(FACTS_OF[name](ids[start : start + BATCH], lookups))
    return touched


AUDITED = {
    "leads.lead": "lead",
    "orders.order": "order",
    "cx.ticket": "ticket",
    "cx.csatsurvey": "survey",
    "orders.agenterror": "error",
}


def _changes(state: RollupState, since: dt.datetime, until: dt.datetime) -> dict[str, set[int]]:
    """Sources written in ``[since, until]`` (times in the future are not "written since the
    last scan": such rows were found by id, ``updated_at`` or their audit event)."""
    changed: dict[str, set[int]] = defaultdict(set)

    def during(field: str) -> Q:
        return Q(**{f"{field}__gte": since, f"{field}__lte": until})

    def recent(model, last_id: int, time_field: str = "at"):
        """Rows above the high-water mark, and (for late commits) rows a little below it that
        were written since the previous scan. Written as one primary-key range with the OR
        inside it, so the plan is an index range scan of the last ID_OVERLAP rows and the new
        ones; as ``pk > last OR (pk > last - overlap AND ...)`` PostgreSQL scanned the whole
        table (50,000 contact attempts read for none found; issue 17, P4)."""
        return model.objects.filter(
            Q(pk__gt=last_id - ID_OVERLAP) & (Q(pk__gt=last_id) | during(time_field))
        )

    new_contacts = recent(ContactAttempt, state.last_contact_id)
    changed["lead"].update(new_contacts.values_list("lead_id", flat=True))
    changed["lead"].update(Lead.objects.filter(during("updated_at")).values_list("pk", flat=True))
    changed["order"].update(Order.objects.filter(during("updated_at")).values_list("pk", flat=True))
    changed["order"].update(
        recent(OrderEvent, state.last_event_id).values_list("order_id", flat=True)
    )
    changed["ticket"].update(
        Ticket.objects.filter(
            during("updated_at")
            | during("first_response_breached_at")
            | during("resolution_breached_at")
            | during("resolved_at")
        ).values_list("pk", flat=True)
    )
    changed["survey"].update(
        CsatSurvey.objects.filter(during("answered_at")).values_list("pk", flat=True)
    )
    changed["error"].update(recent(AgentError, state.last_error_id).values_list("pk", flat=True))
    changed["duplicate"].update(
        recent(DuplicateAttempt, state.last_duplicate_id).values_list("pk", flat=True)
    )
    changed["call"].update(_changed_calls(during))
    moved_users = set()
    for object_type, object_id in recent(AuditEvent, state.last_audit_id).values_list(
        "object_type", "object_id"
    ):
        if object_type in AUDITED and object_id.isdigit():
            changed[AUDITED[object_type]].add(int(object_id))
        elif object_type in ("accounts.user", "accounts.team") and object_id.isdigit():
            moved_users.add((object_type, int(object_id)))
    for object_type, object_id in moved_users:  # a team move changes the per-team lead facts
        agents = [object_id] if object_type == "accounts.user" else []
        if object_type == "accounts.team":
            agents = list(User.objects.filter(team_id=object_id).values_list("pk", flat=True))
        changed["lead"].update(
            ContactAttempt.objects.filter(agent_id__in=agents).values_list("lead_id", flat=True)
        )
    # Dependencies: a price-dispute ticket -> its order; an order -> its leads and the rows
    # that take its city (tickets, surveys, errors, refused duplicates).
    changed["order"].update(
        Ticket.objects.filter(pk__in=changed["ticket"], type=TicketType.PRICE_DISPUTE)
        .exclude(order_id=None)
        .values_list("order_id", flat=True)
    )
    orders = Order.objects.filter(pk__in=changed["order"])
    numbers = list(orders.values_list("number", flat=True))
    changed["lead"].update(
        Lead.objects.filter(
            Q(pk__in=orders.exclude(source_lead=None).values("source_lead_id"))
            | Q(order_number__in=numbers)
            | Q(customer_id__in=orders.values("customer_id"))
        ).values_list("pk", flat=True)
    )
    order_tickets = Ticket.objects.filter(order_id__in=changed["order"])
    changed["ticket"].update(order_tickets.values_list("pk", flat=True))
    changed["survey"].update(
        CsatSurvey.objects.filter(ticket__in=changed["ticket"]).values_list("pk", flat=True)
    )
    changed["error"].update(
        AgentError.objects.filter(order_id__in=changed["order"]).values_list("pk", flat=True)
    )
    changed["duplicate"].update(
        DuplicateAttempt.objects.filter(existing_order_id__in=changed["order"]).values_list(
            "pk", flat=True
        )
    )
    return {name: ids for name, ids in changed.items() if ids}


def _changed_calls(during) -> set[int]:
    """Calls dialled, ended, moved by a provider event or called back in the window, and
    every call of the same agent in the same IST hour (the hour's first call may change)."""
    calls = set(
        Call.objects.filter(during("created_at") | during("ended_at")).values_list("pk", flat=True)
    )
    calls.update(
        CallEvent.objects.filter(during("processed_at"), call__isnull=False).values_list(
            "call_id", flat=True
        )
    )
    calls.update(MissedCallback.objects.filter(during("done_at")).values_list("call_id", flat=True))
    hours = sorted(
        {
            (agent_id, ist_hour(created))
            for agent_id, created in Call.objects.filter(
                pk__in=calls, agent__isnull=False
            ).values_list("agent_id", "created_at")
        }
    )
    for start in range(0, len(hours), 200):
        q = Q()
        for agent_id, hour in hours[start : start + 200]:
            q |= Q(agent_id=agent_id, created_at__gte=hour, created_at__lt=hour + ONE_HOUR)
        calls.update(Call.objects.filter(q).values_list("pk", flat=True))
    return calls


def refresh(*, wait: bool = True) -> dict:
    """Apply every change since the last scan. Builds from scratch the first time. With
    ``wait=False`` (the read path) a refresh already running elsewhere is not waited for."""
    with transaction.atomic():
        qs = RollupState.objects.select_for_update(skip_locked=not wait)
        state = qs.filter(name="rollup").first()
        if state is None:
            RollupState.objects.get_or_create(name="rollup")
            state = qs.filter(name="rollup").first()
            if state is None:
                return {"skipped": True}
        if state.built_at is None:
            pass
        else:
            scan_start = timezone.now()
            since = (state.scanned_until or state.built_at) - SCAN_OVERLAP
            changed = _changes(state, since, scan_start + SCAN_SLACK)
            touched = refresh_sources(changed)
            _marks(state)
            state.scanned_until = scan_start
            state.save()
            return {"sources": {k: len(v) for k, v in changed.items()}, "buckets": touched}
    return rebuild()


# --- Reading ----------------------------------------------------------------------------------


def _filters(scope) -> Q:
    """Which buckets belong to the scope, per measure family (see the module docstring)."""
    people = Q(level="a")
    csat = Q(level="a")
    if scope.agent_id is not None:
        people &= Q(agent_id=scope.agent_id)
        csat &= Q(agent_id=scope.agent_id)
    if scope.team_id is not None:
        people &= Q(agent_id__in=User.objects.filter(team_id=scope.team_id).values("pk"))
        csat &= Q(team_id=scope.team_id)
    if scope.agent_id is not None:
        leads = people
    elif scope.team_id is not None:
        leads = Q(level="t", team_id=scope.team_id)
    else:
        leads = Q(level="*")
    q = (
        (Q(measure__in=LEAD_SEQUENCE_MEASURES) & leads)
        | (Q(measure__in=CSAT_MEASURES) & csat)
        | (~Q(measure__in=LEAD_SEQUENCE_MEASURES | CSAT_MEASURES) & people)
    )
    if scope.city:
        q &= Q(city__iexact=scope.city)
    return q


def _month_after(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _in_range(scope) -> Q:
    """``day in [start, end] and prev_day < start``: whole calendar months inside the range
    from the monthly rows, the days before and after them from the daily rows."""
    first = scope.start if scope.start.day == 1 else _month_after(scope.start)
    last = (
        _month_after(scope.end)
        if _month_after(scope.end) - dt.timedelta(days=1) == scope.end
        else scope.end.replace(day=1)
    )
    prev = Q(prev_day__lt=scope.start)
    if first >= last:  # no whole month inside
        return Q(grain="d", day__gte=scope.start, day__lte=scope.end) & prev
    days = Q(grain="d") & (
        Q(day__gte=scope.start, day__lt=first) | Q(day__gte=last, day__lte=scope.end)
    )
    months = Q(grain="m", day__gte=first, day__lt=last)
    return (days | months) & prev


def measures(scope) -> dict[str, int]:
    """Every measure's sum over the scope, plus the distinct accountable agents."""
    qs = RollupBucket.objects.filter(_in_range(scope) & _filters(scope))
    sums = dict(qs.values_list("measure").annotate(total=Sum("n")).values_list("measure", "total"))
    sums[ACCOUNTABLE] = (
        qs.filter(measure__in=ACCOUNTABLE_MEASURES, n__gt=0)
        .exclude(agent_id=0)
        .aggregate(k=Count("agent_id", distinct=True))["k"]
    )
    return sums


def measures_by_day(scope) -> dict[dt.date, dict[str, int]]:
    """Per IST day of the scope, as if each day were its own range: a row with ``prev_day``
    before its own day always counts for that one day, so no ``prev_day`` filter."""
    qs = RollupBucket.objects.filter(Q(day__gte=scope.start, day__lte=scope.end) & _filters(scope))
    out: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for day, measure, total in qs.values_list("day", "measure").annotate(t=Sum("n")):
        out[day][measure] = total
    for day, k in (
        qs.filter(measure__in=ACCOUNTABLE_MEASURES, n__gt=0)
        .exclude(agent_id=0)
        .values_list("day")
        .annotate(k=Count("agent_id", distinct=True))
    ):
        out[day][ACCOUNTABLE] = k
    return out


def measures_by_period(scope, starts: list[dt.date]) -> list[dict[str, int]]:
    """Each period ``[starts[i], starts[i+1])`` (the last ends with the scope) as its own range,
    in one grouped query: a row counts for the period holding its day when its ``prev_day`` is
    before the period's start (exact for distinct measures, as ``measures``). A period that is
    one whole calendar month reads the monthly rows."""
    import bisect

    ends = [s - dt.timedelta(days=1) for s in starts[1:]] + [scope.end]
    whole = [
        s.day == 1 and _month_after(s) - dt.timedelta(days=1) == e
        for s, e in zip(starts, ends, strict=True)
    ]
    grain = Q()
    months = [s for s, w in zip(starts, whole, strict=True) if w]
    daily = Q(grain="d", day__gte=scope.start, day__lte=scope.end)
    for s in months:
        daily &= ~Q(day__gte=s, day__lt=_month_after(s))
    grain = daily | Q(grain="m", day__in=months)
    qs = RollupBucket.objects.filter(grain & _filters(scope))
    out: list[dict[str, int]] = [defaultdict(int) for _ in starts]
    for day, prev, measure, total in (
        qs.values_list("day", "prev_day", "measure").annotate(t=Sum("n")).order_by()
    ):
        i = bisect.bisect_right(starts, day) - 1
        if i >= 0 and prev < starts[i]:
            out[i][measure] += total
    agents: list[set] = [set() for _ in starts]
    for day, agent_id in (
        qs.filter(measure__in=ACCOUNTABLE_MEASURES, n__gt=0)
        .exclude(agent_id=0)
        .values_list("day", "agent_id")
        .distinct()
        .order_by()
    ):
        agents[bisect.bisect_right(starts, day) - 1].add(agent_id)
    for i, found in enumerate(agents):
        out[i][ACCOUNTABLE] = len(found)
    return [dict(d) for d in out]


def measures_by_agent(scope) -> dict[int, dict[str, int]]:
    """Per agent (every measure at agent level) — the scorecard in one query."""
    qs = RollupBucket.objects.filter(_in_range(scope) & _agent_level(scope))
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for agent_id, measure, total in qs.values_list("agent_id", "measure").annotate(t=Sum("n")):
        out[agent_id][measure] = total
    for agent_id in out:
        out[agent_id][ACCOUNTABLE] = int(
            agent_id != 0 and any(out[agent_id].get(m, 0) > 0 for m in ACCOUNTABLE_MEASURES)
        )
    return out


def _agent_level(scope) -> Q:
    q = Q(level="a")
    if scope.team_id is not None:
        q &= (Q(measure__in=CSAT_MEASURES) & Q(team_id=scope.team_id)) | (
            ~Q(measure__in=CSAT_MEASURES)
            & Q(agent_id__in=User.objects.filter(team_id=scope.team_id).values("pk"))
        )
    if scope.city:
        q &= Q(city__iexact=scope.city)
    return q


def value_of(function_name: str, sums: dict[str, int]) -> int:
    if function_name == ACCOUNTABLE:
        return sums.get(ACCOUNTABLE) or 0
    return sum(sums.get(m) or 0 for m in MEASURES_OF[function_name])


def using_postgres() -> bool:
    return connection.vendor == "postgresql"
