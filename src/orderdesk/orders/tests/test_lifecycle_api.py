# ruff: noqa: F811  (the shared fixtures are imported from test_lifecycle_support and used as arguments)
"""POST /api/v1/orders/{number}/transitions (SPEC §11), the history and the price acceptance:
ops and vendor clients; a vendor client neither reads nor moves another vendor's order."""

from __future__ import annotations

import pytest

from orderdesk.messaging.models import Message
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import Order
from orderdesk.orders.tests.test_lifecycle_support import (  # noqa: F401  (fixtures)
    drive,
    new_order,
    picture,
    quickpick_client,
    spare_slot,
)

JSON = "application/json"
S = OrderStatus


def post(client, number, body):
    return client.post(f"/api/v1/orders/{number}/transitions", body, content_type=JSON)


def test_ops_and_the_vendor_walk_an_order_to_completion_over_the_api(
    api, cast, new_order, quickpick_client, spare_slot
):
    order = new_order()
    ops, vendor = api(cast["ops"]), api(quickpick_client)

    assigned = post(ops, order.number, {"to": "vendor_assigned"})
    assert assigned.status_code == 200, assigned.json()
    assert (assigned.json()["status"], assigned.json()["vendor"]) == (
        "vendor_assigned",
        "QuickPick Bengaluru",
    )
    steps = [
        (vendor, {"to": "pickup_scheduled"}),
        (
            vendor,
            {"to": "pickup_failed", "reason": "customer_not_available", "notes": "door locked"},
        ),
        (
            ops,
            {
                "to": "pickup_scheduled",
                "slot_id": spare_slot.pk,
                "notes": "customer asked for Thursday",
            },
        ),
        (vendor, {"to": "out_for_pickup"}),
        (vendor, {"to": "inspected", "final_price": 44000, "notes": "Two scratches"}),
    ]
    for client, body in steps:
        response = post(client, order.number, body)
        assert response.status_code == 200, (body, response.json())
        assert response.json()["status"] == body["to"]
    inspected = response.json()
    assert inspected["final_price"] == 44000 and inspected["price_acceptance_needed"] is True
    assert inspected["next_statuses"] == ["paid"]  # the vendor may not cancel

    refused = post(vendor, order.number, {"to": "paid", "reference": "UTR55554444"})
    assert (refused.status_code, refused.json()["code"]) == (409, "price_acceptance_required")
    accepted = vendor.post(
        f"/api/v1/orders/{order.number}/price-acceptance",
        {"notes": "OK with 44k"},
        content_type=JSON,
    )
    assert accepted.status_code == 200 and accepted.json()["price_acceptance_needed"] is False
    assert post(vendor, order.number, {"to": "paid", "reference": "UTR55554444"}).status_code == 200
    done = post(ops, order.number, {"to": "completed"})
    assert done.json()["status"] == "completed" and done.json()["next_statuses"] == []

    history = ops.get(f"/api/v1/orders/{order.number}/history").json()
    assert [(e["kind"], e["to_status"]) for e in history] == [
        ("created", "created"),
        ("transition", "vendor_assigned"),
        ("transition", "pickup_scheduled"),
        ("transition", "pickup_failed"),
        ("transition", "pickup_scheduled"),
        ("transition", "out_for_pickup"),
        ("transition", "inspected"),
        ("price_accepted", ""),
        ("transition", "paid"),
        ("transition", "completed"),
    ]
    assert (
        history[3]["actor"] == "quickpick-client"
        and history[3]["data"]["reason"] == "customer_not_available"
    )
    sent = ops.get(f"/api/v1/orders/{order.number}/messages").json()
    assert [m["kind"] for m in sent if m["channel"] == "sms"] == [
        "order_confirmation",
        "vendor_assigned",
        "pickup_scheduled",
        "pickup_failed",
        "pickup_rescheduled",
        "inspection_price",
        "payment_done",
        "feedback_request",
    ]


def test_illegal_move_is_409_naming_from_and_to(api, cast, new_order):
    order, ops = new_order(), api(cast["ops"])
    before = picture(order)
    response = post(ops, order.number, {"to": "paid", "reference": "UTR123456"})
    assert response.status_code == 409
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert (body["code"], body["from"], body["to"]) == ("illegal_transition", "created", "paid")
    assert body["errors"][0]["field"] == "to"
    assert picture(order) == before


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"to": "cancelled"}, "reason", "required"),
        (
            {"to": "cancelled", "reason": "customer_request", "final_price": 10},
            "final_price",
            "input_not_allowed",
        ),
        ({"to": "vendor_assigned", "price": 10}, "price", "unknown_field"),
        ({"to": "teleported"}, "to", "not_allowed"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_nothing_changes(
    api, cast, new_order, body, field, code
):
    order, ops = new_order(), api(cast["ops"])
    before = picture(order)
    response = post(ops, order.number, body)
    assert response.status_code == 422, response.json()
    assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["code"]) == (
        field,
        code,
    )
    assert picture(order) == before


