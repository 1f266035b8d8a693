"""Issue 17, P1: the statements one ``POST /api/v1/orders`` sends are counted, not timed.

An app order for a new customer (the benchmark's order): 62 statements before issue 17's
lean pass (5 audit INSERTs, 7 savepoint pairs, the order's lines read back 4 times), 36
after, in a test (where the request's transaction is itself a savepoint of the test's).
A change that adds a statement to this path must raise the bound here on purpose.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderdesk.core.models import AuditEvent
from orderdesk.messaging.models import Message
from orderdesk.orders.models import Order

JSON = "application/json"
MAX_STATEMENTS = 36


def _post(client, body, key):
    return client.post("/api/v1/orders", body, content_type=JSON, headers={"Idempotency-Key": key})


def test_p1_an_app_order_is_at_most_36_statements_with_one_audit_insert(
    api, cast, catalog, api_order_body
):
    client = api(cast["app"])
    warm = api_order_body(customer={"name": "Warm Up", "phone": "98765 43000"})
    assert _post(client, warm, "warm-1").status_code == 201  # caches filled, as on a server
    events_before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        response = _post(client, api_order_body(), "p1-1")
    assert response.status_code == 201, response.json()
    statements = [q["sql"] for q in ctx.captured_queries]
    listing = "\n".join(f"{n:3d} {sql[:160]}" for n, sql in enumerate(statements, 1))
    assert len(statements) <= MAX_STATEMENTS, listing

    audit_inserts = [s for s in statements if s.startswith('INSERT INTO "core_auditevent"')]
    assert len(audit_inserts) == 1, listing  # one multi-row INSERT for all the order's events
    order = Order.objects.get(number=response.json()["number"])
    events = list(AuditEvent.objects.filter(pk__gt=0).order_by("id"))[events_before:]
    assert [e.action for e in events] == [
        "customer.create",
        "address.create",
        "slot.book",
        "order.create",
        "message.enqueue",
    ]  # an event per write, in the order they were made
    assert events[3].object_id == str(order.pk)
    assert "43210" in events[0].object_repr or "Asha" in events[0].object_repr
    assert "98765 43210" not in str(events[0].after) and "+919876543210" not in str(
        events[0].after
    )  # S2: masked as before
    # No read-back of what the request just wrote; the slot is written with the order.
    assert not any(s.startswith('UPDATE "orders_order"') for s in statements), listing
    assert not any('FROM "orders_orderitem"' in s for s in statements), listing
    # N1: the confirmation is in the outbox, written in the order's transaction.
    assert Message.objects.filter(order=order, kind="order_confirmation").exists()
    assert response.json()["items"][0]["device"] and response.json()["slot"]["id"]
