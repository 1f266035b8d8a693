"""Console pages for messages: ops' failed-message list with Retry, and a customer's messages.

Views are thin: parse, check the role, call one action, render.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from orderdesk.accounts.permissions import Perm, requires
from orderdesk.core.errors import DomainError
from orderdesk.customers.models import Customer
from orderdesk.messaging import actions, selectors
from orderdesk.messaging.models import Message


@requires(Perm.MESSAGES_OPERATE)
def failed_messages(request):
    return TemplateResponse(
        request,
        "console/messaging/failed.html",
        {
            "failed": selectors.failed_messages(),
            "counts": selectors.outbox_counts(),
            "sender": selectors.sender_state(),
        },
    )


@require_POST
@requires(Perm.MESSAGES_OPERATE)
def retry(request, message_id: int):
    message = get_object_or_404(Message, pk=message_id)
    try:
        actions.retry_message(message)
    except DomainError as exc:
        flash.error(request, f"Message #{message.pk}: {exc.message}")
    else:
        flash.success(request, f"Message #{message.pk} is queued again.")
    return redirect("messaging:failed")


# Anyone who may look a customer up may see what we sent them (CX answers "did I get the SMS?").
@requires(Perm.CUSTOMERS_VIEW)
def customer_messages(request, customer_id: int):
    customer = get_object_or_404(Customer, pk=customer_id)
    template = (
        "console/messaging/customer_messages.html"
        if request.headers.get("HX-Request")
        else "console/messaging/customer_page.html"
    )
    return TemplateResponse(
        request,
        template,
        {"customer": customer, "outbox": selectors.messages_for_customer(customer.pk)},
    )
