"""``orderdesk seed``: the demo data of SPEC §10, idempotent, and the bulk customer load."""

from __future__ import annotations

import random
from io import StringIO

import pytest
from django.core.management import call_command

from orderdesk.accounts.choices import Role
from orderdesk.accounts.models import Team, User
from orderdesk.catalog.models import (
    Brand,
    City,
    ConditionOption,
    ConditionQuestion,
    DeviceModel,
    DeviceType,
    PickupSlot,
    ServedPincode,
    Variant,
    Vendor,
)
from orderdesk.core.models import AuditEvent
from orderdesk.core.phones import normalise_phone
from orderdesk.customers.models import Address, Customer
from orderdesk.seed.scale import MOBILE_PREFIXES, PHONE_SPACE, scale_phone

DEMO_USERS = {
    "demo-sales": Role.SALES,
    "demo-sales2": Role.SALES,
    "demo-cx": Role.CX,
    "demo-ops": Role.OPS,
    "demo-supervisor": Role.SUPERVISOR,
    "demo-admin": Role.ADMIN,
    "demo-app": Role.APP,
    "demo-vendor": Role.VENDOR,
}
BRANDS = ["Apple", "Samsung", "OnePlus", "Xiaomi", "Redmi", "Google", "Vivo", "Oppo", "Realme"]
LAPTOP_BRANDS = ["Dell", "HP", "Lenovo", "ASUS"]
CITIES = ["Bengaluru", "Mumbai", "Delhi", "Hyderabad", "Chennai", "Pune"]
COUNTED = [
    DeviceType,
    Brand,
    DeviceModel,
    Variant,
    ConditionQuestion,
    ConditionOption,
    City,
    ServedPincode,
    Vendor,
    PickupSlot,
    Team,
    User,
    Customer,
    Address,
]


def seed(**options) -> str:
    out = StringIO()
    call_command("seed", stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.mark.django_db
def test_seed_writes_one_audit_event_for_the_run_not_one_per_row():
    before = AuditEvent.objects.count()

    seed()

    events = list(AuditEvent.objects.all()[: AuditEvent.objects.count() - before])
    # The bulk load of reference data (catalog, areas, people) is not audited row by row:
    # one seed.run event stands for it. Leads, orders and tickets are worked through their
    # actions, which audit each call as the demo agent's, because that is what they stand for.
    bulk_types = {"catalog.devicetype", "catalog.devicemodel", "catalog.variant", "catalog.servedpincode",
                  "catalog.vendor", "accounts.user", "accounts.team"}  # fmt: skip
    assert [e for e in events if e.object_type in bulk_types and e.action != "seed.run"] == []
    assert [e.action for e in events].count("seed.run") == 1
    seed_run = next(e for e in events if e.action == "seed.run")
    assert seed_run.after["models"] >= 60


def test_seed_contacts_makes_sure_that_many_contact_attempts_exist(demo):
    from orderdesk.leads.models import ContactAttempt, FollowUp, Lead

    seed(customers=300, no_progress=True)
    output = seed(customers=300, contacts=2000, no_progress=True)
    first = (Lead.objects.count(), ContactAttempt.objects.count(), FollowUp.objects.count())

    again = seed(customers=300, contacts=2000, no_progress=True)

    # 300 customers: more tries per lead; the last lead's history may overshoot a little.
    assert 2000 <= ContactAttempt.objects.count() < 2000 + 20
    assert "Contact attempts:" in output and "0 created on 0 new leads" in again
    assert (Lead.objects.count(), ContactAttempt.objects.count(), FollowUp.objects.count()) == first
    assert Lead.objects.values("customer").distinct().count() == Lead.objects.count()


def test_seed_customers_creates_that_many_unique_valid_customers(demo):
    in_demo = Customer.objects.count()

    output = seed(customers=600, no_progress=True)

    assert Customer.objects.count() == in_demo + 600
    phones = [scale_phone(n) for n in range(600)]
    assert len(set(phones)) == 600
    stored = set(Customer.objects.filter(phone__in=phones).values_list("phone", flat=True))
    assert stored == set(phones)
    for phone in random.Random(1).sample(phones, 200):
        assert normalise_phone(phone) == phone
    assert Address.objects.filter(customer__phone__in=phones).count() > 120
    assert "rows/s" in output


def test_seed_customers_twice_skips_existing_phones(demo):
    seed(customers=500, no_progress=True)
    first = counts()

    output = seed(customers=500, no_progress=True)

    assert counts() == first
    assert "0 created, 500 already there" in output


def test_scale_phones_are_one_to_one_and_valid():
    sample = [scale_phone(n) for n in range(0, PHONE_SPACE, 1_999_993)]
    assert len(sample) > 1000
    assert len(set(sample)) == len(sample)
    for phone in sample:
        assert normalise_phone(phone) == phone


def test_every_mobile_prefix_block_is_a_valid_indian_mobile_at_both_ends():
    for prefix in MOBILE_PREFIXES:
        assert normalise_phone(f"{prefix}000000") == f"+91{prefix}000000"
        assert normalise_phone(f"{prefix}999999") == f"+91{prefix}999999"
