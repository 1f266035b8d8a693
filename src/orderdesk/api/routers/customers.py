"""Customers over the API, for dialers and agents' tools. Phones are shown masked (S2)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import EmailStr, Field

from orderdesk.accounts.permissions import Perm
from orderdesk.api.auth import acting_user
from orderdesk.api.schemas import AUTH_ERRORS, INPUT_ERRORS, InputSchema, Problem
from orderdesk.customers import actions
from orderdesk.customers.choices import Language
from orderdesk.customers.models import Customer
from orderdesk.customers.selectors import search_customers

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    name: str
    phone_masked: str
    language: str
    whatsapp_opt_in: bool
    do_not_contact: bool
    accessibility_needs: str


class CustomerIn(InputSchema):
    name: str = Field(min_length=1, max_length=120)
    phone: str = Field(
        min_length=1,
        max_length=20,
        description="any Indian format: 98765 43210, +91-98765-43210, 09876543210",
    )
    email: EmailStr | None = None


class PreferencesIn(InputSchema):
    language: Language | None = None
    whatsapp_opt_in: bool | None = None
    do_not_contact: bool | None = None
    accessibility_needs: str | None = Field(default=None, max_length=200)


class CustomerSearch(Schema):
    q: str = Field(
        min_length=1, max_length=100, description="phone (any format) or part of the name"
    )


def _out(customer: Customer) -> dict:
    return {
        "id": customer.id,
        "name": customer.name,
        "phone_masked": customer.masked_phone,
        "language": customer.language,
        "whatsapp_opt_in": customer.whatsapp_opt_in,
        "do_not_contact": customer.do_not_contact,
        "accessibility_needs": customer.accessibility_needs,
    }


@router.get(
    "/customers",
    response={200: list[CustomerOut], **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Find customers by phone or name",
)
def find_customers(request, params: Query[CustomerSearch]):
    acting_user(request, Perm.CUSTOMERS_VIEW)
    return [_out(c) for c in search_customers(params.q)]


@router.post(
    "/customers",
    response={200: CustomerOut, 201: CustomerOut, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="The customer with this phone, created when new (201) or found (200)",
)
def create_customer(request, payload: CustomerIn):
    acting_user(request, Perm.CUSTOMERS_EDIT)
    customer, created = actions.get_or_create_customer(
        name=payload.name, phone=payload.phone, email=payload.email or ""
    )
    return Status((201 if created else 200), _out(customer))


@router.get(
    "/customers/{customer_id}",
    response={200: CustomerOut, 404: Problem, **INPUT_ERRORS, **AUTH_ERRORS},
    summary="One customer",
)
def get_customer(request, customer_id: int):
    acting_user(request, Perm.CUSTOMERS_VIEW)
    return _out(get_object_or_404(Customer, pk=customer_id))


@router.patch(
    "/customers/{customer_id}/preferences",
    response={200: CustomerOut, 404: Problem, **AUTH_ERRORS, **INPUT_ERRORS},
    summary="Change contact preferences (language, WhatsApp opt-in, do-not-contact, accessibility)",
)
def patch_preferences(request, customer_id: int, payload: PreferencesIn):
    acting_user(request, Perm.CUSTOMERS_EDIT)
    customer = get_object_or_404(Customer, pk=customer_id)
    changes = payload.dict(exclude_none=True)
    if changes:
        customer = actions.update_preferences(customer, **changes)
    return _out(customer)
