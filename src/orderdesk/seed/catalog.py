"""The demo catalog: device types, brands, current models with variants, and the
condition questionnaire of every device type (SPEC §2 Catalog, M2, M3).

Prices are believable *used-device buyback* prices in whole rupees for a
flawless unit (what a customer is offered, not the retail price), as Indian
buyback sites quoted them in 2024-25. They are demo data, not a price list.
"""

from __future__ import annotations

from typing import NamedTuple

from orderdesk.catalog.models import (
    Brand,
    ConditionOption,
    ConditionQuestion,
    DeviceModel,
    DeviceType,
    Variant,
)
from orderdesk.seed.catalog_hi import hindi

# key, name, floor price (the lowest estimate we ever quote for the type, rupees)
DEVICE_TYPES = [
    ("phone", "Phone", 300),
    ("laptop", "Laptop", 1500),
    ("tablet", "Tablet", 800),
    ("mac", "Mac", 3000),
]


class ModelSpec(NamedTuple):
    brand: str
    device_type: str
    name: str
    release_year: int
    high_end: bool
    variants: list[tuple[str, int]]  # (variant name, base price in rupees)


M = ModelSpec

# A data table, one model a line: easier to scan and edit than the formatter's layout.
# fmt: off
MODELS: list[ModelSpec] = [
    # --- Apple iPhones --------------------------------------------------------
    M("Apple", "phone", "iPhone 16 Pro Max", 2024, True, [("256 GB", 98000), ("512 GB", 108000), ("1 TB", 118000)]),
    M("Apple", "phone", "iPhone 16 Pro", 2024, True, [("128 GB", 82000), ("256 GB", 88000), ("512 GB", 97000)]),
    M("Apple", "phone", "iPhone 16 Plus", 2024, True, [("128 GB", 60000), ("256 GB", 66000)]),
    M("Apple", "phone", "iPhone 16", 2024, True, [("128 GB", 56000), ("256 GB", 62000)]),
    M("Apple", "phone", "iPhone 15 Pro Max", 2023, True, [("256 GB", 80000), ("512 GB", 88000), ("1 TB", 96000)]),
    M("Apple", "phone", "iPhone 15 Pro", 2023, True, [("128 GB", 66000), ("256 GB", 72000), ("512 GB", 80000)]),
    M("Apple", "phone", "iPhone 15 Plus", 2023, True, [("128 GB", 48000), ("256 GB", 53000)]),
    M("Apple", "phone", "iPhone 15", 2023, True, [("128 GB", 44000), ("256 GB", 49000), ("512 GB", 55000)]),
    M("Apple", "phone", "iPhone 14 Pro Max", 2022, True, [("128 GB", 56000), ("256 GB", 61000), ("512 GB", 66000)]),
    M("Apple", "phone", "iPhone 14 Pro", 2022, True, [("128 GB", 50000), ("256 GB", 55000)]),
    M("Apple", "phone", "iPhone 14", 2022, False, [("128 GB", 34000), ("256 GB", 38000)]),
    M("Apple", "phone", "iPhone 13 Pro", 2021, True, [("128 GB", 38000), ("256 GB", 42000)]),
    M("Apple", "phone", "iPhone 13", 2021, False, [("128 GB", 26000), ("256 GB", 30000)]),
    M("Apple", "phone", "iPhone SE (3rd generation)", 2022, False, [("64 GB", 12000), ("128 GB", 14000)]),
    # --- Samsung --------------------------------------------------------------
    M("Samsung", "phone", "Galaxy S25 Ultra", 2025, True, [("12 GB / 256 GB", 92000), ("12 GB / 512 GB", 100000)]),
    M("Samsung", "phone", "Galaxy S24 Ultra", 2024, True, [("12 GB / 256 GB", 70000), ("12 GB / 512 GB", 78000), ("12 GB / 1 TB", 86000)]),
    M("Samsung", "phone", "Galaxy S24", 2024, True, [("8 GB / 256 GB", 38000), ("8 GB / 512 GB", 42000)]),
    M("Samsung", "phone", "Galaxy S23 Ultra", 2023, True, [("12 GB / 256 GB", 52000), ("12 GB / 512 GB", 58000)]),
    M("Samsung", "phone", "Galaxy S23", 2023, True, [("8 GB / 128 GB", 30000), ("8 GB / 256 GB", 33000)]),
    M("Samsung", "phone", "Galaxy S23 FE", 2023, False, [("8 GB / 128 GB", 18000), ("8 GB / 256 GB", 20000)]),
    M("Samsung", "phone", "Galaxy Z Fold5", 2023, True, [("12 GB / 256 GB", 62000), ("12 GB / 512 GB", 68000)]),
    M("Samsung", "phone", "Galaxy Z Flip5", 2023, True, [("8 GB / 256 GB", 36000), ("8 GB / 512 GB", 40000)]),
    M("Samsung", "phone", "Galaxy A55 5G", 2024, False, [("8 GB / 128 GB", 17000), ("8 GB / 256 GB", 19500)]),
    M("Samsung", "phone", "Galaxy A35 5G", 2024, False, [("8 GB / 128 GB", 13500), ("8 GB / 256 GB", 15500)]),
    M("Samsung", "phone", "Galaxy M34 5G", 2023, False, [("6 GB / 128 GB", 6500), ("8 GB / 128 GB", 7500)]),
    # --- OnePlus --------------------------------------------------------------
    M("OnePlus", "phone", "OnePlus 13", 2025, True, [("12 GB / 256 GB", 48000), ("16 GB / 512 GB", 55000)]),
    M("OnePlus", "phone", "OnePlus 12", 2024, True, [("12 GB / 256 GB", 36000), ("16 GB / 512 GB", 42000)]),
    M("OnePlus", "phone", "OnePlus 12R", 2024, False, [("8 GB / 128 GB", 22000), ("16 GB / 256 GB", 26000)]),
    M("OnePlus", "phone", "OnePlus 11 5G", 2023, True, [("8 GB / 128 GB", 22000), ("16 GB / 256 GB", 26000)]),
    M("OnePlus", "phone", "Nord 4", 2024, False, [("8 GB / 128 GB", 16000), ("12 GB / 256 GB", 19000)]),
    M("OnePlus", "phone", "Nord CE 3 Lite 5G", 2023, False, [("8 GB / 128 GB", 8000), ("8 GB / 256 GB", 9500)]),
    # --- Xiaomi / Redmi -------------------------------------------------------
    M("Xiaomi", "phone", "Xiaomi 14", 2024, True, [("12 GB / 512 GB", 32000)]),
    M("Xiaomi", "phone", "Xiaomi 13 Pro", 2023, True, [("12 GB / 256 GB", 30000)]),
    M("Redmi", "phone", "Redmi Note 13 Pro+ 5G", 2024, False, [("8 GB / 256 GB", 14500), ("12 GB / 512 GB", 17000)]),
    M("Redmi", "phone", "Redmi Note 13 5G", 2024, False, [("6 GB / 128 GB", 7500), ("8 GB / 256 GB", 9000)]),
    M("Redmi", "phone", "Redmi Note 12 5G", 2023, False, [("4 GB / 128 GB", 5200), ("6 GB / 128 GB", 5800)]),
    M("Redmi", "phone", "Redmi 13C 5G", 2023, False, [("4 GB / 128 GB", 3500), ("6 GB / 128 GB", 4000)]),
    # --- Google Pixel ---------------------------------------------------------
    M("Google", "phone", "Pixel 9 Pro XL", 2024, True, [("16 GB / 256 GB", 68000)]),
    M("Google", "phone", "Pixel 9 Pro", 2024, True, [("16 GB / 256 GB", 62000)]),
    M("Google", "phone", "Pixel 9", 2024, False, [("12 GB / 256 GB", 45000)]),
    M("Google", "phone", "Pixel 8 Pro", 2023, True, [("12 GB / 128 GB", 42000), ("12 GB / 256 GB", 46000)]),
    M("Google", "phone", "Pixel 8", 2023, False, [("8 GB / 128 GB", 30000), ("8 GB / 256 GB", 33000)]),
    M("Google", "phone", "Pixel 8a", 2024, False, [("8 GB / 128 GB", 22000)]),
    M("Google", "phone", "Pixel 7a", 2023, False, [("8 GB / 128 GB", 16000)]),
    M("Google", "phone", "Pixel 7 Pro", 2022, True, [("12 GB / 128 GB", 30000)]),
    # --- Vivo -----------------------------------------------------------------
    M("Vivo", "phone", "X100 Pro", 2024, True, [("16 GB / 512 GB", 48000)]),
    M("Vivo", "phone", "V30 5G", 2024, False, [("8 GB / 128 GB", 16000), ("12 GB / 256 GB", 19000)]),
    M("Vivo", "phone", "T2 5G", 2023, False, [("6 GB / 128 GB", 7000), ("8 GB / 128 GB", 8000)]),
    M("Vivo", "phone", "Y28 5G", 2024, False, [("4 GB / 128 GB", 5500), ("6 GB / 128 GB", 6200)]),
    # --- Oppo -----------------------------------------------------------------
    M("Oppo", "phone", "Find N3 Flip", 2023, True, [("12 GB / 256 GB", 38000)]),
    M("Oppo", "phone", "Reno 11 Pro 5G", 2024, False, [("12 GB / 256 GB", 18000)]),
    M("Oppo", "phone", "F25 Pro 5G", 2024, False, [("8 GB / 128 GB", 11000), ("8 GB / 256 GB", 12500)]),
    M("Oppo", "phone", "A79 5G", 2023, False, [("8 GB / 128 GB", 7000)]),
    # --- Realme ---------------------------------------------------------------
    M("Realme", "phone", "GT 6", 2024, False, [("8 GB / 256 GB", 20000), ("12 GB / 256 GB", 22000)]),
    M("Realme", "phone", "12 Pro+ 5G", 2024, False, [("8 GB / 128 GB", 13500), ("12 GB / 256 GB", 16000)]),
    M("Realme", "phone", "Narzo 60 5G", 2023, False, [("8 GB / 128 GB", 7000), ("12 GB / 256 GB", 8200)]),
    M("Realme", "phone", "11x 5G", 2023, False, [("6 GB / 128 GB", 5500), ("8 GB / 128 GB", 6200)]),
    # --- Macs -----------------------------------------------------------------
    M("Apple", "mac", 'MacBook Air 13" M4', 2025, True, [("16 GB / 256 GB", 85000), ("16 GB / 512 GB", 98000)]),
    M("Apple", "mac", 'MacBook Air 13" M3', 2024, True, [("8 GB / 256 GB", 72000), ("16 GB / 512 GB", 88000)]),
    M("Apple", "mac", 'MacBook Air 15" M3', 2024, True, [("8 GB / 256 GB", 82000), ("16 GB / 512 GB", 98000)]),
    M("Apple", "mac", 'MacBook Air 13" M2', 2022, True, [("8 GB / 256 GB", 58000), ("8 GB / 512 GB", 66000), ("16 GB / 512 GB", 74000)]),
    M("Apple", "mac", 'MacBook Air 15" M2', 2023, True, [("8 GB / 256 GB", 68000), ("8 GB / 512 GB", 76000)]),
    M("Apple", "mac", 'MacBook Pro 13" M2', 2022, True, [("8 GB / 256 GB", 62000), ("8 GB / 512 GB", 70000)]),
    M("Apple", "mac", 'MacBook Pro 14" M3', 2023, True, [("8 GB / 512 GB", 100000), ("16 GB / 1 TB", 125000)]),
    M("Apple", "mac", 'MacBook Pro 14" M3 Pro', 2023, True, [("18 GB / 512 GB", 130000), ("18 GB / 1 TB", 145000)]),
    M("Apple", "mac", 'MacBook Pro 16" M3 Max', 2023, True, [("36 GB / 1 TB", 210000), ("48 GB / 1 TB", 235000)]),
    M("Apple", "mac", 'MacBook Pro 14" M1 Pro', 2021, True, [("16 GB / 512 GB", 85000), ("16 GB / 1 TB", 95000)]),
    M("Apple", "mac", 'MacBook Pro 16" M1 Pro', 2021, True, [("16 GB / 512 GB", 100000)]),
    M("Apple", "mac", "Mac mini M2", 2023, False, [("8 GB / 256 GB", 32000), ("16 GB / 512 GB", 45000)]),
    M("Apple", "mac", 'iMac 24" M3', 2023, False, [("8 GB / 256 GB", 72000), ("16 GB / 512 GB", 90000)]),
    # --- Windows laptops ------------------------------------------------------
    M("Dell", "laptop", "XPS 13 9340", 2024, True, [("Core Ultra 7 / 16 GB / 512 GB", 62000), ("Core Ultra 7 / 32 GB / 1 TB", 74000)]),
    M("Dell", "laptop", "XPS 15 9530", 2023, True, [("i7-13700H / 16 GB / 512 GB", 78000), ("i9-13900H / 32 GB / 1 TB", 95000)]),
    M("Dell", "laptop", "Latitude 5440", 2023, False, [("i5-1335U / 16 GB / 512 GB", 32000)]),
    M("Dell", "laptop", "Inspiron 15 3520", 2022, False, [("i3-1215U / 8 GB / 512 GB", 17000), ("i5-1235U / 8 GB / 512 GB", 21000), ("i5-1235U / 16 GB / 512 GB", 23500)]),
    M("Dell", "laptop", "Vostro 3420", 2022, False, [("i5-1235U / 8 GB / 512 GB", 18000)]),
    M("HP", "laptop", "Spectre x360 14", 2023, True, [("i7-1355U / 16 GB / 1 TB", 62000)]),
    M("HP", "laptop", "EliteBook 840 G9", 2022, False, [("i5-1245U / 16 GB / 512 GB", 35000)]),
    M("HP", "laptop", "Pavilion 15", 2022, False, [("Ryzen 5 5625U / 8 GB / 512 GB", 22000), ("i5-1235U / 16 GB / 512 GB", 25000)]),
    M("HP", "laptop", "Victus 15", 2023, False, [("i5-12450H / RTX 3050 / 8 GB / 512 GB", 33000), ("i5-12450H / RTX 3050 / 16 GB / 512 GB", 36000)]),
    M("HP", "laptop", "15s", 2022, False, [("i3-1215U / 8 GB / 512 GB", 14000), ("Ryzen 5 5500U / 8 GB / 512 GB", 16500)]),
    M("Lenovo", "laptop", "ThinkPad X1 Carbon Gen 11", 2023, True, [("i7-1365U / 16 GB / 512 GB", 72000), ("i7-1365U / 32 GB / 1 TB", 85000)]),
    M("Lenovo", "laptop", "ThinkPad E14 Gen 5", 2023, False, [("i5-1335U / 16 GB / 512 GB", 30000)]),
    M("Lenovo", "laptop", "IdeaPad Slim 3", 2023, False, [("i3-1315U / 8 GB / 512 GB", 16000), ("i5-12450H / 16 GB / 512 GB", 22000)]),
    M("Lenovo", "laptop", "Yoga Slim 7", 2023, False, [("Ryzen 7 7840S / 16 GB / 512 GB", 42000)]),
    M("Lenovo", "laptop", "Legion 5 Pro", 2022, True, [("Ryzen 7 6800H / RTX 3070 / 16 GB / 1 TB", 70000)]),
    M("ASUS", "laptop", "ROG Zephyrus G14", 2024, True, [("Ryzen 9 8945HS / RTX 4070 / 32 GB / 1 TB", 95000)]),
    M("ASUS", "laptop", "ROG Strix G16", 2023, True, [("i7-13650HX / RTX 4060 / 16 GB / 1 TB", 72000)]),
    M("ASUS", "laptop", "TUF Gaming F15", 2022, False, [("i5-11400H / RTX 3050 / 8 GB / 512 GB", 30000), ("i7-12700H / RTX 3060 / 16 GB / 512 GB", 42000)]),
    M("ASUS", "laptop", "Zenbook 14 OLED", 2023, False, [("i5-1340P / 16 GB / 512 GB", 38000), ("Core Ultra 7 / 16 GB / 1 TB", 50000)]),
    M("ASUS", "laptop", "Vivobook 15", 2022, False, [("i3-1215U / 8 GB / 512 GB", 15000), ("i5-1235U / 16 GB / 512 GB", 20000)]),
    # --- Tablets --------------------------------------------------------------
    M("Apple", "tablet", 'iPad Pro 11" (M4)', 2024, True, [("256 GB Wi-Fi", 70000), ("512 GB Wi-Fi", 78000), ("256 GB Wi-Fi + Cellular", 82000)]),
    M("Apple", "tablet", 'iPad Pro 12.9" (6th generation)', 2022, True, [("128 GB Wi-Fi", 56000), ("256 GB Wi-Fi", 62000)]),
    M("Apple", "tablet", 'iPad Air 11" (M2)', 2024, True, [("128 GB Wi-Fi", 42000), ("256 GB Wi-Fi", 48000)]),
    M("Apple", "tablet", "iPad Air (5th generation)", 2022, False, [("64 GB Wi-Fi", 28000), ("256 GB Wi-Fi", 34000), ("64 GB Wi-Fi + Cellular", 33000)]),
    M("Apple", "tablet", "iPad mini (6th generation)", 2021, False, [("64 GB Wi-Fi", 20000), ("256 GB Wi-Fi", 25000)]),
    M("Apple", "tablet", "iPad (10th generation)", 2022, False, [("64 GB Wi-Fi", 18000), ("256 GB Wi-Fi", 24000)]),
    M("Apple", "tablet", "iPad (9th generation)", 2021, False, [("64 GB Wi-Fi", 13000), ("256 GB Wi-Fi", 17000)]),
    M("Samsung", "tablet", "Galaxy Tab S9", 2023, True, [("8 GB / 128 GB Wi-Fi", 36000), ("12 GB / 256 GB Wi-Fi", 41000)]),
    M("Samsung", "tablet", "Galaxy Tab S9 FE", 2023, False, [("6 GB / 128 GB Wi-Fi", 18000)]),
    M("Samsung", "tablet", "Galaxy Tab A9+", 2023, False, [("4 GB / 64 GB Wi-Fi", 7500), ("8 GB / 128 GB 5G", 9500)]),
    M("Xiaomi", "tablet", "Xiaomi Pad 6", 2023, False, [("6 GB / 128 GB", 14000), ("8 GB / 256 GB", 16500)]),
    M("OnePlus", "tablet", "OnePlus Pad", 2023, False, [("8 GB / 128 GB", 17000), ("12 GB / 256 GB", 20000)]),
    M("Lenovo", "tablet", "Tab M10 (3rd Gen)", 2022, False, [("4 GB / 64 GB", 6000)]),
]
# fmt: on

