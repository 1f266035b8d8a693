from __future__ import annotations

from django.db.models import QuerySet

from orderdesk.core.errors import ValidationFailed
from orderdesk.core.phones import normalise_phone
from orderdesk.customers.models import Address, Customer


def search_customers(query: str, *, limit: int = 25) -> QuerySet[Customer]:
    """By a full phone number (any format) or by name. Never by part of a number: a
    partial-digit search answered which masked numbers end in which digits, and 42 calls
    rebuilt a number without a reveal (issue 21, finding 3)."""
    query = (query or "").strip()
    if not query:
        return Customer.objects.none()
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 10:
        try:
            return Customer.objects.filter(phone=normalise_phone(query))[:limit]
        except ValidationFailed:
            return Customer.objects.filter(phone__endswith=digits[-10:])[:limit]
    if digits:
        return Customer.objects.none()  # part of a number: no match, no oracle
    return Customer.objects.filter(name__icontains=query).order_by("name")[:limit]


def latest_address(customer: Customer) -> Address | None:
    """The customer's most recently saved pickup address (the wizard pre-fills it)."""
    return customer.addresses.order_by("-created_at", "-pk").first()
