"""Orders over the API (SPEC §11): the customer app's own orders, agents' manual orders."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Literal

from django.db import IntegrityError
from django.http import HttpResponse, JsonResponse
from ninja import Header, Query, Router, Schema, Status
from pydantic import EmailStr, Field

from orderdesk.accounts.choices import Role
from orderdesk.accounts.permissions import Perm, has_perm, require
from orderdesk.api.paging import PAGED_OPENAPI, PageQuery, page_by_id
from orderdesk.api.schemas import AUTH_ERRORS, INPUT_ERRORS, InputSchema, Problem
from orderdesk.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from orderdesk.core.masking import mask_tail, mask_upi
from orderdesk.core.phones import mask_phone, normalise_phone
from orderdesk.core.throttle import throttle
from orderdesk.flows.contact_reveal import reveal_customer_phone
from orderdesk.flows.orders import place_app_order, place_order, prove_orders_phone
from orderdesk.flows.phone_codes import request_phone_code
from orderdesk.orders.actions import (
    ItemRequest,
    OrderRequest,
    answer_feedback_by_reply,
    grant_duplicate_override,
)
from orderdesk.orders.choices import Channel, OrderStatus
from orderdesk.orders.models import IdempotencyRecord, Order
from orderdesk.orders.rules import (
    MAX_ITEM_QUANTITY,
    MAX_ITEMS_PER_ORDER,
    canonical_order_number,
    devices_label,
    order_number_problem,
)
from orderdesk.orders.selectors import ORDER_ITEMS, find_orders

router = Router(tags=["orders"])


class CustomerIn(InputSchema):
    name: str = Field(min_length=1, max_length=120)
    phone: str = Field(min_length=1, max_length=20)
    email: EmailStr | None = None


class PickupIn(InputSchema):
    line1: str = Field(min_length=1, max_length=200)
    line2: str = Field(default="", max_length=200)
    landmark: str = Field(default="", max_length=120)
    city: str = Field(min_length=1, max_length=80)
    pincode: str = Field(min_length=1, max_length=10)
    slot_id: int


class PaymentIn(InputSchema):
    method: Literal["upi", "bank"]
    upi_id: str = Field(default="", max_length=100)
    account_number: str = Field(default="", max_length=20)
    ifsc: str = Field(default="", max_length=11)


class ConsentIn(InputSchema):
    confirmed: bool
    statement: str = Field(
        max_length=300, description='the customer\'s words, e.g. "Yes, please place the order"'
    )


class PhoneProofIn(InputSchema):
    id: int = Field(ge=1, le=2**63 - 1, description="verification_id from POST /api/v1/phone-codes")
    code: str = Field(
        min_length=1, max_length=10, description="the code the customer received by SMS"
    )


class PhoneCodeIn(InputSchema):
    name: str = Field(min_length=1, max_length=120)
    phone: str = Field(min_length=1, max_length=20)
    language: Literal["en", "hi"] = "en"


class PhoneCodeOut(Schema):
    verification_id: int
    phone_masked: str
    expires_at: dt.datetime


class OrderItemIn(InputSchema):
    quote_id: uuid.UUID | None = None
    variant_id: int | None = None
    answers: dict[str, str] = Field(default_factory=dict)
    quantity: int = Field(
        default=1,
        description=f"identical devices on this line, 1 to {MAX_ITEM_QUANTITY} (issue 15)",
    )


class OrderIn(InputSchema):
    quote_id: uuid.UUID | None = Field(
        default=None, description="one device: a quote (or give items for several)"
    )
    variant_id: int | None = Field(
        default=None, description="one device: a variant with answers (or give items)"
    )
    answers: dict[str, str] = Field(default_factory=dict)
    items: list[OrderItemIn] = Field(
        default_factory=list,
        max_length=MAX_ITEMS_PER_ORDER,
        description="the devices of one pickup (issue 15): each a quote, or a variant with "
        "answers, and a quantity. Leave it out for one device: quote_id / variant_id / "
        "answers at the top level are then the one item. X1 applies to every item; "
        "problems name the item (items[1].variant_id).",
    )
    accessories: str = Field(default="", max_length=200)
    customer: CustomerIn
    pickup: PickupIn
    payment: PaymentIn
    special_instructions: str = Field(default="", max_length=300)
    # agent orders
    lead_id: int | None = None
    reason: str = Field(default="", max_length=40, description="M1 reason; required for agents")
    consent: ConsentIn | None = None
    price_confirmed: bool = False
    price_confirmed_at: dt.datetime | None = Field(
        default=None,
        description="M4: when the customer agreed to the estimate on the call (ISO 8601 with a "
        "time zone; not in the future, at most 120 minutes ago). Default: the time of this request.",
    )
    override_reason: str = Field(
        default="", max_length=300, description="X1 override, supervisors only"
    )
    phone_verification: PhoneProofIn | None = Field(
        default=None,
        description="customer app: the one-time code proving the phone, required when the "
        "phone is already a customer's (issue 21, 10)",
    )


class SlotOut(Schema):
    id: int
    date: dt.date
    window: str


class OrderItemOut(Schema):
    position: int
    device: str
    variant_id: int
    quantity: int
    estimated_price: int
    outcome: str
    accepted_quantity: int | None
    final_price: int | None


class OrderOut(Schema):
    number: str
    display_number: str
    status: str
    channel: str
    estimated_price: int
    final_price: int | None
    currency: str = "INR"
    device: str
    variant_id: int
    items: list[OrderItemOut]
    customer_name: str | None = Field(
        description="null for the customer app: a leaked app token must not read names"
    )
    customer_phone_masked: str
    pickup_city: str
    pickup_pincode: str
    pickup_address: str = Field(description="house and street, then the area (line1, line2)")
    pickup_landmark: str = Field(description="how the vendor finds the door")
    special_instructions: str
    slot: SlotOut | None
    vendor: str | None
    payment_method: str
    payment_to_masked: str
    created_at: dt.datetime
    created_by: str | None


class OrderFilters(Schema):
    phone: str | None = Field(default=None, max_length=20)
    status: OrderStatus | None = None
    verification_id: int | None = Field(
        default=None,
        ge=1,
        le=2**63 - 1,
        description="customer app: the verification of `phone` (with the Phone-Code header)",
    )


# Issue 17 (P2): the columns order_out reads, and no others, for the single-order read.
ORDER_READ_FIELDS = (
    "number", "status", "channel", "estimated_price", "final_price", "payment_method",
    "upi_id", "bank_account_number", "created_at", "vendor_id", "created_by_id",
    "variant__name", "variant__model__name", "variant__model__brand__name",
    "customer__name", "customer__phone", "address__city", "address__pincode",
    "address__line1", "address__line2", "address__landmark", "special_instructions",
    "slot__date", "slot__window_start", "slot__window_end", "vendor__name", "created_by__username",
)  # fmt: skip


def order_out(order: Order, *, client: bool = False) -> dict:
    """The order's answer. ``client`` (the customer app): no stored customer name (issue 21,
    10: the app's token can leak; the phone stays masked as for everyone)."""
    slot = order.slot
    items = list(order.items.all())
    return {
        "number": order.number,
        "display_number": order.display_number,
        "status": order.status,
        "channel": order.channel,
        "estimated_price": order.estimated_price,
        "final_price": order.final_price,
        "currency": "INR",
        "device": devices_label(items),
        "variant_id": order.variant_id,
        "items": [
            {
                "position": item.position,
                "device": str(item.variant),
                "variant_id": item.variant_id,
                "quantity": item.quantity,
                "estimated_price": item.estimated_price,
                "outcome": item.outcome,
                "accepted_quantity": item.accepted_quantity,
                "final_price": item.final_price,
            }
            for item in items
        ],
        "customer_name": None if client else order.customer.name,
        "customer_phone_masked": order.customer.masked_phone,
        "pickup_city": order.address.city,
        "pickup_pincode": order.address.pincode,
        "pickup_address": ", ".join(p for p in (order.address.line1, order.address.line2) if p),
        "pickup_landmark": order.address.landmark,
        "special_instructions": order.special_instructions,
        "slot": {"id": slot.id, "date": slot.date, "window": slot.window} if slot else None,
        "vendor": order.vendor.name if order.vendor_id else None,
        "payment_method": order.payment_method,
        "payment_to_masked": mask_upi(order.upi_id)
        if order.upi_id
        else mask_tail(order.bank_account_number),
        "created_at": order.created_at,
        "created_by": order.created_by.username if order.created_by_id else None,
    }


