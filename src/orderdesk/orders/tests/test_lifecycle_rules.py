# ruff: noqa: F811  (the shared fixtures are imported from test_lifecycle_support and used as arguments)
"""O2 vendors and slots, O3 amendments, O4 inspection and payment, O5 messages, X4 duplicates."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from orderdesk.catalog.models import PickupSlot, ServedPincode, Vendor
from orderdesk.core.errors import Conflict, DomainError, ValidationFailed
from orderdesk.messaging.models import Message, MessageTemplate
from orderdesk.orders import effects, lifecycle
from orderdesk.orders.actions import create_order
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import Order, OrderEvent
from orderdesk.orders.tests.test_lifecycle_support import (  # noqa: F401  (fixtures)
    actors,
    drive,
    new_order,
    next_phone,
    picture,
    quickpick_client,
    spare_slot,
)
from orderdesk.orders.transitions import ActorRole

S = OrderStatus


def kinds(order) -> list[str]:
    return list(
        Message.objects.filter(order_number=order.number, channel="sms")
        .order_by("id")
        .values_list("kind__key", flat=True)
    )


@pytest.fixture
def ops(cast):
    return cast["ops"]


@pytest.fixture
def second_vendor(catalog):
    """Another vendor covering Koramangala (560034) and, alone, Indiranagar (560038)."""
    indiranagar = ServedPincode.objects.create(
        pincode="560038", city=catalog["city"], area="Indiranagar"
    )
    indiranagar.device_types.add(catalog["phone"])
    vendor = Vendor.objects.create(name="Apex Pickups", phone="+919800000002", city=catalog["city"])
    vendor.pincodes.add(catalog["served"], indiranagar)
    return vendor


# --- O2 ---------------------------------------------------------------------------


def test_o2_assignment_picks_the_least_loaded_vendor_for_the_slots_date(
    ops, catalog, second_vendor, new_order
):
    # given Apex (first by name) already carries one open pickup on that date
    busy = lifecycle.transition(new_order(), S.VENDOR_ASSIGNED, actor=ops)
    assert busy.vendor == second_vendor  # a tie goes to the name: Apex before QuickPick
    # when the next order on that date is assigned
    order = lifecycle.transition(new_order(), S.VENDOR_ASSIGNED, actor=ops)
    # then it goes to the vendor with fewer pickups that day
    assert order.vendor == catalog["vendor"]
    assert kinds(order)[-1] == "vendor_assigned"
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert event.data["chosen"] == "least loaded (O2)"
    assert [
        (v.name, load) for v, load in effects.vendor_loads("560034", catalog["morning"].date)
    ] == [
        ("Apex Pickups", 1),
        ("QuickPick Bengaluru", 1),
    ]


def test_o2_load_counts_only_open_orders_on_that_date(
    ops, catalog, second_vendor, new_order, spare_slot
):
    other_day = new_order(slot_id=spare_slot.pk)
    lifecycle.transition(other_day, S.VENDOR_ASSIGNED, actor=ops, vendor_id=second_vendor.pk)
    cancelled = lifecycle.transition(
        new_order(), S.VENDOR_ASSIGNED, actor=ops, vendor_id=second_vendor.pk
    )
    lifecycle.transition(cancelled, S.CANCELLED, actor=ops, reason="customer_request")
    assert {v.name: n for v, n in effects.vendor_loads("560034", catalog["morning"].date)} == {
        "Apex Pickups": 0,
        "QuickPick Bengaluru": 0,
    }


def test_o2_ops_may_choose_only_a_vendor_covering_the_pincode(ops, cast, new_order):
    order = new_order()
    before = picture(order)
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.transition(
            order, S.VENDOR_ASSIGNED, actor=ops, vendor_id=cast["vendor"].vendor_id
        )
    assert refused.value.code == "vendor_not_covering"
    assert picture(order) == before


def test_o2_no_active_vendor_is_a_409_and_nothing_changes(ops, catalog, new_order):
    order = new_order()
    Vendor.objects.filter(pk=catalog["vendor"].pk).update(active=False)
    before = picture(order)
    with pytest.raises(Conflict) as refused:
        lifecycle.transition(order, S.VENDOR_ASSIGNED, actor=ops)
    assert refused.value.code == "no_vendor_available"
    assert picture(order) == before


def test_o2_ops_reassign_to_another_covering_vendor_and_the_customer_is_told(
    ops, catalog, second_vendor, new_order
):
    order = lifecycle.transition(
        new_order(), S.VENDOR_ASSIGNED, actor=ops, vendor_id=catalog["vendor"].pk
    )
    order = lifecycle.reassign_vendor(order, actor=ops, notes="QuickPick is short of riders")
    assert Order.objects.get(pk=order.pk).vendor == second_vendor
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert (event.kind, event.data["to_vendor"], event.actor) == (
        "vendor_reassigned",
        "Apex Pickups",
        ops,
    )
    assert kinds(order)[-2:] == ["vendor_assigned", "vendor_assigned"]


def test_o2_reassigning_when_no_other_vendor_covers_is_refused(ops, new_order):
    order = lifecycle.transition(new_order(), S.VENDOR_ASSIGNED, actor=ops)
    before = picture(order)
    with pytest.raises(Conflict) as refused:
        lifecycle.reassign_vendor(order, actor=ops)
    assert refused.value.code == "no_vendor_available"
    assert picture(order) == before


def test_o2_moving_the_slot_books_the_new_place_and_releases_the_old(
    ops, catalog, new_order, spare_slot
):
    order = new_order()
    morning = catalog["morning"]
    assert PickupSlot.objects.get(pk=morning.pk).booked == 1
    lifecycle.amend_slot(
        order, actor=ops, slot_id=spare_slot.pk, notes="customer at work that morning"
    )
    assert PickupSlot.objects.get(pk=morning.pk).booked == 0
    assert PickupSlot.objects.get(pk=spare_slot.pk).booked == 1
    assert Order.objects.get(pk=order.pk).slot_id == spare_slot.pk
    assert kinds(order)[-1] == "pickup_rescheduled"


def test_o2_a_full_slot_is_refused_and_nothing_changes(ops, catalog, new_order):
    order = new_order()  # takes a morning place
    evening = catalog["evening"]  # capacity 1
    new_order(slot_id=evening.pk)  # someone takes the last evening place
    before = picture(order)
    with pytest.raises(Conflict) as refused:
        lifecycle.amend_slot(order, actor=ops, slot_id=evening.pk)
    assert (refused.value.code, refused.value.field) == ("slot_unavailable", "slot_id")
    assert picture(order) == before


def test_o2_a_slot_in_another_city_or_the_past_is_refused(ops, catalog, new_order):
    from orderdesk.catalog.models import City

    order = new_order()
    mumbai = City.objects.create(name="Mumbai", state="Maharashtra")
    elsewhere = PickupSlot.objects.create(
        city=mumbai,
        date=catalog["morning"].date,
        window_start=dt.time(9),
        window_end=dt.time(10),
        capacity=3,
    )
    past = PickupSlot.objects.create(
        city=catalog["city"],
        date=catalog["morning"].date - dt.timedelta(days=3),
        window_start=dt.time(9),
        window_end=dt.time(10),
        capacity=3,
    )
    before = picture(order)
    for slot in (elsewhere, past):
        with pytest.raises(ValidationFailed) as refused:
            lifecycle.amend_slot(order, actor=ops, slot_id=slot.pk)
        assert refused.value.code == "slot_unavailable"
    assert picture(order) == before


def test_o2_cancelling_and_failing_give_the_place_back(ops, catalog, new_order, spare_slot):
    morning = catalog["morning"]
    a = drive(new_order(), S.PICKUP_SCHEDULED, actor=ops)
    b = new_order()
    assert PickupSlot.objects.get(pk=morning.pk).booked == 2
    lifecycle.transition(a, S.PICKUP_FAILED, actor=ops, reason="customer_not_available")
    lifecycle.transition(b, S.CANCELLED, actor=ops, reason="customer_request")
    assert PickupSlot.objects.get(pk=morning.pk).booked == 0
    assert Order.objects.filter(slot__isnull=False).count() == 0
    # a reschedule takes a new place
    lifecycle.transition(a, S.PICKUP_SCHEDULED, actor=ops, slot_id=spare_slot.pk)
    assert PickupSlot.objects.get(pk=spare_slot.pk).booked == 1
    assert kinds(a)[-2:] == ["pickup_failed", "pickup_rescheduled"]


# --- O3 ---------------------------------------------------------------------------

AMENDMENTS = {
    "amend_address": lambda o, a, c: lifecycle.amend_address(
        o,
        actor=a,
        line1="2, 80 Ft Road",
        landmark="Near the metro",
        city="Bengaluru",
        pincode="560034",
    ),
    "amend_slot": lambda o, a, c: lifecycle.amend_slot(o, actor=a, slot_id=c["evening"].pk),
    "amend_payment": lambda o, a, c: lifecycle.amend_payment(
        o, actor=a, method="bank", account_number="123456789012", ifsc="HDFC0001234"
    ),
    "amend_device": lambda o, a, c: lifecycle.amend_device(
        o,
        actor=a,
        variant_id=c["v256"].pk,
        answers={"screen": "flawless", "body": "good"},
        consent_confirmed=True,
        consent_statement="Yes, please place the order",
    ),
}


@pytest.mark.parametrize("amendment", AMENDMENTS)
@pytest.mark.parametrize(
    "status", [S.OUT_FOR_PICKUP, S.INSPECTED, S.PAID, S.COMPLETED, S.CANCELLED]
)
def test_o3_nothing_can_be_amended_once_out_for_pickup(status, amendment, ops, catalog, new_order):
    order = drive(new_order(), status, actor=ops)
    before = picture(order)
    with pytest.raises(Conflict) as refused:
        AMENDMENTS[amendment](order, ops, catalog)
    assert refused.value.code == "amendment_closed"
    assert picture(order) == before


@pytest.mark.parametrize("amendment", AMENDMENTS)
def test_o3_amendments_are_for_ops(amendment, cast, catalog, new_order, quickpick_client):
    order = drive(new_order(), S.PICKUP_SCHEDULED, actor=cast["ops"])
    before = picture(order)
    for actor in (cast["cx"], quickpick_client, cast["sales"]):
        with pytest.raises(DomainError) as refused:
            AMENDMENTS[amendment](order, actor, catalog)
        assert refused.value.status == 403
    assert picture(order) == before


def test_o3_payment_change_is_validated_recorded_masked_and_confirmed(ops, new_order):
    order = new_order()
    before = picture(order)
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.amend_payment(order, actor=ops, method="upi", upi_id="not-a-upi")
    assert refused.value.code == "payment_invalid"
    assert picture(order) == before

    lifecycle.amend_payment(
        order, actor=ops, method="bank", account_number="123456789012", ifsc="hdfc0001234"
    )
    stored = Order.objects.get(pk=order.pk)
    assert (stored.payment_method, stored.upi_id, stored.bank_account_number, stored.ifsc) == (
        "bank",
        "",
        "123456789012",
        "HDFC0001234",
    )
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert event.kind == "amended" and event.data["what"] == "payment"
    assert event.data["to"] == {"method": "bank", "to": "••••••••9012 HDFC0001234"}
    assert "123456789012" not in str(event.data)  # S2: masked in the history
    assert kinds(order)[-1] == "order_confirmation"


def test_o3_address_change_in_the_city_replaces_a_vendor_that_does_not_cover_it(
    ops, catalog, second_vendor, new_order
):
    order = lifecycle.transition(
        new_order(), S.VENDOR_ASSIGNED, actor=ops, vendor_id=catalog["vendor"].pk
    )
    lifecycle.amend_address(
        order,
        actor=ops,
        line1="7, 12th Main",
        landmark="Opposite the park",
        city="Bengaluru",
        pincode="560038",
    )
    stored = Order.objects.get(pk=order.pk)
    assert (stored.address.pincode, stored.vendor) == ("560038", second_vendor)
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert event.data == {
        "what": "address",
        "from_pincode": "560034",
        "to_pincode": "560038",
        "vendor_replaced_by": "Apex Pickups",
    }


@pytest.mark.parametrize(
    ("pincode", "city", "code"),
    [
        ("560064", "Bengaluru", "pincode_not_serviceable"),
        ("560034", "Mumbai", "pincode_city_mismatch"),
        ("0123", "Bengaluru", "pincode_invalid"),
    ],
)
def test_o3_address_change_is_checked_like_at_creation(pincode, city, code, ops, new_order):
    order = new_order()
    before = picture(order)
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.amend_address(
            order, actor=ops, line1="1 Road", landmark="Temple", city=city, pincode=pincode
        )
    assert refused.value.code == code
    assert picture(order) == before


def test_o3_device_change_requotes_and_needs_fresh_consent(ops, catalog, new_order):
    order = new_order()
    assert order.estimated_price == 45000
    before = picture(order)
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.amend_device(
            order,
            actor=ops,
            variant_id=catalog["v256"].pk,
            answers={"screen": "flawless", "body": "good"},
            consent_confirmed=False,
            consent_statement="",
        )
    assert refused.value.code == "consent_missing"
    assert picture(order) == before

    lifecycle.amend_device(
        order,
        actor=ops,
        variant_id=catalog["v256"].pk,
        answers={"screen": "flawless", "body": "good"},
        consent_confirmed=True,
        consent_statement="Yes, please place the order at the new price",
    )
    stored = Order.objects.get(pk=order.pk)
    assert (stored.variant_id, stored.estimated_price) == (catalog["v256"].pk, 56000)
    assert stored.consent_statement == "Yes, please place the order at the new price"
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert (event.data["from"]["estimated_price"], event.data["to"]["estimated_price"]) == (
        45000,
        56000,
    )
    assert kinds(order)[-1] == "order_confirmation"


def test_o3_an_incomplete_questionnaire_is_refused(ops, catalog, new_order):
    order = new_order()
    before = picture(order)
    with pytest.raises(ValidationFailed):
        lifecycle.amend_device(
            order,
            actor=ops,
            variant_id=catalog["v128"].pk,
            answers={"screen": "flawless"},
            consent_confirmed=True,
            consent_statement="Yes, please place the order",
        )
    assert picture(order) == before


# --- O4 ---------------------------------------------------------------------------


def test_o4_lower_inspected_price_needs_acceptance_before_payment(ops, new_order, quickpick_client):
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=ops)
    vendor = quickpick_client
    order = lifecycle.transition(
        order, S.INSPECTED, actor=vendor, final_price=41000, notes="Dent on the back, battery 81%"
    )
    assert kinds(order)[-1] == "inspection_price"
    assert "41,000" in Message.objects.filter(order_number=order.number).latest("id").body
    before = picture(order)
    with pytest.raises(Conflict) as refused:
        lifecycle.transition(order, S.PAID, actor=vendor, reference="UTR1234567")
    assert refused.value.code == "price_acceptance_required"
    assert picture(order) == before

    lifecycle.accept_final_price(order, actor=vendor, notes="Customer said OK")
    with pytest.raises(Conflict) as twice:
        lifecycle.accept_final_price(order, actor=vendor)
    assert twice.value.code == "already_accepted"
    order = lifecycle.transition(order, S.PAID, actor=vendor, reference="UTR1234567")
    stored = Order.objects.get(pk=order.pk)
    assert (stored.status, stored.final_price, stored.payment_reference) == (
        "paid",
        41000,
        "UTR1234567",
    )
    paid = OrderEvent.objects.filter(order=order).latest("id")
    assert paid.data["method"] == "upi" and paid.data["paid_to"] == "as••••••@okaxis"
    assert paid.data["amount"] == 41000
    order = lifecycle.transition(order, S.COMPLETED, actor=ops)
    assert kinds(order)[-3:] == ["inspection_price", "payment_done", "feedback_request"]


def test_o4_the_same_price_needs_no_acceptance(ops, new_order):
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=ops)
    order = lifecycle.transition(
        order, S.INSPECTED, actor=ops, final_price=order.estimated_price, notes="As described"
    )
    with pytest.raises(Conflict) as refused:
        lifecycle.accept_final_price(order, actor=ops)
    assert refused.value.code == "acceptance_not_needed"
    assert lifecycle.transition(order, S.PAID, actor=ops, reference="UPI99887766").status == S.PAID


def test_o4_customer_declines_the_price_and_the_order_is_cancelled_without_penalty(
    cx_and_ops, new_order
):
    cx, ops = cx_and_ops
    order = drive(new_order(), S.INSPECTED, actor=ops)
    order = lifecycle.transition(
        order, S.CANCELLED, actor=cx, reason="price_not_accepted", notes="Too low"
    )
    stored = Order.objects.get(pk=order.pk)
    assert (stored.status, stored.cancellation_reason, stored.slot_id) == (
        "cancelled",
        "price_not_accepted",
        None,
    )
    assert OrderEvent.objects.filter(order=order).latest("id").data["penalty"] == 0
    assert kinds(order)[-1] == "order_cancelled"


@pytest.fixture
def cx_and_ops(cast):
    return cast["cx"], cast["ops"]


# --- X4 and X1 --------------------------------------------------------------------


def test_x4_ops_mark_a_duplicate_which_cancels_it(ops, cast, order_request, new_order):
    first = new_order(customer_phone="9123456780")
    second = create_order(
        order_request(
            customer_phone="9123456780", override_reason="customer insists on two pickups"
        ),
        actor=cast["supervisor"],
        channel="agent",
    )
    lifecycle.mark_duplicate(second, of=first.display_number, actor=ops, notes="same phone twice")
    stored = Order.objects.get(pk=second.pk)
    assert (stored.status, stored.cancellation_reason, stored.duplicate_of) == (
        "cancelled",
        "duplicate",
        first,
    )
    assert kinds(second)[-1] == "order_cancelled"
    # CX may not mark duplicates; nor can an order duplicate itself
    third = create_order(
        order_request(customer_phone="9123456780", override_reason="third device box"),
        actor=cast["supervisor"],
        channel="agent",
    )
    before = picture(third)
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.mark_duplicate(third, of=first.number, actor=cast["cx"])
    assert refused.value.code == "reason_not_allowed_for_role"
    with pytest.raises(ValidationFailed) as itself:
        lifecycle.mark_duplicate(third, of=third.number, actor=ops)
    assert itself.value.code == "duplicate_of_invalid"
    assert picture(third) == before


def test_x4_another_customers_order_is_not_a_duplicate(ops, new_order):
    a, b = new_order(), new_order()
    before = picture(b)
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.mark_duplicate(b, of=a.number, actor=ops)
    assert refused.value.code == "duplicate_of_invalid"
    assert picture(b) == before


def test_x1_rescheduling_refused_while_the_customer_has_another_open_order_for_the_device(
    ops, new_order, spare_slot
):
    failed = drive(new_order(customer_phone="9000011111"), S.PICKUP_FAILED, actor=ops)
    new_order(customer_phone="9000011111")  # allowed: a failed pickup is not open (X1)
    before = picture(failed)
    with pytest.raises(Conflict) as refused:
        lifecycle.transition(failed, S.PICKUP_SCHEDULED, actor=ops, slot_id=spare_slot.pk)
    assert refused.value.code == "duplicate_open_order"
    assert picture(failed) == before


def test_o5_a_delay_is_told_to_the_customer(ops, new_order, quickpick_client):
    order = drive(new_order(), S.PICKUP_SCHEDULED, actor=ops)
    lifecycle.report_delay(order, actor=quickpick_client, expected_window="14:00-15:00")
    message = Message.objects.filter(order_number=order.number, kind__key="pickup_delayed").get(
        channel="sms"
    )
    assert "Expected now: 14:00-15:00" in message.body


def test_o5_a_failed_pickup_tells_the_reason_and_how_to_rebook_in_english_and_hindi(
    ops, new_order, quickpick_client
):
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=ops)
    lifecycle.transition(
        order, S.PICKUP_FAILED, actor=quickpick_client, reason="address_not_found", notes="gate 4"
    )
    sent = Message.objects.filter(order_number=order.number, channel="sms")
    assert not sent.filter(kind__key="pickup_delayed").exists()
    message = sent.get(kind__key="pickup_failed")
    assert message.body.startswith(
        f"Hi {order.customer.name}, the pickup for order {order.display_number} could not be "
        "done: our pickup partner could not find the address. Your order stays open and your "
        "price quote still holds. To rebook, reply to this message or call us with your order "
        "number and choose a new slot."
    )
    assert "running late" not in message.body and "gate 4" not in message.body
    hindi = MessageTemplate.objects.get(kind__key="pickup_failed", language="hi", channel="")
    assert "{{ reason_hi }}" in hindi.body and "दोबारा बुक" in hindi.body


def test_vendor_cannot_act_on_another_vendors_order(cast, ops, new_order):
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=ops)
    other_vendor = cast["vendor"]  # Cast Vendor's client; the order is QuickPick's
    assert other_vendor.vendor_id != order.vendor_id
    before = picture(order)
    with pytest.raises(DomainError) as refused:
        lifecycle.transition(
            order, S.INSPECTED, actor=other_vendor, final_price=1, notes="mine now"
        )
    assert (refused.value.status, refused.value.code) == (403, "not_your_order")
    assert picture(order) == before


def test_lifecycle_roles_come_from_the_permission_layer(cast, quickpick_client):
    roles = {who: lifecycle.actor_role(user) for who, user in cast.items()}
    assert roles == {
        "sales": None,
        "sales2": None,
        "cx": ActorRole.CX,
        "ops": ActorRole.OPS,
        "supervisor": None,
        "admin": None,
        "app": None,
        "vendor": ActorRole.VENDOR,
        "outsider": None,
    }
    assert lifecycle.actor_role(None) == ActorRole.SYSTEM
    assert lifecycle.actor_role(quickpick_client) == ActorRole.VENDOR


# --- O4: the inspected price sanity band (issue 18) --------------------------------


@pytest.mark.parametrize("factor", [1.51, 0.19, 400])
def test_o4_a_price_outside_the_band_is_refused_without_a_reason_and_no_sms_goes_out(
    ops, new_order, factor
):
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=ops)
    sent = kinds(order)
    before = picture(order)
    events = OrderEvent.objects.filter(order=order).count()
    with pytest.raises(Conflict) as refused:
        lifecycle.transition(
            order,
            S.INSPECTED,
            actor=ops,
            final_price=int(order.estimated_price * factor),
            notes="Looks fine",
        )
    assert (refused.value.code, refused.value.field) == ("price_outside_band", "final_price")
    assert picture(order) == before
    assert kinds(order) == sent  # no inspection_price message
    assert OrderEvent.objects.filter(order=order).count() == events


def test_o4_a_price_outside_the_band_goes_through_with_a_reason_recorded(ops, new_order):
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=ops)
    high = order.estimated_price * 2
    inspected = lifecycle.transition(
        order,
        S.INSPECTED,
        actor=ops,
        final_price=high,
        notes="Sealed box",
        price_band_reason="Sealed, unused, with the original invoice",
    )
    assert (inspected.status, inspected.final_price) == (S.INSPECTED, high)
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert event.data["price_band_reason"] == "Sealed, unused, with the original invoice"
    assert kinds(order)[-1] == "inspection_price"


def test_o4_the_band_edges_need_no_reason(ops, new_order, settings):
    settings.ORDERDESK = settings.ORDERDESK | {"INSPECTED_PRICE_BAND": {"ABOVE": 1.5, "BELOW": 0.2}}
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=ops)
    highest, lowest = effects.band_limits(order.estimated_price)
    assert (highest, lowest) == (
        int(order.estimated_price * 1.5),
        math.ceil(order.estimated_price * 0.2),
    )
    assert not effects.outside_price_band(order.estimated_price, lowest)
    assert effects.outside_price_band(order.estimated_price, lowest - 1)
    inspected = lifecycle.transition(
        order, S.INSPECTED, actor=ops, final_price=highest, notes="Mint"
    )
    assert inspected.final_price == highest


def test_o4_the_band_is_configurable(ops, new_order, settings):
    settings.ORDERDESK = settings.ORDERDESK | {"INSPECTED_PRICE_BAND": {"ABOVE": 1.1, "BELOW": 0.9}}
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=ops)
    with pytest.raises(Conflict) as refused:
        lifecycle.transition(
            order, S.INSPECTED, actor=ops, final_price=order.estimated_price // 2, notes="Dents"
        )
    assert refused.value.code == "price_outside_band"


def test_o4_a_band_reason_rides_on_no_other_move(ops, new_order):
    order = new_order()
    before = picture(order)
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.transition(order, S.VENDOR_ASSIGNED, actor=ops, price_band_reason="because")
    assert refused.value.errors[-1].field == "price_band_reason"
    assert picture(order) == before
