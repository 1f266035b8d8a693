"""The demo data of SPEC §10, read from one seeded world per module (``demo_world`` in
conftest.py): seeding is the slow part, so the tests that only read it, or seed again on top
of it, share one run. The tests that need an empty database are in test_seed.py."""

from __future__ import annotations

import datetime as dt

from orderdesk.accounts.models import User
from orderdesk.catalog.models import (
    City,
    ConditionOption,
    ConditionQuestion,
    DeviceModel,
    DeviceType,
    PickupSlot,
    ServedPincode,
    Variant,
)
from orderdesk.core.phones import normalise_phone
from orderdesk.core.timeutil import today_ist
from orderdesk.customers.models import Address, Customer
from orderdesk.leads.models import ContactAttempt, FollowUp, Lead
from orderdesk.seed.tests.test_seed import (
    BRANDS,
    CITIES,
    DEMO_USERS,
    LAPTOP_BRANDS,
    counts,
    seed,
)


def test_demo_catalog_has_current_models_of_every_brand_and_type(demo):
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


def test_every_device_type_has_a_questionnaire_whose_questions_all_have_options(demo):
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


def test_every_demo_question_help_text_and_option_has_its_hindi(demo):
    """Issue 19: the Hindi storefront shows the demo catalogue's questions in Hindi."""
    for question in ConditionQuestion.objects.all():
        assert question.text_hi.strip(), question.text
        assert bool(question.help_text_hi.strip()) == bool(question.help_text.strip()), question
    for option in ConditionOption.objects.all():
        assert option.label_hi.strip(), option.label


def test_demo_has_six_cities_with_pincodes_vendors_and_future_slots(demo):
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


def test_every_demo_user_of_spec_10_exists_with_its_role_and_password_demo(demo):
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


def test_demo_customers_have_valid_e164_phones_and_addresses(demo):
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


def test_running_the_demo_seed_twice_changes_no_counts(demo):
    first = counts()

    seed()

    assert counts() == first


def test_rerun_keeps_existing_slot_bookings(demo):
    slot = PickupSlot.objects.filter(date__gte=today_ist()).first()
    PickupSlot.objects.filter(pk=slot.pk).update(booked=2)

    seed()

    slot.refresh_from_db()
    assert slot.booked == 2


def test_demo_seed_adds_leads_in_every_scenario_once(demo):
    leads, contacts = Lead.objects.count(), ContactAttempt.objects.count()
    statuses = set(Lead.objects.values_list("status", flat=True))

    seed()

    assert leads == 200  # one per demo customer
    assert {"new", "contacting", "will_place_order", "waiting_for_quote", "closed"} <= statuses
    assert FollowUp.objects.filter(status="pending").exists()
    assert FollowUp.objects.filter(status="missed").exists()
    assert (Lead.objects.count(), ContactAttempt.objects.count()) == (leads, contacts)
