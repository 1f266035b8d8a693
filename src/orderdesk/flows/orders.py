"""An order is created, the leads react (orders, leads: D7/D8).

Every door that creates an order (the console wizard, ``POST /api/v1/orders``, the
storefront, the demo seed) calls ``place_order``. ``orders.actions.create_order`` knows
nothing of leads; this flow checks the lead first and runs the leads' reaction inside
``create_order``'s own transaction, so the order, its lead's disposition and the
customer's other leads closed (D8) commit together or not at all.
"""

from __future__ import annotations

from orderdesk.core.errors import Conflict
from orderdesk.core.phones import normalise_phone
from orderdesk.flows.phone_codes import prove_phone
from orderdesk.leads.actions import check_lead_may_order, record_order_created
from orderdesk.orders.actions import OrderRequest, check_agent_allowed, create_order
from orderdesk.orders.choices import Channel
from orderdesk.orders.models import Order


def place_order(req: OrderRequest, *, actor, channel: str, on_created=None) -> Order:
    """Create an order and let the leads react. Returns the order, or raises with nothing written.

    1. Agent orders: M8 (asked first, as ``create_order`` asks it, so the refusals come
       in the same order as before the flow existed).
    2. The lead of ``req.lead_id``: unknown (404 ``lead_unknown``) or blocked (409: D6's
       pending "order not found", D5's closed for sales).
    3. ``create_order`` (M1-M5, X1/X2, M6); inside its transaction ``record_order_created``
       (D7: the source lead's Create Order disposition; D8: the customer's other open
       leads for the device ordered closed), then the caller's ``on_created(order)``.
       A refused duplicate is still recorded (X4) after the rollback, by ``create_order``.
    """
    if channel == Channel.AGENT:
        check_agent_allowed(actor)
    lead = check_lead_may_order(req.lead_id) if req.lead_id else None

    def react(order: Order) -> None:
        record_order_created(order)
        if on_created is not None:
            on_created(order)

    return create_order(req, actor=actor, channel=channel, lead=lead, on_created=react)


def place_app_order(
    req: OrderRequest,
    *,
    actor,
    verification_id: int | None,
    code: str,
    on_created=None,
) -> Order:
    """The customer app's order (issue 21, 10): the app's token is a shared secret that can
    leak, so a phone number alone does not give its holder a customer's record.

    1. A phone that is already a customer's needs that phone proved by the one-time code
       (``flows.phone_codes.prove_phone``: 403 ``phone_verification_required``, a wrong
       code counted and refused), on field ``phone_verification``. A new phone needs none.
    2. ``place_order`` as for any channel.
    3. A refused duplicate names the open order only when the phone was proved (the
       caller is that customer); otherwise it says only that an order is open.
    """
    phone = normalise_phone(req.customer_phone)
    proved = prove_phone(phone, verification_id, code, door="app", field="phone_verification")
    try:
        return place_order(req, actor=actor, channel=Channel.APP, on_created=on_created)
    except Conflict as exc:
        if exc.code != "duplicate_open_order" or proved is not None:
            raise
        raise Conflict(
            "This customer already has an open order for this device.",
            code="duplicate_open_order",
            field="customer.phone",
        ) from None


def prove_orders_phone(phone: str, verification_id: int | None, code: str, *, field: str):
    """The customer app lists a phone's orders only with that phone proved by the one-time
    code (issue 21, 10): its token can leak, and "every app order" is every customer's.
    Refused with the same codes whether or not the phone is a customer's."""
    e164 = normalise_phone(phone, field="phone")
    return prove_phone(e164, verification_id, code, door="app", field=field, always=True)