def _channel_for(user) -> str:
    if has_perm(user, Perm.ORDERS_CREATE_MANUAL):
        return Channel.AGENT
    require(user, Perm.ORDERS_CREATE_SELF)
    return Channel.APP


def _request_from(payload: OrderIn) -> OrderRequest:
    return OrderRequest(
        customer_name=payload.customer.name,
        customer_phone=payload.customer.phone,
        customer_email=payload.customer.email or "",
        line1=payload.pickup.line1,
        line2=payload.pickup.line2,
        landmark=payload.pickup.landmark,
        city=payload.pickup.city,
        pincode=payload.pickup.pincode,
        slot_id=payload.pickup.slot_id,
        payment_method=payload.payment.method,
        upi_id=payload.payment.upi_id,
        account_number=payload.payment.account_number,
        ifsc=payload.payment.ifsc,
        quote_id=payload.quote_id,
        variant_id=payload.variant_id,
        answers=payload.answers,
        items=[
            ItemRequest(
                quote_id=item.quote_id,
                variant_id=item.variant_id,
                answers=item.answers,
                quantity=item.quantity,
            )
            for item in payload.items
        ],
        accessories=payload.accessories,
        special_instructions=payload.special_instructions,
        lead_id=payload.lead_id,
        reason=payload.reason,
        consent_confirmed=bool(payload.consent and payload.consent.confirmed),
        consent_statement=payload.consent.statement if payload.consent else "",
        price_confirmed=payload.price_confirmed,
        price_confirmed_at=payload.price_confirmed_at,
        override_reason=payload.override_reason,
    )


