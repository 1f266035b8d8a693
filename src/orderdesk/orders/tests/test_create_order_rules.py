"""M1-M8 and X1: one test per rule, each asserting the refusal and that nothing was written."""

import pytest

from orderdesk.catalog.models import PickupSlot
from orderdesk.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from orderdesk.customers.models import Address, Customer
from orderdesk.leads.models import ContactAttempt
from orderdesk.messaging.models import Message
from orderdesk.orders.actions import create_order, record_agent_error, restore_agent
from orderdesk.orders.models import AgentError, DuplicateAttempt, Order
from orderdesk.orders.rules import order_number_problem


def snapshot(catalog):
    return {
        "orders": Order.objects.count(),
        "messages": Message.objects.count(),
        "contacts": ContactAttempt.objects.count(),
        "customers": Customer.objects.count(),
        "addresses": Address.objects.count(),
        "booked": PickupSlot.objects.get(pk=catalog["morning"].pk).booked,
    }


def refused(catalog, request, actor, channel="agent"):
    before = snapshot(catalog)
    with pytest.raises(DomainError) as err:
        create_order(request, actor=actor, channel=channel)
    assert snapshot(catalog) == before, "a refused order must write nothing"
    return err.value


def codes(error):
    return {(e.field, e.code) for e in error.errors}


def test_a_valid_agent_order_is_created_with_the_servers_price(cast, catalog, order_request):
    order = create_order(order_request(), actor=cast["sales"], channel="agent")
    assert order_number_problem(order.number) is None
    assert (order.estimated_price, order.status, order.created_by, order.channel) == (
        45000,
        "created",
        cast["sales"],
        "agent",
    )
    assert order.consent_at is not None and order.price_confirmed_at is not None
    assert PickupSlot.objects.get(pk=catalog["morning"].pk).booked == 1
    assert order.events.get().kind == "created"


def test_m1_agent_order_needs_an_allowed_reason(cast, catalog, order_request):
    error = refused(catalog, order_request(reason=""), cast["sales"])
    assert ("reason", "reason_required") in codes(error)
    error = refused(catalog, order_request(reason="just_because"), cast["sales"])
    assert ("reason", "reason_required") in codes(error)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"pincode": "110001"}, "pickup.pincode", "pincode_not_serviceable"),
        ({"variant_id": "MAC"}, "pickup.pincode", "device_not_serviceable"),
        ({"variant_id": 999999}, "variant_id", "model_not_in_catalog"),
        ({"answers": {"screen": "flawless"}}, "answers.body", "condition_incomplete"),
        ({"price_confirmed": False}, "price_confirmed", "price_not_confirmed"),
    ],
)
def test_m2_creation_is_refused_with_a_clear_reason(
    cast, catalog, order_request, changes, field, code
):
    if changes.get("variant_id") == "MAC":
        changes = {"variant_id": catalog["mac_variant"].pk, "answers": {"powers_on": "yes"}}
    error = refused(catalog, order_request(**changes), cast["sales"])
    assert (field, code) in codes(error)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"landmark": ""}, "pickup.landmark", "address_incomplete"),
        ({"line1": " "}, "pickup.line1", "address_incomplete"),
        ({"city": "Mumbai"}, "pickup.pincode", "pincode_city_mismatch"),
        ({"pincode": "5600"}, "pickup.pincode", "pincode_invalid"),
        ({"slot_id": None}, "pickup.slot_id", "slot_unavailable"),
        ({"upi_id": "asha"}, "payment.upi_id", "payment_invalid"),
        (
            {"payment_method": "bank", "account_number": "12ab", "ifsc": "HDFC0001234"},
            "payment.account_number",
            "payment_invalid",
        ),
        (
            {"payment_method": "bank", "account_number": "123456789012", "ifsc": "HDFC1001234"},
            "payment.ifsc",
            "payment_invalid",
        ),
    ],
)
def test_m3_every_pre_check_is_a_gate(cast, catalog, order_request, changes, field, code):
    error = refused(catalog, order_request(**changes), cast["sales"])
    assert (field, code) in codes(error)


def test_m3_a_full_slot_is_refused(cast, catalog, order_request):
    PickupSlot.objects.filter(pk=catalog["morning"].pk).update(booked=2)
    error = refused(catalog, order_request(), cast["sales"])
    assert ("pickup.slot_id", "slot_unavailable") in codes(error)


def test_m3_all_problems_are_reported_together(cast, catalog, order_request):
    error = refused(
        catalog,
        order_request(reason="", landmark="", upi_id="x", price_confirmed=False),
        cast["sales"],
    )
    assert {c for _, c in codes(error)} >= {
        "reason_required",
        "address_incomplete",
        "payment_invalid",
        "price_not_confirmed",
    }


@pytest.mark.parametrize(
    ("confirmed", "statement"), [(False, "Yes, please place the order"), (True, ""), (True, "  ")]
)
def test_m4_no_consent_no_order(cast, catalog, order_request, confirmed, statement):
    error = refused(
        catalog,
        order_request(consent_confirmed=confirmed, consent_statement=statement),
        cast["sales"],
    )
    assert ("consent", "consent_missing") in codes(error)


