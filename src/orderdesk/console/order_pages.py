"""One order, read-only, for every role that may read orders (issue 18).

The ops page works an order and answers 403 to everyone but ops; a supervisor auditing an
order, CX answering a caller and sales checking their own order open this page instead. It
only reads: the facts (phone and payment details masked), the history in IST, and a link to
where the reader can act on it.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orderdesk.accounts.permissions import Perm, has_perm, requires
from orderdesk.console.sidebar import customer_sidebar
from orderdesk.console.wording import said
from orderdesk.core.errors import DomainError
from orderdesk.core.masking import mask_tail, mask_upi
from orderdesk.orders import lifecycle
from orderdesk.orders.actions import grant_duplicate_override
from orderdesk.orders.choices import PaymentMethod
from orderdesk.orders.models import Order
from orderdesk.orders.rules import canonical_order_number
from orderdesk.orders.selectors import ORDER_ITEMS
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
        ).prefetch_related(ORDER_ITEMS),
        number=canonical_order_number(number),
    )
    context = {
        "order": order,
        "can_operate": has_perm(request.user, Perm.ORDERS_OPERATE),
        "can_override": has_perm(request.user, Perm.ORDERS_OVERRIDE_DUPLICATE) and order.is_open,
        "sidebar": customer_sidebar(
            request.user, order.customer, order_id=order.pk, offer_reveal=True
        ),
    }
    context |= order_facts(order)
    return TemplateResponse(request, "console/orders/view.html", context)


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_OVERRIDE_DUPLICATE)
def order_duplicate_override(request, number: str):
    """X1's supervisor override from the console (issue 15 item 4): the customer may open one
    more order for the device of item ``position``; the next clashing order spends it."""
    order = get_object_or_404(Order, number=canonical_order_number(number))
    position = request.POST.get("position", "")
    try:
        grant_duplicate_override(
            order=order,
            position=int(position) if position.isdigit() else 0,
            reason=request.POST.get("reason", ""),
            granted_by=request.user,
        )
    except DomainError as exc:
        messages.error(request, said(exc))
        return redirect("console:order_view", number=order.number)
    messages.success(
        request,
        _("Override granted: the customer may open one more order for this device (X1)."),
    )
    return redirect("console:order_view", number=order.number)
