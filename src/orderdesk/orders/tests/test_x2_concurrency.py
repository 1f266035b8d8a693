"""X2: the app, the web and any number of agents submitting the same order at the
same instant produce exactly one order — kept by the database, proven with real threads."""

import os
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from orderdesk.catalog.models import PickupSlot
from orderdesk.orders.models import Order

JSON = "application/json"


def race(tokens, bodies_and_keys):
    """Fire every request at the same instant from its own thread; return (status, json) pairs."""
    barrier = threading.Barrier(len(bodies_and_keys))
    results = [None] * len(bodies_and_keys)

    def fire(i, token, body, key):
        from django.db import connection as thread_connection

        headers = {"Authorization": f"Bearer {token}"}
        if key:
            headers["Idempotency-Key"] = key
        client = Client(headers=headers)
        try:
            barrier.wait()
            response = client.post("/api/v1/orders", body, content_type=JSON)
            results[i] = (response.status_code, response.json())
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=fire, args=(i, tokens[i % len(tokens)], body, key))
        for i, (body, key) in enumerate(bodies_and_keys)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def run_rounds(cast, catalog, api_token, api_order_body, agent_fields, *, threads, rounds):
    tokens = {role: api_token(cast[role]) for role in ("app", "sales", "sales2", "cx")}
    PickupSlot.objects.filter(pk=catalog["morning"].pk).update(capacity=10_000)
    for round_no in range(rounds):
        phone = f"98{round_no:08d}"
        shared_key = f"round-{round_no}"
        plan, plan_tokens = [], []
        for i in range(threads):
            role = ("app", "sales", "sales2", "cx")[i % 4]
            fields = {} if role == "app" else agent_fields
            body = api_order_body(customer={"name": "Asha Rao", "phone": phone}, **fields)
            # half the app requests share one key (a retrying phone), the rest have their own or none
            key = (
                shared_key
                if (role == "app" and i % 8 == 0)
                else (str(uuid.uuid4()) if i % 3 == 0 else None)
            )
            plan.append((body, key))
            plan_tokens.append(tokens[role])
        results = race(plan_tokens, plan)
        created = {r[1]["number"] for r in results if r[0] == 201}
        statuses = {r[0] for r in results}
        assert len(created) == 1, f"round {round_no}: {len(created)} orders created: {results[:3]}"
        assert statuses <= {201, 403, 409}, (
            f"round {round_no}: unexpected statuses {statuses}: {[r for r in results if r[0] not in (201, 409)][:2]}"
        )
        for i, (status, body) in enumerate(results):
            app = i % 4 == 0
            if status == 409 and app:
                # the app never proved this phone: it is not told the order (issue 21, 10)
                assert body["code"] == "duplicate_open_order" and "number" not in body
            elif status == 409:
                assert body["code"] == "duplicate_open_order" and body["number"] in created
            elif status == 403:
                # the app came after the customer existed: their phone must be proved first
                assert app and body["code"] == "phone_verification_required", body
        assert Order.objects.filter(customer__phone=f"+91{phone}").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_x2_fifty_simultaneous_submissions_make_one_order_postgres(
    cast, catalog, api_token, api_order_body, agent_fields
):
    if connection.vendor != "postgresql":
        pytest.skip("the 50-thread race runs on PostgreSQL; SQLite has its own test below")
    rounds = int(os.environ.get("ORDERDESK_X2_ROUNDS", "100"))
    run_rounds(cast, catalog, api_token, api_order_body, agent_fields, threads=50, rounds=rounds)


@pytest.mark.django_db(transaction=True)
def test_x2_simultaneous_submissions_make_one_order_sqlite(
    cast, catalog, api_token, api_order_body, agent_fields
):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite variant")
    run_rounds(cast, catalog, api_token, api_order_body, agent_fields, threads=8, rounds=10)
