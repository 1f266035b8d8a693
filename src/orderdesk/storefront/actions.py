"""Every write of the customer's own door: phone codes, web orders, the tracking link's
actions and the dropped-quote sweep.

The customer acts as ``CustomerActor`` (audited as ``customer:<id>``); orders go through
the one ``create_order`` (channel ``web``) and the one lifecycle (``transition`` etc.),
so the gates, X1-X3, O1-O5 and the outbox are those of every other channel.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orderdesk.storefront.domains import (
    CancellationReason,
    Channel,
    Conflict,
    CustomerActor,
    LeadSource,
    Order,
    OrderRequest,
    OrderStatus,
    ValidationFailed,
    audit,
    create_lead,
    lifecycle,
    phone_codes,
    place_order,
)
from orderdesk.storefront.models import PhoneVerification, WebQuote, WebQuoteOutcome


def conf() -> dict:
    return settings.ORDERDESK["STOREFRONT"]


# --- the one-time phone code ------------------------------------------------------------


def request_phone_code(
    *, name: str, phone: str, language: str = "en", now: dt.datetime | None = None
) -> PhoneVerification:
    """Send a fresh one-time code to ``phone`` (``flows.phone_codes``, audited
    ``storefront.code_sent``). Rate limits (per phone, per IP) are the view's."""
    return phone_codes.request_phone_code(
        name=name, phone=phone, language=language, door="storefront", now=now
    )


def verify_phone_code(
    verification_id: int, code: str, *, now: dt.datetime | None = None
) -> PhoneVerification:
    """Check ``code`` (``flows.phone_codes``): the verified row, or ``code_unknown`` (404),
    ``code_expired`` (422), ``code_attempts_exceeded`` (409), ``code_wrong`` (422, counted)."""
    return phone_codes.verify_phone_code(verification_id, code, door="storefront", now=now)


# --- the web visitor's quote and order -------------------------------------------------


@transaction.atomic
def record_web_quote(
    *, verification: PhoneVerification, quote, language: str = "en", now=None
) -> WebQuote:
    """The verified visitor's estimate, kept so that a drop becomes a lead (one per quote)."""
    if verification.verified_at is None:
        raise Conflict("Verify your phone first.", code="phone_not_verified", field="code")
    existing = WebQuote.objects.filter(quote=quote, customer_id=verification.customer_id).first()
    if existing is not None:
        return existing
    web_quote = WebQuote.objects.create(
        quote=quote,
        customer_id=verification.customer_id,
        verified_at=now or timezone.now(),
        language=language,
    )
    audit.record(
        "storefront.quote_kept",
        web_quote,
        actor=CustomerActor(verification.customer_id),
        after={"quote": str(quote.pk), "estimated_price": quote.estimated_price},
    )
    return web_quote


class _AlreadyPlaced(Exception):
    """Another submit of the same review form placed the order first."""


def place_web_order(web_quote_id: int, *, details: dict) -> tuple[Order, bool]:
    """Place the web order of a verified quote. Returns (order, replayed).

    ``details``: ``line1``, ``line2``, ``landmark``, ``city``, ``pincode``, ``slot_id``,
    ``payment_method``, ``upi_id``, ``account_number``, ``ifsc``, ``accessories``,
    ``special_instructions``. The customer and phone are the verified ones, never the
    form's. Through ``create_order`` (channel ``web``): gates M2-M5, X1/X2 (a second open
    order for the device is refused and recorded), the outbox. X3: the web quote is marked
    in ``create_order``'s own transaction, so a second submit of the same form replays
    the first order instead of making another.
    """
    web_quote = WebQuote.objects.select_related("customer", "order").get(pk=web_quote_id)
    if web_quote.order_id:
        return web_quote.order, True
    customer = web_quote.customer
    req = OrderRequest(
        customer_name=customer.name,
        customer_phone=customer.phone,
        line1=details.get("line1", ""),
        line2=details.get("line2", ""),
        landmark=details.get("landmark", ""),
        city=details.get("city", ""),
        pincode=details.get("pincode", ""),
        slot_id=details.get("slot_id"),
        payment_method=details.get("payment_method", ""),
        upi_id=details.get("upi_id", ""),
        account_number=details.get("account_number", ""),
        ifsc=details.get("ifsc", ""),
        accessories=details.get("accessories", ""),
        special_instructions=details.get("special_instructions", ""),
        quote_id=web_quote.quote_id,
    )

    def remember(order):
        updated = WebQuote.objects.filter(pk=web_quote.pk, order__isnull=True).update(
            order=order, outcome=WebQuoteOutcome.ORDERED, settled_at=timezone.now()
        )
        if updated != 1:
            raise _AlreadyPlaced

    try:
        order = place_order(
            req, actor=CustomerActor(customer.pk), channel=Channel.WEB, on_created=remember
        )
    except (_AlreadyPlaced, Conflict):
        web_quote.refresh_from_db()
        if web_quote.order_id:
            return web_quote.order, True
        raise
    return order, False


