"""A web order goes through the one create_order (channel web): gates, X1-X3, the outbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orderdesk.core.models import AuditEvent
from orderdesk.messaging.links import read_tracking_token
from orderdesk.messaging.models import Message
from orderdesk.orders.models import DuplicateAttempt, Order
from orderdesk.storefront.models import WebQuote
from orderdesk.storefront.rules import match_score, rank_devices
from orderdesk.storefront.tests.helpers import fill_pickup, place, quote_and_verify

pytestmark = pytest.mark.django_db


def test_a_visitor_sells_a_phone_on_the_web_and_gets_the_order_number(client, catalog, sent_code):
    quote_and_verify(client, catalog, sent_code)
    r = fill_pickup(client, catalog["morning"])
    assert r.status_code == 302, r.content[:800]
    review = client.get(reverse("storefront:review"))
    assert "asha.rao@okaxis" not in review.content.decode()  # masked on the page
    r = place(client)
    assert r.status_code == 302 and r.url == reverse("storefront:done")

    order = Order.objects.get()
    assert (order.channel, order.estimated_price, order.created_by) == ("web", 45000, None)
    assert (order.customer.phone, order.slot_id) == ("+919812345678", catalog["morning"].pk)
    assert order.address.landmark == "Opposite Forum Mall"
    assert WebQuote.objects.get().order == order
    assert AuditEvent.objects.get(action="order.create").actor_label == (
        f"customer:{order.customer_id}"
    )
    done = client.get(reverse("storefront:done"))
    assert order.display_number in done.content.decode()
    # M6: the confirmation is in the outbox and carries the signed tracking link
    confirmation = Message.objects.get(kind="order_confirmation", channel="sms")
    token = confirmation.body.split("/t/")[1].split("/")[0]
    assert read_tracking_token(token) == order.number


def test_x3_a_second_submit_of_the_review_form_replays_the_first_order(client, catalog, sent_code):
    quote_and_verify(client, catalog, sent_code)
    fill_pickup(client, catalog["morning"])
    place(client)
    first = Order.objects.get()
    again = client.post(reverse("storefront:review"), {"consent": "yes"})
    assert again.status_code == 302 and again.url == reverse("storefront:done")
    assert list(Order.objects.all()) == [first]
    assert not DuplicateAttempt.objects.exists()


def test_x1_a_second_open_web_order_for_the_same_device_is_refused_and_recorded(
    client, catalog, sent_code
):
    quote_and_verify(client, catalog, sent_code)
    fill_pickup(client, catalog["morning"])
    place(client)
    first = Order.objects.get()
    booked = catalog["evening"].booked

    other = client.__class__()  # a new visit, the same phone and device
    quote_and_verify(other, catalog, sent_code)
    fill_pickup(other, catalog["evening"])
    refused = place(other)

    assert refused.status_code == 409
    assert first.display_number in refused.content.decode()
    assert list(Order.objects.all()) == [first]
    attempt = DuplicateAttempt.objects.get()
    assert (attempt.existing_order, attempt.channel) == (first, "web")
    catalog["evening"].refresh_from_db()
    assert catalog["evening"].booked == booked  # no slot place taken


def test_m2_the_pickup_step_refuses_an_unserved_pincode_and_a_bad_upi_id(
    client, catalog, sent_code
):
    quote_and_verify(client, catalog, sent_code)
    r = client.post(reverse("storefront:pincode"), {"pincode": "110001"})
    assert r.status_code == 422 and "pincode-error" in r.content.decode()
    r = fill_pickup(client, catalog["morning"], upi_id="not-a-upi")
    assert r.status_code == 422 and 'data-testid="upi-error"' in r.content.decode()
    assert not Order.objects.exists()


def test_no_order_without_a_verified_phone(client, catalog, sent_code):
    client.post(
        reverse("storefront:device", args=[catalog["v128"].pk]),
        {"screen": "scratched", "body": "good"},
    )
    client.post(reverse("storefront:estimate"), {"name": "Asha", "phone": "9812345678"})
    # skipping the code: every later step sends the visitor back
    r = client.post(reverse("storefront:review"), {"consent": "yes"})
    assert r.status_code == 302 and r.url == reverse("storefront:details")
    r = client.get(reverse("storefront:details"))
    assert r.url == reverse("storefront:pincode")
    r = client.get(reverse("storefront:pincode"))
    assert r.url == reverse("storefront:estimate")
    assert not Order.objects.exists() and not WebQuote.objects.exists()


def test_search_tolerates_typos_but_not_another_model_number():
    names = {1: "Apple iPhone 15", 2: "Apple iPhone 13", 3: "Samsung Galaxy S21", 4: "OnePlus 11R"}
    assert rank_devices("iphoen 15", names) == [1]
    assert rank_devices("samsng galxy", names) == [3]
    assert rank_devices("iph", names) == [2, 1]  # equal scores: by name
    assert rank_devices("oneplus 11r", names) == [4]
    assert match_score("nokia", "Apple iPhone 15") == 0.0


def test_the_search_page_finds_a_model_typed_with_a_typo(client, catalog):
    r = client.get(reverse("storefront:home"), {"q": "iphnoe"})
    body = r.content.decode()
    assert r.status_code == 200 and "iPhone 15" in body
    assert reverse("storefront:device", args=[catalog["v128"].pk]) in body
