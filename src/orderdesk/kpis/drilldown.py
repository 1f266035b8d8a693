"""The records behind a KPI figure (SPEC §7 "drill-down"): numerator and denominator rows.

Built from the same building blocks as ``kpis.definitions`` (the raw reference), so the row
counts are the figures: ``rows_for(fn, scope).count()`` equals ``fn(scope)``.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from orderdesk.accounts.models import User
from orderdesk.cx.choices import TicketType
from orderdesk.cx.models import Ticket
from orderdesk.kpis import definitions as d
from orderdesk.leads.choices import Direction, DispositionKey
from orderdesk.leads.models import Lead
from orderdesk.orders.choices import Channel as OrderChannel
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import AgentError, Order
from orderdesk.telephony.models import Call


def _leads(contacts) -> QuerySet[Lead]:
    return Lead.objects.filter(pk__in=contacts.values("lead_id"))


def _wpo_leads_assisted(scope):
    return _leads(d._wpo_calls(scope).filter(d._ordered_within_window()))


def _influenceable_ordered(scope):
    assisted = d._wpo_calls(scope).filter(lead=OuterRef("pk")).filter(d._ordered_within_window())
    return d.influenceable_leads(scope).filter(d._linked_order() | Exists(assisted))


def _live_create_orders(scope):
    live = Order.objects.filter(
        number=OuterRef("order_number"), source_lead=OuterRef("lead"), duplicate_of__isnull=True
    )
    return d._create_order_dispositions(scope).filter(Exists(live))


def _agents_accountable(scope):
    creators = d._orders_in_window(scope).filter(channel=OrderChannel.AGENT).values("created_by_id")
    erring = AgentError.objects.filter(
        scope.window("at"), scope.people("agent"), scope.order_city("order__")
    ).values("agent_id")
    return User.objects.filter(Q(pk__in=creators) | Q(pk__in=erring))


def _disputed(scope):
    disputes = Ticket.objects.filter(order=OuterRef("pk"), type=TicketType.PRICE_DISPUTE)
    return d._inspected_orders(scope).filter(Exists(disputes))


def _first_call_of_each_agent_hour(scope) -> QuerySet[Call]:
    """The call that opened each agent-hour (``agent_call_hours`` counts these)."""
    first: dict[tuple, int] = {}
    for cid, agent_id, created in (
        d._agent_calls(scope)
        .order_by("created_at", "id")
        .values_list("id", "agent_id", "created_at")
    ):
        first.setdefault((agent_id, d.rollup.ist_hour(created)), cid)
    return Call.objects.filter(pk__in=list(first.values()))


# Each raw measure -> (kind of row, the rows). Two-part measures list both parts.
ROWS = {
    "agent_orders": [
        ("order", lambda s: d._orders_in_window(s).filter(channel=OrderChannel.AGENT))
    ],
    "connected_leads_worked": [
        ("lead", lambda s: _leads(d.agent_contacts(s).filter(connected=True)))
    ],
    "connected_leads_ordered": [
        (
            "lead",
            lambda s: _leads(
                d.agent_contacts(s).filter(connected=True).filter(d._agent_order_from_lead())
            ),
        )
    ],
    "create_order_dispositions": [("contact", d._create_order_dispositions)],
    "create_order_dispositions_with_order": [("contact", _live_create_orders)],
    "influenceable_leads_worked": [("lead", d.influenceable_leads)],
    "influenceable_leads_completed": [
        (
            "lead",
            lambda s: d.influenceable_leads(s).filter(
                d._linked_order(status=OrderStatus.COMPLETED)
            ),
        )
    ],
    "influenceable_leads_ordered": [("lead", _influenceable_ordered)],
    "wpo_leads": [("lead", lambda s: _leads(d._wpo_calls(s)))],
    "wpo_leads_assisted": [("lead", _wpo_leads_assisted)],
    "wpo_episodes": [("contact", d._wpo_episodes)],
    "wpo_episodes_compliant": [("contact", lambda s: d._wpo_episodes(s).filter(follow_ups__lte=1))],
    "contacts_after_already_ordered": [
        (
            "contact",
            lambda s: d.agent_contacts(s).filter(
                direction=Direction.OUTBOUND,
                lead__closed_reason="already_ordered",
                lead__closed_at__isnull=False,
                at__gt=d.F("lead__closed_at"),
            ),
        )
    ],
    "order_attempts": [("order", d._orders_in_window), ("duplicate", d._refused_duplicates)],
    "duplicate_orders": [
        ("order", lambda s: d._orders_in_window(s).filter(duplicate_of__isnull=False)),
        ("duplicate", d._refused_duplicates),
    ],
    "tickets_resolved": [("ticket", d._resolved_tickets)],
    "tickets_resolved_first_contact": [
        ("ticket", lambda s: d._resolved_tickets(s).filter(fcr=True))
    ],
    "csat_answers": [("survey", d._csat_answers)],
    "feedback_answers": [("feedback", d._feedback_answers)],
    "feedback_satisfied": [
        ("feedback", lambda s: d._feedback_answers(s).filter(score__gte=d.FEEDBACK_SATISFIED_MIN)),
    ],
    "csat_satisfied": [
        ("survey", lambda s: d._csat_answers(s).filter(score__gte=d.CSAT_SATISFIED_MIN))
    ],
    "tickets_opened": [("ticket", d._opened_tickets)],
    "tickets_breached": [
        (
            "ticket",
            lambda s: d._opened_tickets(s).filter(
                Q(first_response_breached_at__isnull=False)
                | Q(resolution_breached_at__isnull=False)
            ),
        )
    ],
    "pickups_ended": [
        ("event", lambda s: d._transitions_to(s, OrderStatus.INSPECTED, OrderStatus.PICKUP_FAILED))
    ],
    "pickups_failed": [("event", lambda s: d._transitions_to(s, OrderStatus.PICKUP_FAILED))],
    "orders_inspected": [("order", d._inspected_orders)],
    "orders_inspected_disputed": [("order", _disputed)],
    "agent_errors": [
        (
            "error",
            lambda s: AgentError.objects.filter(
                s.window("at"), s.people("agent"), s.order_city("order__")
            ),
        )
    ],
    "agents_accountable": [("agent", _agents_accountable)],
    "suggestions_made": [("contact", d._suggested_contacts)],
    "suggestions_agreed": [
        (
            "contact",
            lambda s: d._suggested_contacts(s).filter(
                suggested_disposition=d.F("disposition__key")
            ),
        )
    ],
    "calls_ended": [("call", d._ended_calls)],
    "calls_answered": [("call", d._answered_calls)],
    "talk_seconds": [("call", d._answered_calls)],
    "agent_calls": [("call", d._agent_calls)],
    "agent_call_hours": [("call", _first_call_of_each_agent_hour)],
    "new_leads_called": [("lead", d._first_called_leads)],
    "first_call_seconds": [("lead", d._first_called_leads)],
    "callbacks_done": [("callback", d._callbacks_done)],
    "callback_seconds": [("callback", d._callbacks_done)],
}

# Measures that are sums of seconds, not counts: the seconds each row adds (the drill-down
# shows the rows; their seconds add up to the figure).
SECONDS_OF_ROW = {
    "talk_seconds": lambda call: call.talk_seconds or 0,
    "first_call_seconds": lambda lead: d.seconds_between(lead.created_at, lead.first_call_at),
    "callback_seconds": lambda cb: d.seconds_between(cb.call.ended_at, cb.done_at),
}

_RELATED = {
    "order": ("customer", "created_by"),
    "lead": ("customer", "owner"),
    "contact": ("lead__customer", "agent", "disposition"),
    "duplicate": ("customer", "existing_order", "actor"),
    "ticket": ("customer", "order", "assignee"),
    "survey": ("ticket", "agent"),
    "feedback": ("order__created_by",),
    "event": ("order",),
    "error": ("agent", "order"),
    "agent": ("team",),
    "call": ("agent", "customer"),
    "callback": ("call", "done_call__agent", "customer"),
}


def rows_for(measure: str, scope) -> list[tuple[str, QuerySet]]:
    """[(kind, queryset)] behind one raw numerator/denominator function."""
    return [(kind, fn(scope).select_related(*_RELATED[kind])) for kind, fn in ROWS[measure]]


DISPOSITION_ALREADY = DispositionKey.ALREADY_ORDERED  # re-exported for templates' legend
