"""Issue 15 item 4: several devices in one pickup.

An order has items (variant, quantity, answers, server estimate, inspection outcome); the
order's estimate is their sum; X1 holds per item; two identical phones are one line with a
quantity; at inspection one device can be accepted and another returned.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction

from orderdesk.catalog.models import Brand, DeviceModel, PickupSlot, Variant
from orderdesk.core.errors import Conflict, DomainError, ValidationFailed
from orderdesk.messaging.models import Message
from orderdesk.orders import lifecycle
from orderdesk.orders.actions import (
    ItemRequest,
    confirmation_context,
    create_order,
    grant_duplicate_override,
)
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import DuplicateAttempt, DuplicateOverride, Order, OrderItem
from orderdesk.orders.selectors import open_order_for_device
from orderdesk.orders.tests.test_lifecycle_support import drive, new_order  # noqa: F401

S = OrderStatus
JSON = "application/json"
SCRATCHED = {"screen": "scratched", "body": "good"}  # 128 GB: ₹45,000
FLAWLESS = {"screen": "flawless", "body": "good"}


@pytest.fixture
def galaxy(catalog):
    """A second phone model, served at the catalog's pincode (₹30,000 base)."""
    samsung = Brand.objects.create(name="Samsung")
    model = DeviceModel.objects.create(
        brand=samsung, device_type=catalog["phone"], name="Galaxy S23", release_year=2023
    )
    return Variant.objects.create(model=model, name="8/128 GB", base_price=30000)


@pytest.fixture(autouse=True)
def roomy_slots(catalog):
    PickupSlot.objects.filter(pk=catalog["morning"].pk).update(capacity=100)


def two_phones(catalog, galaxy, **changes):
    return [
        ItemRequest(variant_id=catalog["v128"].pk, answers=SCRATCHED, **changes),
        ItemRequest(variant_id=galaxy.pk, answers=FLAWLESS),
    ]


def test_order_estimate_is_the_sum_of_its_items(cast, catalog, galaxy, order_request):
    order = create_order(
        order_request(items=two_phones(catalog, galaxy, quantity=2)),
        actor=cast["sales"],
        channel="agent",
    )
    items = list(order.items.order_by("position"))
    assert [(i.position, i.variant_id, i.quantity) for i in items] == [
        (1, catalog["v128"].pk, 2),
        (2, galaxy.pk, 1),
    ]
    assert [(i.unit_price, i.estimated_price) for i in items] == [(45000, 90000), (30000, 30000)]
    assert order.estimated_price == 120000 == sum(i.estimated_price for i in items)
    # what the confirmation is given names every device (item 10 words the message itself)
    device = confirmation_context(order)["device"]
    assert device == "2 x Apple iPhone 15 128 GB, Samsung Galaxy S23 8/128 GB"


def test_a_request_without_items_is_one_item(cast, catalog, order_request):
    order = create_order(order_request(), actor=cast["sales"], channel="agent")
    (item,) = order.items.all()
    assert (item.variant_id, item.quantity, item.answers, item.estimated_price) == (
        catalog["v128"].pk,
        1,
        SCRATCHED,
        order.estimated_price,
    )


def test_x1_per_item_a_model_on_another_open_order_refuses_the_whole_order(
    cast, catalog, galaxy, order_request
):
    first = create_order(order_request(), actor=cast["sales"], channel="agent")
    before = (Order.objects.count(), OrderItem.objects.count(), Message.objects.count())
    with pytest.raises(Conflict) as refused:
        create_order(
            order_request(
                items=[
                    ItemRequest(variant_id=galaxy.pk, answers=FLAWLESS),
                    ItemRequest(variant_id=catalog["v256"].pk, answers=FLAWLESS),
                ]
            ),
            actor=cast["sales2"],
            channel="agent",
        )
    error = refused.value
    assert error.code == "duplicate_open_order" and error.extra["number"] == first.number
    assert error.field == "items[1].variant_id" and error.extra["item"] == 1
    assert (Order.objects.count(), OrderItem.objects.count(), Message.objects.count()) == before
    attempt = DuplicateAttempt.objects.get()  # X4: recorded against the model that clashed
    assert attempt.device_model_id == catalog["iphone"].pk and attempt.existing_order == first


