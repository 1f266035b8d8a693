"""Every KPI of SPEC §7, defined once: key, label, numerator, denominator and formula text.

The API (``GET /api/v1/kpis``), the supervisor dashboard and the tests all read these
definitions; nothing else computes a KPI. Each numerator and denominator is one aggregate
query over the raw rows (``COUNT``/``EXISTS`` subqueries), never a Python loop over rows.

Scope: a range of IST calendar days ``[from, to]`` (both inclusive), optionally narrowed to
one agent, one team (its members) or one city. Who a row belongs to differs per KPI and is
named in the formula text ("by the agent who logged the contact", "who created the order").
The choices the SPEC leaves open are written down in ``docs/kpis.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncHour

from orderdesk.accounts.models import User
from orderdesk.catalog.models import ServedPincode
from orderdesk.core.timeutil import IST, ist_day_bounds
from orderdesk.cx.choices import TicketType
from orderdesk.cx.models import CsatSurvey, Ticket
from orderdesk.kpis import rollup
from orderdesk.kpis.rollup import seconds_between, value_of
from orderdesk.leads.choices import Direction, DispositionKey
from orderdesk.leads.models import ContactAttempt, Lead
from orderdesk.orders.choices import Channel as OrderChannel
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import AgentError, DuplicateAttempt, Order, OrderEvent, PickupFeedback
from orderdesk.telephony.choices import CallDirection, CallStatus, ContextKind
from orderdesk.telephony.models import Call, MissedCallback
from orderdesk.telephony.rules import TERMINAL

ASSISTED_WINDOW = dt.timedelta(hours=48)  # SPEC §7 agent fairness: "within 48 h"
CSAT_SATISFIED_MIN = 4  # a 4 or 5 out of 5 counts as satisfied
FEEDBACK_SATISFIED_MIN = 4  # the same for the pickup feedback (orders.rules)


@dataclass(frozen=True)
class Scope:
    """The slice a KPI is computed over. ``start``/``end`` are IST days, both inclusive."""

    start: dt.date
    end: dt.date
    agent_id: int | None = None
    team_id: int | None = None
    city: str | None = None

    @property
    def since(self) -> dt.datetime:
        return ist_day_bounds(self.start)[0]

    @property
    def until(self) -> dt.datetime:
        """Exclusive: the start of the IST day after ``end``."""
        return ist_day_bounds(self.end)[1]

    def window(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.since, f"{field}__lt": self.until})

    def people(self, field: str) -> Q:
        """Rows whose ``field`` (a user foreign key) is the agent, or a member of the team."""
        q = Q()
        if self.agent_id is not None:
            q &= Q(**{f"{field}_id": self.agent_id})
        if self.team_id is not None:
            q &= Q(**{f"{field}__team_id": self.team_id})
        return q

    def order_city(self, order_path: str = "") -> Q:
        """An order's city is its pickup address's city."""
        if not self.city:
            return Q()
        return Q(**{f"{order_path}address__city__iexact": self.city})

    def lead_city(self, lead_path: str = "") -> Q:
        """A lead's city is the served city of the pincode on its last quote (leads carry no
        address); a lead without a quoted pincode belongs to no city."""
        if not self.city:
            return Q()
        pincodes = ServedPincode.objects.filter(city__name__iexact=self.city).values("pincode")
        return Q(**{f"{lead_path}quote__pincode__in": pincodes})

    def with_agent(self, agent_id: int) -> Scope:
        return Scope(self.start, self.end, agent_id, self.team_id, self.city)


# --- Building blocks --------------------------------------------------------------------------


def agent_contacts(scope: Scope) -> QuerySet[ContactAttempt]:
    """Contacts an agent logged in the range (the system's own Create Order rows excluded)."""
    return ContactAttempt.objects.filter(
        scope.window("at"),
        scope.people("agent"),
        scope.lead_city("lead__"),
        recorded_by_system=False,
        agent__isnull=False,
    )


def _first_connected_disposition() -> Subquery:
    return Subquery(
        ContactAttempt.objects.filter(lead=OuterRef("pk"), connected=True, recorded_by_system=False)
        .order_by("at", "id")
        .values("disposition__key")[:1]
    )


def influenceable_leads(scope: Scope) -> QuerySet[Lead]:
    """Leads worked in the range, minus those whose first connected contact (ever) was Already
    Placed an Order: the customer had ordered before anyone spoke to them (SPEC §7)."""
    worked = agent_contacts(scope).values("lead_id")
    return (
        Lead.objects.filter(pk__in=worked)
        .annotate(first_connected=Coalesce(_first_connected_disposition(), Value("")))
        .exclude(first_connected=DispositionKey.ALREADY_ORDERED)
    )


def _linked_order(**conditions) -> Exists:
    """An order behind a lead: created from it (``source_lead``), or the customer's own order
    the lead was closed with (``Lead.order_number``, D6/D8). Orders marked duplicate never count."""
    return Exists(
        Order.objects.filter(
            Q(source_lead=OuterRef("pk")) | Q(number=OuterRef("order_number")),
            duplicate_of__isnull=True,
            **conditions,
        )
    )


def _count(qs: QuerySet) -> int:
    return qs.count()


def _distinct_leads(qs: QuerySet[ContactAttempt]) -> int:
    return qs.aggregate(n=Count("lead", distinct=True))["n"]


def _orders_in_window(scope: Scope) -> QuerySet[Order]:
    return Order.objects.filter(
        scope.window("created_at"), scope.people("created_by"), scope.order_city()
    )


def _transitions_to(scope: Scope, *statuses: str) -> QuerySet[OrderEvent]:
    return OrderEvent.objects.filter(
        scope.window("at"),
        scope.people("order__created_by"),
        scope.order_city("order__"),
        kind="transition",
        to_status__in=statuses,
    )


# --- Numerators and denominators, one function each -------------------------------------------


def agent_orders(scope: Scope) -> int:
    return _count(_orders_in_window(scope).filter(channel=OrderChannel.AGENT))


def connected_leads_worked(scope: Scope) -> int:
    return _distinct_leads(agent_contacts(scope).filter(connected=True))


def _agent_order_from_lead(lead_ref: str = "lead") -> Exists:
    """An order an agent created from the lead (any status; SPEC §7 counts orders *created*,
    so one later marked duplicate still counts, as it did before issue 18)."""
    return Exists(Order.objects.filter(source_lead=OuterRef(lead_ref), channel=OrderChannel.AGENT))


def connected_leads_ordered(scope: Scope) -> int:
    """Create Order %'s numerator, drawn from its denominator's population (issue 18): the
    connected leads worked in the scope that an agent created an order from."""
    return _distinct_leads(
        agent_contacts(scope).filter(connected=True).filter(_agent_order_from_lead())
    )


def _create_order_dispositions(scope: Scope) -> QuerySet[ContactAttempt]:
    # The system writes Create Order (D7), so system rows are exactly what is counted here.
    return ContactAttempt.objects.filter(
        scope.window("at"),
        scope.people("agent"),
        scope.lead_city("lead__"),
        disposition__key=DispositionKey.CREATE_ORDER,
    )


def create_order_dispositions(scope: Scope) -> int:
    return _count(_create_order_dispositions(scope))


def create_order_dispositions_with_order(scope: Scope) -> int:
    live = Order.objects.filter(
        number=OuterRef("order_number"), source_lead=OuterRef("lead"), duplicate_of__isnull=True
    )
    return _count(_create_order_dispositions(scope).filter(Exists(live)))


def influenceable_leads_worked(scope: Scope) -> int:
    return _count(influenceable_leads(scope))


def influenceable_leads_completed(scope: Scope) -> int:
    return _count(influenceable_leads(scope).filter(_linked_order(status=OrderStatus.COMPLETED)))


def influenceable_leads_ordered(scope: Scope) -> int:
    """Agent fairness: the lead has an order behind it (any status), or the customer ordered
    within 48 h of one of the agent's Will Place Order calls on it (assisted conversion)."""
    assisted = _wpo_calls(scope).filter(lead=OuterRef("pk")).filter(_ordered_within_window())
    return _count(influenceable_leads(scope).filter(_linked_order() | Exists(assisted)))


def _wpo_calls(scope: Scope) -> QuerySet[ContactAttempt]:
    return agent_contacts(scope).filter(disposition__key=DispositionKey.WILL_PLACE_ORDER)


def _ordered_within_window() -> Exists:
    """The customer placed their own order (app or web) within 48 h after the contact."""
    return Exists(
        Order.objects.filter(
            customer=OuterRef("lead__customer"),
            channel__in=[OrderChannel.APP, OrderChannel.WEB],
            created_at__gte=OuterRef("at"),
            created_at__lt=OuterRef("at") + ASSISTED_WINDOW,
            duplicate_of__isnull=True,
        )
    )


def wpo_leads(scope: Scope) -> int:
    return _distinct_leads(_wpo_calls(scope))


def wpo_leads_assisted(scope: Scope) -> int:
    return _distinct_leads(_wpo_calls(scope).filter(_ordered_within_window()))


def _wpo_episodes(scope: Scope) -> QuerySet[ContactAttempt]:
    """The contact that opened each Will Place Order episode, when it falls in the range, with
    the number of outbound contacts logged after it in the same episode."""
    earlier = ContactAttempt.objects.filter(
        lead=OuterRef("lead"),
        episode=OuterRef("episode"),
        disposition__key=DispositionKey.WILL_PLACE_ORDER,
        recorded_by_system=False,
    ).filter(Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), id__lt=OuterRef("id")))
    later = (
        ContactAttempt.objects.filter(
            lead=OuterRef("lead"),
            episode=OuterRef("episode"),
            direction=Direction.OUTBOUND,
            recorded_by_system=False,
        )
        .filter(Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id")))
        .order_by()
        .values("episode")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        _wpo_calls(scope)
        .filter(~Exists(earlier))
        .annotate(follow_ups=Coalesce(Subquery(later, output_field=IntegerField()), 0))
    )


def wpo_episodes(scope: Scope) -> int:
    return _count(_wpo_episodes(scope))


def wpo_episodes_compliant(scope: Scope) -> int:
    return _count(_wpo_episodes(scope).filter(follow_ups__lte=1))


def contacts_after_already_ordered(scope: Scope) -> int:
    """Sales contacts (outbound) logged on a lead after it was closed as Already Placed an Order
    (target 0, D5). The customer's own calls are answered and never counted (issue 15, 1)."""
    return _count(
        agent_contacts(scope).filter(
            direction=Direction.OUTBOUND,
            lead__closed_reason="already_ordered",
            lead__closed_at__isnull=False,
            at__gt=F("lead__closed_at"),
        )
    )


def order_attempts(scope: Scope) -> int:
    return _count(_orders_in_window(scope)) + _count(_refused_duplicates(scope))


def _refused_duplicates(scope: Scope) -> QuerySet[DuplicateAttempt]:
    return DuplicateAttempt.objects.filter(
        scope.window("at"), scope.people("actor"), scope.order_city("existing_order__")
    )


def duplicate_orders(scope: Scope) -> int:
    marked = _orders_in_window(scope).filter(duplicate_of__isnull=False)
    return _count(marked) + _count(_refused_duplicates(scope))


def _resolved_tickets(scope: Scope) -> QuerySet[Ticket]:
    return Ticket.objects.filter(
        scope.window("resolved_at"),
        scope.people("resolved_by"),
        scope.order_city("order__"),
        fcr__isnull=False,
    )


def tickets_resolved(scope: Scope) -> int:
    return _count(_resolved_tickets(scope))


def tickets_resolved_first_contact(scope: Scope) -> int:
    return _count(_resolved_tickets(scope).filter(fcr=True))


def _csat_answers(scope: Scope) -> QuerySet[CsatSurvey]:
    qs = CsatSurvey.objects.filter(
        scope.window("answered_at"), scope.order_city("ticket__order__"), score__isnull=False
    )
    if scope.agent_id is not None:
        qs = qs.filter(agent_id=scope.agent_id)
    if scope.team_id is not None:
        qs = qs.filter(team_id=scope.team_id)  # the team at rating time (docs/cx.md)
    return qs


def csat_answers(scope: Scope) -> int:
    return _count(_csat_answers(scope))


def csat_satisfied(scope: Scope) -> int:
    return _count(_csat_answers(scope).filter(score__gte=CSAT_SATISFIED_MIN))


def _feedback_answers(scope: Scope) -> QuerySet[PickupFeedback]:
    """Issue 15, item 12: answers to the feedback request, by the day they came, for the agent
    who created the order (the customer's own orders have none) and the order's city."""
    return PickupFeedback.objects.filter(
        scope.window("answered_at"),
        scope.people("order__created_by"),
        scope.order_city("order__"),
        score__isnull=False,
    )


def feedback_answers(scope: Scope) -> int:
    return _count(_feedback_answers(scope))


def feedback_satisfied(scope: Scope) -> int:
    return _count(_feedback_answers(scope).filter(score__gte=FEEDBACK_SATISFIED_MIN))


def _opened_tickets(scope: Scope) -> QuerySet[Ticket]:
    return Ticket.objects.filter(
        scope.window("created_at"), scope.people("assignee"), scope.order_city("order__")
    )


def tickets_opened(scope: Scope) -> int:
    return _count(_opened_tickets(scope))


def tickets_breached(scope: Scope) -> int:
    return _count(
        _opened_tickets(scope).filter(
            Q(first_response_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False)
        )
    )


def pickups_ended(scope: Scope) -> int:
    return _count(_transitions_to(scope, OrderStatus.INSPECTED, OrderStatus.PICKUP_FAILED))


def pickups_failed(scope: Scope) -> int:
    return _count(_transitions_to(scope, OrderStatus.PICKUP_FAILED))


def _inspected_orders(scope: Scope) -> QuerySet[Order]:
    inspected = _transitions_to(scope, OrderStatus.INSPECTED).values("order_id")
    return Order.objects.filter(pk__in=inspected)


def orders_inspected(scope: Scope) -> int:
    return _count(_inspected_orders(scope))


def orders_inspected_disputed(scope: Scope) -> int:
    disputes = Ticket.objects.filter(order=OuterRef("pk"), type=TicketType.PRICE_DISPUTE)
    return _count(_inspected_orders(scope).filter(Exists(disputes)))


def agent_errors(scope: Scope) -> int:
    return _count(
        AgentError.objects.filter(
            scope.window("at"), scope.people("agent"), scope.order_city("order__")
        )
    )


def agents_accountable(scope: Scope) -> int:
    """Agents who created an agent order or had an error recorded in the range."""
    creators = _orders_in_window(scope).filter(channel=OrderChannel.AGENT).values("created_by_id")
    erring = AgentError.objects.filter(
        scope.window("at"), scope.people("agent"), scope.order_city("order__")
    ).values("agent_id")
    return _count(User.objects.filter(Q(pk__in=creators) | Q(pk__in=erring)))


def _suggested_contacts(scope: Scope) -> QuerySet[ContactAttempt]:
    return agent_contacts(scope).exclude(suggested_disposition="")


def suggestions_made(scope: Scope) -> int:
    return _count(_suggested_contacts(scope))


def suggestions_agreed(scope: Scope) -> int:
    return _count(_suggested_contacts(scope).filter(suggested_disposition=F("disposition__key")))


# --- Telephony (issue 16): from the call records ----------------------------------------------
#
# Calls carry no city: under a city filter these measures are empty (the KPIs show "—").
# Per agent: the call's agent (for a lead's first call: who made it; for a callback: who
# called back). Durations are whole seconds per row, summed.


def _calls(scope: Scope) -> QuerySet[Call]:
    """Calls dialled (outbound) or rung in (inbound) in the range: ``Call.created_at``."""
    qs = Call.objects.filter(scope.window("created_at"), scope.people("agent"))
    return qs.none() if scope.city else qs


def _ended_calls(scope: Scope) -> QuerySet[Call]:
    return _calls(scope).filter(status__in=sorted(TERMINAL))


def _answered_calls(scope: Scope) -> QuerySet[Call]:
    return _ended_calls(scope).filter(status=CallStatus.COMPLETED, answered_at__isnull=False)


def calls_ended(scope: Scope) -> int:
    return _count(_ended_calls(scope))


def calls_answered(scope: Scope) -> int:
    return _count(_answered_calls(scope))


def talk_seconds(scope: Scope) -> int:
    return _answered_calls(scope).aggregate(s=Coalesce(Sum("talk_seconds"), 0))["s"]


def _agent_calls(scope: Scope) -> QuerySet[Call]:
    return _calls(scope).filter(agent__isnull=False)


def agent_calls(scope: Scope) -> int:
    return _count(_agent_calls(scope))


def agent_call_hours(scope: Scope) -> int:
    """Distinct (agent, IST clock hour) with at least one call the agent placed or took."""
    return (
        _agent_calls(scope)
        .order_by()
        .annotate(hour=TruncHour("created_at", tzinfo=IST))
        .values("agent_id", "hour")
        .distinct()
        .count()
    )


def _first_called_leads(scope: Scope) -> QuerySet[Lead]:
    """Leads created in the range that have an outbound call, with their first call's dial
    time and agent (per agent: leads whose first call that agent made)."""
    first = Call.objects.filter(
        context_kind=ContextKind.LEAD, context_id=OuterRef("pk"), direction=CallDirection.OUTBOUND
    ).order_by("created_at", "id")
    qs = (
        Lead.objects.filter(scope.window("created_at"))
        .annotate(
            first_call_at=Subquery(first.values("created_at")[:1]),
            first_call_agent=Subquery(first.values("agent_id")[:1]),
        )
        .filter(first_call_at__isnull=False)
    )
    if scope.agent_id is not None:
        qs = qs.filter(first_call_agent=scope.agent_id)
    if scope.team_id is not None:
        qs = qs.filter(first_call_agent__in=User.objects.filter(team_id=scope.team_id).values("pk"))
    return qs.none() if scope.city else qs


def new_leads_called(scope: Scope) -> int:
    return _count(_first_called_leads(scope))


def first_call_seconds(scope: Scope) -> int:
    rows = _first_called_leads(scope).values_list("created_at", "first_call_at")
    return sum(seconds_between(created, called) for created, called in rows)


def _callbacks_done(scope: Scope) -> QuerySet[MissedCallback]:
    """Missed inbound calls called back in the range (``done_at``), by who called back."""
    qs = MissedCallback.objects.filter(
        scope.window("done_at"), scope.people("done_call__agent"), call__ended_at__isnull=False
    )
    return qs.none() if scope.city else qs


def callbacks_done(scope: Scope) -> int:
    return _count(_callbacks_done(scope))


def callback_seconds(scope: Scope) -> int:
    rows = _callbacks_done(scope).values_list("call__ended_at", "done_at")
    return sum(seconds_between(ended, done) for ended, done in rows)


# --- The KPIs ---------------------------------------------------------------------------------

Measure = Callable[[Scope], int]


@dataclass(frozen=True)
class Kpi:
    """One KPI: ``value = numerator ÷ denominator`` (times 100 for a percent); a ``count`` KPI has
    no denominator and its value is the numerator."""

    key: str
    label: str
    kind: str  # "percent", "ratio", "seconds" (an average duration) or "count"
    numerator_label: str
    numerator: Measure
    denominator_label: str | None
    denominator: Measure | None
    formula: str  # shown on the page and in the API, word for word
    spec: str
    higher_is_better: bool = True
    target: float | None = None

    def compute(self, scope: Scope) -> KpiResult:
        """The reference: straight from the raw rows."""
        num = self.numerator(scope)
        den = self.denominator(scope) if self.denominator is not None else None
        return self.result(num, den)

    def from_measures(self, sums: dict[str, int]) -> KpiResult:
        """The same figure from roll-up sums (``kpis.rollup.measures``)."""
        num = value_of(self.numerator.__name__, sums)
        den = value_of(self.denominator.__name__, sums) if self.denominator is not None else None
        return self.result(num, den)

    def result(self, num: int, den: int | None) -> KpiResult:
        if self.kind == "count":
            value: float | None = float(num)
        elif not den:
            value = None  # nothing to divide by: shown as "—", never as 0 %
        elif self.kind == "percent":
            value = round(100 * num / den, 1)
        elif self.kind == "seconds":
            value = round(num / den, 1)
        else:
            value = round(num / den, 2)
        return KpiResult(self, num, den, value)


@dataclass(frozen=True)
class KpiResult:
    kpi: Kpi
    numerator: int
    denominator: int | None
    value: float | None

    @property
    def off_target(self) -> bool:
        """True when a KPI with a target misses it (contacts after Already Placed: above 0)."""
        if self.kpi.target is None or self.value is None:
            return False
        if self.kpi.higher_is_better:
            return self.value < self.kpi.target
        return self.value > self.kpi.target

    def as_dict(self) -> dict:
        return {
            "key": self.kpi.key,
            "label": self.kpi.label,
            "kind": self.kpi.kind,
            "numerator": self.numerator,
            "numerator_label": self.kpi.numerator_label,
            "denominator": self.denominator,
            "denominator_label": self.kpi.denominator_label,
            "value": self.value,
            "formula": self.kpi.formula,
            "spec": self.kpi.spec,
            "target": self.kpi.target,
            "off_target": self.off_target,
        }


KPIS: tuple[Kpi, ...] = (
    Kpi(
        "create_order_pct",
        "Create Order %",
        "percent",
        "connected leads worked with an agent order",
        connected_leads_ordered,
        "connected leads worked",
        connected_leads_worked,
        "Of the distinct leads with at least one connected contact logged by an agent in the "
        "range (per agent: by that agent), those an agent created an order from (any status) "
        "÷ those leads. The numerator is drawn from the denominator, so "
        "the figure never exceeds 100 %.",
        "SPEC §7; SOP will-place-order §8",
    ),
    Kpi(
        "accurate_create_order_pct",
        "Accurate Create Order %",
        "percent",
        "Create Order dispositions with a live order",
        create_order_dispositions_with_order,
        "Create Order dispositions",
        create_order_dispositions,
        "Create Order dispositions in the range whose order number names an order created from "
        "the same lead and not marked duplicate ÷ all Create Order dispositions in the range. "
        "100 % by construction (D7: only the system sets Create Order); kept as the proof.",
        "SPEC §7, D7",
        target=100.0,
    ),
    Kpi(
        "true_conversion_pct",
        "True Conversion %",
        "percent",
        "influenceable leads with a completed order",
        influenceable_leads_completed,
        "leads worked, excluding already ordered",
        influenceable_leads_worked,
        "Leads worked in the range (an agent logged a contact) whose order — created from the "
        "lead, or the customer's own order the lead was closed with — has reached 'completed' "
        "÷ leads worked in the range, excluding leads whose first connected contact was "
        "Already Placed an Order (the customer had ordered before the call). Orders marked "
        "duplicate never count.",
        "SPEC §7; SOP will-place-order §8",
    ),
    Kpi(
        "duplicate_order_rate",
        "Duplicate Order Rate",
        "percent",
        "orders marked duplicate + refused duplicate attempts",
        duplicate_orders,
        "order attempts (orders created + refused duplicate attempts)",
        order_attempts,
        "(Orders created in the range and marked duplicate of another (X4) + duplicate attempts "
        "refused in the range (X1)) ÷ (orders created in the range + refused attempts). Per "
        "agent: the creator of the order, the actor of the refused attempt.",
        "SPEC §7, X1, X4",
        higher_is_better=False,
    ),
    Kpi(
        "fair_conversion_pct",
        "Agent fairness: conversion over leads they could influence",
        "percent",
        "influenceable leads converted (order or assisted)",
        influenceable_leads_ordered,
        "influenceable leads worked",
        influenceable_leads_worked,
        "Leads the agent worked in the range, excluding leads already ordered before the first "
        "connected call, that have an order behind them (any status, not duplicate) or whose "
        "customer ordered in the app or on the web within 48 h after one of the agent's Will "
        "Place Order calls on the lead ÷ those influenceable leads.",
        "SPEC §7 agent fairness",
    ),
    Kpi(
        "assisted_conversion_pct",
        "Agent fairness: assisted conversions (48 h after Will Place Order)",
        "percent",
        "Will Place Order leads whose customer ordered within 48 h",
        wpo_leads_assisted,
        "leads with a Will Place Order call",
        wpo_leads,
        "Distinct leads with a Will Place Order call logged by the agent in the range where the "
        "customer placed their own order (app or web, not duplicate) within 48 h after that "
        "call ÷ distinct leads with a Will Place Order call in the range. The credit goes to "
        "the agent who made the call.",
        "SPEC §7 agent fairness",
    ),
    Kpi(
        "follow_up_compliance_pct",
        "Follow-up compliance",
        "percent",
        "Will Place Order episodes with at most one follow-up",
        wpo_episodes_compliant,
        "Will Place Order episodes",
        wpo_episodes,
        "Will Place Order episodes opened in the range (the episode's first Will Place Order "
        "contact, by its agent) with at most one outbound contact logged after it in the same "
        "episode ÷ all such episodes. A lead normally has one episode; a new customer request "
        "opens another (D3, D4).",
        "SPEC §7, D3, D4",
        target=100.0,
    ),
    Kpi(
        "contacts_after_already_ordered",
        "Contacts after Already Placed an Order",
        "count",
        "contacts logged after the lead was closed as already ordered",
        contacts_after_already_ordered,
        None,
        None,
        "Contacts an agent logged in the range on a lead after it was closed as Already Placed "
        "an Order. Target zero (D5 refuses them; refused attempts are on Lead oversight).",
        "SPEC §7, D5",
        higher_is_better=False,
        target=0.0,
    ),
    Kpi(
        "fcr_pct",
        "First Contact Resolution (FCR)",
        "percent",
        "tickets resolved on the first contact",
        tickets_resolved_first_contact,
        "tickets resolved",
        tickets_resolved,
        "Tickets resolved in the range (by the agent who resolved them) that were closed on the "
        "first contact, never reopened or escalated (C3, Ticket.fcr) ÷ tickets resolved in "
        "the range.",
        "SPEC §7, C3; study notes",
    ),
    Kpi(
        "csat_pct",
        "CSAT",
        "percent",
        "answers scoring 4 or 5",
        csat_satisfied,
        "CSAT answers",
        csat_answers,
        "CSAT answers received in the range scoring 4 or 5 ÷ all answers received in the range "
        "(1-5 scale). Per agent: who resolved the ticket; per team: that agent's team when the "
        "customer rated.",
        "SPEC §7, C3; study notes",
    ),
    Kpi(
        "pickup_feedback_pct",
        "Pickup feedback",
        "percent",
        "feedback answers scoring 4 or 5",
        feedback_satisfied,
        "feedback answers",
        feedback_answers,
        "Answers to the feedback request sent when an order completes (by reply code or link), "
        "received in the range, scoring 4 or 5 ÷ all such answers (1-5 scale). Per agent: who "
        "created the order (the customer's own orders count for the floor and the city).",
        "Issue 15 item 12; SOP 004 (feedback)",
    ),
    Kpi(
        "sla_breach_pct",
        "SLA breaches",
        "percent",
        "tickets that breached an SLA clock",
        tickets_breached,
        "tickets opened",
        tickets_opened,
        "Tickets opened in the range (per agent: the assignee) that have breached the first-"
        "response or the resolution clock so far ÷ tickets opened in the range.",
        "SPEC §7, C2",
        higher_is_better=False,
    ),
    Kpi(
        "pickup_failure_pct",
        "Pickup failure rate",
        "percent",
        "pickups failed",
        pickups_failed,
        "pickups ended (inspected or failed)",
        pickups_ended,
        "Transitions to 'pickup failed' in the range ÷ transitions to 'inspected' or 'pickup "
        "failed' in the range (every pickup visit ends in one of the two). Per agent: who "
        "created the order.",
        "SPEC §7, O1",
        higher_is_better=False,
    ),
    Kpi(
        "price_dispute_pct",
        "Price dispute rate",
        "percent",
        "inspected orders with a price-dispute ticket",
        orders_inspected_disputed,
        "orders inspected",
        orders_inspected,
        "Orders inspected in the range that have a price-dispute ticket ÷ orders inspected in "
        "the range. Per agent: who created the order (an over-promised price is an M8 error).",
        "SPEC §7, M9",
        higher_is_better=False,
    ),
    Kpi(
        "errors_per_agent",
        "Errors per agent (M8)",
        "ratio",
        "errors recorded against agents",
        agent_errors,
        "accountable agents",
        agents_accountable,
        "Errors recorded in the range against agents (wrong model, condition, pincode, missing "
        "address, no consent, over-promised price) ÷ agents who created an agent order or had "
        "an error recorded in the range.",
        "SPEC §7, M8",
        higher_is_better=False,
    ),
    Kpi(
        "suggestion_agreement_pct",
        "Disposition suggestion agreement (D2)",
        "percent",
        "contacts where the agent chose the suggested disposition",
        suggestions_agreed,
        "contacts with a suggestion",
        suggestions_made,
        "Contacts logged in the range with a stored suggestion (D2) whose final disposition "
        "equals it ÷ contacts with a stored suggestion.",
        "SPEC D2",
    ),
    Kpi(
        "answer_rate_pct",
        "Answer rate (telephony)",
        "percent",
        "calls answered",
        calls_answered,
        "calls ended",
        calls_ended,
        "Calls placed or rung in the range (the call's dial time; both directions) that ended "
        "answered — the provider reported a conversation (status completed, an answer time) ÷ "
        "calls placed or rung in the range that have ended (completed, busy, no answer, failed, "
        "canceled). Per agent: the call's agent; a missed inbound call nobody took counts for "
        "the floor only.",
        "Issue 16",
    ),
    Kpi(
        "talk_time_avg",
        "Average talk time (telephony)",
        "seconds",
        "seconds of conversation (provider's talk time)",
        talk_seconds,
        "calls answered",
        calls_answered,
        "Sum of the provider's talk time (ConversationDuration / CallDuration, whole seconds) "
        "of the calls answered in the range ÷ calls answered in the range.",
        "Issue 16",
    ),
    Kpi(
        "calls_per_agent_hour",
        "Calls per agent-hour (telephony)",
        "ratio",
        "calls placed or taken by agents",
        agent_calls,
        "agent-hours with a call",
        agent_call_hours,
        "Calls an agent placed or took in the range (any outcome) ÷ agent-hours: distinct "
        "(agent, IST clock hour) pairs in which the agent placed or took at least one call "
        "(staffed time is not recorded; an hour on the phone is the unit).",
        "Issue 16",
    ),
    Kpi(
        "first_call_time_avg",
        "Time to first call on a new lead (telephony)",
        "seconds",
        "seconds from lead creation to its first call",
        first_call_seconds,
        "new leads called",
        new_leads_called,
        "For leads created in the range that have an outbound call: the sum of (the first "
        "call's dial time - the lead's creation time), whole seconds ÷ those leads. Per agent: "
        "who made the first call. Leads never called are not in it (see the follow-up queue).",
        "Issue 16",
        higher_is_better=False,
    ),
    Kpi(
        "callback_time_avg",
        "Missed-call callback time (telephony)",
        "seconds",
        "seconds from the missed call's end to the callback",
        callback_seconds,
        "missed inbound calls called back",
        callbacks_done,
        "Missed inbound calls called back in the range (the callback dialled in the range): "
        "the sum of (callback dial time - the missed call's end), whole seconds ÷ those "
        "callbacks. Per agent: who called back.",
        "Issue 16",
        higher_is_better=False,
    ),
)

KPIS_BY_KEY: dict[str, Kpi] = {k.key: k for k in KPIS}

# The telephony KPIs (issue 16), also shown on the supervisor's wallboard for today.
TELEPHONY_KEYS: tuple[str, ...] = (
    "answer_rate_pct",
    "talk_time_avg",
    "calls_per_agent_hour",
    "first_call_time_avg",
    "callback_time_avg",
)

# The per-agent scorecard's columns (the supervisor's table).
SCORECARD_KEYS: tuple[str, ...] = (
    "create_order_pct",
    "true_conversion_pct",
    "fair_conversion_pct",
    "assisted_conversion_pct",
    "follow_up_compliance_pct",
    "contacts_after_already_ordered",
    "duplicate_order_rate",
    "errors_per_agent",
)


def compute_all(scope: Scope) -> list[KpiResult]:
    """Every KPI from the raw rows (the reference implementation)."""
    return [kpi.compute(scope) for kpi in KPIS]


def compute_all_rollup(scope: Scope, *, refresh: bool = True) -> list[KpiResult]:
    """Every KPI from the daily roll-ups (equal to ``compute_all``; docs/kpis.md)."""
    if refresh:
        rollup.refresh(wait=False)
    sums = rollup.measures(scope)
    return [kpi.from_measures(sums) for kpi in KPIS]