def test_m4_consent_is_recorded_with_time_and_agent(cast, catalog, order_request):
    order = create_order(order_request(), actor=cast["cx"], channel="agent")
    assert order.consent_statement == "Yes, please place the order"
    assert order.consent_at is not None and order.created_by == cast["cx"]


def test_m6_confirmation_goes_to_the_outbox_with_the_number(cast, catalog, order_request):
    order = create_order(order_request(), actor=cast["sales"], channel="agent")
    messages = Message.objects.filter(customer=order.customer)
    assert messages.exists()
    assert all(m.kind_id == "order_confirmation" for m in messages)
    assert any(order.display_number in m.body for m in messages)


def test_m8_creator_stays_on_the_order_and_errors_restrict_the_agent(
    cast, catalog, order_request, settings
):
    orders = []
    for i, phone in enumerate(["9876543210", "9876543211", "9876543212"]):
        orders.append(
            create_order(
                order_request(
                    customer_phone=phone,
                    slot_id=catalog["morning"].pk if i < 2 else catalog["evening"].pk,
                ),
                actor=cast["sales"],
                channel="agent",
            )
        )
    for order in orders:
        record_agent_error(
            order=order, kind="wrong_condition", notes="screen was cracked", recorded_by=cast["ops"]
        )
    assert AgentError.objects.filter(agent=cast["sales"]).count() == 3
    PickupSlot.objects.filter(pk=catalog["morning"].pk).update(capacity=10)
    before = snapshot(catalog)
    with pytest.raises(Forbidden) as err:
        create_order(
            order_request(customer_phone="9876543219"), actor=cast["sales"], channel="agent"
        )
    assert err.value.code == "agent_restricted" and err.value.status == 403
    assert snapshot(catalog) == before
    # another agent is not affected
    create_order(order_request(customer_phone="9876543219"), actor=cast["sales2"], channel="agent")


def test_m8_supervisor_restores_with_a_reason(cast, catalog, order_request):
    orders = [
        create_order(
            order_request(customer_phone=p, slot_id=catalog["morning"].pk),
            actor=cast["sales"],
            channel="agent",
        )
        for p in ["9876543210", "9876543211"]
    ]
    for order in orders + orders[:1]:
        record_agent_error(
            order=order, kind="wrong_pincode", notes="", recorded_by=cast["supervisor"]
        )
    with pytest.raises(ValidationFailed) as err:
        restore_agent(agent=cast["sales"], restored_by=cast["supervisor"], reason="ok")
    assert (err.value.field, err.value.code) == ("reason", "reason_required")
    restore_agent(
        agent=cast["sales"],
        restored_by=cast["supervisor"],
        reason="Retrained on condition checks on 23 Nov",
    )
    create_order(
        order_request(customer_phone="9876543212", slot_id=catalog["evening"].pk),
        actor=cast["sales"],
        channel="agent",
    )


def test_x1_second_open_order_for_same_customer_and_device_is_refused_naming_the_first(
    cast, catalog, order_request
):
    first = create_order(order_request(), actor=cast["sales"], channel="agent")
    error = refused(catalog, order_request(customer_phone="+91-98765-43210"), cast["sales2"])
    assert (
        isinstance(error, Conflict) and error.code == "duplicate_open_order" and error.status == 409
    )
    assert error.extra["number"] == first.number
    assert DuplicateAttempt.objects.get().existing_order == first


def test_x1_app_order_after_agent_order_is_refused_too(cast, catalog, order_request):
    first = create_order(order_request(), actor=cast["sales"], channel="agent")
    error = refused(
        catalog,
        order_request(reason="", consent_confirmed=False, price_confirmed=False),
        cast["app"],
        channel="app",
    )
    assert error.code == "duplicate_open_order" and error.extra["number"] == first.number


def test_x1_a_closed_order_does_not_block_a_new_one(cast, catalog, order_request):
    first = create_order(order_request(), actor=cast["sales"], channel="agent")
    # through the one transition (O1): it closes the order's items' X1 guard too
    from orderdesk.orders.lifecycle import transition

    transition(first, "cancelled", actor=cast["ops"], reason="customer_request")
    second = create_order(order_request(), actor=cast["sales"], channel="agent")
    assert second.pk != first.pk


def test_x1_supervisor_override_needs_the_supervisor(cast, catalog, order_request):
    create_order(order_request(), actor=cast["sales"], channel="agent")
    error = refused(
        catalog,
        order_request(override_reason="customer selling two identical phones"),
        cast["sales"],
    )
    assert error.code == "forbidden"
    second = create_order(
        order_request(override_reason="customer selling two identical phones"),
        actor=cast["supervisor"],
        channel="agent",
    )
    assert second.guard_key and second.duplicate_override_reason.startswith("customer selling")


def test_m3_a_past_slot_is_refused_even_with_places_left(cast, catalog, order_request):
    import datetime as dt

    from orderdesk.core.timeutil import today_ist

    past = PickupSlot.objects.create(
        city=catalog["city"],
        date=today_ist() - dt.timedelta(days=1),
        window_start=dt.time(10),
        window_end=dt.time(13),
        capacity=5,
    )
    error = refused(catalog, order_request(slot_id=past.pk), cast["sales"])
    assert ("pickup.slot_id", "slot_unavailable") in codes(error)
    past.refresh_from_db()
    assert past.booked == 0
