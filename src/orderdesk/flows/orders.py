"""An order is created, the leads react (orders, leads: D7/D8).

Every door that creates an order (the console wizard, ``POST /api/v1/orders``, the
storefront, the demo seed) calls ``place_order``. ``orders.actions.create_order`` knows
nothing of leads; this flow checks the lead first and runs the leads' reaction inside
``create_order``'s own transaction, so the order, its lead's disposition and the
customer's other leads closed (D8) commit together or not at all.
"""

from __future__ import annotations

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
