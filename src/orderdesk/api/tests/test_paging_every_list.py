"""Issue 20: every paged list, walked as every role the access matrix lets read it.

For each paged ``GET`` and each role in its row of ``accounts/access_matrix.py``, the test
follows ``Link: rel="next"`` from the first page to the last (small pages, so every walk
crosses several) and checks that no item comes twice, that the items are exactly what a
direct query of the database says that role may see, in the list's documented order, and
that ``X-Total-Count`` on every page is that number. Every other role gets the refusal it
gets today (401 signed out, 403 signed in), cursor or not, with no paging headers.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from orderdesk.accounts import access_matrix as matrix
from orderdesk.accounts.choices import Role
from orderdesk.api.paging import encode_cursor
from orderdesk.catalog.models import DeviceModel
from orderdesk.cx.actions import open_ticket
from orderdesk.cx.choices import ACTIVE_STATUSES, PRIORITY_RANK, TicketStatus
from orderdesk.cx.models import Ticket
from orderdesk.leads.choices import FollowUpStatus
from orderdesk.leads.models import FollowUp, Lead
from orderdesk.leads.seeding import ensure_default_settings
from orderdesk.messaging.models import Message
from orderdesk.orders.actions import create_order
from orderdesk.orders.models import Order
from orderdesk.testing.factories import agent_order_request, make_customer, make_user

pytestmark = pytest.mark.django_db

LIMIT = 2
FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


# --- the world -------------------------------------------------------------------------------


@pytest.fixture
def world(cast, catalog, api_token):
    ensure_default_settings()
    now = timezone.now()
    # Three active models (the catalog's two and one more), so the catalog crosses pages too.
    model = DeviceModel.objects.filter(active=True).first()
    DeviceModel.objects.create(brand=model.brand, device_type=model.device_type, name="Zeta 1")
    # Orders: seven by sales; three "created by" the app, three the vendor's pickups.
    catalog["morning"].__class__.objects.filter(pk=catalog["morning"].pk).update(capacity=50)
    orders = [
        create_order(
            agent_order_request(catalog, customer_phone=f"98765 4321{i}"),
            actor=cast["sales"],
            channel="agent",
        )
        for i in range(7)
    ]
    Order.objects.filter(pk__in=[orders[i].pk for i in (0, 3, 5)]).update(created_by=cast["app"])
    vendor = cast["vendor"].vendor
    Order.objects.filter(pk__in=[orders[i].pk for i in (1, 4, 6)]).update(vendor=vendor)

    # Messages about one order: seven, three of them at the same instant (ties on time).
    number = orders[2].number
    kind_source = Message.objects.first()
    assert kind_source is not None, "placing an order sends a confirmation"
    for i in range(7):
        Message.objects.create(
            customer=orders[2].customer,
            kind=kind_source.kind,
            order_number=number,
            channel=kind_source.channel,
            language=kind_source.language,
            recipient=kind_source.recipient,
            body=f"Message {i}",
            next_attempt_at=now,
        )
    messages = Message.objects.filter(order_number=number).order_by("pk")
    for i, message in enumerate(messages):
        stamp = now - dt.timedelta(minutes=10) if i % 3 == 0 else now - dt.timedelta(minutes=i)
        Message.objects.filter(pk=message.pk).update(created_at=stamp)

    # Tickets: sixteen, spread over the queues, with equal and empty deadlines.
    customer = make_customer(name="Ticket Holder", phone="+919812345678")
    tickets = [
        open_ticket(type="complaint", customer=customer, created_by=cast["cx"], now=now)
        for _ in range(16)
    ]
    soon, later = now - dt.timedelta(minutes=30), now + dt.timedelta(days=1)
    for i, t in enumerate(tickets):
        changes = {
            "priority": ["urgent", "high", "normal", "low"][i % 4],
            "sla_next_due_at": [soon, soon, later, None][i % 4],
        }
        if i < 6:
            changes["assignee"] = cast["cx"]
        elif i < 8:
            changes["assignee"] = cast["supervisor"]
        elif i < 11:
            changes.update(status=TicketStatus.ESCALATED, escalated_to=cast["supervisor"])
            changes["escalated_at"] = soon if i < 10 else None
        elif i < 14:
            changes.update(
                status=TicketStatus.RESOLVED,
                resolved_by=cast["cx"],
                resolved_at=soon,
                follow_up_due_at=soon,
                sla_next_due_at=None,
            )
        Ticket.objects.filter(pk=t.pk).update(**changes)

    # Follow-ups: Sita's due ones (ties on due time, broken by lead priority, then id), one
    # not yet due, Sameer's, and missed ones for the supervisor.
    for i in range(9):
        owner = cast["sales2"] if i == 7 else cast["sales"]
        lead = Lead.objects.create(
            customer=make_customer(name=f"Lead {i}", phone=f"+91987000000{i}"),
            source="website",
            owner=owner,
            priority=i % 3,
        )
        due = now + dt.timedelta(days=1) if i == 6 else now - dt.timedelta(minutes=5 * (i % 2))
        FollowUp.objects.create(
            lead=lead,
            episode=1,
            due_at=due,
            status=FollowUpStatus.MISSED if i >= 8 or i % 4 == 3 else FollowUpStatus.PENDING,
            assigned_to=owner,
            permission_given=True,
            permission_recorded_at=now,
        )
    return {"order_with_messages": number}


@pytest.fixture
def clients(cast, api, api_token):
    """A client per role of the matrix; ``outsider`` holds a token its account outlived."""
    outsider = make_user(Role.SALES, "olga-paging")
    token = api_token(outsider)
    outsider.is_active = False
    outsider.save(update_fields=["is_active"])
    made = {role: api(cast[role]) for role in (*matrix.STAFF, *matrix.CLIENTS)}
    made["anonymous"] = api()
    made["outsider"] = Client(headers={"Authorization": f"Bearer {token}"})
    return made


# --- what each role may see, asked of the database directly -----------------------------------


def _rank(t: Ticket) -> int:
    return PRIORITY_RANK[t.priority]


def _due(value):
    return value or FAR


def expected_tickets(queue: str, user) -> list[int]:
    now = timezone.now()
    rows = Ticket.objects.all()
    if queue == "mine":
        rows = rows.filter(assignee=user, status__in=ACTIVE_STATUSES)
        key = lambda t: (_due(t.sla_next_due_at), _rank(t), t.created_at, t.pk)  # noqa: E731
    elif queue == "unassigned":
        rows = rows.filter(assignee__isnull=True, status__in=ACTIVE_STATUSES)
        key = lambda t: (_rank(t), _due(t.sla_next_due_at), t.created_at, t.pk)  # noqa: E731
    elif queue == "breaching":
        rows = rows.filter(sla_next_due_at__lte=now + dt.timedelta(hours=1))
        key = lambda t: (t.sla_next_due_at, t.pk)  # noqa: E731
    elif queue == "follow_ups":
        rows = rows.filter(
            status=TicketStatus.RESOLVED,
            follow_up_due_at__lte=now,
            follow_up_done_at__isnull=True,
            resolved_by=user,
        )
        key = lambda t: (t.follow_up_due_at, t.pk)  # noqa: E731
    else:
        rows = rows.filter(status=TicketStatus.ESCALATED)
        key = lambda t: (_due(t.escalated_at), t.pk)  # noqa: E731
    return [t.pk for t in sorted(rows, key=key)]


def expected_orders(user) -> list[str]:
    rows = Order.objects.filter(status="created")
    if user.role == Role.APP:
        rows = rows.filter(created_by=user)
    elif user.role == Role.VENDOR:
        rows = rows.filter(vendor_id=user.vendor_id)
    return list(rows.order_by("-pk").values_list("number", flat=True))


def expected_due(user) -> list[int]:
    rows = FollowUp.objects.filter(
        assigned_to=user, status=FollowUpStatus.PENDING, due_at__lte=timezone.now()
    ).select_related("lead")
    return [f.pk for f in sorted(rows, key=lambda f: (f.due_at, -f.lead.priority, f.pk))]


def expected_missed() -> list[int]:
    rows = FollowUp.objects.filter(status=FollowUpStatus.MISSED)
    return [f.pk for f in sorted(rows, key=lambda f: (f.due_at, f.pk), reverse=True)]


def expected_messages(number: str) -> list[int]:
    rows = Message.objects.filter(order_number=number)
    return [m.pk for m in sorted(rows, key=lambda m: (m.created_at, m.pk))]


def expected_models() -> list[int]:
    rows = DeviceModel.objects.filter(active=True).order_by("brand__name", "name", "pk")
    return list(rows.values_list("pk", flat=True))


# --- the lists -------------------------------------------------------------------------------

QUEUES = ("mine", "unassigned", "breaching", "follow_ups", "escalated")


def lists(world) -> list[tuple[str, str, dict, str, object]]:
    """(matrix row, URL, query, the item's identity field, expected(user) -> identities)."""
    number = world["order_with_messages"]
    rows = [
        ("/api/v1/catalog/models", "/api/v1/catalog/models", {}, "id", lambda u: expected_models()),
        ("/api/v1/orders", "/api/v1/orders", {"status": "created"}, "number", expected_orders),
        ("/api/v1/followups/due", "/api/v1/followups/due", {}, "id", expected_due),
        (
            "/api/v1/followups/missed",
            "/api/v1/followups/missed",
            {},
            "id",
            lambda u: expected_missed(),
        ),
        (
            "/api/v1/orders/{number}/messages",
            f"/api/v1/orders/{number}/messages",
            {},
            "id",
            lambda u: expected_messages(number),
        ),
    ]
    for queue in QUEUES:
        rows.append(
            (
                "/api/v1/tickets",
                "/api/v1/tickets",
                {"queue": queue},
                "id",
                lambda u, q=queue: expected_tickets(q, u),
            )
        )
    return rows


def next_url(response) -> str | None:
    link = response.headers.get("Link")
    if link is None:
        return None
    target, rel = link.split(";", 1)
    assert rel.strip() == 'rel="next"'
    url = urlsplit(target.strip().strip("<>"))
    return f"{url.path}?{url.query}"


def walk(client, url: str, query: dict, field: str):
    items, totals, pages = [], set(), 0
    response = client.get(url, {**query, "limit": LIMIT})
    while True:
        assert response.status_code == 200, response.content
        pages += 1
        body = response.json()
        assert isinstance(body, list) and len(body) <= LIMIT
        items += [item[field] for item in body]
        totals.add(response.headers["X-Total-Count"])
        following = next_url(response)
        if following is None:
            return items, totals, pages
        assert len(body) == LIMIT  # only a full page says there is more
        response = client.get(following)


def test_every_paged_list_is_walked_whole_by_every_role_that_may_read_it(world, cast, clients):
    walked = 0
    for row, url, query, field, expected in lists(world):
        allowed = matrix.API[f"GET {row}"].allowed
        for role in allowed:
            if row == "/api/v1/orders" and role == "app":
                continue  # one proved phone's orders (issue 21, 10): the next test
            user = cast.get(role) if role not in matrix.SIGNED_OUT else None
            items, totals, pages = walk(clients[role], url, query, field)
            label = f"{row} {query} as {role}"
            assert len(items) == len(set(items)), f"{label}: an item came twice"
            assert items == expected(user), f"{label}: not what the database holds, in order"
            assert totals == {str(len(items))}, f"{label}: X-Total-Count {totals}"
            walked += pages > 1
    assert walked >= 25  # most walks cross pages: the test proves something


def test_own_21_10_the_app_walks_only_the_orders_of_a_phone_it_proved(world, cast, clients):
    from orderdesk.customers import phone_codes
    from orderdesk.customers.models import PhoneVerification
    from orderdesk.flows.phone_codes import request_phone_code

    order = Order.objects.filter(created_by=cast["app"]).select_related("customer").first()
    proof = request_phone_code(name="x", phone=order.customer.phone, door="app")
    salt = phone_codes.new_salt()
    PhoneVerification.objects.filter(pk=proof.pk).update(
        salt=salt, code_hash=phone_codes.code_digest("246810", salt)
    )
    query = {"phone": order.customer.phone, "verification_id": proof.pk, "limit": LIMIT}
    response = clients["app"].get("/api/v1/orders", query, headers={"Phone-Code": "246810"})
    assert response.status_code == 200, response.content
    assert [o["number"] for o in response.json()] == [order.number]
    assert response.json()[0]["customer_name"] is None
    assert clients["app"].get("/api/v1/orders", {"status": "created"}).status_code == 422


def test_a_role_that_may_not_read_a_list_gets_todays_refusal_cursor_or_not(world, clients):
    for row, url, query, _field, _expected in lists(world):
        allowed = matrix.API[f"GET {row}"].allowed
        for role in set(matrix.ROLES) - set(allowed):
            expected_status = 401 if role in matrix.SIGNED_OUT else 403
            for extra in ({}, {"limit": LIMIT, "cursor": encode_cursor([1])}):
                response = clients[role].get(url, {**query, **extra})
                label = f"{row} {query} as {role} with {extra}"
                assert response.status_code == expected_status, label
                assert response["Content-Type"].startswith("application/problem+json"), label
                assert "Link" not in response.headers and "X-Total-Count" not in response.headers


@pytest.mark.parametrize(
    "url,query",
    [
        ("/api/v1/tickets", {"queue": "mine"}),
        ("/api/v1/followups/due", {}),
        ("/api/v1/followups/missed", {}),
        ("/api/v1/orders/{number}/messages", {}),
    ],
)
@pytest.mark.parametrize(
    "cursor", ["nonsense", encode_cursor([1]), encode_cursor(["2026-01-01T00:00:00", 1])]
)
def test_a_cursor_the_list_did_not_give_out_is_refused_naming_the_field(
    world, cast, clients, url, query, cursor
):
    role = {"/api/v1/tickets": "cx", "/api/v1/followups/missed": "supervisor"}.get(url, "sales")
    url = url.replace("{number}", world["order_with_messages"])
    response = clients[role].get(url, {**query, "cursor": cursor})
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("cursor", "cursor_invalid")
    ]


