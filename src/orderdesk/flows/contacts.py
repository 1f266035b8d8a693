"""D6 across leads, orders and cx: logging a contact whose disposition is "Already Placed an
Order" looks the order up in orders and, when none is found, opens a CX ticket."""

from __future__ import annotations

from orderdesk.cx.actions.opening import open_ticket
from orderdesk.cx.choices import TicketType
from orderdesk.leads import actions as lead_actions
from orderdesk.leads.actions import ContactLogged, OrderLookup
from orderdesk.orders.selectors import find_customer_order


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


def log_contact(lead, **fields) -> ContactLogged:
    """Log one contact attempt (``leads.actions.log_contact``, one atomic block with the lead
    locked) with D6's order look-up and ticket wired in. Same arguments and result."""
    return lead_actions.log_contact(lead, d6=D6_LOOKUP, **fields)
