"""A small hand-made world with known KPI answers (see ``world`` below for every row and why).

Rows are written directly (not through the actions): the KPIs read history, and history here
must sit on fixed past IST days. Times are IST; the range under test is D1-D2 = 10-11 Mar 2025.
"""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest

from orderdesk.core.timeutil import IST
from orderdesk.testing.factories import make_customer

D1 = dt.date(2025, 3, 10)
D2 = dt.date(2025, 3, 11)
_numbers = itertools.count(1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=IST)


def day(offset: int) -> dt.date:
    return D1 + dt.timedelta(days=offset)


@pytest.fixture
def world(cast, catalog):  # noqa: PLR0915 (the seeded KPI world, built in order)
    from orderdesk.accounts.models import Team
    from orderdesk.catalog.models import Quote
    from orderdesk.customers.models import Address
    from orderdesk.cx.models import CsatSurvey, Ticket
    from orderdesk.leads.models import ContactAttempt, Disposition, Lead
    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.orders.models import AgentError, DuplicateAttempt, Order, OrderEvent

    ensure_default_settings()
    sita, sameer, chitra = cast["sales"], cast["sales2"], cast["cx"]
    team_a = Team.objects.create(name="Team A")
    team_b = Team.objects.create(name="Team B")
    for user, team in ((sita, team_a), (chitra, team_a), (sameer, team_b)):
        user.team = team
        user.save(update_fields=["team"])
    app_user = cast["app"]
    disp = {d.key: d for d in Disposition.objects.all()}

    def customer(n):
        c = make_customer(name=f"Customer {n}", phone=f"+9198765000{n:02d}")
        a = Address.objects.create(
            customer=c, line1="1 Main Rd", landmark="Near park", city="Bengaluru", pincode="560034"
        )
        return c, a

    quote = Quote.objects.create(
        variant=catalog["v128"],
        answers={},
        pincode="560034",
        base_price=50000,
        estimated_price=45000,
        valid_until=at(D2, 23),
    )

    def lead(c, **extra):
        values = {"customer": c, "source": "app_quote", "quote": quote}
        values.update(extra)
        return Lead.objects.create(**values)

    def contact(lead_, agent, when, key, *, connected=True, direction="outbound", **extra):
        return ContactAttempt.objects.create(
            lead=lead_,
            agent=agent,
            channel="call",
            direction=direction,
            at=when,
            connected=connected,
            disposition=disp[key],
            notes="notes" if connected else "",
            **extra,
        )

    def order(c, addr, when, *, channel="app", created_by=None, status="created", **extra):
        values = {
            "number": f"ODTEST{next(_numbers):04d}",
            "customer": c,
            "channel": channel,
            "created_by": created_by,
            "status": status,
            "device_model": catalog["iphone"],
            "variant": catalog["v128"],
            "answers": {},
            "estimated_price": 45000,
            "address": addr,
            "payment_method": "upi",
            "upi_id": "someone@okaxis",
        }
        if channel == "agent":
            values.update(reason="customer_requested_help", consent_at=when)
        values.update(extra)
        o = Order.objects.create(**values)
        Order.objects.filter(pk=o.pk).update(created_at=when)
        o.refresh_from_db()
        return o

    def event(o, when, to_status):
        e = OrderEvent.objects.create(order=o, kind="transition", to_status=to_status)
        OrderEvent.objects.filter(pk=e.pk).update(at=when)

    c = {n: customer(n) for n in range(1, 9)}

    # L1 (Sita): Will Place Order at D1 10:00; the customer orders in the app (O1) 10 h later
    # (assisted, D8 closes the lead with O1's number). O1 is inspected and paid, not completed.
    l1 = lead(c[1][0], status="already_ordered", closed_for_sales=True)
    contact(
        l1,
        sita,
        at(D1, 10),
        "will_place_order",
        episode=1,
        suggested_disposition="will_place_order",
    )
    o1 = order(c[1][0], c[1][1], at(D1, 20), created_by=app_user, status="paid")
    Lead.objects.filter(pk=l1.pk).update(
        closed_reason="already_ordered", closed_at=at(D1, 20), order_number=o1.number
    )
    event(o1, at(D2, 10), "inspected")

    # L2 (Sita): Will Place Order at D1 11:00, then TWO outbound contacts in the same episode
    # (a connected follow-up and an unanswered one): not compliant. No order.
    l2 = lead(c[2][0], status="waiting_for_quote")
    contact(
        l2, sita, at(D1, 11), "will_place_order", episode=1, suggested_disposition="already_ordered"
    )
    contact(l2, sita, at(D2, 11), "waiting_for_quote", episode=1, is_follow_up=True)
    contact(l2, sita, at(D2, 12), "no_answer", connected=False, episode=1)

    # L3 (Sita): a connected call, then Sita creates agent order O3 from the lead (the system's
    # Create Order row). O3 is inspected on D1 and completed; two M8 errors are recorded on it.
    l3 = lead(c[3][0], status="order_created", closed_for_sales=True, closed_reason="order_created")
    contact(l3, sita, at(D1, 12), "waiting_for_quote")
    o3 = order(
        c[3][0],
        c[3][1],
        at(D1, 12, 5),
        channel="agent",
        created_by=sita,
        status="completed",
        source_lead=l3,
    )
    contact(
        l3, sita, at(D1, 12, 5), "create_order", recorded_by_system=True, order_number=o3.number
    )
    event(o3, at(D1, 15), "inspected")
    for kind, when in (("wrong_pincode", at(D1, 16)), ("no_consent", at(D2, 9))):
        e = AgentError.objects.create(
            agent=sita, order=o3, kind=kind, recorded_by=cast["supervisor"]
        )
        AgentError.objects.filter(pk=e.pk).update(at=when)

    # L4 (Sita): the first connected contact is Already Placed an Order (O4, ordered before the
    # range): not held against her. A later outbound contact on the closed lead (a sales call
    # that should not have happened): 1 contact after Already Placed an Order. Her customer's
    # own call (inbound) the same morning is answered and never counted (issue 15, item 1).
    o4 = order(c[4][0], c[4][1], at(day(-1), 23, 59), created_by=app_user)
    l4 = lead(
        c[4][0],
        status="already_ordered",
        closed_for_sales=True,
        closed_reason="already_ordered",
        closed_at=at(D1, 13),
        order_number=o4.number,
    )
    contact(
        l4,
        sita,
        at(D1, 13),
        "already_ordered",
        order_number=o4.number,
        order_found=True,
        suggested_disposition="already_ordered",
    )
    contact(l4, sita, at(D2, 9), "waiting_for_quote", direction="outbound")

    # L5 (Sameer): one unanswered call at 00:10 IST on D1 (18:40 UTC the day before): inside.
    l5 = lead(c[5][0], status="contacting")
    contact(l5, sameer, at(D1, 0, 10), "no_answer", connected=False)

    # L6 (Sameer): Will Place Order at D2 10:00 with one follow-up: compliant. The customer
    # orders on the web 50 h later: outside the 48 h window, no assisted credit.
    l6 = lead(c[6][0], status="will_place_order")
    contact(l6, sameer, at(D2, 10), "will_place_order", episode=1)
    contact(l6, sameer, at(D2, 18), "waiting_for_quote", episode=1, is_follow_up=True)
    order(c[6][0], c[6][1], at(D2, 10) + dt.timedelta(hours=50), channel="web")

    # L7 (Sameer): a connected call, then agent order O7 for customer 3, whose pickup address is
    # in Mumbai; ops marks O7 a duplicate of O3 (X4). Its pickup failed first.
    l7 = lead(c[3][0], status="order_created", closed_for_sales=True, closed_reason="order_created")
    contact(l7, sameer, at(D2, 14, 50), "waiting_for_quote")
    mumbai = Address.objects.create(
        customer=c[3][0], line1="2 Sea Rd", landmark="Near pier", city="Mumbai", pincode="400001"
    )
    o7 = order(
        c[3][0],
        mumbai,
        at(D2, 15),
        channel="agent",
        created_by=sameer,
        status="cancelled",
        source_lead=l7,
        duplicate_of=o3,
    )
    contact(l7, sameer, at(D2, 15), "create_order", recorded_by_system=True, order_number=o7.number)
    event(o7, at(D2, 16), "pickup_failed")
    old_error = AgentError.objects.create(
        agent=sameer, order=o7, kind="wrong_model", recorded_by=cast["supervisor"]
    )
    AgentError.objects.filter(pk=old_error.pk).update(at=at(day(-5), 10))  # before the range

    # L8 (Sameer): a connected call at 23:50 IST the day before D1: outside the range.
    l8 = lead(c[8][0], status="contacting")
    contact(l8, sameer, at(day(-1), 23, 50), "waiting_for_quote")

    # Two refused duplicate attempts (X1) in the range: Sita's on O3, the app's on O3.
    for actor, when, channel in ((sita, at(D1, 16), "agent"), (app_user, at(D2, 8), "app")):
        d = DuplicateAttempt.objects.create(
            customer=c[3][0],
            device_model=catalog["iphone"],
            existing_order=o3,
            channel=channel,
            actor=actor,
        )
        DuplicateAttempt.objects.filter(pk=d.pk).update(at=when)

    # Tickets (Chitra). T1 resolved D1, FCR, CSAT 5. T2 (price dispute on O1) resolved D2 after
    # a reopen: no FCR, CSAT 2, resolution clock breached. T3 resolved D2, FCR, CSAT 4.
    # T4 opened and resolved (FCR, CSAT 1) before the range. T5 open, first response breached.
    def ticket(
        n, opened, *, type_="inquiry", resolved=None, fcr=None, score=None, answered=None, **extra
    ):
        t = Ticket.objects.create(
            type=type_,
            customer=c[n][0],
            assignee=chitra,
            status="resolved" if resolved else "open",
            resolved_at=resolved,
            resolved_by=chitra if resolved else None,
            fcr=fcr,
            **extra,
        )
        Ticket.objects.filter(pk=t.pk).update(created_at=opened)
        if resolved:
            CsatSurvey.objects.create(
                ticket=t,
                nonce=f"nonce{t.pk}",
                reply_code=f"R{t.pk:05d}",
                sent_at=resolved,
                expires_at=resolved + dt.timedelta(days=14),
                score=score,
                answered_at=answered,
                agent=chitra,
                team=team_a,
            )
        return t

    ticket(1, at(D1, 9), resolved=at(D1, 10), fcr=True, score=5, answered=at(D1, 11))
    ticket(
        2,
        at(D2, 11),
        type_="price_dispute",
        order=o1,
        resolved=at(D2, 17),
        fcr=False,
        score=2,
        answered=at(D2, 18),
        resolution_breached_at=at(D2, 15),
    )
    ticket(3, at(D2, 12), resolved=at(D2, 13), fcr=True, score=4, answered=at(D2, 14))
    ticket(4, at(day(-3), 9), resolved=at(day(-3), 10), fcr=True, score=1, answered=at(day(-3), 11))
    ticket(5, at(D2, 19), first_response_breached_at=at(D2, 20))
    # A survey sent in the range but never answered (T6): not an answer.
    ticket(6, at(D1, 8), resolved=at(D1, 9), fcr=True)

    calls = _telephony(sita, sameer, c, lead)

    return SimpleNamespace(
        calls=calls,
        sita=sita,
        sameer=sameer,
        chitra=chitra,
        team_a=team_a,
        team_b=team_b,
        o1=o1,
        o3=o3,
        o7=o7,
        leads=[l1, l2, l3, l4, l5, l6, l7, l8],
    )