def _replay(record: IdempotencyRecord, request_hash: str):
    if record.request_hash != request_hash:
        raise ValidationFailed(
            "This Idempotency-Key was used with a different request body; use a new key for a new order.",
            code="idempotency_key_reused",
            field="Idempotency-Key",
        )
    response = JsonResponse(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


@router.post(
    "/orders",
    response={201: OrderOut, 404: Problem, 409: Problem, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Create an order (customer app or agent); honours Idempotency-Key",
)
def post_order(
    request,
    payload: OrderIn,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", max_length=200),
):
    user = request.auth
    channel = _channel_for(user)
    client = channel == Channel.APP
    if client and (payload.lead_id or payload.override_reason):
        raise ValidationFailed(
            "The customer app cannot send agent fields.",
            code="not_allowed",
            field="lead_id" if payload.lead_id else "override_reason",
        )
    request_hash = hashlib.sha256(
        json.dumps(payload.dict(), sort_keys=True, default=str).encode()
    ).hexdigest()
    if idempotency_key:
        record = IdempotencyRecord.objects.filter(user=user, key=idempotency_key).first()
        if record is not None:
            return _replay(record, request_hash)

    answer = {}  # the order's answer, built once: stored for a replay and returned

    def remember(order):
        if idempotency_key:
            answer["out"] = order_out(order, client=client)
            body = json.loads(JsonResponse(answer["out"]).content)
            IdempotencyRecord.objects.create(
                user=user,
                key=idempotency_key,
                request_hash=request_hash,
                response_status=201,
                response_body=body,
                order=order,
            )

    try:
        if client:
            proof = payload.phone_verification
            order = place_app_order(
                _request_from(payload),
                actor=user,
                verification_id=proof.id if proof else None,
                code=proof.code if proof else "",
                on_created=remember,
            )
        else:
            order = place_order(
                _request_from(payload), actor=user, channel=channel, on_created=remember
            )
    except (Conflict, IntegrityError):
        # A concurrent request with the same key may have won: replay its answer.
        record = (
            IdempotencyRecord.objects.filter(user=user, key=idempotency_key).first()
            if idempotency_key
            else None
        )
        if record is not None:
            return _replay(record, request_hash)
        raise
    return Status(201, answer["out"] if "out" in answer else order_out(order, client=client))


def _visible_orders(user):
    """S1 object-level rules: staff see all orders; the app its own; a vendor its own pickups."""
    qs = Order.objects.select_related(
        "customer", "address", "slot", "vendor", "variant__model__brand", "created_by"
    ).prefetch_related(ORDER_ITEMS)
    if has_perm(user, Perm.ORDERS_VIEW):
        return qs
    if user.role == Role.VENDOR and has_perm(user, Perm.ORDERS_VENDOR):
        return qs.filter(vendor_id=user.vendor_id)
    if user.role == Role.APP and has_perm(user, Perm.ORDERS_CREATE_SELF):
        return qs.filter(created_by=user)
    require(user, Perm.ORDERS_VIEW)
    return qs.none()


@router.get(
    "/orders/{number}",
    response={200: OrderOut, 404: Problem, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="One order by number; a mistyped number is refused with bad_check_character",
)
def get_order(request, number: str):
    visible = _visible_orders(request.auth)
    problem = order_number_problem(number)
    if problem == "bad_check_character":
        raise ValidationFailed(
            f"{number!r} is not a valid order number: a character is wrong or two are swapped. Read it back to the customer.",
            code="bad_check_character",
            field="number",
        )
    if problem:
        raise ValidationFailed(
            f"{number!r} is not an order number (OD-XXXX-XXXX).", code="bad_format", field="number"
        )
    order = visible.filter(number=canonical_order_number(number)).only(*ORDER_READ_FIELDS).first()
    if order is None:
        raise NotFound(f"No order {number}.", code="order_not_found", field="number")
    return order_out(order, client=_is_app(request.auth))


@router.get(
    "/orders",
    response={200: list[OrderOut], 404: Problem, 409: Problem, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Orders by customer phone and/or status, a page at a time (newest first)",
    openapi_extra=PAGED_OPENAPI,
)
def list_orders(
    request,
    response: HttpResponse,
    filters: Query[OrderFilters],
    page: Query[PageQuery],
    phone_code: str | None = Header(default=None, alias="Phone-Code", max_length=10),
):
    client = _is_app(request.auth)
    if client:
        # Issue 21, 10: the app lists one customer's orders, that customer's phone proved.
        if not filters.phone:
            raise DomainError(
                "The customer app lists the orders of one phone: send phone.",
                code="filter_required",
                field="phone",
                status=422,
            )
        prove_orders_phone(
            filters.phone, filters.verification_id, phone_code or "", field="verification_id"
        )
    qs = _visible_orders(request.auth)
    if filters.phone:
        ids = find_orders(phone=filters.phone).values("pk")
        qs = qs.filter(pk__in=ids)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if not filters.phone and not filters.status:
        raise DomainError(
            "Filter by phone or status.", code="filter_required", field="phone", status=422
        )
    return [order_out(o, client=client) for o in page_by_id(qs, request, response, page)]


def _is_app(user) -> bool:
    return user.role == Role.APP and not has_perm(user, Perm.ORDERS_VIEW)


@router.post(
    "/phone-codes",
    response={201: PhoneCodeOut, 404: Problem, 429: Problem, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Customer app: send a one-time code to the customer's phone (issue 21, 10)",
)
def post_phone_code(request, payload: PhoneCodeIn):
    """The customer app proves a phone before ordering for an existing customer or
    listing their orders: the code goes by SMS; the answer is the verification's id."""
    require(request.auth, Perm.ORDERS_CREATE_SELF)
    phone = normalise_phone(payload.phone)
    throttle(request, "app_phone_code", key=lambda group, r: phone)
    verification = request_phone_code(
        name=payload.name, phone=phone, language=payload.language, door="app"
    )
    return Status(
        201,
        {
            "verification_id": verification.pk,
            "phone_masked": mask_phone(phone),
            "expires_at": verification.expires_at,
        },
    )


class RevealIn(InputSchema):
    purpose: str = Field(default="", max_length=200, description="why (kept in the audit event)")


class RevealOut(Schema):
    order_number: str
    customer_name: str
    customer_phone: str


@router.post(
    "/orders/{number}/customer-phone",
    response={200: RevealOut, 404: Problem, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="A vendor reaches the customer of an assigned pickup: the full phone, audited",
    description=(
        "Issue 15, item 10: the customer's phone is masked in every order read; the vendor the "
        "order is assigned to gets the full number here while the order is open, and every "
        "reveal is audited (`customer.reveal_phone`). Another vendor's order answers 404 "
        "`order_not_found`; a closed order 403 `not_working_customer`; other roles 403 "
        "(staff reveal in the console)."
    ),
)
def reveal_order_customer_phone(request, number: str, payload: RevealIn):
    user = request.auth
    if user.role != Role.VENDOR:
        raise Forbidden(
            "Only the vendor assigned to the pickup reveals the customer's phone here; staff "
            "reveal it in the console.",
            code="forbidden",
        )
    require(user, Perm.ORDERS_VENDOR)
    order = _visible_orders(user).filter(number=canonical_order_number(number)).first()
    if order is None:
        raise NotFound(f"No order {number}.", code="order_not_found", field="number")
    phone = reveal_customer_phone(
        order.customer, actor=user, purpose=payload.purpose or f"pickup {order.display_number}"
    )
    return {
        "order_number": order.display_number,
        "customer_name": order.customer.name,
        "customer_phone": phone,
    }


class FeedbackReplyIn(InputSchema):
    phone: str = Field(min_length=1, max_length=20, description="the phone the reply came from")
    text: str = Field(min_length=1, max_length=160, description='e.g. "4 K7M2QX"')


class FeedbackOut(Schema):
    order_number: str
    score: int | None
    answered_at: dt.datetime | None
    answered_via: str


@router.post(
    "/feedback/replies",
    response={200: FeedbackOut, 404: Problem, 409: Problem, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Relay a customer's reply to the pickup feedback request ('4 K7M2QX')",
    description=(
        "Issue 15, item 12: the feedback request sent when an order completes is answered by a "
        "reply with the rating (1-5) and its code, relayed here by CX (or the SMS gateway's "
        "relay account), or by the link in the message. The code must belong to a request "
        "sent to that phone (404 `feedback_code_unknown`); one answer per order (409 "
        "`feedback_already_answered`), within 14 days (409 `feedback_expired`); 422 "
        "`feedback_reply_unreadable`."
    ),
)
def answer_feedback_reply(request, payload: FeedbackReplyIn):
    require(request.auth, Perm.TICKETS_WORK)
    feedback = answer_feedback_by_reply(phone=payload.phone, text=payload.text)
    return {
        "order_number": feedback.order.display_number,
        "score": feedback.score,
        "answered_at": feedback.answered_at,
        "answered_via": feedback.answered_via,
    }


class DuplicateOverrideIn(InputSchema):
    position: int = Field(default=1, ge=1, description="the item whose device may be ordered again")
    reason: str = Field(min_length=1, max_length=300, description="why (at least 10 characters)")


class DuplicateOverrideOut(Schema):
    order: str
    device: str
    reason: str
    granted_by: str
    granted_at: dt.datetime


@router.post(
    "/orders/{number}/duplicate-overrides",
    response={201: DuplicateOverrideOut, 404: Problem, 409: Problem, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="X1 override (supervisors): the customer may open one more order for this device",
    description=(
        "Issue 15 item 4. The customer of order `number` may open one more order holding the "
        "device of its item `position` while this one is open (e.g. a second identical phone "
        "found after booking). The next order that clashes on that device uses the override "
        "and spends it. Supervisors only (403 otherwise); 422 `reason_required`, "
        "`item_unknown`; 409 `order_closed`, `override_exists`."
    ),
)
def post_duplicate_override(request, number: str, payload: DuplicateOverrideIn):
    user = request.auth
    require(user, Perm.ORDERS_OVERRIDE_DUPLICATE)
    order = Order.objects.filter(number=canonical_order_number(number)).first()
    if order is None:
        raise NotFound(f"No order {number}.", code="order_not_found", field="number")
    override = grant_duplicate_override(
        order=order, position=payload.position, reason=payload.reason, granted_by=user
    )
    return Status(
        201,
        {
            "order": order.number,
            "device": str(override.device_model),
            "reason": override.reason,
            "granted_by": user.username,
            "granted_at": override.granted_at,
        },
    )
