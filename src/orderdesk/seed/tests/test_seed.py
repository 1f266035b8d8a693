"""``orderdesk seed``: the demo data of SPEC §10, idempotent, and the bulk customer load."""

from __future__ import annotations

import datetime as dt
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
from orderdesk.core.timeutil import today_ist
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
def test_demo_catalog_has_current_models_of_every_brand_and_type():
    seed()

    active = DeviceModel.objects.filter(active=True)
    assert active.count() >= 60
    phone_brands = set(
        active.filter(device_type__key="phone").values_list("brand__name", flat=True)
    )
    assert set(BRANDS) <= phone_brands
    laptop_brands = set(
        active.filter(device_type__key="laptop").values_list("brand__name", flat=True)
    )
    assert set(LAPTOP_BRANDS) <= laptop_brands
    assert {"phone", "laptop", "tablet", "mac"} <= set(
        active.values_list("device_type__key", flat=True)
    )
    assert active.filter(device_type__key="mac", name__startswith="MacBook").exists()
    assert active.filter(device_type__key="tablet").exclude(brand__name="Apple").exists()
    for model in active:
        assert 1 <= model.variants.count() <= 4, model
        assert 2021 <= model.release_year <= 2025, model
    assert active.filter(high_end=True, name="iPhone 15 Pro").exists()
    assert not active.filter(high_end=True, name="Redmi Note 13 5G").exists()
    assert Variant.objects.get(model__name="iPhone 15 Pro", name="256 GB").base_price == 72000
    assert (
        Variant.objects.get(model__name="Redmi Note 13 5G", name="6 GB / 128 GB").base_price == 7500
    )
    for device_type in DeviceType.objects.all():
        assert device_type.floor_price > 0


@pytest.mark.django_db
def test_every_device_type_has_a_questionnaire_whose_questions_all_have_options():
    seed()

    for device_type in DeviceType.objects.filter(key__in=["phone", "laptop", "tablet", "mac"]):
        questions = ConditionQuestion.objects.filter(device_type=device_type)
        assert questions.count() >= 4, device_type
        for question in questions:
            options = list(question.options.all())
            assert len(options) >= 2, question
            # the answer that leaves the price alone, so a flawless device quotes its base price
            assert any(o.adjustment_percent == 0 and o.adjustment_flat == 0 for o in options), (
                question
            )


@pytest.mark.django_db
def test_every_demo_question_help_text_and_option_has_its_hindi():
    """Issue 19: the Hindi storefront shows the demo catalogue's questions in Hindi."""
    seed()

    for question in ConditionQuestion.objects.all():
        assert question.text_hi.strip(), question.text
        assert bool(question.help_text_hi.strip()) == bool(question.help_text.strip()), question
    for option in ConditionOption.objects.all():
        assert option.label_hi.strip(), option.label


@pytest.mark.django_db
def test_demo_has_six_cities_with_pincodes_vendors_and_future_slots():
    seed()

    today = today_ist()
    for name in CITIES:
        city = City.objects.get(name=name)
        pincodes = city.pincodes.all()
        assert 8 <= pincodes.count() <= 15, name
        assert all(len(p.pincode) == 6 and p.area for p in pincodes)
        vendors = city.vendors.all()
        assert 2 <= vendors.count() <= 3, name
        covered = set(
            ServedPincode.objects.filter(vendors__in=vendors).values_list("pk", flat=True)
        )
        assert covered == set(pincodes.values_list("pk", flat=True)), name
        for day in range(8):
            date = today + dt.timedelta(days=day)
            assert PickupSlot.objects.filter(city=city, date=date).count() >= 3, (name, date)
    koramangala = ServedPincode.objects.get(pincode="560034")
    assert koramangala.area == "Koramangala"
    # some pincodes take phones only, so the demo can show "device not serviceable"
    phones_only = [
        p for p in ServedPincode.objects.all() if {t.key for t in p.device_types.all()} == {"phone"}
    ]
    assert phones_only


