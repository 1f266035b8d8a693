"""Issue 21 finding 10: the customer app's token is a shared secret that can leak.

Whoever holds it must not attach an order to another customer's record by sending their
phone, learn their order numbers from the duplicate refusal, read their stored name, or
list every app order. A phone that is already a customer's is proved by the one-time code
(the storefront's, through ``flows.phone_codes``).
"""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from orderdesk.core.models import AuditEvent
from orderdesk.customers import phone_codes
from orderdesk.customers.models import Customer, PhoneVerification
from orderdesk.orders.actions import create_order
from orderdesk.orders.models import Order
from orderdesk.testing.factories import agent_order_request

HER_PHONE = "98765 43210"  # Asha Rao's, a customer with an open order


@pytest.fixture
def sent_code(monkeypatch):
    """The codes the product makes (the outbox holds them only inside the SMS)."""
    codes: list[str] = []
    real = phone_codes.new_code

    def capture():
        codes.append(real())
        return codes[-1]

    monkeypatch.setattr(phone_codes, "new_code", capture)
    return codes


@pytest.fixture
def her_order(cast, catalog):
    return create_order(agent_order_request(catalog), actor=cast["sales"], channel="agent")


def body(catalog, phone: str, **extra) -> dict:
    payload = {
        "variant_id": catalog["v128"].pk,
        "answers": {"screen": "scratched", "body": "good"},
        "customer": {"name": "Mallory", "phone": phone},
        "pickup": {
            "line1": "1, Attacker Street",
            "landmark": "Near the water tank",
            "city": "Bengaluru",
            "pincode": "560034",
            "slot_id": catalog["morning"].pk,
        },
        "payment": {"method": "upi", "upi_id": "mallory@okaxis"},
    }
    payload.update(extra)
    return payload


def post(client, path, data, **headers):
    return client.post(path, data, content_type="application/json", headers=headers)


def rows():
    return (Order.objects.count(), Customer.objects.count(), AuditEvent.objects.count())


def test_own_21_10_an_app_order_for_an_existing_customers_phone_needs_her_code(
    api, cast, catalog, her_order
):
    app = api(cast["app"])
    before = rows()
    refused = post(app, "/api/v1/orders", body(catalog, HER_PHONE, variant_id=catalog["v256"].pk))
    assert refused.status_code == 403, refused.content
    problem = refused.json()
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [
        ("phone_verification", "phone_verification_required")
    ]
    assert rows() == before
    assert Order.objects.get().customer.name == "Asha Rao"


def test_own_21_10_a_code_sent_to_another_phone_proves_nothing(
    api, cast, catalog, her_order, sent_code
):
    app = api(cast["app"])
    mine = post(app, "/api/v1/phone-codes", {"name": "Mallory", "phone": "9812300077"})
    assert mine.status_code == 201, mine.content
    proof = {"id": mine.json()["verification_id"], "code": sent_code[-1]}
    refused = post(
        app,
        "/api/v1/orders",
        body(catalog, HER_PHONE, variant_id=catalog["v256"].pk, phone_verification=proof),
    )
    assert refused.status_code == 422, refused.content
    assert refused.json()["errors"][0]["code"] == "phone_verification_mismatch"
    assert Order.objects.count() == 1


def test_own_21_10_with_her_code_the_order_is_hers_and_the_answer_names_nobody(
    api, cast, catalog, sent_code
):
    from orderdesk.customers.actions import get_or_create_customer

    asha, _ = get_or_create_customer(name="Asha Rao", phone=HER_PHONE)
    app = api(cast["app"])
    asked = post(app, "/api/v1/phone-codes", {"name": "ignored", "phone": HER_PHONE})
    assert asked.status_code == 201, asked.content
    assert asked.json()["phone_masked"] == "+91•••••43210"
    assert AuditEvent.objects.filter(action="app.code_sent").count() == 1
    proof = {"id": asked.json()["verification_id"], "code": sent_code[-1]}

    placed = post(
        app,
        "/api/v1/orders",
        body(catalog, HER_PHONE, variant_id=catalog["v256"].pk, phone_verification=proof),
    )
    assert placed.status_code == 201, placed.content
    assert placed.json()["customer_name"] is None
    assert "Asha" not in placed.content.decode()
    assert Order.objects.get(number=placed.json()["number"]).customer == asha
    assert AuditEvent.objects.filter(action="app.phone_verified").count() == 1


