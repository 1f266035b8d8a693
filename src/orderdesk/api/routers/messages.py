"""What the customer was sent about an order (SPEC §11): ``GET /api/v1/orders/{number}/messages``."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.http import HttpResponse
from ninja import Query, Router, Schema

from orderdesk.accounts.permissions import Perm
from orderdesk.api.auth import acting_user
from orderdesk.api.paging import PAGED_OPENAPI, PageQuery, page_by_keys
from orderdesk.api.schemas import AUTH_ERRORS, INPUT_ERRORS, Problem
from orderdesk.core.errors import NotFound
from orderdesk.messaging.actions import canonical_number
from orderdesk.messaging.selectors import messages_for_order

router = Router(tags=["messages"])


class MessageOut(Schema):
    id: int
    channel: str
    kind: str
    status: str
    language: str
    attempts: int
    created_at: dt.datetime
    sent_at: dt.datetime | None
    failed_at: dt.datetime | None


def _order_model():
    try:
        return apps.get_model("orders", "Order")
    except LookupError:
        return None


@router.get(
    "/orders/{number}/messages",
    response={200: list[MessageOut], 404: Problem, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Messages sent to the customer about an order (channel, kind, delivery state, times)",
    description="A page at a time, oldest first (by creation time, then id).",
    openapi_extra=PAGED_OPENAPI,
)
def order_messages(request, response: HttpResponse, number: str, page: Query[PageQuery]):
    acting_user(request, Perm.ORDERS_VIEW)
    number = canonical_number(number)
    messages = messages_for_order(number)
    order_model = _order_model()
    # Until the orders app has its table, an unknown number simply has no messages.
    if (
        order_model is not None
        and not messages.exists()
        and not order_model.objects.filter(number=number).exists()
    ):
        raise NotFound(f"There is no order {number}.", code="order_not_found", field="number")
    rows = page_by_keys(
        messages, request, response, page, keys=[("created_at", dt.datetime), ("pk", int)]
    )
    return [
        {
            "id": m.id,
            "channel": m.channel,
            "kind": m.kind.key,
            "status": m.status,
            "language": m.language,
            "attempts": m.attempts,
            "created_at": m.created_at,
            "sent_at": m.sent_at,
            "failed_at": m.failed_at,
        }
        for m in rows
    ]