@pytest.mark.django_db
def test_every_demo_user_of_spec_10_exists_with_its_role_and_password_demo():
    seed()

    for username, role in DEMO_USERS.items():
        user = User.objects.get(username=username)
        assert user.role == role, username
        assert user.is_active
        assert user.check_password("demo"), username
    admin = User.objects.get(username="demo-admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(username="demo-sales").is_staff
    assert User.objects.get(username="demo-vendor").vendor is not None
    assert User.objects.filter(username__startswith="agent-").count() == 8


@pytest.mark.django_db
def test_demo_customers_have_valid_e164_phones_and_addresses():
    seed()

    customers = list(Customer.objects.all())
    assert 190 <= len(customers) <= 210
    for customer in customers:
        assert normalise_phone(customer.phone) == customer.phone
        assert customer.phone.startswith("+91") and len(customer.phone) == 13
    assert Address.objects.count() > 100
    served = set(ServedPincode.objects.values_list("pincode", flat=True))
    assert Address.objects.filter(pincode__in=served).count() > 100
    assert Customer.objects.filter(whatsapp_opt_in=True).exists()
    assert Customer.objects.filter(whatsapp_opt_in=False).exists()
    assert Customer.objects.exclude(language="en").exists()


@pytest.mark.django_db
def test_running_the_demo_seed_twice_changes_no_counts():
    seed()
    first = counts()

    seed()

    assert counts() == first


@pytest.mark.django_db
def test_rerun_keeps_existing_slot_bookings():
    seed()
    slot = PickupSlot.objects.filter(date__gte=today_ist()).first()
    PickupSlot.objects.filter(pk=slot.pk).update(booked=2)

    seed()

    slot.refresh_from_db()
    assert slot.booked == 2


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


@pytest.mark.django_db
def test_demo_seed_adds_leads_in_every_scenario_once():
    from orderdesk.leads.models import ContactAttempt, FollowUp, Lead

    seed()
    leads, contacts = Lead.objects.count(), ContactAttempt.objects.count()
    statuses = set(Lead.objects.values_list("status", flat=True))

    seed()

    assert leads == 200  # one per demo customer
    assert {"new", "contacting", "will_place_order", "waiting_for_quote", "closed"} <= statuses
    assert FollowUp.objects.filter(status="pending").exists()
    assert FollowUp.objects.filter(status="missed").exists()
    assert (Lead.objects.count(), ContactAttempt.objects.count()) == (leads, contacts)


@pytest.mark.django_db
def test_seed_contacts_makes_sure_that_many_contact_attempts_exist():
    from orderdesk.leads.models import ContactAttempt, FollowUp, Lead

    seed(customers=600, no_progress=True)
    output = seed(customers=600, contacts=4000, no_progress=True)
    first = (Lead.objects.count(), ContactAttempt.objects.count(), FollowUp.objects.count())

    again = seed(customers=600, contacts=4000, no_progress=True)

    # 600 customers: more tries per lead; the last lead's history may overshoot a little.
    assert 4000 <= ContactAttempt.objects.count() < 4000 + 20
    assert "Contact attempts:" in output and "0 created on 0 new leads" in again
    assert (Lead.objects.count(), ContactAttempt.objects.count(), FollowUp.objects.count()) == first
    assert Lead.objects.values("customer").distinct().count() == Lead.objects.count()


@pytest.mark.django_db
def test_seed_customers_creates_that_many_unique_valid_customers():
    seed()
    demo = Customer.objects.count()

    output = seed(customers=2000, no_progress=True)

    assert Customer.objects.count() == demo + 2000
    phones = [scale_phone(n) for n in range(2000)]
    assert len(set(phones)) == 2000
    stored = set(Customer.objects.filter(phone__in=phones).values_list("phone", flat=True))
    assert stored == set(phones)
    for phone in random.Random(1).sample(phones, 200):
        assert normalise_phone(phone) == phone
    assert Address.objects.filter(customer__phone__in=phones).count() > 400
    assert "rows/s" in output


@pytest.mark.django_db
def test_seed_customers_twice_skips_existing_phones():
    seed(customers=1500, no_progress=True)
    first = counts()

    output = seed(customers=1500, no_progress=True)

    assert counts() == first
    assert "0 created, 1500 already there" in output


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