def test_x1_per_item_a_second_item_model_blocks_a_later_order_of_that_model(
    cast, catalog, galaxy, order_request
):
    create_order(
        order_request(items=two_phones(catalog, galaxy)), actor=cast["sales"], channel="agent"
    )
    with pytest.raises(Conflict) as refused:
        create_order(
            order_request(variant_id=galaxy.pk, answers=FLAWLESS),
            actor=cast["sales"],
            channel="agent",
        )
    assert refused.value.code == "duplicate_open_order"


def test_x1_two_identical_phones_in_one_pickup_by_quantity_or_two_lines(
    cast, catalog, order_request
):
    by_quantity = create_order(
        order_request(
            items=[ItemRequest(variant_id=catalog["v128"].pk, answers=SCRATCHED, quantity=2)]
        ),
        actor=cast["sales"],
        channel="agent",
    )
    assert by_quantity.items.get().quantity == 2 and by_quantity.estimated_price == 90000
    lifecycle.transition(by_quantity, S.CANCELLED, actor=cast["ops"], reason="customer_request")
    two_lines = create_order(
        order_request(
            items=[
                ItemRequest(variant_id=catalog["v128"].pk, answers=SCRATCHED),
                ItemRequest(variant_id=catalog["v256"].pk, answers=FLAWLESS),
            ]
        ),
        actor=cast["sales"],
        channel="agent",
    )
    assert two_lines.items.count() == 2 and two_lines.estimated_price == 45000 + 56000


def test_x1_closing_the_order_frees_every_item(cast, catalog, galaxy, order_request):
    first = create_order(
        order_request(items=two_phones(catalog, galaxy)), actor=cast["sales"], channel="agent"
    )
    lifecycle.transition(first, S.CANCELLED, actor=cast["ops"], reason="customer_request")
    assert not OrderItem.objects.filter(order=first, is_open=True).exists()
    again = create_order(
        order_request(variant_id=galaxy.pk, answers=FLAWLESS), actor=cast["sales"], channel="agent"
    )
    assert again.pk != first.pk


@pytest.mark.parametrize("quantity", [0, 6, True])
def test_item_quantity_is_bounded_and_named(cast, catalog, galaxy, order_request, quantity):
    with pytest.raises(ValidationFailed) as refused:
        create_order(
            order_request(
                items=[
                    ItemRequest(variant_id=galaxy.pk, answers=FLAWLESS),
                    ItemRequest(
                        variant_id=catalog["v128"].pk, answers=SCRATCHED, quantity=quantity
                    ),
                ]
            ),
            actor=cast["sales"],
            channel="agent",
        )
    assert (refused.value.code, refused.value.field) == ("quantity_invalid", "items[1].quantity")
    assert Order.objects.count() == 0 and OrderItem.objects.count() == 0


def test_an_items_problem_names_the_item(cast, catalog, galaxy, order_request):
    with pytest.raises(DomainError) as refused:
        create_order(
            order_request(
                items=[ItemRequest(variant_id=galaxy.pk, answers=FLAWLESS), ItemRequest()]
            ),
            actor=cast["sales"],
            channel="agent",
        )
    assert refused.value.field == "items[1].variant_id"
    assert Order.objects.count() == 0


def test_every_items_device_type_must_be_served_at_the_pincode(cast, catalog, order_request):
    with pytest.raises(ValidationFailed) as refused:
        create_order(
            order_request(
                items=[
                    ItemRequest(variant_id=catalog["v128"].pk, answers=SCRATCHED),
                    ItemRequest(variant_id=catalog["mac_variant"].pk, answers={"powers_on": "yes"}),
                ]
            ),
            actor=cast["sales"],
            channel="agent",
        )
    assert any(e.field == "pickup.pincode" for e in refused.value.errors)
    assert Order.objects.count() == 0


# --- O4 at inspection: partial acceptance ---------------------------------------------


def _out_for_pickup(cast, catalog, galaxy, order_request, **changes):
    order = create_order(
        order_request(items=two_phones(catalog, galaxy, **changes)),
        actor=cast["sales"],
        channel="agent",
    )
    for to in (S.VENDOR_ASSIGNED, S.PICKUP_SCHEDULED, S.OUT_FOR_PICKUP):
        order = lifecycle.transition(order, to, actor=cast["ops"])
    return order


