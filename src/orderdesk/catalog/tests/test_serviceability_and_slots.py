"""M2/M3 A serviceability by pincode and device type; O2 slot capacity."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from orderdesk.catalog.actions import book_slot, release_slot
from orderdesk.catalog.models import PickupSlot
from orderdesk.catalog.selectors import open_slots, serviceability
from orderdesk.core.errors import Conflict
from orderdesk.core.timeutil import today_ist


def test_served_pincode_and_device_type_show_city_and_open_slots(catalog):
    result = serviceability("560034", "phone")
    assert result.serviceable and result.city == "Bengaluru" and result.reason is None
    assert [s.pk for s in result.slots] == [catalog["morning"].pk, catalog["evening"].pk]


def test_unserved_pincode(catalog):
    result = serviceability("110001", "phone")
    assert (result.serviceable, result.reason, result.slots) == (
        False,
        "pincode_not_serviceable",
        [],
    )


def test_device_type_not_served_at_that_pincode(catalog):
    result = serviceability("560034", "laptop")
    assert (result.serviceable, result.reason, result.city) == (
        False,
        "device_not_serviceable",
        "Bengaluru",
    )


def test_inactive_pincode_is_not_served(catalog):
    catalog["served"].active = False
    catalog["served"].save()
    assert serviceability("560034", "phone").reason == "pincode_not_serviceable"


def test_o2_full_slot_is_not_offered_and_past_slots_are_not_offered(catalog):
    book_slot(catalog["evening"].pk)  # capacity 1: now full
    PickupSlot.objects.create(
        city=catalog["city"],
        date=today_ist() - dt.timedelta(days=1),
        window_start=dt.time(10),
        window_end=dt.time(12),
        capacity=5,
    )
    assert [s.pk for s in open_slots(catalog["city"].pk)] == [catalog["morning"].pk]


def test_o2_booking_past_capacity_is_refused_and_changes_nothing(catalog):
    slot = catalog["morning"]  # capacity 2
    book_slot(slot.pk)
    book_slot(slot.pk)
    with pytest.raises(Conflict) as err:
        book_slot(slot.pk)
    assert (err.value.code, err.value.field, err.value.status) == (
        "slot_unavailable",
        "pickup.slot_id",
        409,
    )
    slot.refresh_from_db()
    assert slot.booked == 2


def test_release_gives_a_place_back_but_never_below_zero(catalog):
    slot = catalog["evening"]
    book_slot(slot.pk)
    release_slot(slot.pk)
    release_slot(slot.pk)
    slot.refresh_from_db()
    assert slot.booked == 0


def test_database_refuses_overbooking_even_bypassing_the_action(catalog):
    with pytest.raises(IntegrityError), transaction.atomic():
        PickupSlot.objects.filter(pk=catalog["evening"].pk).update(booked=2)
    catalog["evening"].refresh_from_db()
    assert catalog["evening"].booked == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_o2_concurrent_bookings_never_exceed_capacity():
    """Twelve threads race for a slot with five places: exactly five win."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency guarantees are proven on PostgreSQL")
    from orderdesk.testing.factories import make_catalog

    catalog = make_catalog()
    slot = catalog["morning"]
    PickupSlot.objects.filter(pk=slot.pk).update(capacity=5)
    barrier = threading.Barrier(12)
    outcomes = []

    def attempt():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            with transaction.atomic():
                book_slot(slot.pk)
            outcomes.append("booked")
        except Conflict:
            outcomes.append("full")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slot.refresh_from_db()
    assert outcomes.count("booked") == 5 and outcomes.count("full") == 7
    assert slot.booked == 5
