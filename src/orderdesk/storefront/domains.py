"""Every function and model the storefront uses from the domains below it, in one place.

The layers are being restructured (a ``flows`` package above the domains); when a path
moves, this module is the one to change.
"""

from orderdesk.catalog.actions import create_quote
from orderdesk.catalog.models import DeviceModel, PickupSlot, Quote, Variant
from orderdesk.catalog.selectors import open_slots, questionnaire, served_city_id, serviceability
from orderdesk.core import audit
from orderdesk.core.context import CustomerActor
from orderdesk.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from orderdesk.core.masking import mask_tail, mask_upi
from orderdesk.core.money import format_inr
from orderdesk.core.phones import mask_phone, normalise_phone
from orderdesk.core.timeutil import IST
from orderdesk.customers.actions import get_or_create_customer
from orderdesk.customers.models import Customer
from orderdesk.customers.validators import PINCODE_RE
from orderdesk.flows import phone_codes
from orderdesk.flows.orders import place_order
from orderdesk.leads.actions import create_lead
from orderdesk.leads.choices import LeadSource
from orderdesk.leads.models import Lead
from orderdesk.messaging.actions import enqueue_message
from orderdesk.messaging.links import read_tracking_token, tracking_token
from orderdesk.orders import actions as order_actions
from orderdesk.orders import lifecycle
from orderdesk.orders import rules as order_rules
from orderdesk.orders import transitions as order_table
from orderdesk.orders.actions import OrderRequest, gate_problems
from orderdesk.orders.choices import OPEN_STATUSES, Channel, OrderStatus, PaymentMethod
from orderdesk.orders.models import Order, OrderEvent
from orderdesk.orders.transitions import CancellationReason

__all__ = [
    "IST",
    "OPEN_STATUSES",
    "PINCODE_RE",
    "CancellationReason",
    "Channel",
    "Conflict",
    "Customer",
    "CustomerActor",
    "DeviceModel",
    "DomainError",
    "Lead",
    "LeadSource",
    "NotFound",
    "Order",
    "OrderEvent",
    "OrderRequest",
    "OrderStatus",
    "PaymentMethod",
    "PickupSlot",
    "Quote",
    "ValidationFailed",
    "Variant",
    "audit",
    "create_lead",
    "create_quote",
    "enqueue_message",
    "format_inr",
    "gate_problems",
    "get_or_create_customer",
    "lifecycle",
    "mask_phone",
    "mask_tail",
    "mask_upi",
    "normalise_phone",
    "open_slots",
    "order_actions",
    "order_rules",
    "order_table",
    "phone_codes",
    "place_order",
    "questionnaire",
    "read_tracking_token",
    "served_city_id",
    "serviceability",
    "tracking_token",
]