def test_o4_partial_acceptance_one_item_accepted_one_returned(cast, catalog, galaxy, order_request):
    order = _out_for_pickup(cast, catalog, galaxy, order_request)
    order = lifecycle.transition(
        order,
        S.INSPECTED,
        actor=cast["ops"],
        notes="iPhone fine; Galaxy has a cracked back, customer keeps it",
        final_price=45000,
        items=[
            {"position": 1, "outcome": "accepted", "final_price": 45000},
            {"position": 2, "outcome": "returned"},
        ],
    )
    first, second = order.items.order_by("position")
    assert (first.outcome, first.final_price, first.accepted_quantity) == ("accepted", 45000, 1)
    assert (second.outcome, second.final_price, second.accepted_quantity) == ("returned", 0, 0)
    assert order.final_price == 45000
    # returning a device is not a price change: the accepted one is at its estimate
    assert not lifecycle.awaits_price_acceptance(order)
    paid = lifecycle.transition(order, S.PAID, actor=cast["ops"], reference="UTR99887766")
    assert paid.status == S.PAID and paid.final_price == 45000
    inspected = paid.events.get(to_status=S.INSPECTED)
    assert [d["outcome"] for d in inspected.data["devices"]] == ["accepted", "returned"]


def test_o4_part_of_a_quantity_can_be_returned(cast, catalog, galaxy, order_request):
    order = _out_for_pickup(cast, catalog, galaxy, order_request, quantity=2)
    order = lifecycle.transition(
        order,
        S.INSPECTED,
        actor=cast["ops"],
        notes="one of the two iPhones is not the customer's to sell",
        final_price=45000 + 30000,
        items=[
            {"position": 1, "outcome": "accepted", "final_price": 45000, "accepted_quantity": 1},
            {"position": 2, "outcome": "accepted", "final_price": 30000},
        ],
    )
    first = order.items.get(position=1)
    assert (first.outcome, first.accepted_quantity) == ("partly_accepted", 1)
    assert not lifecycle.awaits_price_acceptance(order)  # each at its estimate


def test_o4_multi_device_inspection_needs_every_items_outcome(cast, catalog, galaxy, order_request):
    order = _out_for_pickup(cast, catalog, galaxy, order_request)
    for items, code in (
        (None, "items_required"),
        ([{"position": 1, "outcome": "accepted", "final_price": 45000}], "items_required"),
        ([{"position": 1, "outcome": "returned"}, {"position": 2, "outcome": "returned"}],
         "all_items_returned"),
        ([{"position": 1, "outcome": "sold"}, {"position": 2, "outcome": "returned"}],
         "outcome_invalid"),
    ):  # fmt: skip
        with pytest.raises(ValidationFailed) as refused:
            lifecycle.transition(
                order, S.INSPECTED, actor=cast["ops"], notes="checked", final_price=45000,
                **({"items": items} if items is not None else {}),
            )  # fmt: skip
        assert refused.value.code == code
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.transition(
            order,
            S.INSPECTED,
            actor=cast["ops"],
            notes="checked",
            final_price=1,
            items=[
                {"position": 1, "outcome": "accepted", "final_price": 45000},
                {"position": 2, "outcome": "returned"},
            ],
        )
    assert refused.value.code == "final_price_mismatch"
    assert Order.objects.get(pk=order.pk).status == S.OUT_FOR_PICKUP
    assert not order.items.exclude(outcome="pending").exists()


def test_o4_the_price_band_applies_per_item(cast, catalog, galaxy, order_request):
    """₹5,000 for a ₹45,000 phone is far outside its band, even though the order's total
    (₹5,000 + ₹60,000 against ₹75,000) would look plausible."""
    order = _out_for_pickup(cast, catalog, galaxy, order_request)
    inputs = {
        "notes": "checked",
        "final_price": 65000,
        "items": [
            {"position": 1, "outcome": "accepted", "final_price": 5000},
            {"position": 2, "outcome": "accepted", "final_price": 60000},
        ],
    }
    with pytest.raises(Conflict) as refused:
        lifecycle.transition(order, S.INSPECTED, actor=cast["ops"], **inputs)
    assert (refused.value.code, refused.value.field) == (
        "price_outside_band",
        "items[0].final_price",
    )
    assert Order.objects.get(pk=order.pk).status == S.OUT_FOR_PICKUP
    done = lifecycle.transition(
        order, S.INSPECTED, actor=cast["ops"], price_band_reason="water damage inside", **inputs
    )
    assert done.final_price == 65000 and lifecycle.awaits_price_acceptance(done)


