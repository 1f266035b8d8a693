"""Order reads shared by the console, the API, leads (D6) and CX."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from orderdesk.core.errors import NotFound, ValidationFailed
from orderdesk.core.phones import normalise_phone
from orderdesk.orders.choices import OPEN_STATUSES
from orderdesk.orders.models import AgentError, AgentRestoration, Order
from orderdesk.orders.rules import agent_is_restricted, canonical_order_number, order_number_problem


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


def agent_error_count(agent, *, now: dt.datetime | None = None) -> int:
    """M8: errors against ``agent`` in the window, since the last restoration."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.ORDERDESK["AGENT_ERROR_WINDOW_DAYS"])
    last_restoration = (
        AgentRestoration.objects.filter(agent=agent)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if last_restoration and last_restoration > since:
        since = last_restoration
    return AgentError.objects.filter(agent=agent, at__gt=since).count()


def agent_standing(agents):
    """M8: for each agent, errors in the window (since the last restoration) and whether restricted."""
    threshold = settings.ORDERDESK["AGENT_ERROR_THRESHOLD"]
    rows = []
    for agent in agents:
        count = agent_error_count(agent)
        rows.append(
            {"agent": agent, "errors": count, "restricted": agent_is_restricted(count, threshold)}
        )
    return rows


# --- D6: the order look-up -------------------------------------------------------------------


def find_customer_order(customer, *, number: str = "", since: dt.datetime | None = None):
    """D6: the customer's order, by the number they read out, else by their phone.

    A number that exists but is another customer's does not count. By phone, only orders
    still open or created since ``since`` (the lead's creation) count, so a device sold last
    year does not pass for today's order.
    """
    if number:
        order = find_orders(number=number).filter(customer_id=customer.pk).first()
        if order is not None:
            return order
    recent = Q(status__in=OPEN_STATUSES)
    if since is not None:
        recent |= Q(created_at__gte=since)
    return find_orders(phone=customer.phone).filter(recent).first()


def order_by_number(number: str, *, field: str) -> Order:
    """The order ``number`` names (as typed: spaces, dashes and case forgiven), or
    ``NotFound`` (``order_not_found``) saying what is wrong with the number."""
    order = find_orders(number=number).first()
    if order is None:
        problem = order_number_problem(number)
        raise NotFound(
            problem or f"No order {number!r} was found.", code="order_not_found", field=field
        )
    return order