def test_a_ticket_whose_deadline_moves_mid_walk_is_seen_where_it_then_sorts(world, cast, clients):
    """The documented rule (docs/spec.md, Paging): the cursor is the last ticket's
    (deadline, …, id); the walk never repeats or skips a ticket whose key stays put, and a
    ticket that moves is met where it sorts when the walk gets there."""
    client, now = clients["cx"], timezone.now()
    before = expected_tickets("breaching", cast["cx"])
    first = client.get("/api/v1/tickets", {"queue": "breaching", "limit": LIMIT})
    seen = [t["id"] for t in first.json()]
    assert seen == before[:LIMIT]
    moved_back, moved_ahead = before[-1], seen[0]
    Ticket.objects.filter(pk=moved_back).update(sla_next_due_at=now - dt.timedelta(days=2))
    Ticket.objects.filter(pk=moved_ahead).update(sla_next_due_at=now + dt.timedelta(minutes=40))
    customer = make_customer(name="Late Caller", phone="+919812340000")
    early, late = (
        open_ticket(type="complaint", customer=customer, created_by=cast["cx"], now=now)
        for _ in range(2)
    )
    Ticket.objects.filter(pk=early.pk).update(sla_next_due_at=now - dt.timedelta(days=3))
    Ticket.objects.filter(pk=late.pk).update(sla_next_due_at=now + dt.timedelta(minutes=50))

    rest, _, _ = walk_from(client, next_url(first))
    unmoved = [pk for pk in before[LIMIT:] if pk != moved_back]
    assert rest == [*unmoved, moved_ahead, late.pk]
    assert moved_back not in rest and early.pk not in rest  # behind the cursor: not this walk
    assert len(rest) == len(set(rest))


def walk_from(client, url: str):
    items, totals, pages = [], set(), 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        items += [t["id"] for t in response.json()]
        totals.add(response.headers["X-Total-Count"])
        pages += 1
        url = next_url(response)
    return items, totals, pages
