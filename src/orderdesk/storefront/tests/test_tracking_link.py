"""The tracking link: signed, expiring, one order; each action through the lifecycle as the
customer, audited as the customer, and refused with a clear page — nothing changed — once
it is no longer allowed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from orderdesk.catalog.models import PickupSlot
from orderdesk.core.models import AuditEvent
from orderdesk.core.timeutil import today_ist
from orderdesk.messaging.links import tracking_token
from orderdesk.messaging.models import Message
from orderdesk.orders import lifecycle
from orderdesk.orders.actions import create_order
from orderdesk.orders.models import Order, OrderEvent
from orderdesk.testing.factories import agent_order_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def spare(catalog):
    return PickupSlot.objects.create(
        city=catalog["city"],
        date=today_ist() + dt.timedelta(days=2),
        window_start=dt.time(10),
        window_end=dt.time(13),
        capacity=5,
    )


@pytest.fixture
def order(cast, catalog):
    return create_order(agent_order_request(catalog), actor=cast["sales"], channel="agent")


def _to(order, status, ops, *, final_price=None):
    path = {
        "vendor_assigned": ["vendor_assigned"],
        "pickup_scheduled": ["vendor_assigned", "pickup_scheduled"],
        "out_for_pickup": ["vendor_assigned", "pickup_scheduled", "out_for_pickup"],
        "inspected": ["vendor_assigned", "pickup_scheduled", "out_for_pickup", "inspected"],
    }[status]
    for step in path:
        extra = (
            {"final_price": final_price, "notes": "Screen scratched"} if step == "inspected" else {}
        )
        order = lifecycle.transition(order, step, actor=ops, **extra)
    return order


def picture(order):
    row = Order.objects.filter(pk=order.pk).values().get()
    row.pop("updated_at")
    return {
        "order": row,
        "slots": dict(PickupSlot.objects.values_list("pk", "booked")),
        "events": OrderEvent.objects.filter(order=order).count(),
        "messages": Message.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def url(name, order):
    return reverse(f"storefront:{name}", args=[tracking_token(order.number)])


def test_the_link_shows_the_order_timeline_vendor_and_slot(client, order, cast):
    order = _to(order, "pickup_scheduled", cast["ops"])
    r = client.get(url("track", order))
    body = r.content.decode()
    assert r.status_code == 200
    assert order.display_number in body and "QuickPick Bengaluru" in body
    assert "Pickup scheduled" in body and order.slot.window in body


def test_a_forged_or_mangled_or_expired_link_opens_nothing(client, order):
    token = tracking_token(order.number)
    assert client.get(reverse("storefront:track", args=[token[:-2] + "xx"])).status_code == 404
    from django.core import signing

    other_salt = signing.dumps({"o": order.number}, salt="orderdesk.cx.csat", compress=True)
    assert client.get(reverse("storefront:track", args=[other_salt])).status_code == 404
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        r = client.get(reverse("storefront:track", args=[token]))
    assert r.status_code == 404 and 'data-testid="refusal"' in r.content.decode()


def test_opening_the_link_changes_nothing(client, order):
    before = picture(order)
    client.get(url("track", order))
    assert picture(order) == before


def test_o3_the_customer_reschedules_to_another_open_slot_audited_as_the_customer(
    client, order, spare
):
    r = client.post(url("track_reschedule", order), {"slot_id": spare.pk})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.slot_id == spare.pk
    event = OrderEvent.objects.filter(order=order, kind="amended").get()
    assert (event.actor, event.data["by"]) == (None, f"customer:{order.customer_id}")
    audit = AuditEvent.objects.filter(action="order.amended").get()
    assert audit.actor_label == f"customer:{order.customer_id}"
    assert Message.objects.filter(kind="pickup_rescheduled", order=order).exists()


def test_o1_the_customer_cancels_with_a_reason_in_their_words(client, order):
    r = client.post(url("track_cancel", order), {"words": "Sold it to my cousin"})
    assert r.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.cancellation_reason, order.cancellation_notes) == (
        "cancelled",
        "customer_request",
        "Sold it to my cousin",
    )
    assert order.slot_id is None


def test_o4_the_customer_accepts_a_lower_inspected_price_in_their_own_words(client, order, cast):
    order = _to(order, "inspected", cast["ops"], final_price=40000)
    r = client.post(
        url("track_price", order), {"decision": "accept", "words": "Theek hai, 40,000 chalega"}
    )
    assert r.status_code == 302
    event = OrderEvent.objects.get(order=order, kind="price_accepted")
    assert (event.note, event.data["by"]) == (
        "Theek hai, 40,000 chalega",
        f"customer:{order.customer_id}",
    )
    assert lifecycle.price_accepted(order)


def test_o4_the_customer_refuses_the_inspected_price_and_the_order_is_cancelled_free(
    client, order, cast
):
    order = _to(order, "inspected", cast["ops"], final_price=40000)
    r = client.post(url("track_price", order), {"decision": "refuse", "words": "Too low for me"})
    assert r.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.cancellation_reason) == ("cancelled", "price_not_accepted")
    event = OrderEvent.objects.filter(order=order, to_status="cancelled").get()
    assert event.data["penalty"] == 0


# --- refused once no longer allowed: a clear page, nothing changed ---------------------------


def _refused(client, path, data, order, status):
    before = picture(order)
    r = client.post(path, data)
    assert r.status_code == status, r.content[:600]
    assert 'data-testid="refusal"' in r.content.decode()
    assert picture(order) == before
    return r


def test_reschedule_is_refused_once_the_vendor_is_out_for_pickup(client, order, cast, spare):
    order = _to(order, "out_for_pickup", cast["ops"])
    r = _refused(client, url("track_reschedule", order), {"slot_id": spare.pk}, order, 409)
    assert "out for pickup" in r.content.decode()


def test_reschedule_to_a_full_slot_is_refused(client, order, catalog):
    evening = catalog["evening"]
    PickupSlot.objects.filter(pk=evening.pk).update(booked=evening.capacity)
    _refused(client, url("track_reschedule", order), {"slot_id": evening.pk}, order, 409)


def test_cancel_is_refused_once_the_vendor_is_out_for_pickup(client, order, cast):
    order = _to(order, "out_for_pickup", cast["ops"])
    _refused(client, url("track_cancel", order), {"words": "Changed my mind"}, order, 403)


def test_cancel_is_refused_after_the_order_is_cancelled(client, order):
    client.post(url("track_cancel", order), {"words": "Changed my mind"})
    order.refresh_from_db()
    _refused(client, url("track_cancel", order), {"words": "Again"}, order, 409)


def test_cancel_for_my_own_reason_is_refused_after_inspection(client, order, cast):
    order = _to(order, "inspected", cast["ops"], final_price=40000)
    _refused(client, url("track_cancel", order), {"words": "Changed my mind"}, order, 422)


def test_price_answer_is_refused_before_inspection(client, order, cast):
    order = _to(order, "pickup_scheduled", cast["ops"])
    _refused(client, url("track_price", order), {"decision": "accept", "words": "OK"}, order, 409)


def test_price_acceptance_is_refused_a_second_time(client, order, cast):
    order = _to(order, "inspected", cast["ops"], final_price=40000)
    client.post(url("track_price", order), {"decision": "accept", "words": "OK fine"})
    _refused(client, url("track_price", order), {"decision": "accept", "words": "OK"}, order, 409)


def test_price_acceptance_is_refused_when_the_price_equals_the_estimate(client, order, cast):
    order = _to(order, "inspected", cast["ops"], final_price=45000)
    _refused(client, url("track_price", order), {"decision": "accept", "words": "OK"}, order, 409)


def test_a_cancel_without_words_is_refused(client, order):
    _refused(client, url("track_cancel", order), {"words": ""}, order, 422)