def _telephony(sita, sameer, c, lead):
    """Calls for the telephony KPIs (issue 16). Leads L9 (created D1 09:00) and L10 (D2 08:00)
    have no contacts, so no other KPI sees them. Sita: C1 (L9's first call, D1 09:10, answered,
    120 s), C2 (L9, D1 09:40, no answer: same agent-hour), C3 (D1 14:05, answered, 300 s),
    C4 (inbound D2 10:00, answered, 60 s), C5 (D2 11:30, busy: the callback of M1). Sameer:
    C6 (L10's first call, D2 09:00, answered, 200 s), C7 (the day before D1 at 23:55 IST,
    answered: outside), C8 (D2 18:00, still ringing). M1: inbound D2 11:00, nobody answered,
    ended 11:00:30, called back by C5 at 11:30:00 (1,770 s)."""
    from orderdesk.leads.models import Lead
    from orderdesk.telephony.models import Call, MissedCallback

    l9, l10 = lead(c[1][0]), lead(c[2][0])
    Lead.objects.filter(pk=l9.pk).update(created_at=at(D1, 9))
    Lead.objects.filter(pk=l10.pk).update(created_at=at(D2, 8))
    sec = dt.timedelta(seconds=1)

    def call(agent, when, status, *, talk=None, direction="outbound", lead_=None, n=3):
        answered = when + 20 * sec if status == "completed" else None
        ended = None
        if status in ("completed", "busy", "no_answer"):
            ended = (answered + talk * sec) if answered else when + 30 * sec
        phone = c[n][0].phone
        return Call.objects.create(
            provider="simulator",
            direction=direction,
            from_number=phone if direction == "inbound" else "+918000000001",
            to_number="+918000000000" if direction == "inbound" else phone,
            agent=agent,
            customer=c[n][0],
            context_kind="lead" if lead_ else "",
            context_id=lead_.pk if lead_ else None,
            status=status,
            created_at=when,
            answered_at=answered,
            ended_at=ended,
            talk_seconds=talk,
        )

    c1 = call(sita, at(D1, 9, 10), "completed", talk=120, lead_=l9)
    c2 = call(sita, at(D1, 9, 40), "no_answer", lead_=l9)
    c3 = call(sita, at(D1, 14, 5), "completed", talk=300)
    c4 = call(sita, at(D2, 10), "completed", talk=60, direction="inbound")
    c5 = call(sita, at(D2, 11, 30), "busy", n=4)
    c6 = call(sameer, at(D2, 9), "completed", talk=200, lead_=l10)
    c7 = call(sameer, at(day(-1), 23, 55), "completed", talk=30)
    c8 = call(sameer, at(D2, 18), "ringing")
    m1 = call(None, at(D2, 11), "no_answer", direction="inbound", n=4)
    MissedCallback.objects.create(
        call=m1, customer=c[4][0], due_at=at(D2, 11, 30), done_at=at(D2, 11, 30), done_call=c5
    )
    return SimpleNamespace(
        c1=c1, c2=c2, c3=c3, c4=c4, c5=c5, c6=c6, c7=c7, c8=c8, m1=m1, l9=l9, l10=l10
    )