@pytest.mark.parametrize("who", ["sales", "supervisor", "admin", "app"])
def test_roles_with_no_part_in_the_life_are_refused_403(api, cast, new_order, who):
    order, client = new_order(), api(cast[who])
    before = picture(order)
    response = post(client, order.number, {"to": "vendor_assigned"})
    assert response.status_code == 403
    assert picture(order) == before


def test_cx_cancels_on_the_customers_request_only(api, cast, new_order):
    order, cx = new_order(), api(cast["cx"])
    before = picture(order)
    refused = post(cx, order.number, {"to": "vendor_assigned"})
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    wrong_reason = post(cx, order.number, {"to": "cancelled", "reason": "not_serviceable"})
    assert (wrong_reason.status_code, wrong_reason.json()["code"]) == (
        422,
        "reason_not_allowed_for_role",
    )
    assert picture(order) == before
    ok = post(
        cx,
        order.number,
        {"to": "cancelled", "reason": "customer_request", "notes": "sold it elsewhere"},
    )
    assert ok.status_code == 200 and ok.json()["status"] == "cancelled"
    assert Order.objects.get(pk=order.pk).cancellation_notes == "sold it elsewhere"


def test_vendor_client_cannot_read_or_move_another_vendors_order(api, cast, new_order):
    """Chosen answer: 404 order_not_found, the same as GET gives it, so numbers cannot be probed."""
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=cast["ops"])
    other = api(cast["vendor"])  # Cast Vendor's client; the order is QuickPick's
    before = picture(order)

    moved = post(other, order.number, {"to": "inspected", "final_price": 1, "notes": "mine"})
    assert (moved.status_code, moved.json()["code"]) == (404, "order_not_found")
    accepted = other.post(f"/api/v1/orders/{order.number}/price-acceptance", {}, content_type=JSON)
    assert accepted.status_code == 404
    assert other.get(f"/api/v1/orders/{order.number}").status_code == 404
    assert other.get(f"/api/v1/orders/{order.number}/history").status_code == 404
    assert picture(order) == before
    assert (
        Message.objects.filter(order_number=order.number, kind__key="inspection_price").count() == 0
    )


def test_vendor_client_cannot_take_an_unassigned_order(api, quickpick_client, new_order):
    order = new_order()  # created: no vendor yet, so no vendor client sees it
    client = api(quickpick_client)
    before = picture(order)
    assert post(client, order.number, {"to": "vendor_assigned"}).status_code == 404
    assert picture(order) == before


def test_a_mistyped_number_is_refused_before_any_look_up(api, cast, new_order):
    order = new_order()
    typo = order.number[:-2] + order.number[-1] + order.number[-2]
    if typo == order.number:
        typo = order.number[:-1] + ("2" if order.number[-1] != "2" else "3")
    response = post(api(cast["ops"]), typo, {"to": "vendor_assigned"})
    assert response.status_code == 422 and response.json()["code"] == "bad_check_character"


def test_the_endpoints_are_in_the_openapi_document(api):
    doc = api().get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/orders/{number}/transitions"]["post"]
    assert operation["summary"].startswith("Move an order along its life")
    assert {"200", "403", "404", "409", "422"} <= set(operation["responses"])
    assert "/api/v1/orders/{number}/history" in doc["paths"]
    assert "/api/v1/orders/{number}/price-acceptance" in doc["paths"]


def test_o4_api_refuses_an_inspected_price_outside_the_band_with_a_clear_code(api, cast, new_order):
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=cast["ops"])
    ops = api(cast["ops"])
    before = picture(order)
    body = {"to": "inspected", "final_price": 9999999, "notes": "Looks fine"}
    refused = post(ops, order.number, body)
    assert refused.status_code == 409
    assert (refused.json()["code"], refused.json()["errors"][0]["field"]) == (
        "price_outside_band",
        "final_price",
    )
    assert picture(order) == before
    confirmed = post(ops, order.number, body | {"price_band_reason": "Gold-plated edition"})
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["final_price"] == 9999999