# --- Condition questionnaires ---------------------------------------------------
# Per device type: (key, text, help_text, [(option key, label, percent, flat)]).
# Every question has a zero-adjustment option; for condition questions it is the
# first ("best") one. Accessories are a small bonus on top of a bare device, so
# their zero option is "nothing extra" and the extras add a flat amount.

Option = tuple[str, str, int, int]
Question = tuple[str, str, str, list[Option]]

BILL = (
    "bill",
    "Do you have the original purchase bill?",
    "The bill must show the same IMEI or serial number as the device.",
    [
        ("yes_in_warranty", "Yes, and the device is under brand warranty", 0, 0),
        ("yes_out_of_warranty", "Yes, but the warranty has ended", -3, 0),
        ("no_bill", "No bill", -8, 0),
    ],
)

QUESTIONNAIRES: dict[str, list[Question]] = {
    "phone": [
        (
            "powers_on",
            "Does the phone switch on and make calls?",
            "Try a call with the SIM in: both the microphone and the speaker must work.",
            [
                ("yes", "Yes, it switches on and calls work", 0, 0),
                ("no", "No, it does not switch on or cannot call", -70, 0),
            ],
        ),
        (
            "screen",
            "What is the screen like?",
            "Look at it switched on and switched off, in good light.",
            [
                ("flawless", "Flawless, no scratches", 0, 0),
                ("minor_scratches", "A few light scratches", -8, 0),
                ("heavy_scratches", "Heavy scratches", -18, 0),
                ("cracked", "Cracked glass, display works", -40, 0),
                ("display_faulty", "Lines, spots or dead pixels", -45, 0),
            ],
        ),
        (
            "body",
            "What is the body (back and frame) like?",
            "",
            [
                ("like_new", "Like new", 0, 0),
                ("minor_scratches", "Light scratches or scuffs", -5, 0),
                ("dented", "Dents on the frame", -12, -500),
                ("back_broken", "Back glass cracked or panel broken", -20, 0),
            ],
        ),
        (
            "battery",
            "What is the battery health?",
            "iPhone: Settings > Battery > Battery Health. Android: the battery section of Settings, or ask the customer how long a charge lasts.",
            [
                ("85_plus", "85% or more / lasts a full day", 0, 0),
                ("80_84", "80-84% / needs a charge in the evening", -5, 0),
                ("below_80", "Below 80% / 'Service' message", -12, 0),
            ],
        ),
        (
            "biometrics",
            "Do Face ID / the fingerprint sensor and the cameras work?",
            "",
            [
                ("all_work", "Everything works", 0, 0),
                ("biometrics_faulty", "Face ID or fingerprint does not work", -15, 0),
                ("camera_faulty", "A camera is faulty or its glass is broken", -15, 0),
            ],
        ),
        (
            "accessories",
            "Which original accessories come with it?",
            "Original accessories only; a third-party charger counts as none.",
            [
                ("none", "Nothing extra", 0, 0),
                ("charger", "Original charger", 0, 150),
                ("charger_and_box", "Original charger and box", 0, 300),
            ],
        ),
        BILL,
    ],
    "laptop": [
        (
            "powers_on",
            "Does the laptop switch on and boot to the desktop?",
            "",
            [("yes", "Yes", 0, 0), ("no", "No", -70, 0)],
        ),
        (
            "screen",
            "What is the screen like?",
            "",
            [
                ("flawless", "Flawless", 0, 0),
                ("minor_scratches", "Light scratches or pressure marks", -5, 0),
                ("spots_lines", "Spots, lines or dead pixels", -25, 0),
                ("cracked", "Cracked or not working", -40, 0),
            ],
        ),
        (
            "keyboard_trackpad",
            "Do the keyboard and the trackpad work?",
            "Press every key once; click and scroll on the trackpad.",
            [
                ("all_work", "Everything works", 0, 0),
                ("keys_faulty", "Some keys do not work", -10, 0),
                ("trackpad_faulty", "The trackpad does not work", -10, 0),
                ("both_faulty", "Keys and trackpad faulty", -20, 0),
            ],
        ),
        (
            "body",
            "What is the body like?",
            "Lid, base and hinges.",
            [
                ("like_new", "Like new", 0, 0),
                ("scuffs", "Scuffs and light scratches", -5, 0),
                ("dents_cracks", "Dents, cracks or a loose hinge", -15, 0),
            ],
        ),
        (
            "battery",
            "How is the battery?",
            "Windows: powercfg /batteryreport shows the cycle count.",
            [
                ("under_300", "Under 300 cycles / lasts 4+ hours", 0, 0),
                ("300_800", "300-800 cycles / 2-4 hours", -5, 0),
                ("over_800", "Over 800 cycles / under 2 hours", -12, 0),
                ("dead", "Works only on the charger", -18, 0),
            ],
        ),
        (
            "charger",
            "Does the original charger come with it?",
            "",
            [
                ("original", "Yes, the original charger", 0, 0),
                ("third_party", "A third-party charger", 0, -1000),
                ("none", "No charger", 0, -1500),
            ],
        ),
        BILL,
    ],
    "mac": [
        (
            "powers_on",
            "Does the Mac switch on and reach the login screen?",
            "",
            [("yes", "Yes", 0, 0), ("no", "No", -70, 0)],
        ),
        (
            "activation_lock",
            "Is Find My Mac (Activation Lock) turned off?",
            "The customer signs out of iCloud before the pickup; a locked Mac cannot be resold.",
            [("off", "Yes, it is off", 0, 0), ("on", "No, still signed in", -50, 0)],
        ),
        (
            "screen",
            "What is the screen like?",
            "Look for stains on the anti-reflective coating.",
            [
                ("flawless", "Flawless", 0, 0),
                ("coating_stains", "Coating stains or light scratches", -8, 0),
                ("spots_lines", "Spots, lines or dead pixels", -25, 0),
                ("cracked", "Cracked or not working", -40, 0),
            ],
        ),
        (
            "keyboard_trackpad",
            "Do the keyboard, Touch ID and the trackpad work?",
            "",
            [
                ("all_work", "Everything works", 0, 0),
                ("keys_faulty", "Some keys or Touch ID do not work", -10, 0),
                ("trackpad_faulty", "The trackpad does not click or track", -12, 0),
            ],
        ),
        (
            "body",
            "What is the body like?",
            "",
            [
                ("like_new", "Like new", 0, 0),
                ("scuffs", "Scuffs and light scratches", -4, 0),
                ("dents", "Dents on the corners or the lid", -12, 0),
            ],
        ),
        (
            "battery",
            "What is the battery cycle count?",
            "System Settings > General > About > System Report > Power.",
            [
                ("under_300", "Under 300", 0, 0),
                ("300_800", "300-800", -5, 0),
                ("over_800", "Over 800 or 'Service recommended'", -12, 0),
            ],
        ),
        (
            "charger",
            "Does the original charger come with it?",
            "",
            [
                ("original", "Yes, the original adapter and cable", 0, 0),
                ("none", "No charger", 0, -2500),
            ],
        ),
        BILL,
    ],
    "tablet": [
        (
            "powers_on",
            "Does the tablet switch on and respond to touch?",
            "",
            [("yes", "Yes", 0, 0), ("no", "No", -70, 0)],
        ),
        (
            "screen",
            "What is the screen like?",
            "",
            [
                ("flawless", "Flawless", 0, 0),
                ("minor_scratches", "A few light scratches", -8, 0),
                ("cracked", "Cracked glass, display works", -40, 0),
                ("display_faulty", "Lines, spots or touch not working", -45, 0),
            ],
        ),
        (
            "body",
            "What is the body like?",
            "",
            [
                ("like_new", "Like new", 0, 0),
                ("scuffs", "Scuffs and light scratches", -5, 0),
                ("bent_dented", "Bent or dented", -18, 0),
            ],
        ),
        (
            "battery",
            "How long does a charge last?",
            "",
            [
                ("full_day", "A full day of use", 0, 0),
                ("half_day", "Half a day", -6, 0),
                ("drains_fast", "A couple of hours or less", -12, 0),
            ],
        ),
        (
            "accessories",
            "Which original accessories come with it?",
            "",
            [
                ("none", "Nothing extra", 0, 0),
                ("charger", "Original charger", 0, 200),
                ("stylus", "Original stylus (Apple Pencil, S Pen…)", 0, 1500),
                ("keyboard", "Original keyboard cover", 0, 2500),
            ],
        ),
        BILL,
    ],
}


