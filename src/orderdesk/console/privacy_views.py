"""S4 in the console: a customer's data export and erasure, for the admin role only.

The admin finds the customer by the phone number they gave, downloads the export
(JSON, everything orderdesk holds on them) or erases their personal data where the
law allows. Both go through ``customers.actions`` and are audited there.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orderdesk.accounts.permissions import Perm, requires
from orderdesk.core.errors import DomainError
from orderdesk.customers.actions import erase_customer, export_customer_data
from orderdesk.customers.models import Customer
from orderdesk.customers.privacy import erasure_refusal
from orderdesk.customers.selectors import search_customers


@requires(Perm.CONSOLE)
@requires(Perm.CUSTOMER_DATA_RIGHTS)
def customer_privacy(request, customer_id: int | None = None):
    """Find the customer (``?q=`` phone or name); show what export and erasure would do."""
    query = request.GET.get("q", "").strip()
    results = list(search_customers(query, limit=20)) if query and customer_id is None else []
    customer = get_object_or_404(Customer, pk=customer_id) if customer_id else None
    return TemplateResponse(
        request,
        "console/customers/privacy.html",
        {
            "query": query,
            "results": results,
            "customer": customer,
            "refusal": erasure_refusal(customer) if customer else None,
        },
    )


@requires(Perm.CONSOLE)
@requires(Perm.CUSTOMER_DATA_RIGHTS)
def customer_export(request, customer_id: int):
    """The customer's data as a JSON download (audited: ``customer.export``)."""
    customer = get_object_or_404(Customer, pk=customer_id)
    document = export_customer_data(customer, actor=request.user)
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.CUSTOMER_DATA_RIGHTS)
def customer_erase(request, customer_id: int):
    """Erase the customer's personal data; refused (the rule named) while the law says keep."""
    customer = get_object_or_404(Customer, pk=customer_id)
    if request.POST.get("confirm") != "ERASE":
        messages.error(request, _("Type ERASE to confirm; nothing was changed."))
        return redirect("console:customer_privacy_detail", customer_id=customer.pk)
    try:
        erase_customer(customer, actor=request.user)
    except DomainError as err:
        messages.error(
            request,
            _("%(message)s (%(code)s) Nothing was changed.")
            % {"message": err.message, "code": err.code},
        )
    else:
        messages.success(
            request,
            _("Customer #%(customer)s's personal data has been erased.")
            % {"customer": customer.pk},
        )
    return redirect("console:customer_privacy_detail", customer_id=customer.pk)
