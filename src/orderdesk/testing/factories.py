"""Test data builders. Plain functions over the actions, so tests build data the
way the product does (and every write they make is a real, audited write)."""

from __future__ import annotations

import datetime as dt
import itertools

from orderdesk.accounts.choices import Role
from orderdesk.accounts.models import User
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
from orderdesk.core.timeutil import today_ist
from orderdesk.customers.models import Customer
from orderdesk.orders.actions import OrderRequest

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_user(role: str, username: str | None = None, **extra) -> User:
    username = username or f"{role}-{next(_seq)}"
    user = User(username=username, role=role, first_name=username.title(), **extra)
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.set_password(PASSWORD)
    user.save()
    return user


def make_customer(name: str = "Asha Rao", phone: str = "+919876543210", **extra):
    """A customer row as a test needs it (Asha by default; ``phone`` in E.164). A plain row,
    without an audit event: tests that prove the audit of customer writes call
    ``customers.actions`` themselves."""
    return Customer.objects.create(name=name, phone=phone, **extra)


def make_catalog() -> dict:
    """A small, known catalog: one phone type with two questions, one laptop type,
    one served pincode in one city with two slots and a vendor.

    Phone pricing (base ₹50,000 for the 128 GB variant; floor ₹500):
      screen: flawless 0% · scratched -10% · cracked -40%
      body:   good 0% · dented -5% and -₹500 flat
    """
    phone = DeviceType.objects.create(key="phone", name="Phone", floor_price=500)
    laptop = DeviceType.objects.create(key="laptop", name="Laptop", floor_price=1500)
    apple = Brand.objects.create(name="Apple")
    iphone = DeviceModel.objects.create(
        brand=apple, device_type=phone, name="iPhone 15", high_end=True, release_year=2023
    )
    v128 = Variant.objects.create(model=iphone, name="128 GB", base_price=50000)
    v256 = Variant.objects.create(model=iphone, name="256 GB", base_price=56000)
    macbook = DeviceModel.objects.create(
        brand=apple, device_type=laptop, name="MacBook Air M2", high_end=True
    )
    mac_variant = Variant.objects.create(model=macbook, name="8 GB / 256 GB", base_price=60000)

    screen = ConditionQuestion.objects.create(
        device_type=phone,
        key="screen",
        text="Screen condition?",
        text_hi="स्क्रीन की हालत?",
        position=1,
    )
    ConditionOption.objects.create(
        question=screen, key="flawless", label="Flawless", label_hi="बेदाग़", position=1
    )
    ConditionOption.objects.create(
        question=screen,
        key="scratched",
        label="Minor scratches",
        label_hi="मामूली खरोंचें",
        adjustment_percent=-10,
        position=2,
    )
    ConditionOption.objects.create(
        question=screen, key="cracked", label="Cracked", adjustment_percent=-40, position=3
    )
    body = ConditionQuestion.objects.create(
        device_type=phone, key="body", text="Body condition?", text_hi="बॉडी की हालत?", position=2
    )
    ConditionOption.objects.create(
        question=body, key="good", label="No dents", label_hi="कोई डेंट नहीं", position=1
    )
    ConditionOption.objects.create(
        question=body,
        key="dented",
        label="Dents",
        adjustment_percent=-5,
        adjustment_flat=-500,
        position=2,
    )
    works = ConditionQuestion.objects.create(
        device_type=laptop, key="powers_on", text="Does it power on?", position=1
    )
    ConditionOption.objects.create(question=works, key="yes", label="Yes", position=1)
    ConditionOption.objects.create(
        question=works, key="no", label="No", adjustment_percent=-80, position=2
    )

    city = City.objects.create(name="Bengaluru", state="Karnataka")
    served = ServedPincode.objects.create(pincode="560034", city=city, area="Koramangala")
    served.device_types.add(phone)  # phones only: laptops are not served here
    vendor = Vendor.objects.create(name="QuickPick Bengaluru", phone="+919800000001", city=city)
    vendor.pincodes.add(served)
    tomorrow = today_ist() + dt.timedelta(days=1)
    morning = PickupSlot.objects.create(
        city=city, date=tomorrow, window_start=dt.time(10), window_end=dt.time(13), capacity=2
    )
    evening = PickupSlot.objects.create(
        city=city, date=tomorrow, window_start=dt.time(16), window_end=dt.time(19), capacity=1
    )
    return {
        "phone": phone,
        "laptop": laptop,
        "iphone": iphone,
        "v128": v128,
        "v256": v256,
        "macbook": macbook,
        "mac_variant": mac_variant,
        "city": city,
        "served": served,
        "vendor": vendor,
        "morning": morning,
        "evening": evening,
    }


def agent_order_request(catalog: dict, **changes):
    """An agent's order request that passes every M1-M5 gate (Asha's phone, the catalog's
    128 GB variant, its morning slot, UPI); ``changes`` override any field."""
    values = {
        "customer_name": "Asha Rao",
        "customer_phone": "98765 43210",
        "line1": "14, 3rd Cross, 5th Block",
        "landmark": "Opposite Forum Mall",
        "city": "Bengaluru",
        "pincode": "560034",
        "slot_id": catalog["morning"].pk,
        "payment_method": "upi",
        "upi_id": "asha.rao@okaxis",
        "variant_id": catalog["v128"].pk,
        "answers": {"screen": "scratched", "body": "good"},
        "reason": "customer_requested_help",
        "consent_confirmed": True,
        "consent_statement": "Yes, please place the order",
        "price_confirmed": True,
    }
    values.update(changes)
    return OrderRequest(**values)


def confirmation_ctx(order_number: str = "OD-7K4M-9QXR") -> dict:
    """Every variable the order confirmation's templates use (issue 15, item 10: the device,
    estimate, address, slot and payment mode), for tests that enqueue one by hand."""
    return {
        "order_number": order_number,
        "device": "Apple iPhone 15 128 GB",
        "estimated_price": "45,000",
        "pickup_date": "12 Mar 2025",
        "pickup_window": "10:00-13:00",
        "pickup_city": "Bengaluru",
        "pickup_address": "14, 3rd Cross, near Forum Mall, Bengaluru, 560034",
        "payment_mode": "UPI to as•••••@okaxis",
        "payment_mode_hi": "UPI (as•••••@okaxis) पर",
    }
