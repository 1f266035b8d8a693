"""S3: the audit log, read-only, for supervisors and admins; S2: audited reveals.

The log page searches by actor, action, object type and id and an IST date
range, 50 events a page, with phone numbers and payment details masked in
every value shown. There is no form that changes an event: the model and the
database refuse it anyway.

The reveal views are the one way the console shows a full phone number or
payment detail: an explicit POST ("Show full number") that writes an audit
event naming who saw which record's value, and answers with the value.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from orderdesk.accounts.permissions import Perm, requires
from orderdesk.console.wording import said
from orderdesk.core import audit
from orderdesk.core.bounds import MAX_DATE, MIN_DATE, parse_date
from orderdesk.core.errors import DomainError
from orderdesk.core.masking import mask_data, mask_text
from orderdesk.core.models import AuditEvent
from orderdesk.core.phones import display_phone
from orderdesk.core.throttle import RateLimited, throttle
from orderdesk.core.timeutil import IST
from orderdesk.customers.models import Customer
from orderdesk.flows.contact_reveal import (
    record_reveal_burst,
    reveal_customer_phone,
    reveal_free_text,
)
from orderdesk.orders.models import Order

PAGE_SIZE = 50


def _day(raw: str, field: str, errors: dict) -> dt.date | None:
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError:
        errors[field] = [f"{raw!r} is not a date (YYYY-MM-DD) in {MIN_DATE.year}-{MAX_DATE.year}."]
        return None


def search_events(params) -> tuple[object, dict, dict]:
    """The filtered events (newest first), the filters as typed, and any errors by field."""
    filters = {
        name: (params.get(name) or "").strip()
        for name in ("actor", "action", "object_type", "object_id", "from", "to")
    }
    errors: dict[str, list[str]] = {}
    events = AuditEvent.objects.all()
    if filters["actor"]:
        events = events.filter(actor_label__iexact=filters["actor"])
    if filters["action"]:
        events = events.filter(action__startswith=filters["action"])
    if filters["object_type"]:
        events = events.filter(object_type=filters["object_type"])
    if filters["object_id"]:
        events = events.filter(object_id=filters["object_id"])
    start, end = _day(filters["from"], "from", errors), _day(filters["to"], "to", errors)
    if start:
        events = events.filter(at__gte=dt.datetime.combine(start, dt.time(), tzinfo=IST))
    if end:
        events = events.filter(
            at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=IST)
        )
    if start and end and start > end:
        errors["to"] = ["The end of the range is before its start."]
    return events.order_by("-at", "-id"), filters, errors


def _pairs(picture) -> list[tuple[str, object]]:
    if picture is None:
        return []
    masked = mask_data(picture)
    if isinstance(masked, dict):
        return [(str(k), v) for k, v in masked.items()]
    return [("", masked)]


def shown(event: AuditEvent) -> dict:
    """What the page shows of one event: every personal value masked."""
    return {
        "event": event,
        "object_repr": mask_text(event.object_repr),
        "before": _pairs(event.before),
        "after": _pairs(event.after),
    }


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.AUDIT_LOG_VIEW)
def audit_log(request):
    events, filters, errors = search_events(request.GET)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "console/audit/log.html",
        {
            "page": page,
            "rows": [shown(e) for e in page.object_list],
            "filters": filters,
            "errors": errors,
            "query": query.urlencode(),
            "object_types": AuditEvent.objects.order_by()
            .values_list("object_type", flat=True)
            .distinct(),
        },
        status=422 if errors else 200,
    )


def _revealed(request, label: str, value: str):
    return TemplateResponse(
        request,
        "console/audit/revealed.html",
        {"label": label, "value": value, "htmx": request.headers.get("HX-Request") == "true"},
    )


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.CONTACT_REVEAL)
def reveal_phone(request, customer_id: int):
    """S2: the full number of a customer the user is working (flows.contact_reveal); audited,
    rate-limited per user (``THROTTLE_PHONE_REVEAL``), a burst alerted."""
    customer = get_object_or_404(Customer, pk=customer_id)
    try:
        throttle(request, "phone_reveal", key=lambda group, r: f"user:{r.user.pk}")
        phone = reveal_customer_phone(
            customer, actor=request.user, purpose=request.POST.get("purpose", "")
        )
    except RateLimited as exc:
        record_reveal_burst(request.user, customer_id=customer.pk)
        return HttpResponse(said(exc), status=429, content_type="text/plain")
    except DomainError as exc:
        return HttpResponse(said(exc), status=exc.status, content_type="text/plain")
    return _revealed(request, "Phone", display_phone(phone))


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.CONTACT_REVEAL)
def reveal_text(request, kind: str, pk: int):
    """S2 (issue 21, 7): the full text of a note shown masked in a list, for a customer the
    user is working (flows.contact_reveal); audited, rate-limited with the phone reveal."""
    try:
        throttle(request, "phone_reveal", key=lambda group, r: f"user:{r.user.pk}")
        text = reveal_free_text(
            kind, pk, actor=request.user, purpose=request.POST.get("purpose", "")
        )
    except RateLimited as exc:
        record_reveal_burst(request.user, customer_id=0)
        return HttpResponse(said(exc), status=429, content_type="text/plain")
    except DomainError as exc:
        return HttpResponse(said(exc), status=exc.status, content_type="text/plain")
    return _revealed(request, "Full text", text)


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_OPERATE)
def reveal_payment(request, number: str):
    """S2: ops paying at pickup see the full UPI ID or account number; audited."""
    order = get_object_or_404(Order, number=number)
    value = order.upi_id or f"{order.bank_account_number} · {order.ifsc}"
    audit.record(
        "order.reveal_payment",
        order,
        after={"field": "upi_id" if order.upi_id else "bank_account_number"},
        actor=request.user,
    )
    return _revealed(request, "Pay to", value)
