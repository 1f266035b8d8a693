"""Demo service areas: cities, served pincodes, vendors and pickup slots (SPEC §2, M2, O2)."""

from __future__ import annotations

import datetime as dt

from orderdesk.catalog.models import City, DeviceType, PickupSlot, ServedPincode, Vendor
from orderdesk.core.timeutil import today_ist

# city: (state, [(pincode, locality)])
CITIES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "Bengaluru": (
        "Karnataka",
        [
            ("560034", "Koramangala"),
            ("560038", "Indiranagar"),
            ("560066", "Whitefield"),
            ("560102", "HSR Layout"),
            ("560011", "Jayanagar"),
            ("560037", "Marathahalli"),
            ("560076", "BTM Layout"),
            ("560100", "Electronic City"),
            ("560078", "JP Nagar"),
            ("560003", "Malleshwaram"),
            ("560103", "Bellandur"),
            ("560043", "Kalyan Nagar"),
        ],
    ),
    "Mumbai": (
        "Maharashtra",
        [
            ("400053", "Andheri West"),
            ("400069", "Andheri East"),
            ("400050", "Bandra West"),
            ("400076", "Powai"),
            ("400028", "Dadar West"),
            ("400064", "Malad West"),
            ("400092", "Borivali West"),
            ("400080", "Mulund West"),
            ("400071", "Chembur"),
            ("400013", "Lower Parel"),
            ("400063", "Goregaon East"),
            ("400703", "Vashi"),
        ],
    ),
    "Delhi": (
        "Delhi",
        [
            ("110017", "Malviya Nagar"),
            ("110001", "Connaught Place"),
            ("110024", "Lajpat Nagar"),
            ("110019", "Kalkaji"),
            ("110085", "Rohini"),
            ("110092", "Laxmi Nagar"),
            ("110075", "Dwarka"),
            ("110027", "Rajouri Garden"),
            ("110048", "Greater Kailash"),
            ("110016", "Hauz Khas"),
            ("110034", "Pitampura"),
            ("110058", "Janakpuri"),
        ],
    ),
    "Hyderabad": (
        "Telangana",
        [
            ("500081", "Madhapur"),
            ("500032", "Gachibowli"),
            ("500034", "Banjara Hills"),
            ("500033", "Jubilee Hills"),
            ("500016", "Begumpet"),
            ("500072", "Kukatpally"),
            ("500084", "Kondapur"),
            ("500038", "Ameerpet"),
            ("500060", "Dilsukhnagar"),
            ("500003", "Secunderabad"),
        ],
    ),
    "Chennai": (
        "Tamil Nadu",
        [
            ("600017", "T. Nagar"),
            ("600020", "Adyar"),
            ("600040", "Anna Nagar"),
            ("600042", "Velachery"),
            ("600096", "Perungudi"),
            ("600004", "Mylapore"),
            ("600097", "Thoraipakkam"),
            ("600092", "Virugambakkam"),
            ("600119", "Sholinganallur"),
            ("600018", "Teynampet"),
        ],
    ),
    "Pune": (
        "Maharashtra",
        [
            ("411001", "Camp"),
            ("411004", "Deccan Gymkhana"),
            ("411038", "Kothrud"),
            ("411014", "Viman Nagar"),
            ("411057", "Hinjewadi"),
            ("411045", "Baner"),
            ("411028", "Hadapsar"),
            ("411006", "Yerwada"),
            ("411007", "Aundh"),
            ("411040", "Wanowrie"),
        ],
    ),
}

# Pincodes we do not serve, for demonstrating "pincode not serviceable" in addresses.
UNSERVED = [
    ("122002", "Gurugram", "Haryana", "DLF Phase 2"),
    ("201301", "Noida", "Uttar Pradesh", "Sector 18"),
    ("560064", "Bengaluru", "Karnataka", "Yelahanka"),
    ("401107", "Mira Bhayandar", "Maharashtra", "Mira Road East"),
]

