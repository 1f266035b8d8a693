"""GET /api/v1/orders/{number}/messages and the console's messaging pages."""

import re

import pytest
from django.db import transaction
from django.test import Client

from orderdesk.messaging import sender
from orderdesk.messaging.actions import enqueue_message
from orderdesk.messaging.choices import MessageStatus
from orderdesk.messaging.models import Message
from orderdesk.testing.factories import PASSWORD, confirmation_ctx


@pytest.fixture
def order_messages(messaging_conf, customer):
    asha = customer(whatsapp_opt_in=True)
    with transaction.atomic():
        rows = enqueue_message(
            customer=asha,
            kind="order_confirmation",
            context=confirmation_ctx("OD-7K4M-9QXR"),
            order="OD7K4M9QXR",
        )
    sender.deliver_due()
    return rows


def test_ops_read_what_the_customer_was_sent_about_an_order(api, cast, order_messages):
    response = api(cast["ops"]).get("/api/v1/orders/od-7k4m-9qxr/messages")
    assert response.status_code == 200
    body = response.json()
    assert [(m["channel"], m["kind"], m["status"]) for m in body] == [
        ("sms", "order_confirmation", "sent"),
        ("whatsapp", "order_confirmation", "sent"),
    ]
    assert all(m["created_at"] and m["sent_at"] for m in body)


def test_an_unknown_order_number_is_404(api, cast, db):
    response = api(cast["cx"]).get("/api/v1/orders/OD22222222/messages")
    assert response.status_code == 404
    assert response.json()["code"] == "order_not_found"


@pytest.mark.parametrize("role", ["vendor", "app"])
def test_roles_without_orders_view_are_refused(api, cast, role, db):
    response = api(cast[role]).get("/api/v1/orders/OD7K4M9QXR/messages")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def console(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def assert_csp_clean(html: str):
    assert 'style="' not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_ops_see_failed_messages_with_the_error_and_retry_them(
    cast, messaging_conf, customer, gateway
):
    gateway.refuse = True
    with transaction.atomic():
        [sms] = enqueue_message(
            customer=customer(), kind="order_confirmation", context=confirmation_ctx("OD1")
        )
    sender.deliver_due()
    ops = console(cast["ops"])
    page = ops.get("/console/messages/failed/")
    html = page.content.decode()
    assert page.status_code == 200 and "gateway answered 400" in html
    assert f'action="/console/messages/{sms.pk}/retry/"' in html
    assert_csp_clean(html)

    response = ops.post(f"/console/messages/{sms.pk}/retry/")
    assert response.status_code == 302
    sms.refresh_from_db()
    assert sms.status == MessageStatus.QUEUED


def test_other_roles_cannot_see_or_retry_failed_messages(cast, messaging_conf, customer):
    with transaction.atomic():
        [sms] = enqueue_message(
            customer=customer(), kind="order_confirmation", context=confirmation_ctx("OD1")
        )
    Message.objects.filter(pk=sms.pk).update(status=MessageStatus.FAILED)
    sales = console(cast["sales"])
    assert sales.get("/console/messages/failed/").status_code == 403
    assert sales.post(f"/console/messages/{sms.pk}/retry/").status_code == 403
    assert Message.objects.get(pk=sms.pk).status == MessageStatus.FAILED
    assert Client().get("/console/messages/failed/").status_code == 302  # to sign-in


def test_a_customers_messages_show_their_delivery_state(cast, order_messages):
    customer_id = order_messages[0].customer_id
    cx = console(cast["cx"])
    partial = cx.get(f"/console/messages/customers/{customer_id}/", headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in html
    assert html.count(">Sent</span>") == 2 and "WhatsApp" in html
    page = cx.get(f"/console/messages/customers/{customer_id}/")
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert_csp_clean(page.content.decode())
