"""D6 across leads, orders and cx: logging a contact whose disposition is "Already Placed an
Order" looks the order up in orders and, when none is found, opens a CX ticket."""

from __future__ import annotations

from orderdesk.core.errors import ValidationFailed
from orderdesk.cx.actions.opening import open_ticket
from orderdesk.cx.choices import TicketType
from orderdesk.leads import actions as lead_actions
from orderdesk.leads.actions import ContactLogged, OrderLookup
from orderdesk.leads.choices import DispositionKey
from orderdesk.leads.models import Lead
from orderdesk.orders.choices import OPEN_STATUSES
from orderdesk.orders.models import Order
from orderdesk.orders.rules import display_order_number, order_number_problem
from orderdesk.orders.selectors import find_customer_order

# D6 (issue 15 item 9): what the agent is told when the order ID read out fails M7.
READ_BACK = {
    "bad_check_character": (
        "That order ID has a slip in it (its check character does not match, M7): read it back "
        "to the customer character by character, or confirm the pickup slot and address instead."
    ),
    "bad_format": (
        "That is not an order ID (OD and 8 letters or digits, M7): ask the customer to read it "
        "again, or confirm the pickup slot and address instead."
    ),
}


def _open_order_not_found_ticket(**fields):
    """D6: the CX case for an order the customer says exists and we cannot find."""
    return open_ticket(type=TicketType.ORDER_NOT_FOUND, **fields)


def _find_order(customer, **criteria):
    """D6: the customer's order by the number they read out, else by phone (orders)."""
    return find_customer_order(customer, **criteria)


D6_LOOKUP = OrderLookup(
    find_order=_find_order,
    open_order_not_found_ticket=_open_order_not_found_ticket,
)


def pickup_orders(customer) -> list[Order]:
    """D6, verifying without the ID (issue 15 item 9): the customer's open orders with the
    pickup slot and address the agent reads out for the customer to confirm."""
    return list(
        Order.objects.filter(customer_id=customer.pk, status__in=OPEN_STATUSES)
        .select_related("slot", "address", "variant__model__brand")
        .order_by("-created_at")[:5]
    )


def verified_order_number(lead, *, order_number: str = "", pickup_confirmed: str = "") -> str:
    """D6 verifies lightly but correctly (issue 15 item 9).

    - An order ID read out is checked with M7's check character here, at the contact form: a
      slip is refused (``bad_check_character`` / ``bad_format`` on ``order_number``) so the
      agent reads it back, instead of the look-up silently falling back to the phone.
    - Instead of the ID, the agent may confirm an open order's pickup details (slot and
      address): ``pickup_confirmed`` is that order's number, which must be this customer's
      open order (``pickup_not_confirmable`` on ``pickup_confirmed``).
    """
    order_number = (order_number or "").strip()
    if order_number:
        problem = order_number_problem(order_number)
        if problem:
            raise ValidationFailed(READ_BACK[problem], code=problem, field="order_number")
        return order_number
    pickup_confirmed = (pickup_confirmed or "").strip()
    if not pickup_confirmed:
        return ""
    customer_id = lead.customer_id if isinstance(lead, Lead) else None
    if customer_id is None:
        customer_id = Lead.objects.values_list("customer_id", flat=True).get(pk=lead)
    order = Order.objects.filter(
        number=pickup_confirmed, customer_id=customer_id, status__in=OPEN_STATUSES
    ).first()
    if order is None:
        raise ValidationFailed(
            "That pickup is not one of this customer's open orders: pick the slot and address "
            "the customer confirmed from the list, or ask for the order ID.",
            code="pickup_not_confirmable",
            field="pickup_confirmed",
        )
    return order.number


def log_contact(lead, *, pickup_confirmed: str = "", **fields) -> ContactLogged:
    """Log one contact attempt (``leads.actions.log_contact``, one atomic block with the lead
    locked) with D6's order look-up and ticket wired in. Same arguments and result, plus
    ``pickup_confirmed`` (issue 15 item 9): on Already Placed an Order, the number of the open
    order whose pickup slot and address the customer confirmed instead of reading the ID.
    The order ID read out is checked with M7 first (``verified_order_number``)."""
    if fields.get("disposition") == DispositionKey.ALREADY_ORDERED:
        number = verified_order_number(
            lead, order_number=fields.get("order_number", ""), pickup_confirmed=pickup_confirmed
        )
        if pickup_confirmed and not fields.get("order_number") and number:
            fields["order_number"] = number
            fields["notes"] = (
                f"{fields.get('notes', '')} [D6: the customer confirmed the pickup slot and "
                f"address of {display_order_number(number)} instead of the ID]"
            ).strip()
    return lead_actions.log_contact(lead, d6=D6_LOOKUP, **fields)
