"""One order, read-only, for every role that may read orders (issue 18).

The ops page works an order and answers 403 to everyone but ops; a supervisor auditing an
order, CX answering a caller and sales checking their own order open this page instead. It
only reads: the facts (phone and payment details masked), the history in IST, and a link to
where the reader can act on it.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from orderdesk.accounts.permissions import Perm, has_perm, requires
from orderdesk.console.sidebar import customer_sidebar
from orderdesk.core.masking import mask_tail, mask_upi
from orderdesk.orders import lifecycle
from orderdesk.orders.choices import PaymentMethod
from orderdesk.orders.models import Order
from orderdesk.orders.rules import canonical_order_number
from orderdesk.orders.transitions import CancellationReason


def order_facts(order: Order) -> dict:
    """What the order page and the audit page show of an order (masked)."""
    return {
        "payment_to": mask_upi(order.upi_id)
        if order.payment_method == PaymentMethod.UPI
        else mask_tail(order.bank_account_number),
        "events": list(lifecycle.history(order)),
        "cancelled_because": dict(CancellationReason.choices).get(
            order.cancellation_reason, order.cancellation_reason
        ),
    }


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_VIEW)
def order_view(request, number: str):
    order = get_object_or_404(
        Order.objects.select_related(
            "customer", "variant__model__brand", "address", "slot", "vendor", "created_by"
        ),
        number=canonical_order_number(number),
    )
    context = {
        "order": order,
        "can_operate": has_perm(request.user, Perm.ORDERS_OPERATE),
        "sidebar": customer_sidebar(
            request.user, order.customer, order_id=order.pk, offer_reveal=True
        ),
    }
    context |= order_facts(order)
    return TemplateResponse(request, "console/orders/view.html", context)
