"""Demo people: teams, the demo users of SPEC §10, a few more agents, and ~200 customers."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from faker import Faker

from orderdesk.accounts.choices import Role
from orderdesk.accounts.models import Team, User
from orderdesk.catalog.models import Vendor
from orderdesk.core.phones import normalise_phone
from orderdesk.core.timeutil import today_ist
from orderdesk.customers.choices import Language
from orderdesk.customers.models import Address, Customer
from orderdesk.seed.areas import CITIES, UNSERVED, VENDORS

DEMO_PASSWORD = "demo"  # SPEC §10: demo data only; never a real account's password
FAKER_SEED = 20240615
DEMO_CUSTOMERS = 200

TEAMS = ["Inbound Sales", "Follow-up Sales", "Customer Experience", "Operations"]

# username: (role, first name, last name, team)
DEMO_USERS: dict[str, tuple[str, str, str, str | None]] = {
    "demo-sales": (Role.SALES, "Priya", "Sharma", "Inbound Sales"),
    "demo-sales2": (Role.SALES, "Rahul", "Verma", "Follow-up Sales"),
    "demo-cx": (Role.CX, "Ananya", "Iyer", "Customer Experience"),
    "demo-ops": (Role.OPS, "Vikram", "Singh", "Operations"),
    "demo-supervisor": (Role.SUPERVISOR, "Meera", "Nair", "Inbound Sales"),
    "demo-admin": (Role.ADMIN, "Arjun", "Mehta", None),
    "demo-app": (Role.APP, "Customer", "App", None),
    "demo-vendor": (Role.VENDOR, "QuickPick", "Bengaluru", None),
}

# username: (role, team, days since joining) — names come from Faker.
EXTRA_AGENTS = [
    ("agent-01", Role.SALES, "Inbound Sales", 400),
    ("agent-02", Role.SALES, "Inbound Sales", 210),
    ("agent-03", Role.SALES, "Inbound Sales", 12),  # new joiner: audited more often
    ("agent-04", Role.SALES, "Follow-up Sales", 95),
    ("agent-05", Role.SALES, "Follow-up Sales", 20),
    ("agent-06", Role.CX, "Customer Experience", 530),
    ("agent-07", Role.CX, "Customer Experience", 60),
    ("agent-08", Role.OPS, "Operations", 300),
]

LANGUAGE_BY_STATE = {
    "Karnataka": Language.KANNADA,
    "Maharashtra": Language.MARATHI,
    "Delhi": Language.HINDI,
    "Telangana": Language.TELUGU,
    "Tamil Nadu": Language.TAMIL,
}

LANDMARKS = [
    "Near the metro station",
    "Opposite SBI ATM",
    "Behind the government school",
    "Next to Apollo Pharmacy",
    "Near the Hanuman temple",
    "Opposite the petrol pump",
    "Above Reliance Fresh",
    "Near the bus depot",
    "Beside the park gate",
    "Opposite Café Coffee Day",
    "Near the water tank",
    "Next to the post office",
]

ACCESSIBILITY = [
    "Hard of hearing — prefers WhatsApp",
    "Uses a wheelchair — pickup at the gate",
    "Elderly — speak slowly, call the son first",
    "Low vision — read the price aloud",
]


def seed_teams_and_users(stats: dict) -> None:
    """Teams, the demo users (password ``demo``) and eight more agents with Faker names.

    ``demo`` is hashed once and stored directly: it would fail the password
    validators, which guard real accounts, and these users exist only in demo data.
    A re-run resets the demo users' roles, teams and password.
    """
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in TEAMS}
    password = make_password(DEMO_PASSWORD)
    vendor = Vendor.objects.get(name=VENDORS["Bengaluru"][0][0])
    today = today_ist()
    for username, (role, first, last, team) in DEMO_USERS.items():
        User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": first,
                "last_name": last,
                "team": teams[team] if team else None,
                "vendor": vendor if role == Role.VENDOR else None,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
                "is_active": True,
                "password": password,
                "email": f"{username}@orderdesk.invalid",
                "joined_on": today - dt.timedelta(days=365),
            },
        )
    supervisor = User.objects.get(username="demo-supervisor")
    for name in ("Inbound Sales", "Follow-up Sales"):
        Team.objects.filter(pk=teams[name].pk).update(supervisor=supervisor)

    fake = Faker("en_IN")
    fake.seed_instance(FAKER_SEED)
    for username, role, team, days in EXTRA_AGENTS:
        User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": fake.first_name(),
                "last_name": fake.last_name(),
                "team": teams[team],
                "password": password,
                "joined_on": today - dt.timedelta(days=days),
            },
        )
    stats["teams"] = Team.objects.count()
    stats["users"] = User.objects.count()


def served_localities() -> list[tuple[str, str, str, str]]:
    """(pincode, locality, city, state) for every demo pincode."""
    return [
        (pincode, area, city, state)
        for city, (state, pincodes) in CITIES.items()
        for pincode, area in pincodes
    ]


def seed_customers(stats: dict) -> None:
    """About 200 customers with Faker ('en_IN') names, valid mobile numbers and, for most
    of them, an address in a served pincode (a few in unserved ones). The fixed seeds
    make every run produce the same people, so a re-run updates instead of adding."""
    fake = Faker("en_IN")
    fake.seed_instance(FAKER_SEED + 1)
    rng = random.Random(FAKER_SEED + 1)
    localities = served_localities()
    for index in range(DEMO_CUSTOMERS):
        first, last = fake.first_name(), fake.last_name()
        # 97/98xxxxxxxx: in a block libphonenumber types as mobile (see seed.scale).
        phone = normalise_phone(f"9{rng.choice('78')}{rng.randrange(10**8):08d}")
        alternate = normalise_phone(f"9{rng.randrange(10**9):09d}") if index % 9 == 0 else ""
        if index % 17 == 5:
            pincode, city, state, area = rng.choice(UNSERVED)
        else:
            pincode, area, city, state = rng.choice(localities)
        language = rng.choices(
            [Language.ENGLISH, Language.HINDI, LANGUAGE_BY_STATE.get(state, Language.HINDI)],
            weights=[5, 3, 2],
        )[0]
        customer, _ = Customer.objects.update_or_create(
            phone=phone,
            defaults={
                "name": f"{first} {last}",
                "alternate_phone": alternate,
                "email": f"{first}.{last}{index}@example.com".lower() if rng.random() < 0.6 else "",
                "language": language,
                "whatsapp_opt_in": rng.random() < 0.7,
                "do_not_contact": rng.random() < 0.05,
                "accessibility_needs": ACCESSIBILITY[index % len(ACCESSIBILITY)]
                if index % 40 == 7
                else "",
            },
        )
        if index % 4 != 3:  # three in four have an address on file
            line1 = f"{fake.building_number()}, {fake.street_name()}"
            landmark = rng.choice(LANDMARKS)
            # Orders copy the address they pick up from, so there may be several alike.
            if not Address.objects.filter(customer=customer, pincode=pincode, line1=line1).exists():
                Address.objects.create(
                    customer=customer,
                    pincode=pincode,
                    line1=line1,
                    line2=area,
                    landmark=landmark,
                    city=city,
                    state=state,
                )
    stats["customers"] = Customer.objects.count()
    stats["addresses"] = Address.objects.count()
