from __future__ import annotations

from django.db.models import Q, QuerySet

from orderdesk.core.errors import ValidationFailed
from orderdesk.core.phones import normalise_phone
from orderdesk.customers.models import Customer


def search_customers(query: str, *, limit: int = 25) -> QuerySet[Customer]:
    """By phone (any format) or by name."""
    query = (query or "").strip()
    if not query:
        return Customer.objects.none()
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 10:
        try:
            return Customer.objects.filter(phone=normalise_phone(query))[:limit]
        except ValidationFailed:
            return Customer.objects.filter(phone__endswith=digits[-10:])[:limit]
    return Customer.objects.filter(
        Q(name__icontains=query) | Q(phone__endswith=digits or "~")
    ).order_by("name")[:limit]