def test_a_single_device_order_is_inspected_as_before(cast, new_order):  # noqa: F811
    order = drive(new_order(), S.INSPECTED, actor=cast["ops"])
    item = order.items.get()
    assert (item.outcome, item.final_price) == ("accepted", order.final_price)


# --- the data migration ---------------------------------------------------------------


def test_existing_orders_become_one_item_each(cast, catalog, new_order):  # noqa: F811
    order = drive(new_order(), S.INSPECTED, actor=cast["ops"])
    OrderItem.objects.all().delete()  # as before migration 0004
    migration = importlib.import_module(
        "orderdesk.orders.migrations.0004_order_items_and_x1_per_item"
    )
    migration.one_item_per_order(django_apps, None)
    item = OrderItem.objects.get()
    assert (item.order_id, item.variant_id, item.answers, item.estimated_price) == (
        order.pk,
        order.variant_id,
        order.answers,
        order.estimated_price,
    )
    assert (item.outcome, item.final_price, item.is_open, item.guard_key) == (
        "accepted",
        order.final_price,
        True,
        order.guard_key,
    )


# --- the API ----------------------------------------------------------------------------


def test_api_order_with_items_and_without(api, cast, catalog, galaxy, api_order_body):
    client = api(cast["app"])
    body = api_order_body(
        variant_id=None,
        answers={},
        items=[
            {"variant_id": catalog["v128"].pk, "answers": SCRATCHED, "quantity": 2},
            {"variant_id": galaxy.pk, "answers": FLAWLESS},
        ],
    )
    created = client.post("/api/v1/orders", body, content_type=JSON)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["estimated_price"] == 120000
    assert [(i["position"], i["quantity"], i["estimated_price"]) for i in data["items"]] == [
        (1, 2, 90000),
        (2, 1, 30000),
    ]
    single = client.post(
        "/api/v1/orders",
        api_order_body(customer={"name": "Ravi", "phone": "9123400000"}),
        content_type=JSON,
    )
    assert single.status_code == 201, single.content
    assert [(i["position"], i["quantity"]) for i in single.json()["items"]] == [(1, 1)]
    assert single.json()["device"] == "Apple iPhone 15 128 GB"


def test_api_x1_per_item_names_the_item(api, cast, catalog, galaxy, api_order_body, agent_fields):
    # a sales agent: the customer app is not told another order's item (issue 21, 10)
    client = api(cast["sales"])
    first = api_order_body(**agent_fields)
    assert client.post("/api/v1/orders", first, content_type=JSON).status_code == 201
    body = api_order_body(
        variant_id=None,
        answers={},
        items=[
            {"variant_id": galaxy.pk, "answers": FLAWLESS},
            {"variant_id": catalog["v256"].pk, "answers": FLAWLESS},
        ],
        **agent_fields,
    )
    refused = client.post("/api/v1/orders", body, content_type=JSON)
    assert refused.status_code == 409
    assert refused.json()["code"] == "duplicate_open_order"
    assert refused.json()["errors"][0]["field"] == "items[1].variant_id"
    assert Order.objects.count() == 1


def test_api_inspection_records_each_items_outcome(api, cast, catalog, galaxy, order_request):
    order = _out_for_pickup(cast, catalog, galaxy, order_request)
    client = api(cast["ops"])
    url = f"/api/v1/orders/{order.number}/transitions"
    refused = client.post(
        url, {"to": "inspected", "notes": "checked", "final_price": 45000}, content_type=JSON
    )
    assert refused.status_code == 422 and refused.json()["code"] == "items_required"
    moved = client.post(
        url,
        {
            "to": "inspected",
            "notes": "Galaxy returned",
            "final_price": 45000,
            "items": [
                {"position": 1, "outcome": "accepted", "final_price": 45000},
                {"position": 2, "outcome": "returned"},
            ],
        },
        content_type=JSON,
    )
    assert moved.status_code == 200, moved.content
    assert [i["outcome"] for i in moved.json()["items"]] == ["accepted", "returned"]
    assert moved.json()["final_price"] == 45000


def test_openapi_documents_items(api):
    schema = api().get("/api/v1/openapi.json").json()
    order_in = schema["components"]["schemas"]["OrderIn"]["properties"]
    assert "items" in order_in and "Leave it out for one device" in order_in["items"]["description"]
    transition_in = schema["components"]["schemas"]["TransitionIn"]["properties"]
    assert "items" in transition_in