def test_own_21_10_a_wrong_code_is_counted_and_the_limit_holds(
    api, cast, catalog, her_order, sent_code
):
    app = api(cast["app"])
    asked = post(app, "/api/v1/phone-codes", {"name": "x", "phone": HER_PHONE})
    verification_id = asked.json()["verification_id"]
    wrong = "000000" if sent_code[-1] != "000000" else "111111"
    statuses = [
        post(
            app,
            "/api/v1/orders",
            body(
                catalog,
                HER_PHONE,
                variant_id=catalog["v256"].pk,
                phone_verification={"id": verification_id, "code": wrong},
            ),
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [422] * 5 + [409]
    assert PhoneVerification.objects.get(pk=verification_id).attempts == 5
    right = post(
        app,
        "/api/v1/orders",
        body(
            catalog,
            HER_PHONE,
            variant_id=catalog["v256"].pk,
            phone_verification={"id": verification_id, "code": sent_code[-1]},
        ),
    )
    assert right.status_code == 409 and right.json()["code"] == "code_attempts_exceeded"
    assert Order.objects.count() == 1


def test_own_21_10_a_verified_codes_id_alone_is_no_proof(api, cast, catalog, sent_code):
    from orderdesk.flows.phone_codes import request_phone_code, verify_phone_code

    verification = request_phone_code(name="Asha", phone=HER_PHONE, door="storefront")
    verify_phone_code(verification.pk, sent_code[-1])
    app = api(cast["app"])
    refused = post(
        app,
        "/api/v1/orders",
        body(catalog, HER_PHONE, phone_verification={"id": verification.pk, "code": "999999"}),
    )
    assert refused.status_code == 422, refused.content
    assert refused.json()["errors"][0]["code"] == "code_wrong"
    assert not Order.objects.exists()


def test_own_21_10_the_duplicate_refusal_names_the_order_only_to_its_customer_or_staff(
    api, cast, catalog, her_order, sent_code
):
    sales_dup = post(
        api(cast["cx"]),
        "/api/v1/orders",
        body(
            catalog,
            HER_PHONE,
            reason="customer_requested_help",
            consent={"confirmed": True, "statement": "Yes, please place the order"},
            price_confirmed=True,
        ),
    )
    assert sales_dup.status_code == 409
    assert her_order.number in sales_dup.content.decode()

    app = api(cast["app"])
    # Without her code the app never reaches the duplicate guard: no number, no name.
    blind = post(app, "/api/v1/orders", body(catalog, HER_PHONE))
    assert blind.status_code == 403
    assert her_order.number not in blind.content.decode()
    assert her_order.display_number not in blind.content.decode()
    # With it, the caller is the customer: she is told which order is open.
    asked = post(app, "/api/v1/phone-codes", {"name": "x", "phone": HER_PHONE})
    proof = {"id": asked.json()["verification_id"], "code": sent_code[-1]}
    hers = post(app, "/api/v1/orders", body(catalog, HER_PHONE, phone_verification=proof))
    assert hers.status_code == 409
    assert hers.json()["code"] == "duplicate_open_order"
    assert hers.json()["existing_order"] == her_order.number


def test_own_21_10_an_unproved_duplicate_refusal_carries_no_order_number(cast, catalog, her_order):
    """The flow's own guard, for the case the code check lets through (a customer created
    between the check and the insert): the refusal says only that an order is open."""
    from orderdesk.core.errors import Conflict
    from orderdesk.flows import orders as flows_orders

    real_prove = flows_orders.prove_phone
    flows_orders.prove_phone = lambda *a, **k: None  # the race: nobody's phone at the check
    try:
        with pytest.raises(Conflict) as refused:
            flows_orders.place_app_order(
                agent_order_request(catalog, reason="", consent_confirmed=False),
                actor=cast["app"],
                verification_id=None,
                code="",
            )
    finally:
        flows_orders.prove_phone = real_prove
    assert refused.value.code == "duplicate_open_order"
    assert her_order.number not in str(vars(refused.value))
    assert her_order.display_number not in str(vars(refused.value))


def test_own_21_10_the_app_cannot_list_every_app_order(api, cast, catalog, sent_code):
    app = api(cast["app"])
    for phone in ("9812300011", "9812300012"):
        placed = post(app, "/api/v1/orders", body(catalog, phone))
        assert placed.status_code == 201, placed.content
        assert placed.json()["customer_name"] is None

    by_status = app.get("/api/v1/orders", {"status": "created"})
    assert by_status.status_code == 422
    assert by_status.json()["errors"][0]["code"] == "filter_required"
    unproved = app.get("/api/v1/orders", {"phone": "9812300011"})
    assert unproved.status_code == 403
    assert unproved.json()["errors"][0]["code"] == "phone_verification_required"
    nobody = app.get("/api/v1/orders", {"phone": "9812300099"})
    assert nobody.status_code == 403  # the same answer for a phone that is nobody's

    asked = post(app, "/api/v1/phone-codes", {"name": "x", "phone": "9812300011"})
    proved = app.get(
        "/api/v1/orders",
        {"phone": "9812300011", "verification_id": asked.json()["verification_id"]},
        headers={"Phone-Code": sent_code[-1]},
    )
    assert proved.status_code == 200, proved.content
    assert [o["customer_phone_masked"] for o in proved.json()] == ["+91•••••00011"]
    # Staff still list by status, names and all.
    staff = api(cast["ops"]).get("/api/v1/orders", {"status": "created"})
    assert {o["customer_name"] for o in staff.json()} == {"Mallory"}


@time_machine.travel("2026-03-02 06:00:10+00:00", tick=False)
def test_own_21_10_codes_for_one_phone_are_throttled(settings, api, cast):
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "THROTTLES": {**settings.ORDERDESK["THROTTLES"], "app_phone_code": "3/15m"},
    }
    app = api(cast["app"])
    statuses = [
        post(app, "/api/v1/phone-codes", {"name": "x", "phone": "98123 00055"}).status_code
        for _ in range(4)
    ]
    assert statuses == [201, 201, 201, 429]
    assert PhoneVerification.objects.count() == 3
    other = post(app, "/api/v1/phone-codes", {"name": "x", "phone": "9812300056"})
    assert other.status_code == 201


def test_own_21_10_only_the_app_asks_for_codes(api, cast):
    for role in ("sales", "ops", "vendor"):
        refused = post(api(cast[role]), "/api/v1/phone-codes", {"name": "x", "phone": HER_PHONE})
        assert refused.status_code == 403
    assert (
        Client().post("/api/v1/phone-codes", {}, content_type="application/json").status_code == 401
    )
    assert not PhoneVerification.objects.exists()
