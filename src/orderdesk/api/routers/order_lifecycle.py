"""The order's life over the API (SPEC §6 O1-O5, §11): transitions, history, the customer's acceptance.

Who may call: ops (``orders.operate``), vendor clients (``orders.vendor``) for the
orders assigned to their own vendor, and CX agents for cancellations on the
customer's request. The table in ``orderdesk.orders.transitions`` decides every
move; refusals are problem+json: 409 ``illegal_transition`` names ``from`` and
``to``, 403 for a role the move does not allow.

Another vendor's order answers **404** (``order_not_found``), exactly as
``GET /api/v1/orders/{number}`` does for it, and nothing changes. We chose 404
over 403 so that a vendor client cannot learn which order numbers exist by
probing them: the read and the write give the same answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Router, Schema
from pydantic import Field

from orderdesk.accounts.permissions import Perm, require
from orderdesk.api.routers.orders import OrderOut, _visible_orders, order_out
from orderdesk.api.schemas import AUTH_ERRORS, INPUT_ERRORS, InputSchema, Problem
from orderdesk.core.errors import NotFound, ValidationFailed
from orderdesk.core.masking import mask_data, mask_text
from orderdesk.orders import lifecycle
from orderdesk.orders import transitions as table
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import Order
from orderdesk.orders.rules import canonical_order_number, order_number_problem

router = Router(tags=["order lifecycle"])

REFUSALS = {404: Problem, 409: Problem, **AUTH_ERRORS, **INPUT_ERRORS}


class ItemInspectionIn(InputSchema):
    position: int = Field(description="the item's number in the order (items[].position)")
    outcome: Literal["accepted", "returned"]
    final_price: int | None = Field(
        default=None, ge=0, description="accepted: the inspected price of the accepted devices"
    )
    accepted_quantity: int | None = Field(
        default=None, ge=1, description="accepted: how many of the line's devices (default all)"
    )


class TransitionIn(InputSchema):
    to: OrderStatus = Field(description="the status to move to (see docs/orders-lifecycle.md)")
    reason: str | None = Field(
        default=None,
        max_length=40,
        description="cancellation: "
        + ", ".join(table.CancellationReason.values)
        + "; pickup_failed: "
        + ", ".join(table.PickupFailureReason.values),
    )
    notes: str | None = Field(
        default=None, max_length=500, description="why; for inspected: what was found"
    )
    final_price: int | None = Field(
        default=None, ge=0, description="inspected: the final price in whole rupees (O4)"
    )
    items: list[ItemInspectionIn] | None = Field(
        default=None,
        description="inspected (issue 15): each device's outcome; required when the order "
        "carries more than one line, and final_price is then the sum of the accepted prices",
    )
    price_band_reason: str | None = Field(
        default=None,
        max_length=500,
        description="inspected: why a price outside the band (INSPECTED_PRICE_BAND, e.g. above "
        "1.5x or below 0.2x the estimate) is right; without it 409 price_outside_band",
    )
    reference: str | None = Field(
        default=None, max_length=100, description="paid: the UPI transaction id or bank UTR"
    )
    vendor_id: int | None = Field(
        default=None, description="vendor_assigned: default least loaded (O2)"
    )
    slot_id: int | None = Field(
        default=None, description="pickup_scheduled: the slot to book (required to reschedule)"
    )
    duplicate_of: str | None = Field(
        default=None,
        max_length=20,
        description="cancelled with reason duplicate: the other order (X4)",
    )


class AcceptanceIn(InputSchema):
    notes: str = Field(default="", max_length=500, description="e.g. the customer's words")


class EventOut(Schema):
    at: dt.datetime
    kind: str
    from_status: str
    to_status: str
    actor: str | None
    note: str
    data: dict


class LifecycleOut(OrderOut):
    next_statuses: list[str] = Field(
        description="the statuses the caller may move this order to now"
    )
    price_acceptance_needed: bool = Field(
        description="O4: the inspected price differs from the estimate and is not yet accepted"
    )


def _actor(request):
    """Ops, a vendor client, or a CX agent; anyone else is refused before any look-up."""
    user = request.auth
    if lifecycle.actor_role(user) is None:
        require(user, Perm.ORDERS_OPERATE)  # 403 naming the permission
    return user


def _order(user, number: str) -> Order:
    problem = order_number_problem(number)
    if problem:
        raise ValidationFailed(
            f"{number!r} is not a valid order number ({problem}).", code=problem, field="number"
        )
    order = _visible_orders(user).filter(number=canonical_order_number(number)).first()
    if order is None:
        raise NotFound(f"No order {number}.", code="order_not_found", field="number")
    return order


def _out(order: Order, user) -> dict:
    order = _visible_orders(user).get(pk=order.pk)
    moves, _ = lifecycle.allowed_for(order, user)
    needs = lifecycle.awaits_price_acceptance(order)
    return order_out(order) | {
        "next_statuses": [to.value for to, _ in moves],
        "price_acceptance_needed": needs,
    }


@router.post(
    "/orders/{number}/transitions",
    response={200: LifecycleOut, **REFUSALS},
    summary="Move an order along its life (O1): vendor, pickup, inspection, payment, cancellation",
    description=(
        "One move of the transition table (docs/orders-lifecycle.md). Inspection adds "
        "`final_price` and `notes` (what was found), and for an order of several devices "
        "`items` (each accepted with its price, or returned); payment adds `reference`; cancelling and "
        "a failed pickup add a `reason` from their lists. 409 `illegal_transition` names "
        "`from` and `to`; 403 when your role may not make the move; another vendor's order "
        "is 404, unchanged."
    ),
)
def post_transition(request, number: str, payload: TransitionIn):
    user = _actor(request)
    order = _order(user, number)
    inputs = payload.dict(exclude={"to", "reason", "notes"}, exclude_none=True)
    moved = lifecycle.transition(
        order,
        payload.to,
        actor=user,
        reason=payload.reason or "",
        notes=payload.notes or "",
        **inputs,
    )
    return _out(moved, user)


@router.post(
    "/orders/{number}/price-acceptance",
    response={200: LifecycleOut, **REFUSALS},
    summary="Record the customer's acceptance of an inspected price that differs from the estimate (O4)",
)
def post_price_acceptance(request, number: str, payload: AcceptanceIn):
    user = _actor(request)
    order = _order(user, number)
    return _out(lifecycle.accept_final_price(order, actor=user, notes=payload.notes), user)


@router.get(
    "/orders/{number}/history",
    response={200: list[EventOut], 404: Problem, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="The order's history: creation, every move and amendment, who, when and why",
)
def get_history(request, number: str):
    user = _actor(request)
    order = _order(user, number)
    # S2 (issue 21, 7): a note is what someone typed — an alternate number, a UPI ID, an
    # account number. API clients outside the company (the vendor, the customer app) get
    # it masked; staff see it as written.
    note = mask_text if user.is_api_client else str
    data = mask_data if user.is_api_client else dict
    return [
        {
            "at": e.at,
            "kind": e.kind,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": e.actor.username if e.actor_id else None,
            "note": note(e.note),
            "data": data(e.data or {}),
        }
        for e in lifecycle.history(order)
    ]
