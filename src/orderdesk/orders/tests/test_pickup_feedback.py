# ruff: noqa: F811  (the shared fixtures are imported from test_lifecycle_support and used as arguments)
"""Issue 15, item 12: the reply to the feedback request sent when an order completes is
captured, like CSAT: by reply code ("4 K7M2QX", relayed) or by the link; once per order."""

from __future__ import annotations

import re

from orderdesk.core.models import AuditEvent
from orderdesk.messaging.models import Message
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import OrderEvent, PickupFeedback
from orderdesk.orders.tests.test_lifecycle_support import (  # noqa: F401  (fixtures)
    drive,
    new_order,
)

JSON = "application/json"


def completed(new_order, cast):
    order = new_order()
    return drive(order, OrderStatus.COMPLETED, actor=cast["ops"])


def request_message(order):
    return Message.objects.get(order_number=order.number, kind_id="feedback_request", channel="sms")


def test_o5_completion_asks_for_feedback_with_a_reply_code_and_a_link(cast, new_order):
    order = completed(new_order, cast)
    feedback = PickupFeedback.objects.get(order=order)
    body = request_message(order).body
    assert f"5 {feedback.reply_code}" in body
    assert "/f/" in body


def test_feedback_reply_is_captured_once_by_code_and_phone(api, cast, new_order):
    order = completed(new_order, cast)
    feedback = PickupFeedback.objects.get(order=order)
    client = api(cast["cx"])
    reply = {"phone": order.customer.phone, "text": f"4 {feedback.reply_code.lower()}"}
    response = client.post("/api/v1/feedback/replies", reply, content_type=JSON)
    assert response.status_code == 200, response.json()
    assert (response.json()["score"], response.json()["answered_via"]) == (4, "reply")
    feedback.refresh_from_db()
    assert feedback.score == 4 and feedback.answered_at is not None
    assert OrderEvent.objects.filter(order=order, kind="feedback").count() == 1
    assert AuditEvent.objects.filter(action="order.feedback").count() == 1
    again = client.post(
        "/api/v1/feedback/replies", {**reply, "text": f"1 {feedback.reply_code}"}, content_type=JSON
    )
    assert (again.status_code, again.json()["code"]) == (409, "feedback_already_answered")
    feedback.refresh_from_db()
    assert feedback.score == 4


def test_feedback_reply_from_another_phone_or_unreadable_is_refused_and_writes_nothing(
    api, cast, new_order
):
    order = completed(new_order, cast)
    feedback = PickupFeedback.objects.get(order=order)
    client = api(cast["cx"])
    events = OrderEvent.objects.count()
    wrong_phone = client.post(
        "/api/v1/feedback/replies",
        {"phone": "9000000001", "text": f"4 {feedback.reply_code}"},
        content_type=JSON,
    )
    assert (wrong_phone.status_code, wrong_phone.json()["code"]) == (404, "feedback_code_unknown")
    unreadable = client.post(
        "/api/v1/feedback/replies",
        {"phone": order.customer.phone, "text": "great service"},
        content_type=JSON,
    )
    assert (unreadable.status_code, unreadable.json()["code"]) == (
        422,
        "feedback_reply_unreadable",
    )
    feedback.refresh_from_db()
    assert feedback.score is None and OrderEvent.objects.count() == events


def test_feedback_link_records_the_rating_and_comment_once(cast, new_order, client):
    order = completed(new_order, cast)
    link = re.search(r"/f/[^/\s]+/", request_message(order).body).group(0)
    page = client.get(link)
    assert page.status_code == 200 and order.display_number in page.content.decode()
    assert client.post(link, {"score": "9"}).status_code == 422
    assert PickupFeedback.objects.get(order=order).score is None
    done = client.post(link, {"score": "5", "comment": "Quick and polite"})
    assert done.status_code == 200 and 'data-testid="feedback-thanks"' in done.content.decode()
    feedback = PickupFeedback.objects.get(order=order)
    assert (feedback.score, feedback.comment, feedback.answered_via) == (
        5,
        "Quick and polite",
        "link",
    )
    assert client.get("/f/forged-token/").status_code == 404


def test_feedback_after_its_window_is_refused_by_reply_and_by_link_and_writes_nothing(
    api, cast, new_order, client
):
    """409 ``feedback_expired``: past ``expires_at`` neither the relayed reply nor the link
    records a rating, and no history or audit row is written."""
    import time_machine

    order = completed(new_order, cast)
    feedback = PickupFeedback.objects.get(order=order)
    link = re.search(r"/f/[^/\s]+/", request_message(order).body).group(0)
    cx = api(cast["cx"])  # (signing in writes its own audit row)
    events, audits = OrderEvent.objects.count(), AuditEvent.objects.count()
    with time_machine.travel(feedback.expires_at, tick=False):
        reply = cx.post(
            "/api/v1/feedback/replies",
            {"phone": order.customer.phone, "text": f"5 {feedback.reply_code}"},
            content_type=JSON,
        )
        by_link = client.post(link, {"score": "5", "comment": "late"})
    assert (reply.status_code, reply.json()["code"]) == (409, "feedback_expired")
    assert reply.json()["errors"][0]["field"] == "token"
    assert by_link.status_code == 409
    feedback.refresh_from_db()
    assert (feedback.score, feedback.comment, feedback.answered_at) == (None, "", None)
    assert (OrderEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)
