"""Display-only reads for the console's home pages.

Nothing here decides anything: these are the lists and counts a page shows.
Reads that another caller (the API, an action) also needs belong in the owning
app's ``selectors.py`` instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from orderdesk.accounts.choices import Role
from orderdesk.accounts.models import Team, User
from orderdesk.catalog.models import (
    Brand,
    City,
    DeviceModel,
    DeviceType,
    PickupSlot,
    ServedPincode,
    Variant,
    Vendor,
)
from orderdesk.core.models import AuditEvent
from orderdesk.core.timeutil import today_ist


def device_types() -> list[DeviceType]:
    """For the device-type pickers."""
    return list(DeviceType.objects.order_by("name"))


@dataclass
class CitySlots:
    city: City
    days: list[tuple[dt.date, list[PickupSlot]]] = field(default_factory=list)


def slot_capacity_today_and_tomorrow() -> list[CitySlots]:
    """Every city's pickup slots for today and tomorrow (IST), full ones included."""
    today = today_ist()
    days = [today, today + dt.timedelta(days=1)]
    slots = (
        PickupSlot.objects.filter(date__in=days)
        .select_related("city")
        .order_by("city__name", "date", "window_start")
    )
    by_city: dict[int, CitySlots] = {}
    for slot in slots:
        entry = by_city.setdefault(slot.city_id, CitySlots(slot.city, [(day, []) for day in days]))
        entry.days[days.index(slot.date)][1].append(slot)
    return list(by_city.values())


def cities_with_vendors() -> list[City]:
    """Cities and their active vendors (``city.active_vendors``), with served-pincode counts."""
    return list(
        City.objects.order_by("name")
        .annotate(pincode_count=Count("pincodes", filter=Q(pincodes__active=True), distinct=True))
        .prefetch_related(
            Prefetch(
                "vendors",
                queryset=Vendor.objects.filter(active=True).order_by("name"),
                to_attr="active_vendors",
            )
        )
    )


def teams_with_members() -> list[Team]:
    """Teams with their members (``team.people``), supervisor first-class."""
    return list(
        Team.objects.select_related("supervisor")
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=User.objects.order_by("first_name", "username"),
                to_attr="people",
            )
        )
    )


def staff_without_team() -> list[User]:
    return list(
        User.objects.filter(team__isnull=True, role__in=Role.staff_roles()).order_by(
            "role", "username"
        )
    )


def latest_audit_events(limit: int = 50) -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("-at", "-id")[:limit])


def back_office_counts() -> dict[str, int]:
    return {
        "device_types": DeviceType.objects.count(),
        "brands": Brand.objects.count(),
        "models": DeviceModel.objects.count(),
        "variants": Variant.objects.count(),
        "cities": City.objects.count(),
        "pincodes": ServedPincode.objects.count(),
        "vendors": Vendor.objects.count(),
    }
