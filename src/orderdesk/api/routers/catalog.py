"""Catalog, serviceability and quotes: public to the customer app and agents alike."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from orderdesk.api.paging import (
    PAGED_OPENAPI,
    PageQuery,
    decode_cursor,
    encode_cursor,
    set_page_headers,
)
from orderdesk.api.schemas import INPUT_ERRORS, InputSchema, Problem
from orderdesk.catalog.actions import create_quote
from orderdesk.catalog.selectors import (
    device_type_by_key,
    matching_models,
    models_page,
    questionnaire,
    serviceability,
)
from orderdesk.core.throttle import throttle_anonymous
from orderdesk.customers.validators import clean_pincode

router = Router(tags=["catalog"])


class VariantOut(Schema):
    id: int
    name: str
    base_price: int


class ModelOut(Schema):
    id: int
    brand: str
    name: str
    device_type: str
    high_end: bool
    variants: list[VariantOut]


class OptionOut(Schema):
    key: str
    label: str


class QuestionOut(Schema):
    key: str
    text: str
    help_text: str
    options: list[OptionOut]


class SlotOut(Schema):
    id: int
    date: dt.date
    window: str
    available: int


class ServiceabilityOut(Schema):
    pincode: str
    device_type: str | None
    serviceable: bool
    city: str | None
    reason: str | None = Field(
        description="pincode_not_serviceable or device_not_serviceable when not serviceable"
    )
    slots: list[SlotOut]


class QuoteIn(InputSchema):
    variant_id: int
    answers: dict[str, str] = Field(
        description="{question_key: option_key}, every question answered"
    )
    pincode: str = Field(default="", max_length=10)


class QuoteOut(Schema):
    quote_id: uuid.UUID
    variant_id: int
    estimated_price: int
    currency: str = "INR"
    valid_until: dt.datetime


class ModelFilters(Schema):
    q: str = Field(default="", max_length=100)
    device_type: str | None = Field(default=None, max_length=30)


class ServiceabilityQuery(Schema):
    pincode: str = Field(max_length=10)
    device_type: str | None = Field(default=None, max_length=30)


@router.get(
    "/catalog/models",
    response={200: list[ModelOut], **INPUT_ERRORS},
    auth=None,
    summary="Search models with their variants, a page at a time (by brand, then name)",
    openapi_extra=PAGED_OPENAPI,
)
def list_models(
    request, response: HttpResponse, filters: Query[ModelFilters], page: Query[PageQuery]
):
    after = decode_cursor(page.cursor, types=(str, str, int))
    models, last = models_page(
        filters.q, device_type=filters.device_type, after=after, limit=page.limit
    )
    total = matching_models(filters.q, device_type=filters.device_type).count()
    set_page_headers(
        response, request, total=total, next_cursor=encode_cursor(last) if last else None
    )
    return [
        {
            "id": m.id,
            "brand": m.brand.name,
            "name": m.name,
            "device_type": m.device_type.key,
            "high_end": m.high_end,
            "variants": [
                {"id": v.id, "name": v.name, "base_price": v.base_price} for v in m.variants.all()
            ],
        }
        for m in models
    ]


@router.get(
    "/catalog/device-types/{device_type}/questions",
    response={200: list[QuestionOut], 404: Problem},
    auth=None,
    summary="The condition questionnaire of a device type",
)
def list_questions(request, device_type: str):
    kind = device_type_by_key(device_type)
    return [
        {
            "key": q.key,
            "text": q.text,
            "help_text": q.help_text,
            "options": [{"key": o.key, "label": o.label} for o in q.options.all()],
        }
        for q in questionnaire(kind)
    ]


@router.get(
    "/serviceability",
    response={200: ServiceabilityOut, 429: Problem, **INPUT_ERRORS},
    auth=None,
    summary="Is a pincode served, and which slots are open",
    description="Anonymous callers: `THROTTLE_ANONYMOUS_READ` per address (429 `rate_limited`).",
)
def check_serviceability(request, params: Query[ServiceabilityQuery]):
    throttle_anonymous(request, "anonymous_read")
    pincode = clean_pincode(params.pincode)
    result = serviceability(pincode, params.device_type)
    return {
        "pincode": result.pincode,
        "device_type": result.device_type,
        "serviceable": result.serviceable,
        "city": result.city,
        "reason": result.reason,
        "slots": [
            {"id": s.id, "date": s.date, "window": s.window, "available": s.available}
            for s in result.slots
        ],
    }


@router.post(
    "/quotes",
    response={201: QuoteOut, 429: Problem, **INPUT_ERRORS},
    auth=None,
    summary="The server's estimate for a variant and condition answers",
    description=(
        "Anonymous callers: `THROTTLE_ANONYMOUS_QUOTE` per address (default 30 a minute), "
        "then 429 `rate_limited` with `Retry-After`."
    ),
)
def post_quote(request, payload: QuoteIn):
    throttle_anonymous(request, "anonymous_quote")
    # A bearer call takes the API fast path, which sets no session user (docs/architecture.md,
    # "The API fast path"); the quote is then anonymous, as it was for a bearer call before.
    user = getattr(request, "user", None)
    user = user if user is not None and user.is_authenticated else None
    quote = create_quote(
        variant_id=payload.variant_id, answers=payload.answers, pincode=payload.pincode, user=user
    )
    return Status(
        201,
        {
            "quote_id": quote.id,
            "variant_id": quote.variant_id,
            "estimated_price": quote.estimated_price,
            "currency": "INR",
            "valid_until": quote.valid_until,
        },
    )