# --- the tracking link's actions (the customer on their own order) ----------------------


def reschedule(order: Order, *, customer_id: int, slot_id) -> Order:
    """O3/O2: move the pickup to another open slot (the lifecycle's ``amend_slot``)."""
    try:
        slot_id = int(slot_id)
    except (TypeError, ValueError):
        raise ValidationFailed(
            "Choose a pickup slot.", code="slot_unavailable", field="slot_id"
        ) from None
    return lifecycle.amend_slot(
        order, actor=CustomerActor(customer_id), slot_id=slot_id, notes="by the customer"
    )


def cancel(order: Order, *, customer_id: int, words: str) -> Order:
    """O1: the customer cancels before pickup, in their own words (``customer_request``)."""
    words = (words or "").strip()
    if len(words) < 3:
        raise ValidationFailed(
            "Tell us in a few words why you cancel.", code="reason_required", field="words"
        )
    return lifecycle.transition(
        order,
        OrderStatus.CANCELLED,
        actor=CustomerActor(customer_id),
        reason=CancellationReason.CUSTOMER_REQUEST,
        notes=words[:500],
    )


def answer_inspected_price(order: Order, *, customer_id: int, accept: bool, words: str) -> Order:
    """O4: the customer accepts the inspected price, or refuses it (the order is cancelled
    with ``price_not_accepted``, no penalty); their own words are recorded either way."""
    words = (words or "").strip()
    if len(words) < 2:
        raise ValidationFailed(
            "Write a few words in your own words (e.g. 'I agree to ₹20,000').",
            code="words_required",
            field="words",
        )
    actor = CustomerActor(customer_id)
    if accept:
        return lifecycle.accept_final_price(order, actor=actor, notes=words[:500])
    return lifecycle.transition(
        order,
        OrderStatus.CANCELLED,
        actor=actor,
        reason=CancellationReason.PRICE_NOT_ACCEPTED,
        notes=words[:500],
    )


# --- dropped quotes become leads --------------------------------------------------------


def convert_dropped_quotes(*, now: dt.datetime | None = None, limit: int = 200) -> dict:
    """Turn verified web quotes with no order after ``DROPPED_QUOTE_MINUTES`` into leads.

    For each pending web quote old enough, in its own transaction (row locked, re-read):
    1. an order for the device since the quote (any channel): ``ordered``, no lead;
    2. D9: a do-not-contact customer is never called for sales: ``skipped``;
    3. otherwise ``leads.create_lead`` (source ``web_quote``, the quote attached; an open
       lead of the customer for the device is reused and given the quote), which puts it
       with the unowned leads the agents pick from; calling hours and the daily attempt
       limit (D9) then apply to every call made on it, as to any lead.
    Returns the counts by outcome.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=conf()["DROPPED_QUOTE_MINUTES"])
    counts = {"lead": 0, "ordered": 0, "skipped": 0}
    ids = list(
        WebQuote.objects.filter(outcome=WebQuoteOutcome.PENDING, verified_at__lte=cutoff)
        .order_by("verified_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    for pk in ids:
        with transaction.atomic():
            row = (
                WebQuote.objects.select_for_update(of=("self",))
                .select_related("customer", "quote__variant__model")
                .filter(pk=pk, outcome=WebQuoteOutcome.PENDING)
                .first()
            )
            if row is None:
                continue  # settled meanwhile (the visitor ordered)
            variant = row.quote.variant
            ordered = (
                Order.objects.filter(
                    customer=row.customer,
                    device_model=variant.model,
                    created_at__gte=row.quote.created_at,
                )
                .order_by("created_at")
                .first()
            )
            before = {"outcome": row.outcome}
            if ordered is not None:
                row.outcome, row.order, row.note = WebQuoteOutcome.ORDERED, ordered, ""
            elif row.customer.do_not_contact:
                row.outcome = WebQuoteOutcome.SKIPPED
                row.note = "do-not-contact: never called for sales (D9)"
            else:
                lead, _ = create_lead(
                    customer=row.customer,
                    source=LeadSource.WEB_QUOTE,
                    variant=variant,
                    quote=row.quote,
                )
                row.outcome, row.lead = WebQuoteOutcome.LEAD, lead
            row.settled_at = now
            row.save(update_fields=["outcome", "order", "lead", "note", "settled_at"])
            audit.record(
                "storefront.quote_dropped",
                row,
                before=before,
                after={"outcome": row.outcome, "lead": row.lead_id, "order": row.order_id},
            )
            counts[row.outcome] += 1
    return counts
