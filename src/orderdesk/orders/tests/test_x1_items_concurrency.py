"""X1 per item under real threads (issue 15 item 4): simultaneous orders that share one
device model, each under a different first device, make exactly one open order holding
that model. The order-level index sees only first items, so this proves the item index."""

import pytest
from django.db import connection

from orderdesk.catalog.models import Brand, DeviceModel, PickupSlot, Variant
from orderdesk.orders.models import Order, OrderItem
from orderdesk.orders.tests.test_x2_concurrency import race

FLAWLESS = {"screen": "flawless", "body": "good"}
# Sales agents race here: the customer app is not told another order's number or item
# (issue 21, 10), and the refusal's item is what this test reads.
AGENT_FIELDS = {
    "reason": "customer_requested_help",
    "consent": {"confirmed": True, "statement": "Yes, please place the order"},
    "price_confirmed": True,
}


def run_item_rounds(cast, catalog, api_token, api_order_body, *, threads, rounds):
    PickupSlot.objects.filter(pk=catalog["morning"].pk).update(capacity=10_000)
    brand = Brand.objects.create(name="Racer")
    firsts = [
        Variant.objects.create(
            model=DeviceModel.objects.create(
                brand=brand, device_type=catalog["phone"], name=f"Model {i}"
            ),
            name="64 GB",
            base_price=10000,
        )
        for i in range(threads)
    ]
    token = api_token(cast["sales"])
    for round_no in range(rounds):
        phone = f"96{round_no:08d}"
        plan = []
        for i in range(threads):
            body = api_order_body(
                customer={"name": "Asha Rao", "phone": phone},
                variant_id=None,
                answers={},
                items=[
                    {"variant_id": firsts[i].pk, "answers": FLAWLESS},
                    {"variant_id": catalog["v128"].pk, "answers": FLAWLESS},
                ],
                **AGENT_FIELDS,
            )
            plan.append((body, None))
        results = race([token], plan)
        created = {r[1]["number"] for r in results if r[0] == 201}
        assert len(created) == 1, f"round {round_no}: {len(created)} orders: {results[:3]}"
        assert {r[0] for r in results} <= {201, 409}, results[:3]
        for status, body in results:
            if status == 409:
                assert body["code"] == "duplicate_open_order" and body["number"] in created
                assert body["errors"][0]["field"] == "items[1].variant_id"
        customer = f"+91{phone}"
        assert Order.objects.filter(customer__phone=customer).count() == 1
        assert (
            OrderItem.objects.filter(
                customer__phone=customer, device_model=catalog["iphone"], is_open=True
            ).count()
            == 1
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_x1_per_item_simultaneous_orders_sharing_a_model_make_one_postgres(
    cast, catalog, api_token, api_order_body
):
    if connection.vendor != "postgresql":
        pytest.skip("the threaded race runs on PostgreSQL; SQLite has its own test below")
    run_item_rounds(cast, catalog, api_token, api_order_body, threads=20, rounds=10)


@pytest.mark.django_db(transaction=True)
def test_x1_per_item_simultaneous_orders_sharing_a_model_make_one_sqlite(
    cast, catalog, api_token, api_order_body
):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite variant")
    run_item_rounds(cast, catalog, api_token, api_order_body, threads=4, rounds=3)