def seed_catalog(stats: dict) -> None:
    """Device types, brands, models, variants and questionnaires, keyed on natural keys.

    A re-run updates names, prices and flags in place (so editing this file and
    re-seeding moves prices) and never duplicates a row.
    """
    types = {}
    for key, name, floor in DEVICE_TYPES:
        types[key], _ = DeviceType.objects.update_or_create(
            key=key, defaults={"name": name, "floor_price": floor}
        )
    brands = {
        name: Brand.objects.get_or_create(name=name)[0]
        for name in sorted({spec.brand for spec in MODELS})
    }
    for spec in MODELS:
        model, _ = DeviceModel.objects.update_or_create(
            brand=brands[spec.brand],
            name=spec.name,
            defaults={
                "device_type": types[spec.device_type],
                "high_end": spec.high_end,
                "release_year": spec.release_year,
                "active": True,
            },
        )
        for variant_name, price in spec.variants:
            Variant.objects.update_or_create(
                model=model, name=variant_name, defaults={"base_price": price, "active": True}
            )
    for type_key, questions in QUESTIONNAIRES.items():
        for q_position, (q_key, text, help_text, options) in enumerate(questions, start=1):
            question, _ = ConditionQuestion.objects.update_or_create(
                device_type=types[type_key],
                key=q_key,
                defaults={
                    "text": text,
                    "help_text": help_text,
                    "text_hi": hindi(text),
                    "help_text_hi": hindi(help_text),
                    "position": q_position,
                },
            )
            for o_position, (o_key, label, percent, flat) in enumerate(options, start=1):
                ConditionOption.objects.update_or_create(
                    question=question,
                    key=o_key,
                    defaults={
                        "label": label,
                        "label_hi": hindi(label),
                        "adjustment_percent": percent,
                        "adjustment_flat": flat,
                        "position": o_position,
                    },
                )
    stats["device types"] = DeviceType.objects.count()
    stats["models"] = DeviceModel.objects.count()
    stats["variants"] = Variant.objects.count()
    stats["condition questions"] = ConditionQuestion.objects.count()
