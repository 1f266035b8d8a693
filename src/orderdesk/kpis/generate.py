"""A seeded, randomised KPI world of any size, written with bulk inserts (COPY on PostgreSQL).

Used by the roll-up = raw tests (a few thousand contacts), ``orderdesk kpis_rollup --generate``
and ``bench/kpi_dashboard.py`` (1,000,000 / 5,000,000 contacts). Same ``seed`` and sizes, same
data. It covers every case a KPI distinguishes: several agents per lead and team, leads
closed as Already Placed an Order (first call or later, contacts after closure), system Create
Order rows with live and duplicate orders, customers' own orders within and after 48 h of a
Will Place Order call, episodes with 0-3 later contacts, unserved and missing pincodes, IST
day edges, pickups inspected and failed, price disputes, tickets resolved / reopened /
breached, CSAT answered or not, agent errors, refused duplicates.

Rows are written directly (no actions, no audit events): this is a load generator, not a
journey; call ``kpis.rollup.rebuild()`` afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.utils import timezone

from orderdesk.accounts.choices import Role
from orderdesk.accounts.models import Team, User
from orderdesk.catalog.models import (
    Brand,
    City,
    DeviceModel,
    DeviceType,
    Quote,
    ServedPincode,
    Variant,
)
from orderdesk.core.timeutil import IST
from orderdesk.customers.models import Address, Customer
from orderdesk.cx.models import CsatSurvey, Ticket
from orderdesk.leads.models import ContactAttempt, Disposition, Lead
from orderdesk.orders.models import (
    AgentError,
    DuplicateAttempt,
    Order,
    OrderEvent,
    OrderItem,
    PickupFeedback,
)
from orderdesk.telephony.models import Call, MissedCallback

CHUNK = 20000
OUTCOMES = [  # (disposition, connected, weight)
    ("will_place_order", True, 20),
    ("already_ordered", True, 8),
    ("waiting_for_quote", True, 12),
    ("not_interested", True, 8),
    ("no_answer", False, 25),
    ("busy", False, 10),
    ("switched_off", False, 7),
]


@dataclass
class Sizes:
    contacts: int
    days: int = 365
    end: dt.date = dt.date(2026, 11, 30)
    seed: int = 8
    stats: dict = field(default_factory=dict)


class _Writer:
    """Collects rows per model (dicts of field name -> value) and writes them in chunks."""

    def __init__(self):
        self.rows: dict[type, list[dict]] = {}
        self.next_id: dict[type, int] = {}

    def new_id(self, model) -> int:
        if model not in self.next_id:
            top = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            self.next_id[model] = top + 1
        value = self.next_id[model]
        self.next_id[model] += 1
        return value

    def add(self, model, **values) -> int:
        values.setdefault("id", self.new_id(model))
        self.rows.setdefault(model, []).append(values)
        if len(self.rows[model]) >= CHUNK:
            self.flush(model)
        return values["id"]

    def flush(self, model=None) -> None:
        for m in [model] if model else list(self.rows):
            rows = self.rows.pop(m, [])
            if rows:
                insert_rows(m, rows)

    def finish(self, order: list) -> None:
        for m in order:
            self.flush(m)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for m in order:
                    table = m._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (model table)
                        f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
                    )


def insert_rows(model: type[models.Model], rows: list[dict]) -> None:
    """Insert ``rows`` as given (timestamps included: no auto_now), every other column its
    default. COPY on PostgreSQL, executemany elsewhere."""
    # a missing primary key is left to the database's sequence
    fields = [
        f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])
    ]
    now = timezone.now()
    columns = [f.column for f in fields]
    values = []
    for row in rows:
        out = []
        for f in fields:
            key = f.attname if f.attname in row else f.name
            if key in row:
                value = row[key]
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            else:
                value = f.get_default()
            if isinstance(f, models.JSONField):
                value = json.dumps(value)
            elif connection.vendor != "postgresql":
                value = f.get_db_prep_save(value, connection)
            out.append(value)
        values.append(out)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for out in values:
                    copy.write_row(out)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608 (model)
                values,
            )


def _reference_data():
    city_a, _ = City.objects.get_or_create(name="Genpur", defaults={"state": "Karnataka"})
    city_b, _ = City.objects.get_or_create(name="Kpiabad", defaults={"state": "Telangana"})
    pins = []
    for i, city in enumerate([city_a, city_a, city_b, city_b]):
        pin = f"59{i:04d}"
        ServedPincode.objects.get_or_create(pincode=pin, defaults={"city": city})
        pins.append((pin, city.name))
    pins.append(("599999", "Nowhere"))  # quoted, but not served: the lead has no city
    variant = Variant.objects.select_related("model").first()
    if variant is None:
        dtype, _ = DeviceType.objects.get_or_create(
            key="phone", defaults={"name": "Phone", "floor_price": 500}
        )
        brand, _ = Brand.objects.get_or_create(name="Genbrand")
        model = DeviceModel.objects.create(brand=brand, device_type=dtype, name="Gen 1")
        variant = Variant.objects.create(model=model, name="64 GB", base_price=20000)
    return pins, variant


@transaction.atomic
def generate(sizes: Sizes, *, progress=None) -> dict:  # noqa: C901, PLR0915 (the generator writes every table of the KPI world in one pass)
    """Write a world with about ``sizes.contacts`` contact attempts over ``sizes.days`` IST days
    ending ``sizes.end``. Returns counts."""
    rng = random.Random(sizes.seed)
    pins, variant = _reference_data()
    disp = dict(Disposition.objects.values_list("key", "pk"))
    w = _Writer()

    run = f"{sizes.seed}-{w.new_id(User)}"
    teams = [Team.objects.create(name=f"Gen team {run}-{i}") for i in range(4)]
    sales = [
        User.objects.create(username=f"gen-{run}-s{i}", role=Role.SALES, team=teams[i % 4])
        for i in range(24)
    ]
    sales.append(User.objects.create(username=f"gen-{run}-noteam", role=Role.SALES))
    cx = [
        User.objects.create(username=f"gen-{run}-c{i}", role=Role.CX, team=teams[i % 2])
        for i in range(6)
    ]
    supervisor = User.objects.create(username=f"gen-{run}-sup", role=Role.SUPERVISOR)
    quotes = [
        Quote.objects.create(
            variant=variant,
            answers={},
            pincode=pin,
            base_price=20000,
            estimated_price=18000,
            valid_until=timezone.now(),
        ).pk
        for pin, _ in pins
    ] + [None]
    first_day = sizes.end - dt.timedelta(days=sizes.days - 1)
    start = dt.datetime.combine(first_day, dt.time.min, tzinfo=IST)
    span = sizes.days * 86400

    counts = dict.fromkeys(("customers", "leads", "contacts", "orders", "tickets", "calls"), 0)
    call_rng = random.Random(sizes.seed + 1)  # calls drawn apart: the other rows stay as before

    def call(agent_id, customer, when, *, direction="outbound", connected=False, lead=None):
        """One ended call (issue 16's telephony KPIs): answered with a talk time, or not."""
        answered = talk = None
        if connected:
            answered = when + dt.timedelta(seconds=15)
            talk = call_rng.randrange(20, 900)
            status, ended = "completed", answered + dt.timedelta(seconds=talk)
        else:
            status = call_rng.choice(["busy", "no_answer", "no_answer", "failed"])
            ended = when + dt.timedelta(seconds=30)
        counts["calls"] += 1
        return w.add(
            Call,
            provider="simulator",
            direction=direction,
            from_number="+918000000001",
            to_number="+918000000002",
            agent_id=agent_id,
            customer_id=customer,
            context_kind="lead" if lead and direction == "outbound" else "",
            context_id=lead if direction == "outbound" else None,
            status=status,
            created_at=when,
            answered_at=answered,
            ended_at=ended,
            talk_seconds=talk,
        ), ended

    order_no = w.new_id(Order)
    item_rng = random.Random(sizes.seed + 2)  # issue 15: items drawn apart, the rest as before

    def order(customer, address, when, *, channel, agent, lead=None, status=None):
        nonlocal order_no
        order_no += 1
        status = status or rng.choice(
            ["created", "inspected", "paid", "completed", "completed", "cancelled", "pickup_failed"]
        )
        number = f"G{order_no:011d}"
        oid = w.add(
            Order,
            number=number,
            customer_id=customer,
            channel=channel,
            created_by_id=agent,
            source_lead_id=lead,
            status=status,
            device_model_id=variant.model_id,
            variant_id=variant.pk,
            answers={},
            estimated_price=18000 * (lines := 1 + (item_rng.random() < 0.2)),
            address_id=address,
            payment_method="upi",
            upi_id="gen@okaxis",
            guard_key=f"g{order_no}",
            reason="customer_requested_help" if channel == "agent" else "",
            consent_at=when if channel == "agent" else None,
            created_at=when,
            updated_at=when,
        )
        counts["orders"] += 1
        for position in range(1, lines + 1):  # issue 15: a fifth of the pickups carry two devices
            w.add(
                OrderItem,
                order_id=oid,
                position=position,
                customer_id=customer,
                device_model_id=variant.model_id,
                variant_id=variant.pk,
                quantity=1,
                answers={},
                unit_price=18000,
                estimated_price=18000,
                outcome="pending",
                guard_key=f"g{order_no}" if position == 1 else f"g{order_no}/{position}",
                is_open=status not in ("cancelled", "pickup_failed", "completed"),
            )
        if status in ("inspected", "paid", "completed") or status == "pickup_failed":
            visit = when + dt.timedelta(hours=rng.randint(12, 120))
            if status == "pickup_failed" or rng.random() < 0.1:
                w.add(
                    OrderEvent, order_id=oid, kind="transition", to_status="pickup_failed", at=visit
                )
                visit += dt.timedelta(days=1)
            if status != "pickup_failed":
                w.add(OrderEvent, order_id=oid, kind="transition", to_status="inspected", at=visit)
            if status == "completed" and item_rng.random() < 0.6:  # issue 15 item 12
                sent = visit + dt.timedelta(hours=6)
                answered = item_rng.random() < 0.7
                w.add(
                    PickupFeedback,
                    order_id=oid,
                    nonce=f"genfb{oid}",
                    reply_code=f"F{oid % 10_000_000:07d}",
                    sent_at=sent,
                    expires_at=sent + dt.timedelta(days=14),
                    score=item_rng.randint(1, 5) if answered else None,
                    answered_at=sent + dt.timedelta(hours=item_rng.randint(1, 48))
                    if answered
                    else None,
                    answered_via="reply" if answered else "",
                )
        if rng.random() < 0.25:
            ticket(customer, oid, when + dt.timedelta(hours=rng.randint(1, 200)))
        if channel == "agent" and rng.random() < 0.06:
            w.add(
                AgentError,
                agent_id=agent,
                order_id=oid,
                kind=rng.choice(list(AgentError.Kind.values)),
                recorded_by_id=supervisor.pk,
                at=when + dt.timedelta(days=rng.randint(1, 20)),
            )
        if rng.random() < 0.03:
            w.add(
                DuplicateAttempt,
                customer_id=customer,
                device_model_id=variant.model_id,
                existing_order_id=oid,
                channel=channel,
                actor_id=agent if agent and rng.random() < 0.7 else None,
                at=when + dt.timedelta(hours=rng.randint(1, 72)),
            )
        return oid, number

    def ticket(customer, oid, opened):
        agent = rng.choice(cx)
        resolved = rng.random() < 0.7
        resolved_at = opened + dt.timedelta(hours=rng.randint(1, 96)) if resolved else None
        tid = w.add(
            Ticket,
            type=rng.choice(
                ["inquiry", "complaint", "price_dispute", "pickup_issue", "payment_issue"]
            ),
            customer_id=customer,
            order_id=oid if rng.random() < 0.9 else None,
            assignee_id=agent.pk if rng.random() < 0.9 else None,
            status="resolved" if resolved else "open",
            resolved_at=resolved_at,
            resolved_by_id=agent.pk if resolved else None,
            fcr=(rng.random() < 0.7) if resolved else None,
            first_response_breached_at=opened + dt.timedelta(hours=2)
            if rng.random() < 0.1
            else None,
            resolution_breached_at=opened + dt.timedelta(days=2) if rng.random() < 0.1 else None,
            created_at=opened,
            updated_at=opened,
        )
        counts["tickets"] += 1
        if resolved and rng.random() < 0.6:
            answered = rng.random() < 0.7
            w.add(
                CsatSurvey,
                ticket_id=tid,
                nonce=f"gen{tid}",
                reply_code=f"G{tid:07d}",
                sent_at=resolved_at,
                expires_at=resolved_at + dt.timedelta(days=14),
                score=rng.randint(1, 5) if answered else None,
                answered_at=resolved_at + dt.timedelta(hours=rng.randint(1, 48))
                if answered
                else None,
                agent_id=agent.pk,
                team_id=agent.team_id if rng.random() < 0.8 else teams[3].pk,
            )

    weights = [o[2] for o in OUTCOMES]
    phone_base = 6000000000 + sizes.seed * 10_000_000 + w.new_id(Customer)
    customer = address = None
    while counts["contacts"] < sizes.contacts:
        if customer is None or rng.random() < 0.9:  # 1 in 10 customers has a second lead
            customer = w.add(
                Customer, name="Gen customer", phone=f"+91{phone_base + counts['customers']}"
            )
            pin, city = rng.choice(pins)
            address = w.add(
                Address,
                customer_id=customer,
                line1="1 Gen Rd",
                landmark="Near gate",
                city=rng.choice([city, city.upper(), "Elsewhere"]),
                pincode=pin,
            )
            counts["customers"] += 1
        owner = rng.choice(sales)
        lead = w.new_id(Lead)
        counts["leads"] += 1
        t = start + dt.timedelta(seconds=rng.randrange(span))
        n_contacts = rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 8])
        closed_at = None
        lead_order_number = ""
        rows = []
        episode = 1
        for _ in range(n_contacts):
            agent = owner if rng.random() < 0.8 else rng.choice(sales)
            key, connected, _ = rng.choices(OUTCOMES, weights)[0]
            if closed_at is None and key == "already_ordered":
                closed_at = t
            suggested = ""
            if connected and rng.random() < 0.4:
                suggested = key if rng.random() < 0.7 else "waiting_for_quote"
            rows.append(
                {
                    "lead_id": lead,
                    "agent_id": agent.pk,
                    "channel": "call",
                    "direction": "inbound" if rng.random() < 0.1 else "outbound",
                    "at": t,
                    "connected": connected,
                    "disposition_id": disp[key],
                    "notes": "n" if connected else "",
                    "suggested_disposition": suggested,
                    "episode": episode,
                }
            )
            if key == "will_place_order" and rng.random() < 0.3:
                own_at = t + dt.timedelta(hours=rng.choice([1, 10, 30, 47, 49, 60]))
                _, number = order(
                    customer, address, own_at, channel=rng.choice(["app", "web"]), agent=None
                )
                if rng.random() < 0.7:
                    lead_order_number = number
            if rng.random() < 0.05:
                episode += 1
            t += dt.timedelta(minutes=rng.choice([5, 90, 600, 1500, 3000, 5000]))
        if rng.random() < 0.15:  # the agent creates the order (D7: the system's own row)
            agent = rows[-1]["agent_id"]
            when = t
            _, number = order(customer, address, when, channel="agent", agent=agent, lead=lead)
            rows.append(
                {
                    "lead_id": lead,
                    "agent_id": agent,
                    "channel": "call",
                    "direction": "outbound",
                    "at": when,
                    "connected": True,
                    "disposition_id": disp["create_order"],
                    "recorded_by_system": True,
                    "order_number": number,
                    "episode": episode,
                }
            )
        status = (
            "already_ordered"
            if closed_at
            else rng.choice(["new", "contacting", "will_place_order"])
        )
        w.add(
            Lead,
            id=lead,
            customer_id=customer,
            source="app_quote",
            quote_id=rng.choice(quotes),
            owner_id=owner.pk,
            status=status,
            closed_for_sales=bool(closed_at),
            closed_reason="already_ordered" if closed_at else "",
            closed_at=closed_at,
            order_number=lead_order_number,
            episode=episode,
            created_at=rows[0]["at"],
            updated_at=t,
        )
        for row in rows:
            w.add(ContactAttempt, **row)
            if not row.get("recorded_by_system") and call_rng.random() < 0.6:
                dialled = row["at"] + dt.timedelta(seconds=call_rng.randrange(0, 900))
                call(
                    row["agent_id"],
                    customer,
                    dialled,
                    direction=row["direction"],
                    connected=row["connected"],
                    lead=lead,
                )
        if call_rng.random() < 0.08:  # a missed inbound call; most are called back
            rung = rows[0]["at"] + dt.timedelta(seconds=call_rng.randrange(3600))
            missed, ended = call(None, customer, rung, direction="inbound")
            done_at = done_call = None
            if call_rng.random() < 0.7:
                done_at = ended + dt.timedelta(seconds=call_rng.randrange(60, 20000))
                done_call, _ = call(owner.pk, customer, done_at, connected=call_rng.random() < 0.5)
            w.add(
                MissedCallback,
                call_id=missed,
                customer_id=customer,
                due_at=ended + dt.timedelta(minutes=30),
                done_at=done_at,
                done_call_id=done_call,
            )
        counts["contacts"] += len(rows)
        if progress and counts["leads"] % 20000 == 0:
            progress(counts["contacts"], sizes.contacts)
    w.finish(
        [
            Customer,
            Address,
            Lead,
            Order,
            OrderItem,
            ContactAttempt,
            OrderEvent,
            Ticket,
            CsatSurvey,
            PickupFeedback,
            AgentError,
            DuplicateAttempt,
            Call,
            MissedCallback,
        ]
    )
    # Duplicates: about 1 in 50 agent orders is marked duplicate of another order.
    agent_orders = list(
        Order.objects.filter(channel="agent", number__startswith="G").values_list("pk", flat=True)
    )
    dupes = rng.sample(agent_orders, k=len(agent_orders) // 50) if len(agent_orders) > 1 else []
    for pk in dupes:
        other = rng.choice(agent_orders)
        if other != pk:
            Order.objects.filter(pk=pk).update(duplicate_of_id=other)
    counts["duplicates"] = len(dupes)
    return counts