# --- X1's supervisor override, granted ahead (console and API) ------------------------


def test_x1_supervisor_override_from_the_api_lets_one_more_order_through(
    api, cast, catalog, order_request
):
    first = create_order(order_request(), actor=cast["sales"], channel="agent")
    url = f"/api/v1/orders/{first.number}/duplicate-overrides"
    body = {"position": 1, "reason": "a second identical iPhone found after booking"}
    assert api(cast["sales"]).post(url, body, content_type=JSON).status_code == 403
    short = api(cast["supervisor"]).post(url, body | {"reason": "ok"}, content_type=JSON)
    assert short.status_code == 422 and short.json()["code"] == "reason_required"
    assert not DuplicateOverride.objects.exists()  # the refusals left nothing
    granted = api(cast["supervisor"]).post(url, body, content_type=JSON)
    assert granted.status_code == 201, granted.content
    events = first.events.count()
    again = api(cast["supervisor"]).post(url, body, content_type=JSON)
    assert again.status_code == 409 and again.json()["code"] == "override_exists"
    assert DuplicateOverride.objects.count() == 1 and first.events.count() == events
    second = create_order(order_request(), actor=cast["sales"], channel="agent")
    assert second.pk != first.pk and second.items.get().guard_key
    with pytest.raises(Conflict):  # spent: a third is refused
        create_order(order_request(), actor=cast["sales"], channel="agent")
    assert first.events.filter(kind="duplicate_override").exists()


def test_x1_supervisor_override_from_the_console(client, cast, catalog, order_request):
    first = create_order(order_request(), actor=cast["sales"], channel="agent")
    client.force_login(cast["supervisor"])
    page = client.get(f"/console/orders/{first.number}/")
    assert 'data-testid="duplicate-override"' in page.content.decode()
    response = client.post(
        f"/console/orders/{first.number}/duplicate-override/",
        {"position": "1", "reason": "customer brought a second identical phone"},
    )
    assert response.status_code == 302
    second = create_order(order_request(), actor=cast["sales"], channel="agent")
    assert second.pk != first.pk


def test_the_orders_export_lists_every_device(cast, catalog, galaxy, order_request):
    from orderdesk.orders.exports import HEADER, order_rows

    create_order(
        order_request(items=two_phones(catalog, galaxy, quantity=2)),
        actor=cast["sales"],
        channel="agent",
    )
    (row,) = list(order_rows(Order.objects.all()))
    assert row[HEADER.index("device")] == (
        "2 x Apple iPhone 15 128 GB; Samsung Galaxy S23 8/128 GB"
    )
    assert row[HEADER.index("estimated_price")] == 120000


def test_the_customers_data_export_holds_the_order_items(cast, catalog, galaxy, order_request):
    from orderdesk.orders.privacy import records

    order = create_order(
        order_request(items=two_phones(catalog, galaxy)), actor=cast["sales"], channel="agent"
    )
    held = records(order.customer)
    assert sorted(held["order_items"].values_list("position", flat=True)) == [1, 2]


def test_d8_closes_the_leads_of_every_device_ordered(cast, catalog, galaxy, order_request):
    from orderdesk.customers.actions import get_or_create_customer
    from orderdesk.flows.orders import place_order
    from orderdesk.leads.actions import create_lead

    customer, _ = get_or_create_customer(name="Asha Rao", phone="9876543210")
    galaxy_lead, _ = create_lead(
        customer=customer, source="app_quote", variant=galaxy, owner=cast["sales2"]
    )
    place_order(
        order_request(items=two_phones(catalog, galaxy)), actor=cast["sales"], channel="agent"
    )
    galaxy_lead.refresh_from_db()
    assert galaxy_lead.closed_for_sales and galaxy_lead.status == "already_ordered"


