"""Order reads shared by the console, the API, leads (D6) and CX."""

from __future__ import annotations

from django.db.models import QuerySet

from orderdesk.core.errors import ValidationFailed
from orderdesk.core.phones import normalise_phone
from orderdesk.orders.models import Order
from orderdesk.orders.rules import canonical_order_number, order_number_problem


def find_orders(*, number: str | None = None, phone: str | None = None) -> QuerySet[Order]:
    """D6: orders by order number (as typed on a call) or by the customer's phone (any format).

    A malformed or mistyped number finds nothing (use ``order_number_problem`` to tell the agent why).
    """
    qs = Order.objects.select_related("customer", "variant__model__brand")
    if number:
        if order_number_problem(number):
            return qs.none()
        return qs.filter(number=canonical_order_number(number))
    if phone:
        try:
            return qs.filter(customer__phone=normalise_phone(phone)).order_by("-created_at")
        except ValidationFailed:
            return qs.none()
    return qs.none()


def agent_standing(agents):
    """M8: for each agent, errors in the window (since the last restoration) and whether restricted."""
    from django.conf import settings

    from orderdesk.orders.actions import agent_error_count
    from orderdesk.orders.rules import agent_is_restricted

    threshold = settings.ORDERDESK["AGENT_ERROR_THRESHOLD"]
    rows = []
    for agent in agents:
        count = agent_error_count(agent)
        rows.append(
            {"agent": agent, "errors": count, "restricted": agent_is_restricted(count, threshold)}
        )
    return rows
