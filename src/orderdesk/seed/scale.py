"""A large, realistic customer base, fast: ``orderdesk seed --customers N``.

How it stays fast:

1. Faker is called a few hundred times, once, to fill pools of first names, last
   names and streets; rows combine pool entries with a seeded ``random.Random``.
2. Phone numbers come from a counter. ``m = (n * A + B) mod S`` scrambles the
   counter over S = (number of prefixes) x 10⁶ slots (``A`` is prime and does
   not divide S, so the map is one-to-one); slot ``m`` is the 4-digit prefix
   ``MOBILE_PREFIXES[m // 10⁶]`` followed by ``m mod 10⁶`` as six digits. Every
   ``n`` gets its own number without checking for duplicates, and the numbers look
   scattered rather than sequential.
   Not every 10-digit number starting 6-9 is an Indian *mobile* in
   libphonenumber's metadata (``normalise_phone`` refuses the rest), so the
   prefixes are blocks checked against it: every 6-digit lead of every block was
   sampled and both ends tested (the tests re-check a sample).
3. Rows go in with ``bulk_create`` in batches of ``batch_size``, one transaction a
   batch (on SQLite, one commit per row would be the bottleneck).

The set is deterministic: ``--customers N`` always means the same first N
generated customers. A re-run skips the phones that already exist, so running it
twice (or after an interrupted run) fills in what is missing and duplicates nothing.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from faker import Faker
from tqdm import tqdm

from orderdesk.customers.choices import Language
from orderdesk.customers.models import Address, Customer
from orderdesk.seed.people import ACCESSIBILITY, LANDMARKS, LANGUAGE_BY_STATE, served_localities

# Inclusive ranges of 4-digit prefixes whose numbers libphonenumber (9.x) types as
# Indian mobiles: about 2.08 billion numbers.
MOBILE_PREFIX_RANGES = [
    (6000, 6109),
    (6870, 7099),
    (7200, 7311),
    (7347, 7391),
    (7708, 7880),
    (8080, 8161),
    (8368, 8611),
    (8918, 9999),
]
MOBILE_PREFIXES = [p for low, high in MOBILE_PREFIX_RANGES for p in range(low, high + 1)]
PHONE_SPACE = len(MOBILE_PREFIXES) * 1_000_000
PHONE_MULTIPLIER = 2_654_435_761  # prime, larger than PHONE_SPACE: coprime with it
PHONE_OFFSET = 1_122_334_455
assert math.gcd(PHONE_MULTIPLIER, PHONE_SPACE) == 1
SCALE_SEED = 1_000_003
ADDRESS_SHARE = 0.4  # share of generated customers with an address on file
EXISTS_CHUNK = 5_000  # phones per "which of these exist?" query (SQLite caps parameters)


def scale_phone(n: int) -> str:
    """The n-th generated customer's phone, in E.164. One-to-one for 0 <= n < PHONE_SPACE."""
    slot = (n * PHONE_MULTIPLIER + PHONE_OFFSET) % PHONE_SPACE
    prefix, rest = divmod(slot, 1_000_000)
    return f"+91{MOBILE_PREFIXES[prefix]}{rest:06d}"


@dataclass
class Pools:
    first_names: list[str]
    last_names: list[str]
    streets: list[str]


def build_pools() -> Pools:
    fake = Faker("en_IN")
    fake.seed_instance(SCALE_SEED)
    first = sorted({fake.first_name() for _ in range(3000)})
    last = sorted({fake.last_name() for _ in range(3000)})
    streets = sorted({fake.street_name() for _ in range(1500)})
    return Pools(first, last, streets)


@dataclass
class ScaleResult:
    requested: int
    customers: int
    addresses: int
    skipped: int
    seconds: float

    @property
    def rows(self) -> int:
        return self.customers + self.addresses

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def customers_per_second(self) -> float:
        return self.customers / self.seconds if self.seconds else 0.0


def existing_phones(phones: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(phones), EXISTS_CHUNK):
        chunk = phones[i : i + EXISTS_CHUNK]
        found.update(Customer.objects.filter(phone__in=chunk).values_list("phone", flat=True))
    return found


def make_batch(start: int, stop: int, pools: Pools, localities: list, skip: set[str]):
    """The customers n in [start, stop) (minus ``skip``) and, for a share, their address.

    The batch's random generator is seeded from ``start``, so a row's data does
    not depend on which batches ran before it.
    """
    rng = random.Random(SCALE_SEED * 7919 + start)
    languages = [Language.ENGLISH, Language.HINDI, None]
    customers: list[Customer] = []
    pending_addresses: list[tuple[int, tuple]] = []
    for n in range(start, stop):
        phone = scale_phone(n)
        if phone in skip:
            continue
        first = rng.choice(pools.first_names)
        last = rng.choice(pools.last_names)
        locality = rng.choice(localities)
        language = rng.choices(languages, weights=(5, 3, 2))[0] or LANGUAGE_BY_STATE.get(
            locality[3], Language.HINDI
        )
        roll = rng.random()
        customers.append(
            Customer(
                name=f"{first} {last}",
                phone=phone,
                email=f"{first}.{last}{n}@example.com".lower() if roll < 0.35 else "",
                language=language,
                whatsapp_opt_in=roll < 0.7,
                do_not_contact=rng.random() < 0.03,
                accessibility_needs=ACCESSIBILITY[n % len(ACCESSIBILITY)] if n % 500 == 17 else "",
            )
        )
        if rng.random() < ADDRESS_SHARE:
            line1 = f"{rng.randint(1, 999)}, {rng.choice(pools.streets)}"
            pending_addresses.append((len(customers) - 1, (line1, locality, rng.choice(LANDMARKS))))
    return customers, pending_addresses


def seed_scale(
    total: int,
    *,
    batch_size: int = 10_000,
    progress: bool = True,
    on_batch: Callable[[int], None] | None = None,
) -> ScaleResult:
    """Make sure the first ``total`` generated customers exist; returns what it created.

    Each batch: ask which of its phones exist, build the rest, insert customers
    (``bulk_create`` returns their ids on PostgreSQL and SQLite ≥ 3.35), then insert
    their addresses — all in one transaction.
    """
    started = time.perf_counter()
    pools = build_pools()
    localities = served_localities()
    created = addresses = skipped = 0
    bar = tqdm(total=total, unit="customer", unit_scale=True, disable=not progress, smoothing=0.1)
    for start in range(0, total, batch_size):
        stop = min(start + batch_size, total)
        phones = [scale_phone(n) for n in range(start, stop)]
        with transaction.atomic():
            skip = existing_phones(phones)
            customers, pending = make_batch(start, stop, pools, localities, skip)
            Customer.objects.bulk_create(customers, batch_size=5_000)
            rows = []
            for index, (line1, (pincode, area, city, state), landmark) in pending:
                rows.append(
                    Address(
                        customer_id=customers[index].pk,
                        line1=line1,
                        line2=area,
                        landmark=landmark,
                        city=city,
                        state=state,
                        pincode=pincode,
                    )
                )
            Address.objects.bulk_create(rows, batch_size=5_000)
        created += len(customers)
        addresses += len(rows)
        skipped += len(skip)
        bar.update(stop - start)
        if on_batch:
            on_batch(stop)
    bar.close()
    return ScaleResult(total, created, addresses, skipped, time.perf_counter() - started)
