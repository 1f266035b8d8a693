"""POST/GET /api/v1/orders: channels, X3 idempotency, M7 look-ups, role refusals."""

import pytest

from orderdesk.messaging.models import Message
from orderdesk.orders.models import Order
from orderdesk.orders.rules import check_character

JSON = "application/json"


def test_app_client_creates_its_own_order_from_a_quote(api, cast, catalog, api_order_body):
    client = api(cast["app"])
    quote = client.post(
        "/api/v1/quotes",
        {
            "variant_id": catalog["v128"].pk,
            "answers": {"screen": "flawless", "body": "good"},
            "pincode": "560034",
        },
        content_type=JSON,
    ).json()
    body = api_order_body(quote_id=quote["quote_id"])
    del body["variant_id"], body["answers"]
    response = client.post("/api/v1/orders", body, content_type=JSON)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["status"], data["channel"], data["estimated_price"]) == ("created", "app", 50000)
    assert (
        data["customer_phone_masked"] == "+91•••••43210"
        and data["payment_to_masked"] == "as••••••@okaxis"
    )
    assert Order.objects.get(number=data["number"]).created_by == cast["app"]


def test_agent_order_over_the_api_needs_the_agent_fields(
    api, cast, catalog, api_order_body, agent_fields
):
    client = api(cast["sales"])
    refused = client.post("/api/v1/orders", api_order_body(), content_type=JSON)
    assert refused.status_code == 422
    assert {e["code"] for e in refused.json()["errors"]} >= {
        "reason_required",
        "consent_missing",
        "price_not_confirmed",
    }
    assert Order.objects.count() == 0 and Message.objects.count() == 0
    created = client.post("/api/v1/orders", api_order_body(**agent_fields), content_type=JSON)
    assert created.status_code == 201 and created.json()["channel"] == "agent"


def test_a_price_from_the_client_is_refused(api, cast, catalog, api_order_body):
    response = api(cast["app"]).post(
        "/api/v1/orders", api_order_body(estimated_price=1), content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "estimated_price",
        "code": "unknown_field",
        "message": response.json()["errors"][0]["message"],
    }
    assert Order.objects.count() == 0


@pytest.mark.parametrize("role", ["ops", "supervisor", "admin", "vendor"])
def test_roles_that_do_not_create_orders_are_refused(
    api, cast, catalog, api_order_body, agent_fields, role
):
    response = api(cast[role]).post(
        "/api/v1/orders", api_order_body(**agent_fields), content_type=JSON
    )
    assert response.status_code == 403
    assert Order.objects.count() == 0 and Message.objects.count() == 0


def test_x1_over_the_api_409_names_the_existing_order(
    api, cast, catalog, api_order_body, agent_fields
):
    first = api(cast["app"]).post("/api/v1/orders", api_order_body(), content_type=JSON).json()
    response = api(cast["sales"]).post(
        "/api/v1/orders", api_order_body(**agent_fields), content_type=JSON
    )
    assert response.status_code == 409
    assert (
        response.json()["code"] == "duplicate_open_order"
        and response.json()["number"] == first["number"]
    )
    assert Order.objects.count() == 1


def test_x3_same_key_same_body_replays_the_first_response(api, cast, catalog, api_order_body):
    client = api(cast["app"])
    headers = {"Idempotency-Key": "checkout-7f3a"}
    first = client.post("/api/v1/orders", api_order_body(), content_type=JSON, headers=headers)
    again = client.post("/api/v1/orders", api_order_body(), content_type=JSON, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1
    assert Message.objects.filter(kind="order_confirmation").count() == Message.objects.count()


def test_x3_same_key_other_body_is_refused(api, cast, catalog, api_order_body):
    client = api(cast["app"])
    headers = {"Idempotency-Key": "checkout-7f3a"}
    client.post("/api/v1/orders", api_order_body(), content_type=JSON, headers=headers)
    other = api_order_body(customer={"name": "Ravi", "phone": "9123456780"})
    response = client.post("/api/v1/orders", other, content_type=JSON, headers=headers)
    assert response.status_code == 422
    assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["code"]) == (
        "Idempotency-Key",
        "idempotency_key_reused",
    )
    assert Order.objects.count() == 1


def test_m7_get_refuses_a_mistyped_number_before_looking_it_up(api, cast, catalog, api_order_body):
    number = (
        api(cast["app"])
        .post("/api/v1/orders", api_order_body(), content_type=JSON)
        .json()["number"]
    )
    client = api(cast["cx"])
    assert client.get(f"/api/v1/orders/{number}").json()["number"] == number
    spoken = f"od-{number[2:6]} {number[6:]}".lower()
    assert client.get(f"/api/v1/orders/{spoken}").status_code == 200
    body = number[2:]
    swapped = (
        "OD" + body[1] + body[0] + body[2:]
        if body[0] != body[1]
        else "OD" + body[:2] + body[3] + body[2] + body[4:]
    )
    response = client.get(f"/api/v1/orders/{swapped}")
    assert response.status_code == 422 and response.json()["code"] == "bad_check_character"
    unknown = "OD2222222" + check_character("2222222")
    assert client.get(f"/api/v1/orders/{unknown}").status_code == 404


def test_vendor_sees_only_its_own_orders_and_app_only_its_own(
    api, cast, catalog, api_order_body, agent_fields
):
    number = (
        api(cast["sales"])
        .post("/api/v1/orders", api_order_body(**agent_fields), content_type=JSON)
        .json()["number"]
    )
    assert api(cast["vendor"]).get(f"/api/v1/orders/{number}").status_code == 404
    assert api(cast["app"]).get(f"/api/v1/orders/{number}").status_code == 404
    Order.objects.filter(number=number).update(vendor=cast["vendor"].vendor)
    assert api(cast["vendor"]).get(f"/api/v1/orders/{number}").status_code == 200


def test_list_orders_by_phone(api, cast, catalog, api_order_body):
    api(cast["app"]).post("/api/v1/orders", api_order_body(), content_type=JSON)
    found = api(cast["cx"]).get("/api/v1/orders", {"phone": "09876543210"}).json()
    assert [o["customer_name"] for o in found] == ["Asha Rao"]
    assert api(cast["cx"]).get("/api/v1/orders").status_code == 422
