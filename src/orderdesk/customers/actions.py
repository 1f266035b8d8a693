"""Writes on customers and addresses; atomic and audited."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from orderdesk.core import audit
from orderdesk.core.errors import ValidationFailed
from orderdesk.core.phones import mask_phone, normalise_phone
from orderdesk.customers.models import Address, Customer
from orderdesk.customers.validators import clean_pincode

PREFERENCE_FIELDS = ("language", "whatsapp_opt_in", "do_not_contact", "accessibility_needs")


def _audit_view(customer: Customer) -> dict:
    # S2: the audit trail keeps the masked phone, never the full number.
    return {
        "name": customer.name,
        "phone": mask_phone(customer.phone),
        "email": bool(customer.email),
        **{f: getattr(customer, f) for f in PREFERENCE_FIELDS},
    }


def get_or_create_customer(
    *, name: str, phone: str, email: str = "", **preferences
) -> tuple[Customer, bool]:
    """The customer with this phone (however it was typed), created if new.

    Safe under concurrency: the unique index on ``phone`` decides; a racing
    insert falls back to reading the row the other request created.
    """
    e164 = normalise_phone(phone)
    name = (name or "").strip()
    existing = Customer.objects.filter(phone=e164).first()
    if existing:
        return existing, False
    if not name:
        raise ValidationFailed("The customer's name is required.", code="required", field="name")
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                name=name[:120], phone=e164, email=email or "", **preferences
            )
            audit.record("customer.create", customer, after=_audit_view(customer))
    except IntegrityError:
        return Customer.objects.get(phone=e164), False
    return customer, True


@transaction.atomic
def update_preferences(customer: Customer, **changes) -> Customer:
    unknown = set(changes) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValidationFailed(
            f"Unknown preference {sorted(unknown)[0]!r}.",
            code="unknown_field",
            field=sorted(unknown)[0],
        )
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = _audit_view(customer)
    for field, value in changes.items():
        setattr(customer, field, value)
    customer.save(update_fields=[*changes, "updated_at"])
    audit.record(
        "customer.update_preferences", customer, before=before, after=_audit_view(customer)
    )
    return customer


@transaction.atomic
def add_address(
    customer: Customer,
    *,
    line1: str,
    landmark: str,
    city: str,
    pincode: str,
    line2: str = "",
    state: str = "",
) -> Address:
    errors = []
    for field, value in (("line1", line1), ("landmark", landmark), ("city", city)):
        if not (value or "").strip():
            errors.append(field)
    if errors:
        raise ValidationFailed(
            f"The pickup address needs {', '.join(errors)}.",
            code="address_incomplete",
            field=errors[0],
        )
    address = Address.objects.create(
        customer=customer,
        line1=line1.strip(),
        line2=(line2 or "").strip(),
        landmark=landmark.strip(),
        city=city.strip(),
        state=(state or "").strip(),
        pincode=clean_pincode(pincode),
    )
    audit.record(
        "address.create",
        address,
        after={"customer": customer.pk, "city": address.city, "pincode": address.pincode},
    )
    return address