def test_x1_one_waiting_override_per_customer_and_device_is_a_database_constraint(
    cast, catalog, order_request
):
    """Two supervisors granting at once cannot both win: the database refuses the second
    waiting override (the action turns that into 409 override_exists)."""
    first = create_order(order_request(), actor=cast["sales"], channel="agent")
    item = first.items.get()
    fields = {
        "customer_id": first.customer_id,
        "device_model_id": item.device_model_id,
        "for_order": first,
        "reason": "a second identical phone",
        "granted_by": cast["supervisor"],
    }
    DuplicateOverride.objects.create(guard_key="a", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        DuplicateOverride.objects.create(guard_key="b", **fields)
    assert DuplicateOverride.objects.count() == 1


def test_x1_amending_a_line_to_the_model_another_line_holds_is_allowed(
    cast, catalog, galaxy, order_request
):
    """One pickup may carry a model twice (two lines), so amending the Galaxy line to a
    second iPhone is not a duplicate of the order's own iPhone line."""
    order = create_order(
        order_request(
            items=[
                ItemRequest(variant_id=galaxy.pk, answers=FLAWLESS),
                ItemRequest(variant_id=catalog["v128"].pk, answers=SCRATCHED),
            ]
        ),
        actor=cast["sales"],
        channel="agent",
    )
    lifecycle.amend_device(
        order,
        actor=cast["ops"],
        variant_id=catalog["v256"].pk,
        answers=SCRATCHED,
        consent_confirmed=True,
        consent_statement="Haan, 256 GB wala hai",
        position=1,
    )
    models = list(order.items.order_by("position").values_list("device_model_id", flat=True))
    assert models == [catalog["iphone"].pk, catalog["iphone"].pk]


def test_m1_a_pickup_is_high_end_when_any_device_is_not_only_the_first(
    cast, catalog, galaxy, order_request
):
    """high_end_assisted for [Galaxy, iPhone 15] is the same pickup as [iPhone 15, Galaxy]."""
    items = [
        ItemRequest(variant_id=galaxy.pk, answers=FLAWLESS),
        ItemRequest(variant_id=catalog["v128"].pk, answers=SCRATCHED),
    ]
    order = create_order(
        order_request(reason="high_end_assisted", items=items),
        actor=cast["sales"],
        channel="agent",
    )
    assert order.reason == "high_end_assisted" and order.items.count() == 2


def test_x1_early_check_sees_a_model_on_any_line_and_lets_a_granted_override_through(
    cast, catalog, galaxy, order_request
):
    first = create_order(
        order_request(items=two_phones(catalog, galaxy)), actor=cast["sales"], channel="agent"
    )
    phone = first.customer.phone
    # the Galaxy is the order's second line: the early check still sees it
    assert open_order_for_device(phone=phone, device_model_id=galaxy.model_id) == first
    grant_duplicate_override(
        order=first, position=2, reason="a second Galaxy found after booking",
        granted_by=cast["supervisor"],
    )  # fmt: skip
    # the override is waiting: the wizard must not refuse what create_order will accept
    assert open_order_for_device(phone=phone, device_model_id=galaxy.model_id) is None
    assert open_order_for_device(phone=phone, device_model_id=catalog["iphone"].pk) == first


def test_an_item_the_order_does_not_have_is_refused_by_name_and_nothing_changes(
    api, cast, catalog, order_request
):
    """422 ``item_unknown`` on ``position``: an override for, or an amendment of, a device
    the order does not carry writes no override, no history, no audit and no change."""
    from orderdesk.core.models import AuditEvent

    order = create_order(order_request(), actor=cast["sales"], channel="agent")
    supervisor = api(cast["supervisor"])  # (signing in writes its own audit row)
    before = (
        DuplicateOverride.objects.count(),
        order.events.count(),
        AuditEvent.objects.count(),
        list(order.items.values_list("position", "variant_id", "estimated_price")),
    )
    override = supervisor.post(
        f"/api/v1/orders/{order.number}/duplicate-overrides",
        {"position": 2, "reason": "a second identical iPhone found after booking"},
        content_type=JSON,
    )
    assert (override.status_code, override.json()["code"]) == (422, "item_unknown")
    assert override.json()["errors"][0]["field"] == "position"
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.amend_device(
            order,
            actor=cast["ops"],
            variant_id=catalog["v256"].pk,
            answers=SCRATCHED,
            consent_confirmed=True,
            consent_statement="Haan, 256 GB wala hai",
            position=3,
        )
    assert (refused.value.code, refused.value.errors[0].field) == ("item_unknown", "position")
    after = (
        DuplicateOverride.objects.count(),
        order.events.count(),
        AuditEvent.objects.count(),
        list(order.items.values_list("position", "variant_id", "estimated_price")),
    )
    assert after == before