# city: [(vendor name, phone)]; the first vendor covers even-indexed pincodes, the
# second odd-indexed ones, a third (where there is one) every pincode.
VENDORS: dict[str, list[tuple[str, str]]] = {
    "Bengaluru": [
        ("QuickPick Bengaluru", "+919845012301"),
        ("Namma ReCommerce", "+919845012302"),
        ("Silk Board Gadget Services", "+919845012303"),
    ],
    "Mumbai": [
        ("Mumbai Device Partners", "+919820045601"),
        ("Konkan Pickup Services", "+919820045602"),
        ("Western Line Recyclers", "+919820045603"),
    ],
    "Delhi": [
        ("Capital ReBuy", "+919810078901"),
        ("Yamuna Gadget Pickup", "+919810078902"),
    ],
    "Hyderabad": [
        ("Deccan Device Exchange", "+919849033401"),
        ("Cyberabad Pickups", "+919849033402"),
    ],
    "Chennai": [
        ("Marina ReCommerce", "+919840066701"),
        ("Coromandel Pickup Co.", "+919840066702"),
    ],
    "Pune": [
        ("Sahyadri Device Partners", "+919822011201"),
        ("Pune Pickup Express", "+919822011202"),
    ],
}

# (start, end, capacity in a big city); smaller cities get two thirds.
WINDOWS = [
    (dt.time(9), dt.time(12), 12),
    (dt.time(12), dt.time(15), 15),
    (dt.time(15), dt.time(18), 15),
    (dt.time(18), dt.time(21), 9),
]
BIG_CITIES = {"Bengaluru", "Mumbai", "Delhi"}
SLOT_DAYS = 8  # today and the next 7 IST days


def device_types_for(index: int, types: dict[str, DeviceType]) -> list[DeviceType]:
    """Most pincodes take everything; every fifth is phones only, every fifth phones and tablets,
    so the demo can show "device not serviceable" (M2)."""
    if index % 5 == 4:
        return [types["phone"]]
    if index % 5 == 3:
        return [types["phone"], types["tablet"]]
    return list(types.values())


def seed_areas(stats: dict) -> None:
    """Cities, served pincodes with their device types, vendors and their pincodes, and
    pickup slots for today + 7 IST days. A re-run adds missing days and leaves the
    capacity and bookings of existing slots alone."""
    types = {
        t.key: t for t in DeviceType.objects.filter(key__in=["phone", "laptop", "tablet", "mac"])
    }
    today = today_ist()
    for city_name, (state, pincodes) in CITIES.items():
        city, _ = City.objects.update_or_create(name=city_name, defaults={"state": state})
        served = []
        for index, (pincode, area) in enumerate(pincodes):
            row, _ = ServedPincode.objects.update_or_create(
                pincode=pincode, defaults={"city": city, "area": area, "active": True}
            )
            row.device_types.set(device_types_for(index, types))
            served.append(row)
        for v_index, (name, phone) in enumerate(VENDORS[city_name]):
            vendor, _ = Vendor.objects.update_or_create(
                name=name, defaults={"phone": phone, "city": city, "active": True}
            )
            if v_index < 2:
                vendor.pincodes.set(served[v_index::2])
            else:
                vendor.pincodes.set(served)
        scale = 1.0 if city_name in BIG_CITIES else 2 / 3
        for day in range(SLOT_DAYS):
            date = today + dt.timedelta(days=day)
            for start, end, capacity in WINDOWS:
                PickupSlot.objects.get_or_create(
                    city=city,
                    date=date,
                    window_start=start,
                    defaults={"window_end": end, "capacity": round(capacity * scale)},
                )
    stats["cities"] = City.objects.count()
    stats["served pincodes"] = ServedPincode.objects.count()
    stats["vendors"] = Vendor.objects.count()
    stats["future pickup slots"] = PickupSlot.objects.filter(date__gte=today).count()
